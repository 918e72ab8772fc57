"""Helpers for practice tests: workspaces with owners and practices made through the real service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.practices import service
from citydip.practices.models import Practice
from citydip.practices.schemas import PracticeIn
from citydip.workspaces.models import Workspace

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "practices"
SHARED = REPO.parent / "shared" / "data"
SHARED_CORPUS = SHARED / "practices" / "corpus.jsonl"
SHARED_URBACT = SHARED / "cities" / "practices" / "urbact_gourdon" / "GoodPracticesURBACT_Corpus.csv"


def add_practice(session: Session, ws: Workspace, title: str, **fields: Any) -> Practice:
    """Create a practice in a workspace with the service (as the command line would)."""
    data = PracticeIn.model_validate({"title": title, **fields})
    return service.create_practice(session, WorkspaceContext.for_operator(ws), data, source="test")
