"""Calendar feeds (secret, revocable URLs), the iCalendar of a workspace and the month view's data."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext, WorkspaceRecord
from citydip.core.database import utcnow
from citydip.core.errors import NotFound
from citydip.reference import repository as ref_repo
from citydip.register.calendar.ics import Event, calendar, zone
from citydip.register.calendar.models import CalendarFeed
from citydip.register.engagements import repository as engagements_repo
from citydip.register.engagements.models import Engagement
from citydip.register.followups.models import FollowUp
from citydip.register.vocab import ENGAGEMENT_KINDS, OPEN_FOLLOWUP_STATUSES, label

FEED_PREFIX = "cdcal_"
STATUS = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}
FEED_PAST_DAYS = 366
FEED_LIMIT = 5000


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(session: Session, ctx: WorkspaceContext, label_text: str = "") -> tuple[str, CalendarFeed]:
    """A new secret feed address; the token is returned once and stored only as its SHA-256."""
    ctx.require_edit()
    token = FEED_PREFIX + secrets.token_urlsafe(32)
    user = ctx.principal.user
    feed = CalendarFeed(
        workspace_id=ctx.id,
        token_hash=_digest(token),
        prefix=token[: len(FEED_PREFIX) + 4],
        label=label_text.strip()[:120] or "Calendar",
        created_by=user.id if user else None,
    )
    session.add(feed)
    session.flush()
    return token, feed


def feeds(session: Session, ctx: WorkspaceContext) -> Sequence[CalendarFeed]:
    """The workspace's feeds, newest first."""
    return session.scalars(
        select(CalendarFeed)
        .where(CalendarFeed.workspace_id == ctx.id)
        .order_by(CalendarFeed.created_at.desc())
    ).all()


def revoke_feed(session: Session, ctx: WorkspaceContext, feed_id: int) -> CalendarFeed:
    """Stop a feed address from working."""
    ctx.require_edit()
    feed = session.scalar(
        select(CalendarFeed).where(CalendarFeed.workspace_id == ctx.id, CalendarFeed.id == feed_id)
    )
    if feed is None:
        raise NotFound("No such calendar feed.")
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
        session.flush()
    return feed


def feed_by_token(session: Session, token: str) -> CalendarFeed | None:
    """The live feed for a token, or None (unknown and revoked look the same)."""
    if not token.startswith(FEED_PREFIX) or len(token) > 100:
        return None
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token)))
    return feed if feed is not None and feed.revoked_at is None else None


def workspace_zone(session: Session, workspace: WorkspaceRecord) -> dt.tzinfo:
    """The time zone of the workspace's city (UTC when it has none)."""
    city = ref_repo.city(session, workspace.city_id) if workspace.city_id else None
    return zone(city.timezone if city else None)


def engagement_event(e: Engagement, base_url: str, slug: str) -> Event:
    """An engagement as a calendar event."""
    description = "\n".join(x for x in (e.partners_label, e.purpose) if x)
    return Event(
        uid=f"{e.id}@citydip",
        summary=e.title,
        starts_on=e.starts_on,
        ends_on=e.ends_on,
        start_time=e.start_time,
        end_time=e.end_time,
        location=e.place,
        description=description,
        status=STATUS.get(e.status, ""),
        categories=(label(ENGAGEMENT_KINDS, e.kind),),
        url=f"{base_url.rstrip('/')}/w/{slug}/engagements/{e.id}" if base_url else "",
        stamp=e.updated_at,
    )


def workspace_ics(session: Session, workspace: WorkspaceRecord, base_url: str, today: dt.date) -> str:
    """The workspace's engagements of the last year and all ahead, as iCalendar text."""
    rows = session.scalars(
        engagements_repo.engagements_query(workspace.id)
        .where(Engagement.starts_on >= today - dt.timedelta(days=FEED_PAST_DAYS))
        .order_by(Engagement.starts_on)
        .limit(FEED_LIMIT)
    ).all()
    events = [engagement_event(e, base_url, workspace.slug) for e in rows]
    return calendar(f"{workspace.name} engagements", events, workspace_zone(session, workspace))


@dataclass
class Day:
    """One cell of the month grid."""

    date: dt.date
    in_month: bool
    engagements: list[Engagement] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)


def month_grid(session: Session, workspace_id: int, year: int, month: int) -> dict[str, Any]:
    """Weeks (Monday first) of one month with the engagements and open follow-ups on each day."""
    weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    days = {d: Day(d, d.month == month) for week in weeks for d in week}
    engagements = [
        e
        for e in engagements_repo.between(session, workspace_id, first, last)
        if (e.ends_on or e.starts_on) >= first
    ]
    for e in engagements:
        day = max(e.starts_on, first)
        end = min(e.ends_on or e.starts_on, last)
        while day <= end:
            days[day].engagements.append(e)
            day += dt.timedelta(days=1)
    followups = session.scalars(
        select(FollowUp)
        .where(
            FollowUp.workspace_id == workspace_id,
            FollowUp.due_on >= first,
            FollowUp.due_on <= last,
            FollowUp.status.in_(OPEN_FOLLOWUP_STATUSES),
        )
        .order_by(FollowUp.due_on)
        .limit(2000)
    ).all()
    for f in followups:
        days[f.due_on].followups.append(f)
    in_month = [
        e for e in engagements if e.starts_on.month == month or (e.ends_on and e.ends_on.month == month)
    ]
    return {
        "weeks": [[days[d] for d in week] for week in weeks],
        "engagements": in_month,
        "followups": [f for f in followups if f.due_on.month == month],
    }
