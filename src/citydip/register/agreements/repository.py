"""Every query on agreements, their links and documents; each starts from the current workspace."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, cast, select
from sqlalchemy.orm import Session

from citydip.core.listing import Filter, ListSpec
from citydip.core.textsearch import SearchIndex
from citydip.register.agreements.models import (
    Agreement,
    AgreementChallenge,
    AgreementDocument,
    AgreementParty,
    AgreementSdg,
)
from citydip.register.listing import WORKSPACE_PARAM
from citydip.register.partners.models import Partner
from citydip.register.vocab import AGREEMENT_KINDS, AGREEMENT_STATUSES, COOPERATION_FIELDS, VISIBILITIES


def _sdg(stmt: Select[Any], goal: int) -> Select[Any]:
    return stmt.where(
        Agreement.id.in_(
            select(AgreementSdg.agreement_id).where(
                AgreementSdg.workspace_id == bindparam(WORKSPACE_PARAM, type_=Integer),
                AgreementSdg.goal == goal,
            )
        )
    )


def _challenge(stmt: Select[Any], code: str) -> Select[Any]:
    return stmt.where(
        Agreement.id.in_(
            select(AgreementChallenge.agreement_id).where(
                AgreementChallenge.workspace_id == bindparam(WORKSPACE_PARAM, type_=Integer),
                AgreementChallenge.challenge == code,
            )
        )
    )


def _partner(stmt: Select[Any], partner_id: uuid.UUID) -> Select[Any]:
    return stmt.where(
        Agreement.id.in_(
            select(AgreementParty.agreement_id).where(
                AgreementParty.workspace_id == bindparam(WORKSPACE_PARAM, type_=Integer),
                AgreementParty.partner_id == partner_id,
            )
        )
    )


def _field(stmt: Select[Any], code: str) -> Select[Any]:
    return stmt.where(cast(Agreement.fields, String).contains(f'"{code}"'))


def _country(stmt: Select[Any], value: str) -> Select[Any]:
    return stmt.where(Agreement.country_code == value.upper())


AGREEMENT_LIST = ListSpec(
    filters=[
        Filter("kind", "Type", Agreement.kind, choices=AGREEMENT_KINDS),
        Filter("status", "Status", Agreement.status, choices=AGREEMENT_STATUSES),
        Filter("country", "Counterpart country (ISO code)", apply=_country),
        Filter("sdg", "Linked SDG", type="int", apply=_sdg),
        Filter("challenge", "Challenge addressed (code)", apply=_challenge),
        Filter("field", "Field of cooperation", choices=COOPERATION_FIELDS, apply=_field),
        Filter("partner_id", "Party (partner id)", type="uuid", apply=_partner),
        Filter("from", "Signed on or after", Agreement.signed_on, op="gte", type="date"),
        Filter("to", "Signed on or before", Agreement.signed_on, op="lte", type="date"),
        Filter(
            "renews_before",
            "Renewal or end on or before",
            type="date",
            apply=lambda s, v: s.where(Agreement.renews_on <= v),
        ),
        Filter("visibility", "Visibility", Agreement.visibility, choices=VISIBILITIES),
    ],
    sorts={
        "signed": Agreement.signed_on,
        "title": Agreement.title,
        "status": Agreement.status,
        "renews": Agreement.renews_on,
        "created": Agreement.created_at,
    },
    default_sort="-signed",
    search_columns=[Agreement.title, Agreement.parties_label, Agreement.description],
    search_index=SearchIndex.on(Agreement.title, Agreement.parties_label, Agreement.description),
)


def agreements_query(workspace_id: int) -> Select[Any]:
    """The base query of a workspace's agreements."""
    return select(Agreement).where(Agreement.workspace_id == workspace_id)


