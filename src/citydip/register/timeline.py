"""A partner's whole timeline: agreements, engagements and follow-ups in date order."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from citydip.register.agreements import repository as agreements_repo
from citydip.register.engagements import repository as engagements_repo
from citydip.register.followups import repository as followups_repo


@dataclass(frozen=True)
class TimelineItem:
    """One dated event on a partner's timeline."""

    on: dt.date | None
    kind: str  # agreement | engagement | followup
    record_id: uuid.UUID
    title: str
    subtype: str
    status: str
    detail: str = ""


def partner_timeline(session: Session, workspace_id: int, partner_id: uuid.UUID) -> list[TimelineItem]:
    """Everything that happened (or is due) with a partner, newest first."""
    agreements = agreements_repo.agreements_of_partner(session, workspace_id, partner_id)
    engagements = engagements_repo.of_partner(session, workspace_id, partner_id)
    followups = followups_repo.for_timeline(
        session, workspace_id, partner_id, [e.id for e in engagements], [a.id for a in agreements]
    )
    items = [
        TimelineItem(
            a.signed_on or a.starts_on, "agreement", a.id, a.title, a.kind, a.status, a.parties_label
        )
        for a in agreements
    ]
    items += [
        TimelineItem(e.starts_on, "engagement", e.id, e.title, e.kind, e.status, e.place) for e in engagements
    ]
    items += [TimelineItem(f.due_on, "followup", f.id, f.task, "followup", f.status) for f in followups]
    return sorted(items, key=lambda i: (i.on or dt.date.min, i.kind), reverse=True)
