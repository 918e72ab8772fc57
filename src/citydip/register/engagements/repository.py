"""Every query on engagements, their links, participants and gifts; each starts from the workspace."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import Session

from citydip.core.listing import Filter, ListSpec
from citydip.core.textsearch import SearchIndex
from citydip.register.engagements.models import (
    Engagement,
    EngagementAgreement,
    EngagementChallenge,
    EngagementPartner,
    EngagementSdg,
    Gift,
    Participant,
)
from citydip.register.listing import WORKSPACE_PARAM, Unselective
from citydip.register.vocab import ENGAGEMENT_KINDS, ENGAGEMENT_STATUSES, VISIBILITIES


def _link(link: Any, column: str, _unused: Any = None, *, common: bool = False) -> Any:
    """A filter on one link table: ``id IN (SELECT engagement_id FROM link WHERE workspace = :ws AND col = v)``.

    The subquery is not correlated (the workspace comes as the bound parameter ``WORKSPACE_PARAM``, supplied
    by ``register.listing``), so SQLite runs it once on the link table's (workspace, value) index. A correlated
    subquery runs once per engagement, and a join walks engagements by date (both measured slow at 200,000).
    """

    def apply(stmt: Select[Any], v: Any) -> Select[Any]:
        condition = Engagement.id.in_(
            select(link.engagement_id).where(
                link.workspace_id == bindparam(WORKSPACE_PARAM, type_=Integer), getattr(link, column) == v
            )
        )
        return stmt.where(Unselective(condition) if common else condition)

    return apply


ENGAGEMENT_LIST = ListSpec(
    filters=[
        Filter("kind", "Type", Engagement.kind, choices=ENGAGEMENT_KINDS),
        Filter("status", "Status", Engagement.status, choices=ENGAGEMENT_STATUSES),
        Filter(
            "country",
            "Counterpart country (ISO code)",
            apply=lambda s, v: s.where(Engagement.country_code == v.upper()),
        ),
        Filter("sdg", "Linked SDG", type="int", apply=_link(EngagementSdg, "goal", None, common=True)),
        Filter(
            "challenge",
            "Challenge addressed (code)",
            apply=_link(EngagementChallenge, "challenge", None, common=True),
        ),
        Filter(
            "partner_id",
            "Partner involved",
            type="uuid",
            apply=_link(EngagementPartner, "partner_id", None),
        ),
        Filter(
            "agreement_id",
            "Related agreement",
            type="uuid",
            apply=_link(EngagementAgreement, "agreement_id", None),
        ),
        Filter("from", "Starts on or after", Engagement.starts_on, op="gte", type="date"),
        Filter("to", "Starts on or before", Engagement.starts_on, op="lte", type="date"),
        Filter("visibility", "Visibility", Engagement.visibility, choices=VISIBILITIES),
    ],
    sorts={
        "starts": Engagement.starts_on,
        "title": Engagement.title,
        "kind": Engagement.kind,
    },
    default_sort="-starts",
    search_columns=[Engagement.title, Engagement.partners_label, Engagement.place],
    search_index=SearchIndex.on(Engagement.title, Engagement.partners_label, Engagement.place),
)


def engagements_query(workspace_id: int) -> Select[Any]:
    """The base query of a workspace's engagements."""
    return select(Engagement).where(Engagement.workspace_id == workspace_id)


def engagement(session: Session, workspace_id: int, engagement_id: uuid.UUID) -> Engagement | None:
    """One engagement of the workspace."""
    found: Engagement | None = session.scalar(
        engagements_query(workspace_id).where(Engagement.id == engagement_id)
    )
    return found


def engagement_by_external_id(session: Session, workspace_id: int, external_id: str) -> Engagement | None:
    """An engagement by the office's own id."""
    found: Engagement | None = session.scalar(
        engagements_query(workspace_id).where(Engagement.external_id == external_id)
    )
    return found


def between(session: Session, workspace_id: int, first: dt.date, last: dt.date) -> Sequence[Engagement]:
    """Engagements that overlap the days first..last (calendar)."""
    return session.scalars(
        engagements_query(workspace_id)
        .where(
            Engagement.starts_on <= last,
            Engagement.starts_on >= first - dt.timedelta(days=62),
        )
        .order_by(Engagement.starts_on, Engagement.start_time, Engagement.title)
    ).all()


