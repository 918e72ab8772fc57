"""Helpers for the register's tests: build records through the real services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select

from citydip.core.context import WorkspaceContext
from citydip.core.database import Base
from citydip.workspaces.repository import workspace_by_slug


def ctx_for(s, slug: str = "la"):
    """An owner context for a workspace."""
    ws = workspace_by_slug(s, slug)
    assert ws is not None
    return WorkspaceContext.for_operator(ws)


def upload(browser, path: str, name: str, content: bytes, **params: Any):
    """POST a file to an API path with the browser's session and CSRF token."""
    return browser.client.post(
        path, params=params, files={"file": (name, content)}, headers={"X-CSRF-Token": browser.csrf}
    )


def row_counts(sys_session) -> dict[str, int]:
    """Rows per table (to prove a failed import changed nothing)."""
    with sys_session() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
            if t.name != "audit_entries"
        }


def uid(text: str) -> uuid.UUID:
    """A UUID from text."""
    return uuid.UUID(text)


def soon(days: int) -> str:
    """An ISO date some days from today."""
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()
