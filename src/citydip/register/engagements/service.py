"""Engagements: create, update, delete; links, participants, gifts and the protocol checklist."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import Conflict, FieldProblem, ValidationFailed
from citydip.core.text import fold
from citydip.register.agreements import repository as agreements_repo
from citydip.register.common import (
    check_challenges,
    check_choice,
    check_goals,
    check_order,
    country_or_problem,
)
from citydip.register.engagements import repository as repo
from citydip.register.engagements.models import (
    Engagement,
    EngagementAgreement,
    EngagementChallenge,
    EngagementPartner,
    EngagementSdg,
    Gift,
    Participant,
)
from citydip.register.engagements.schemas import (
    EngagementIn,
    EngagementOut,
    EngagementPatch,
    GiftIn,
    GiftOut,
    ParticipantIn,
    ParticipantOut,
)
from citydip.register.labels import counterpart_country, partners_text
from citydip.register.partners import repository as partners_repo
from citydip.register.vocab import ENGAGEMENT_KINDS, ENGAGEMENT_STATUSES

SCALARS = (
    "kind",
    "title",
    "status",
    "starts_on",
    "ends_on",
    "start_time",
    "end_time",
    "place",
    "purpose",
    "notes",
    "outcome_text",
    "investment_amount",
    "investment_currency",
    "jobs",
    "export_deals",
    "students",
    "agreements_signed",
    "visibility",
)
NULLABLE = {
    "ends_on",
    "start_time",
    "end_time",
    "investment_amount",
    "jobs",
    "export_deals",
    "students",
    "agreements_signed",
}


def _apply(session: Session, ctx: WorkspaceContext, engagement: Engagement, values: dict[str, Any]) -> None:
    for key in SCALARS:
        if key in values and (values[key] is not None or key in NULLABLE):
            setattr(engagement, key, values[key])
    if engagement.starts_on is None:
        raise ValidationFailed("A start date is needed.", [FieldProblem("starts_on", "is required")])
    check_choice(engagement.kind, ENGAGEMENT_KINDS, "kind")
    check_choice(engagement.status, ENGAGEMENT_STATUSES, "status")
    check_order(engagement.starts_on, engagement.ends_on, "ends_on")
    if (
        engagement.start_time is not None
        and engagement.end_time is not None
        and (engagement.ends_on is None or engagement.ends_on == engagement.starts_on)
        and engagement.end_time < engagement.start_time
    ):
        raise ValidationFailed(
            "The times are in the wrong order.", [FieldProblem("end_time", "is before the start time")]
        )
    if engagement.investment_currency:
        engagement.investment_currency = engagement.investment_currency.upper()[:3]
    engagement.title_key = fold(engagement.title)
    if values.get("protocol") is not None:
        engagement.protocol = {k: dict(v) for k, v in values["protocol"].items()}
    if "external_id" in values:
        engagement.external_id = values["external_id"] or None
        if engagement.external_id:
            other = repo.engagement_by_external_id(session, ctx.id, engagement.external_id)
            if other is not None and other is not engagement:
                raise Conflict(
                    "Another engagement has this external id.",
                    [FieldProblem("external_id", f"'{engagement.external_id}' is used by {other.title}")],
                )
    if values.get("country"):
        engagement.country_code = country_or_problem(session, values["country"], "country")


def _replace(session: Session, model: Any, ws: int, engagement_id: uuid.UUID) -> None:
    session.execute(delete(model).where(model.workspace_id == ws, model.engagement_id == engagement_id))


def _set_links(
    session: Session, ctx: WorkspaceContext, engagement: Engagement, values: dict[str, Any]
) -> None:
    ws, eid = ctx.id, engagement.id
    if values.get("partner_ids") is not None:
        ids = list(dict.fromkeys(values["partner_ids"]))
        found = partners_repo.partners_by_ids(session, ws, ids)
        if len(found) != len(ids):
            raise ValidationFailed(
                "Unknown partner.", [FieldProblem("partner_ids", "a partner is not recorded here")]
            )
        _replace(session, EngagementPartner, ws, eid)
        session.add_all(
            EngagementPartner(workspace_id=ws, engagement_id=eid, partner_id=p.id, position=i)
            for i, p in enumerate(found)
        )
        engagement.partners_label = partners_text(found)
        if not values.get("country"):
            engagement.country_code = next((c for c in map(counterpart_country, found) if c), None)
    if values.get("agreement_ids") is not None:
        ids = list(dict.fromkeys(values["agreement_ids"]))
        if len(agreements_repo.agreements_by_ids(session, ws, ids)) != len(ids):
            raise ValidationFailed(
                "Unknown agreement.", [FieldProblem("agreement_ids", "an agreement is not recorded here")]
            )
        _replace(session, EngagementAgreement, ws, eid)
        session.add_all(EngagementAgreement(workspace_id=ws, engagement_id=eid, agreement_id=a) for a in ids)
    if values.get("sdgs") is not None:
        goals = check_goals(session, values["sdgs"])
        _replace(session, EngagementSdg, ws, eid)
        session.add_all(EngagementSdg(workspace_id=ws, engagement_id=eid, goal=g) for g in goals)
    if values.get("challenges") is not None:
        found_codes = check_challenges(session, values["challenges"])
        _replace(session, EngagementChallenge, ws, eid)
        session.add_all(
            EngagementChallenge(workspace_id=ws, engagement_id=eid, challenge=c) for c in found_codes
        )
    if values.get("participants") is not None:
        _replace(session, Participant, ws, eid)
        for index, item in enumerate(values["participants"]):
            _new_participant(session, ctx, engagement, ParticipantIn.model_validate(item), index)
    if values.get("gifts") is not None:
        _replace(session, Gift, ws, eid)
        for item in values["gifts"]:
            session.add(Gift(workspace_id=ws, engagement_id=eid, **GiftIn.model_validate(item).model_dump()))


def create_engagement(session: Session, ctx: WorkspaceContext, data: EngagementIn) -> Engagement:
    """Record an engagement with its links, participants and gifts."""
    ctx.require_edit()
    values = data.model_dump()
    engagement = Engagement(workspace_id=ctx.id, kind=data.kind, title=data.title, starts_on=data.starts_on)
    with session.no_autoflush:
        _apply(session, ctx, engagement, values)
        session.add(engagement)
        session.flush()
        _set_links(session, ctx, engagement, values)
    session.flush()
    return engagement


def update_engagement(
    session: Session, ctx: WorkspaceContext, engagement: Engagement, data: EngagementPatch
) -> Engagement:
    """Change the fields sent; lists sent replace the old ones."""
    ctx.require_edit()
    values = data.model_dump(exclude_unset=True)
    with session.no_autoflush:
        _apply(session, ctx, engagement, values)
        _set_links(session, ctx, engagement, values)
    session.flush()
    return engagement


def delete_engagement(session: Session, ctx: WorkspaceContext, engagement: Engagement) -> None:
    """Delete an engagement with its participants, gifts and follow-ups."""
    ctx.require_edit()
    session.delete(engagement)
    session.flush()


def _new_participant(
    session: Session, ctx: WorkspaceContext, engagement: Engagement, data: ParticipantIn, position: int
) -> Participant:
    if data.person_id is not None and partners_repo.person(session, ctx.id, data.person_id) is None:
        raise ValidationFailed("Unknown person.", [FieldProblem("person_id", "no such person here")])
    row = Participant(
        workspace_id=ctx.id, engagement_id=engagement.id, position=position, **data.model_dump()
    )
    session.add(row)
    return row


def add_participant(
    session: Session, ctx: WorkspaceContext, engagement: Engagement, data: ParticipantIn
) -> Participant:
    """Add one participant."""
    ctx.require_edit()
    count = len(repo.participants_of(session, ctx.id, engagement.id))
    row = _new_participant(session, ctx, engagement, data, count)
    session.flush()
    return row


def remove_participant(session: Session, ctx: WorkspaceContext, row: Participant) -> None:
    """Remove one participant."""
    ctx.require_edit()
    session.delete(row)
    session.flush()


def add_gift(session: Session, ctx: WorkspaceContext, engagement: Engagement, data: GiftIn) -> Gift:
    """Add an entry to the gift register."""
    ctx.require_edit()
    row = Gift(workspace_id=ctx.id, engagement_id=engagement.id, **data.model_dump())
    session.add(row)
    session.flush()
    return row


def remove_gift(session: Session, ctx: WorkspaceContext, row: Gift) -> None:
    """Remove an entry from the gift register."""
    ctx.require_edit()
    session.delete(row)
    session.flush()


def engagement_out(
    session: Session, ctx: WorkspaceContext, engagement: Engagement, full: bool = True
) -> EngagementOut:
    """The API view of one engagement."""
    links = repo.links_for(session, ctx.id, [engagement.id])[engagement.id]
    return to_out(session, ctx, engagement, links, full)


def to_out(
    session: Session, ctx: WorkspaceContext, e: Engagement, links: dict[str, list[Any]], full: bool
) -> EngagementOut:
    """Build the API view from an engagement and its preloaded links."""
    participants = (
        [ParticipantOut.model_validate(p) for p in repo.participants_of(session, ctx.id, e.id)]
        if full
        else []
    )
    gifts = [GiftOut.model_validate(g) for g in repo.gifts_of(session, ctx.id, e.id)] if full else []
    return EngagementOut(
        id=e.id,
        kind=e.kind,
        title=e.title,
        status=e.status,
        starts_on=e.starts_on,
        ends_on=e.ends_on,
        start_time=e.start_time,
        end_time=e.end_time,
        place=e.place,
        country_code=e.country_code,
        purpose=e.purpose,
        notes=e.notes,
        outcome_text=e.outcome_text,
        investment_amount=e.investment_amount,
        investment_currency=e.investment_currency,
        jobs=e.jobs,
        export_deals=e.export_deals,
        students=e.students,
        agreements_signed=e.agreements_signed,
        partners=e.partners_label,
        protocol=e.protocol or {},
        participants=participants,
        gifts=gifts,
        external_id=e.external_id,
        visibility=e.visibility,
        created_at=e.created_at,
        updated_at=e.updated_at,
        **links,
    )