def upcoming(session: Session, workspace_id: int, today: dt.date, limit: int = 10) -> Sequence[Engagement]:
    """The next engagements from today."""
    return session.scalars(
        engagements_query(workspace_id)
        .where(Engagement.starts_on >= today, Engagement.status != "cancelled")
        .order_by(Engagement.starts_on)
        .limit(limit)
    ).all()


def of_partner(
    session: Session, workspace_id: int, partner_id: uuid.UUID, limit: int = 500
) -> Sequence[Engagement]:
    """Engagements a partner took part in, newest first.

    Two steps on purpose: the ids come from the link table's (workspace, partner) index first; one joined
    query lets SQLite walk all engagements by date instead (measured: ~1 s at 200,000 engagements).
    """
    ids = list(
        session.scalars(
            select(EngagementPartner.engagement_id).where(
                EngagementPartner.workspace_id == workspace_id, EngagementPartner.partner_id == partner_id
            )
        ).all()
    )
    found: list[Engagement] = []
    for start in range(0, len(ids), 500):
        found.extend(
            session.scalars(
                engagements_query(workspace_id).where(Engagement.id.in_(ids[start : start + 500]))
            ).all()
        )
    found.sort(key=lambda e: (e.starts_on, e.title), reverse=True)
    return found[:limit]


def of_agreement(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> Sequence[Engagement]:
    """Engagements related to an agreement, newest first."""
    return session.scalars(
        _link(EngagementAgreement, "agreement_id", None)(engagements_query(workspace_id), agreement_id)
        .order_by(Engagement.starts_on.desc())
        .params({WORKSPACE_PARAM: workspace_id})
        .limit(500)
    ).all()


def participants_of(session: Session, workspace_id: int, engagement_id: uuid.UUID) -> Sequence[Participant]:
    """Participants, our side first."""
    return session.scalars(
        select(Participant)
        .where(Participant.workspace_id == workspace_id, Participant.engagement_id == engagement_id)
        .order_by(Participant.side, Participant.position, Participant.name)
    ).all()


def participant(
    session: Session, workspace_id: int, engagement_id: uuid.UUID, participant_id: uuid.UUID
) -> Participant | None:
    """One participant of one engagement."""
    found: Participant | None = session.scalar(
        select(Participant).where(
            Participant.workspace_id == workspace_id,
            Participant.engagement_id == engagement_id,
            Participant.id == participant_id,
        )
    )
    return found


def gifts_of(session: Session, workspace_id: int, engagement_id: uuid.UUID) -> Sequence[Gift]:
    """The gift register of an engagement."""
    return session.scalars(
        select(Gift)
        .where(Gift.workspace_id == workspace_id, Gift.engagement_id == engagement_id)
        .order_by(Gift.direction, Gift.description)
    ).all()


def gift(session: Session, workspace_id: int, engagement_id: uuid.UUID, gift_id: uuid.UUID) -> Gift | None:
    """One gift of one engagement."""
    found: Gift | None = session.scalar(
        select(Gift).where(
            Gift.workspace_id == workspace_id, Gift.engagement_id == engagement_id, Gift.id == gift_id
        )
    )
    return found


def links_for(
    session: Session, workspace_id: int, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, list[Any]]]:
    """Partners, agreements, SDGs and challenges of many engagements at once."""
    out: dict[uuid.UUID, dict[str, list[Any]]] = {
        i: {"partner_ids": [], "agreement_ids": [], "sdgs": [], "challenges": []} for i in ids
    }
    queries = (
        ("partner_ids", EngagementPartner, EngagementPartner.partner_id, EngagementPartner.position),
        (
            "agreement_ids",
            EngagementAgreement,
            EngagementAgreement.agreement_id,
            EngagementAgreement.agreement_id,
        ),
        ("sdgs", EngagementSdg, EngagementSdg.goal, EngagementSdg.goal),
        ("challenges", EngagementChallenge, EngagementChallenge.challenge, EngagementChallenge.challenge),
    )
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for key, link, column, order in queries:
            rows = session.execute(
                select(link.engagement_id, column)
                .where(link.workspace_id == workspace_id, link.engagement_id.in_(chunk))
                .order_by(order)
            ).all()
            for eid, value in rows:
                out[eid][key].append(value)
    return out
