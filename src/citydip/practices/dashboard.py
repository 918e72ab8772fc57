"""Dashboard panel: the workspace's practice library at a glance, with a search box."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.dashboard import Panel
from citydip.core.i18n import _
from citydip.practices import repository as repo


def panels(db: Session, ctx: WorkspaceContext) -> list[Panel]:
    """One box: how many practices, the latest ones, and a search box."""
    count = repo.count_own(db, ctx.id)
    recent = repo.recent_own(db, ctx.id, 5)
    return [
        Panel(
            _("Practices"),
            "practices/panel.html",
            {"count": count, "recent": recent},
            order=60,
            empty=count == 0,
        )
    ]
