"""The workspace's public front page: its published agreements (visibility "public")."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.i18n import _
from citydip.core.public import Section
from citydip.register.agreements.models import Agreement
from citydip.register.vocab import AGREEMENT_KINDS
from citydip.workspaces.models import Workspace


def sections(db: Session, workspace: Workspace) -> list[Section]:
    """Public agreements, newest first (only rows marked public are ever visible here)."""
    rows = db.scalars(
        select(Agreement)
        .where(Agreement.workspace_id == workspace.id, Agreement.visibility == "public")
        .order_by(Agreement.signed_on.desc(), Agreement.title)
        .limit(200)
    ).all()
    if not rows:
        return []
    return [
        Section(
            _("Sister cities and agreements"),
            "register/public_agreements.html",
            {"rows": rows, "kinds": dict(AGREEMENT_KINDS)},
        )
    ]
