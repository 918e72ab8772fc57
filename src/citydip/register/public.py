"""The register's sections of a workspace's public front page: the agreements, engagements and partners its
office published (visibility "public"), and what the published engagements brought home."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceRecord
from citydip.core.i18n import _
from citydip.core.public import Section
from citydip.register.agreements.models import Agreement
from citydip.register.engagements.models import Engagement
from citydip.register.partners.models import Partner
from citydip.register.vocab import AGREEMENT_KINDS, ENGAGEMENT_KINDS, PARTNER_KINDS

PUBLIC = "public"
R = TypeVar("R", Agreement, Engagement, Partner)
SHOWN = 200


def outcome_totals(engagements: Sequence[Engagement]) -> dict[str, Any]:
    """Sums of the structured outcomes (investment per currency; counts); only what was recorded."""
    counts = {"jobs": 0, "export_deals": 0, "students": 0, "agreements_signed": 0}
    recorded = dict.fromkeys(counts, False)
    investment: dict[str, float] = defaultdict(float)
    for e in engagements:
        for name in counts:
            value = getattr(e, name)
            if value is not None:
                counts[name] += int(value)
                recorded[name] = True
        if e.investment_amount is not None:
            investment[e.investment_currency or ""] += float(e.investment_amount)
    return {"counts": {k: v for k, v in counts.items() if recorded[k]}, "investment": dict(investment)}


def _published(db: Session, model: type[R], workspace: WorkspaceRecord, *order: Any) -> Sequence[R]:
    """The workspace's public rows of one record type, in this order (at most ``SHOWN``)."""
    stmt = select(model).where(model.workspace_id == workspace.id, model.visibility == PUBLIC)
    return db.scalars(stmt.order_by(*order).limit(SHOWN)).all()


def sections(db: Session, workspace: WorkspaceRecord) -> list[Section]:
    """Public agreements, engagements and partners, newest first (only rows marked public are read)."""
    out = []
    agreements = _published(db, Agreement, workspace, Agreement.signed_on.desc(), Agreement.title)
    if agreements:
        out.append(
            Section(
                _("Sister cities and agreements"),
                "register/public_agreements.html",
                {"rows": agreements, "kinds": dict(AGREEMENT_KINDS)},
            )
        )
    engagements = _published(db, Engagement, workspace, Engagement.starts_on.desc(), Engagement.title)
    if engagements:
        out.append(
            Section(
                _("Delegations, missions and meetings"),
                "register/public_engagements.html",
                {"rows": engagements, "kinds": dict(ENGAGEMENT_KINDS), "totals": outcome_totals(engagements)},
            )
        )
    partners = _published(db, Partner, workspace, Partner.kind, Partner.name)
    if partners:
        out.append(
            Section(
                _("Partners"),
                "register/public_partners.html",
                {"rows": partners, "kinds": dict(PARTNER_KINDS)},
            )
        )
    return out
