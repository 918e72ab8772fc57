"""The progress section of a workspace's public front page (only public indicators are read)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citydip.core.i18n import _
from citydip.core.public import Section
from citydip.sdgprogress.badges import Badge, summarise
from citydip.sdgprogress.service import workspace_progress
from citydip.workspaces.models import Workspace


def sections(db: Session, workspace: Workspace) -> list[Section]:
    """A progress summary when any public indicator has a progress status."""
    results = workspace_progress(db, workspace.id)
    if not results:
        return []
    summary = summarise(0, {r.code: Badge(r.status, r.label, r.score, r.source) for r in results})
    return [
        Section(_("Progress towards 2030 targets"), "sdgprogress/_public_section.html", {"summary": summary})
    ]
