"""The practices section of a workspace's public front page: the practices its office published."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceRecord
from citydip.core.i18n import _
from citydip.core.public import Section
from citydip.practices import repository as repo
from citydip.practices.models import Practice

ON_FRONT_PAGE = 10


def sections(db: Session, workspace: WorkspaceRecord) -> list[Section]:
    """The newest public practices, with a link to all of them (nothing when none is public)."""
    stmt = repo.published_practices(workspace.id)
    total = int(db.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    if not total:
        return []
    rows = db.scalars(stmt.order_by(Practice.updated_at.desc()).limit(ON_FRONT_PAGE)).all()
    return [
        Section(
            _("Practices we share"),
            "practices/_public_section.html",
            {"rows": rows, "total": total, "base": f"/public/{workspace.slug}/practices"},
        )
    ]
