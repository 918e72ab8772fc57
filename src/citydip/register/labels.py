"""Denormalised display labels: an agreement's parties and an engagement's partners as one text.

Lists of 200,000 engagements, exports and public pages show who was involved without joining three tables;
the services keep the labels current whenever links or partner names change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.register.agreements.models import Agreement, AgreementParty
from citydip.register.engagements.models import Engagement, EngagementPartner
from citydip.register.partners.models import Partner

LABEL_MAX = 500


def counterpart_country(partner: Partner) -> str | None:
    """The country a partner stands for: the represented country for consulates, else its own."""
    return partner.represented_country or partner.country_code


def partners_text(partners: Iterable[Partner]) -> str:
    """Names with countries, e.g. "Guangzhou (CN); Consulate General of China (CN)" (consulates: represented)."""
    parts = [f"{p.name} ({counterpart_country(p)})" if counterpart_country(p) else p.name for p in partners]
    text = "; ".join(parts)
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _partners_of(
    session: Session, workspace_id: int, link: type, key: str, record_id: uuid.UUID
) -> list[Partner]:
    column = getattr(link, key)
    return list(
        session.scalars(
            select(Partner)
            .join(link, (link.workspace_id == Partner.workspace_id) & (link.partner_id == Partner.id))  # type: ignore[attr-defined]
            .where(link.workspace_id == workspace_id, column == record_id)  # type: ignore[attr-defined]
            .order_by(link.position)  # type: ignore[attr-defined]
        ).all()
    )


def refresh_labels(
    session: Session,
    workspace_id: int,
    agreement_ids: Iterable[uuid.UUID],
    engagement_ids: Iterable[uuid.UUID],
) -> None:
    """Recompute the labels of these agreements and engagements."""
    for aid in set(agreement_ids):
        agreement = session.get(Agreement, (workspace_id, aid))
        if agreement is not None:
            agreement.parties_label = partners_text(
                _partners_of(session, workspace_id, AgreementParty, "agreement_id", aid)
            )
    for eid in set(engagement_ids):
        engagement = session.get(Engagement, (workspace_id, eid))
        if engagement is not None:
            engagement.partners_label = partners_text(
                _partners_of(session, workspace_id, EngagementPartner, "engagement_id", eid)
            )
    session.flush()


def affected_by_partner(
    session: Session, workspace_id: int, partner_id: uuid.UUID
) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """Agreements and engagements whose labels mention a partner."""
    agreements = session.scalars(
        select(AgreementParty.agreement_id).where(
            AgreementParty.workspace_id == workspace_id, AgreementParty.partner_id == partner_id
        )
    ).all()
    engagements = session.scalars(
        select(EngagementPartner.engagement_id).where(
            EngagementPartner.workspace_id == workspace_id, EngagementPartner.partner_id == partner_id
        )
    ).all()
    return list(agreements), list(engagements)


def refresh_labels_for_partner(session: Session, workspace_id: int, partner_id: uuid.UUID) -> None:
    """After a partner is renamed, relabel what it is linked to."""
    agreements, engagements = affected_by_partner(session, workspace_id, partner_id)
    refresh_labels(session, workspace_id, agreements, engagements)
