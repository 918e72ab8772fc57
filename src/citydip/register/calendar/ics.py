"""A small RFC 5545 (iCalendar) writer: escaping, 75-octet line folding, all-day and UTC-timed events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CRLF = "\r\n"


@dataclass(frozen=True)
class Event:
    """One VEVENT."""

    uid: str
    summary: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    location: str = ""
    description: str = ""
    status: str = ""  # TENTATIVE | CONFIRMED | CANCELLED
    categories: tuple[str, ...] = ()
    url: str = ""
    stamp: dt.datetime | None = None


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with one space
        current += ch
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def zone(name: str | None) -> dt.tzinfo:
    """The named time zone, or UTC when unknown."""
    if not name:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def event_lines(event: Event, tz: dt.tzinfo) -> list[str]:
    """The content lines of one event (before folding)."""
    stamp = event.stamp or dt.datetime.now(dt.UTC)
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{_utc(stamp)}"]
    last_day = event.ends_on or event.starts_on
    if event.start_time is None:
        lines.append(f"DTSTART;VALUE=DATE:{event.starts_on:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{last_day + dt.timedelta(days=1):%Y%m%d}")  # DTEND is exclusive
    else:
        start = dt.datetime.combine(event.starts_on, event.start_time, tzinfo=tz)
        if event.end_time is not None:
            end = dt.datetime.combine(last_day, event.end_time, tzinfo=tz)
        else:
            end = dt.datetime.combine(last_day, event.start_time, tzinfo=tz) + dt.timedelta(hours=1)
        end = max(end, start)
        lines += [f"DTSTART:{_utc(start)}", f"DTEND:{_utc(end)}"]
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.status:
        lines.append(f"STATUS:{event.status}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, events: Iterable[Event], tz: dt.tzinfo = dt.UTC) -> str:
    """A whole VCALENDAR as text with CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//CityDip//Diplomacy register//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += event_lines(event, tz)
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF
