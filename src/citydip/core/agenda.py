"""The agenda room's contract: what a domain puts on the week at a glance, the calendar and the feeds.

A domain contributes dated things through ``<domain>/agenda.py`` (room ``agenda``):

* ``KINDS``: the kinds of item it produces, ``(code, English label)``, e.g. ``("followup", "Follow-up")``;
  calendar feeds can be limited to some kinds, so the codes must be known before any item is made;
* ``items(db, ctx, window) -> list[AgendaItem]``: every item of the workspace that takes place or falls due
  between ``window.start`` and ``window.end`` (both included) and, when ``window.overdue`` is true, every
  deadline still open that fell due before ``window.start`` (marked ``overdue``). Each record appears once:
  a follow-up is one item on its due date, never one per day.

The workspace home (next 7 and 30 days), the month view, the iCalendar download and feeds, the JSON API and the
daily e-mail digest are all built from these items (``citydip.agenda``), so a new domain only adds its
``agenda.py``. Times are local wall-clock times in ``time_zone`` (empty: the workspace's time zone); an item
that spans several days with a start time happens each day at that time (a three-day visit with a 09:30 start
is three events, not one 72-hour block).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.domains import rooms

Kinds = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class AgendaWindow:
    """The dates asked for (``end`` included), the workspace's today, and whether overdue items come too."""

    start: dt.date
    end: dt.date
    today: dt.date
    overdue: bool = False

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the window ends before it starts")

    def overlaps(self, first: dt.date, last: dt.date | None = None) -> bool:
        """Whether the days ``first``..``last`` meet the window."""
        return first <= self.end and (last or first) >= self.start


@dataclass(frozen=True)
class CheckItem:
    """One line of a checklist shown with an item (e.g. protocol: interpretation, dietary needs, gifts)."""

    label: str
    done: bool = False
    note: str = ""


@dataclass(frozen=True)
class AgendaItem:
    """One dated thing: an event (engagement, national day) or a deadline (follow-up, renewal, report)."""

    kind: str  # a code from the contributing room's KINDS
    uid: str  # stable and unique within the workspace, e.g. "engagement:<uuid>"; used as the iCalendar UID
    title: str
    starts_on: dt.date
    ends_on: dt.date | None = None  # last day, included; None for a one-day item
    start_time: dt.time | None = None  # each day's local start; None: all day
    end_time: dt.time | None = None
    time_zone: str = ""  # IANA name of the zone the times are in; "" = the workspace's
    due: bool = False  # a deadline (falls due on starts_on) rather than an event
    done: bool = False
    overdue: bool = False  # a deadline still open after its day
    link: str = ""  # path of the item's record in the app, e.g. /w/<slug>/followups/<id>/edit
    record: str = ""  # the label of the record the item belongs to (a follow-up's engagement...)
    record_link: str = ""
    place: str = ""
    detail: str = ""
    status: str = ""  # events: tentative | confirmed | cancelled; "" when it does not apply
    checklist: tuple[CheckItem, ...] = ()  # open points to settle before the item (shown with it)
    owner_id: int | None = None  # the member responsible (the digest goes to them); None: the office
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # for the API only

    @property
    def all_day(self) -> bool:
        """True when the item has no start time."""
        return self.start_time is None

    @property
    def last_day(self) -> dt.date:
        """The last day the item covers."""
        return self.ends_on or self.starts_on

    def days(self) -> list[dt.date]:
        """Every day the item covers, in order."""
        count = (self.last_day - self.starts_on).days + 1
        return [self.starts_on + dt.timedelta(days=i) for i in range(max(count, 1))]

    def days_until(self, today: dt.date) -> int:
        """Days from ``today`` to the item's first day (negative when it is past)."""
        return (self.starts_on - today).days


def sort_key(item: AgendaItem) -> tuple[dt.date, bool, dt.time, str, str]:
    """Agenda order: by day, all-day items first, then by time, kind and title."""
    return (item.starts_on, not item.all_day, item.start_time or dt.time(), item.kind, item.title.lower())


def kinds() -> list[tuple[str, str]]:
    """Every kind of agenda item any domain produces, ``(code, English label)``, in registry order."""
    found: list[tuple[str, str]] = []
    for _package, module in rooms("agenda"):
        found.extend((code, text) for code, text in module.KINDS if code not in {c for c, _t in found})
    return found


def collect(db: Session, ctx: WorkspaceContext, window: AgendaWindow) -> list[AgendaItem]:
    """Every domain's agenda items for this workspace and window, in agenda order."""
    items: list[AgendaItem] = []
    for _package, module in rooms("agenda"):
        items.extend(module.items(db, ctx, window))
    return sorted(items, key=sort_key)
