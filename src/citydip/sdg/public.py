"""The SDG section of a workspace's public front page: a link to its public SDG data site."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citydip.core.i18n import _
from citydip.core.public import Section
from citydip.sdg.indicators.models import CityIndicator
from citydip.workspaces.models import Workspace


def sections(db: Session, workspace: Workspace) -> list[Section]:
    """A link to the SDG site when the workspace publishes any indicator (the caller's scope decides)."""
    count = db.scalar(select(func.count(CityIndicator.id)).where(CityIndicator.workspace_id == workspace.id))
    if not count:
        return []
    return [
        Section(
            _("Sustainable Development Goals"),
            "sdg/_public_section.html",
            {"count": int(count), "url": f"/public/{workspace.slug}/sdg/"},
        )
    ]
