"""Every query on follow-ups; each starts from the current workspace."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from citydip.core.listing import Filter, ListSpec
from citydip.core.textsearch import SearchIndex
from citydip.register.followups.models import FollowUp
from citydip.register.vocab import FOLLOWUP_STATUSES, OPEN_FOLLOWUP_STATUSES


def _open(stmt: Select[Any], value: bool) -> Select[Any]:
    clause = FollowUp.status.in_(OPEN_FOLLOWUP_STATUSES)
    return stmt.where(clause if value else ~clause)


def _overdue(stmt: Select[Any], value: bool) -> Select[Any]:
    today = dt.date.today()
    if value:
        return stmt.where(FollowUp.status.in_(OPEN_FOLLOWUP_STATUSES), FollowUp.due_on < today)
    return stmt.where(~(FollowUp.status.in_(OPEN_FOLLOWUP_STATUSES) & (FollowUp.due_on < today)))


FOLLOWUP_LIST = ListSpec(
    filters=[
        Filter("status", "Status", FollowUp.status, choices=FOLLOWUP_STATUSES),
        Filter("open", "Open (open or in progress)", type="bool", apply=_open),
        Filter("overdue", "Overdue", type="bool", apply=_overdue),
        Filter("owner_id", "Owner (user id)", FollowUp.owner_id, type="int"),
        Filter("engagement_id", "Engagement", FollowUp.engagement_id, type="uuid"),
        Filter("agreement_id", "Agreement", FollowUp.agreement_id, type="uuid"),
        Filter("partner_id", "Partner", FollowUp.partner_id, type="uuid"),
        Filter("from", "Due on or after", FollowUp.due_on, op="gte", type="date"),
        Filter("to", "Due on or before", FollowUp.due_on, op="lte", type="date"),
    ],
    sorts={
        "due": FollowUp.due_on,
        "task": FollowUp.task,
        "status": FollowUp.status,
    },
    default_sort="due",
    search_columns=[FollowUp.task, FollowUp.notes],
    search_index=SearchIndex.on(FollowUp.task, FollowUp.notes),
)


def followups_query(workspace_id: int) -> Select[Any]:
    """The base query of a workspace's follow-ups."""
    return select(FollowUp).where(FollowUp.workspace_id == workspace_id)


def followup(session: Session, workspace_id: int, followup_id: uuid.UUID) -> FollowUp | None:
    """One follow-up of the workspace."""
    found: FollowUp | None = session.scalar(followups_query(workspace_id).where(FollowUp.id == followup_id))
    return found


def open_of_owner(session: Session, workspace_id: int, user_id: int, limit: int = 10) -> Sequence[FollowUp]:
    """A user's open follow-ups, soonest due first."""
    return session.scalars(
        followups_query(workspace_id)
        .where(FollowUp.owner_id == user_id, FollowUp.status.in_(OPEN_FOLLOWUP_STATUSES))
        .order_by(FollowUp.due_on)
        .limit(limit)
    ).all()


def overdue(session: Session, workspace_id: int, today: dt.date, limit: int = 10) -> Sequence[FollowUp]:
    """Open follow-ups past their due date, oldest first."""
    return session.scalars(
        followups_query(workspace_id)
        .where(FollowUp.status.in_(OPEN_FOLLOWUP_STATUSES), FollowUp.due_on < today)
        .order_by(FollowUp.due_on)
        .limit(limit)
    ).all()


def of_engagement(session: Session, workspace_id: int, engagement_id: uuid.UUID) -> Sequence[FollowUp]:
    """Follow-ups of one engagement."""
    return session.scalars(
        followups_query(workspace_id).where(FollowUp.engagement_id == engagement_id).order_by(FollowUp.due_on)
    ).all()


def of_agreement(session: Session, workspace_id: int, agreement_id: uuid.UUID) -> Sequence[FollowUp]:
    """Follow-ups about one agreement."""
    return session.scalars(
        followups_query(workspace_id).where(FollowUp.agreement_id == agreement_id).order_by(FollowUp.due_on)
    ).all()


def for_timeline(
    session: Session,
    workspace_id: int,
    partner_id: uuid.UUID,
    engagement_ids: Sequence[uuid.UUID],
    agreement_ids: Sequence[uuid.UUID],
    limit: int = 500,
) -> Sequence[FollowUp]:
    """Follow-ups on a partner directly or on its engagements and agreements.

    One query per link, each on its own index; SQLite does not use the indexes for the OR of the three.
    """
    found: dict[uuid.UUID, FollowUp] = {}
    base = followups_query(workspace_id)
    for row in session.scalars(base.where(FollowUp.partner_id == partner_id)):
        found[row.id] = row
    for column, ids in (
        (FollowUp.engagement_id, list(engagement_ids)),
        (FollowUp.agreement_id, list(agreement_ids)),
    ):
        for start in range(0, len(ids), 500):
            for row in session.scalars(base.where(column.in_(ids[start : start + 500]))):
                found[row.id] = row
    return sorted(found.values(), key=lambda f: f.due_on, reverse=True)[:limit]