def agreement(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> Agreement | None:
    """One agreement of the workspace."""
    found: Agreement | None = session.scalar(
        agreements_query(workspace_id).where(Agreement.id == agreement_id)
    )
    return found


def agreements_by_ids(session: Session, workspace_id: int, ids: Sequence[uuid.UUID]) -> list[Agreement]:
    """Agreements with these ids, in the order given."""
    if not ids:
        return []
    found = {
        a.id: a for a in session.scalars(agreements_query(workspace_id).where(Agreement.id.in_(list(ids))))
    }
    return [found[i] for i in ids if i in found]


def agreement_by_external_id(session: Session, workspace_id: int, external_id: str) -> Agreement | None:
    """An agreement by the office's own id."""
    found: Agreement | None = session.scalar(
        agreements_query(workspace_id).where(Agreement.external_id == external_id)
    )
    return found


def agreements_titled(session: Session, workspace_id: int, title: str) -> Sequence[Agreement]:
    """Agreements with exactly this title."""
    return session.scalars(agreements_query(workspace_id).where(Agreement.title == title).limit(2)).all()


def party_ids(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> list[uuid.UUID]:
    """The parties of an agreement, in order."""
    return list(
        session.scalars(
            select(AgreementParty.partner_id)
            .where(AgreementParty.workspace_id == workspace_id, AgreementParty.agreement_id == agreement_id)
            .order_by(AgreementParty.position)
        ).all()
    )


def parties(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> Sequence[Partner]:
    """The partner records of an agreement's parties."""
    return session.scalars(
        select(Partner)
        .join(
            AgreementParty,
            (AgreementParty.workspace_id == Partner.workspace_id) & (AgreementParty.partner_id == Partner.id),
        )
        .where(AgreementParty.workspace_id == workspace_id, AgreementParty.agreement_id == agreement_id)
        .order_by(AgreementParty.position)
    ).all()


def sdgs_of(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> list[int]:
    """Linked SDG numbers."""
    return list(
        session.scalars(
            select(AgreementSdg.goal)
            .where(AgreementSdg.workspace_id == workspace_id, AgreementSdg.agreement_id == agreement_id)
            .order_by(AgreementSdg.goal)
        ).all()
    )


def challenges_of(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> list[str]:
    """Linked challenge codes."""
    return list(
        session.scalars(
            select(AgreementChallenge.challenge)
            .where(
                AgreementChallenge.workspace_id == workspace_id,
                AgreementChallenge.agreement_id == agreement_id,
            )
            .order_by(AgreementChallenge.challenge)
        ).all()
    )


def links_for(
    session: Session, workspace_id: int, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[list[uuid.UUID], list[int], list[str]]]:
    """Parties, SDGs and challenges of many agreements at once (API pages, exports)."""
    out: dict[uuid.UUID, tuple[list[uuid.UUID], list[int], list[str]]] = {i: ([], [], []) for i in ids}
    if not ids:
        return out
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids[chunk_start : chunk_start + 500])
        for aid, pid in session.execute(
            select(AgreementParty.agreement_id, AgreementParty.partner_id)
            .where(AgreementParty.workspace_id == workspace_id, AgreementParty.agreement_id.in_(chunk))
            .order_by(AgreementParty.position)
        ).all():
            out[aid][0].append(pid)
        for aid, goal in session.execute(
            select(AgreementSdg.agreement_id, AgreementSdg.goal)
            .where(AgreementSdg.workspace_id == workspace_id, AgreementSdg.agreement_id.in_(chunk))
            .order_by(AgreementSdg.goal)
        ).all():
            out[aid][1].append(goal)
        for aid, code in session.execute(
            select(AgreementChallenge.agreement_id, AgreementChallenge.challenge)
            .where(
                AgreementChallenge.workspace_id == workspace_id, AgreementChallenge.agreement_id.in_(chunk)
            )
            .order_by(AgreementChallenge.challenge)
        ).all():
            out[aid][2].append(code)
    return out


def agreements_of_partner(session: Session, workspace_id: int, partner_id: uuid.UUID) -> Sequence[Agreement]:
    """Agreements a partner is party to (ids from the link table's index first, as for engagements)."""
    ids = list(
        session.scalars(
            select(AgreementParty.agreement_id).where(
                AgreementParty.workspace_id == workspace_id, AgreementParty.partner_id == partner_id
            )
        ).all()
    )
    found = (
        list(session.scalars(agreements_query(workspace_id).where(Agreement.id.in_(ids))).all())
        if ids
        else []
    )
    found.sort(key=lambda a: (a.signed_on or dt.date.min, a.title), reverse=True)
    return found


def renewals_due(session: Session, workspace_id: int, today: dt.date, days: int = 120) -> Sequence[Agreement]:
    """Live agreements whose renewal or end date falls in the next ``days`` days (or is past)."""
    horizon = today + dt.timedelta(days=days)
    return session.scalars(
        agreements_query(workspace_id)
        .where(
            Agreement.status.in_(("active", "dormant", "proposed")),
            ((Agreement.renews_on.is_not(None)) & (Agreement.renews_on <= horizon))
            | ((Agreement.ends_on.is_not(None)) & (Agreement.ends_on <= horizon)),
        )
        .order_by(Agreement.renews_on)
        .limit(20)
    ).all()


def documents_of(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> Sequence[AgreementDocument]:
    """Documents attached to an agreement."""
    return session.scalars(
        select(AgreementDocument)
        .where(AgreementDocument.workspace_id == workspace_id, AgreementDocument.agreement_id == agreement_id)
        .order_by(AgreementDocument.uploaded_at)
    ).all()


def document(
    session: Session, workspace_id: int, agreement_id: uuid.UUID, document_id: uuid.UUID
) -> AgreementDocument | None:
    """One document of one agreement."""
    found: AgreementDocument | None = session.scalar(
        select(AgreementDocument).where(
            AgreementDocument.workspace_id == workspace_id,
            AgreementDocument.agreement_id == agreement_id,
            AgreementDocument.id == document_id,
        )
    )
    return found


def agreement_choices(session: Session, workspace_id: int, limit: int = 2000) -> list[tuple[str, str]]:
    """(id, title) for select boxes."""
    rows = session.execute(
        select(Agreement.id, Agreement.title)
        .where(Agreement.workspace_id == workspace_id)
        .order_by(Agreement.title)
        .limit(limit)
    ).all()
    return [(str(i), t) for i, t in rows]
