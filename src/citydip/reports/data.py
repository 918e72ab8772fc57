"""Everything the Voluntary Local Review shows, gathered in a few queries: goals, indicators, headline data,
progress, text blocks, contributed records and sources. Numbers that are not finite never get this far."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.vlr import VlrContext, VlrItem
from citydip.reference import repository as ref_repo
from citydip.reports import repository as repo
from citydip.reports.rooms import items_for_goal, providers
from citydip.reports.texts import BLOCKS, paragraphs
from citydip.sdg.models import CityIndicator
from citydip.sdgprogress import repository as progress_repo
from citydip.sdgprogress.badges import Badge, GoalProgress, summarise
from citydip.sdgprogress.service import workspace_progress

REPORTING_STATUSES = ("complete", "inprogress", "notstarted", "notapplicable")
REPORTING_LABELS = {
    "complete": "Reported",
    "inprogress": "In progress",
    "notstarted": "Not started",
    "notapplicable": "Not applicable",
}
KEY_CHARTS_PER_GOAL = 3
MAX_SOURCES = 300


@dataclass
class Headline:
    """The headline time series an indicator is charted by: one series and unit, one value per year."""

    series: str | None
    unit: str | None
    points: list[tuple[str, int | None, float]]  # (year label, year, value)

    @property
    def latest(self) -> tuple[str, float]:
        """The latest year label and value."""
        label, _year, value = max(self.points, key=lambda p: (p[1] or 0, p[0]))
        return label, value


@dataclass
class IndicatorEntry:
    """One indicator as the review shows it."""

    id: uuid.UUID
    code: str
    number: str
    name: str
    goal: int | None
    reporting_status: str
    placeholder: bool
    observation_count: int
    data_updated_at: datetime | None
    headline: Headline | None = None
    target: tuple[float, int | None] | None = None
    badge: Badge | None = None
    years: tuple[int, int] | None = None
    chart: str = ""

    @property
    def has_data(self) -> bool:
        """Real (not placeholder) data with at least one value."""
        return not self.placeholder and self.observation_count > 0


@dataclass
class GoalSection:
    """One goal of the review."""

    number: int
    title: str
    official_title: str
    colour: str
    indicators: list[IndicatorEntry]
    progress: GoalProgress
    key_indicators: list[IndicatorEntry] = field(default_factory=list)
    items: dict[str, list[VlrItem]] = field(default_factory=dict)

    @property
    def reporting(self) -> list[tuple[str, str, int]]:
        """(status, label, count) of the goal's indicators by reporting status."""
        counts = Counter(i.reporting_status for i in self.indicators)
        return [(s, REPORTING_LABELS[s], counts.get(s, 0)) for s in REPORTING_STATUSES]

    @property
    def with_data(self) -> int:
        """Indicators with real data."""
        return sum(1 for i in self.indicators if i.has_data)

    @property
    def placeholders(self) -> int:
        """Indicators whose data is the starter template's placeholder."""
        return sum(1 for i in self.indicators if i.placeholder)

    @property
    def years(self) -> tuple[int, int] | None:
        """First and last year of real data over the goal's indicators."""
        spans = [i.years for i in self.indicators if i.years]
        return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


@dataclass
class TextBlock:
    """A text block with its paragraphs (empty when not written yet)."""

    key: str
    title: str
    hint: str
    paragraphs: list[str]


@dataclass
class Source:
    """A data source named in the indicators' metadata."""

    organisation: str
    url: str
    indicators: list[str]


@dataclass
class VlrData:
    """The whole review."""

    ctx: VlrContext
    city: str
    country: str
    texts: list[TextBlock]
    goals: list[GoalSection]
    other_indicators: list[IndicatorEntry]
    sources: list[Source]
    progress: GoalProgress
    failed_providers: list[str] = field(default_factory=list)

    @property
    def indicators(self) -> list[IndicatorEntry]:
        """Every indicator, goal by goal."""
        return [i for g in self.goals for i in g.indicators] + self.other_indicators

    @property
    def totals(self) -> dict[str, int]:
        """Counts for the overview and the benchmark."""
        everything = self.indicators
        return {
            "indicators": len(everything),
            "with_data": sum(1 for i in everything if i.has_data),
            "placeholders": sum(1 for i in everything if i.placeholder),
            "charts": sum(1 for i in everything if i.chart),
            "progress": self.progress.total,
            "linked_items": sum(len(v) for g in self.goals for v in g.items.values()),
        }


def pick_headline(rows: list[repo.HeadlineRow]) -> Headline | None:
    """The headline series and unit with the most years (first seen on ties); one value per year label."""
    groups: dict[tuple[str | None, str | None], dict[str, tuple[int | None, float]]] = {}
    for label, year, value, series, unit in rows:
        if not math.isfinite(value):
            continue
        groups.setdefault((series, unit), {}).setdefault(label, (year, value))
    if not groups:
        return None
    (series, unit), points = max(groups.items(), key=lambda kv: len(kv[1]))
    ordered = sorted(((label, y, v) for label, (y, v) in points.items()), key=lambda p: (p[1] or 0, p[0]))
    return Headline(series, unit, ordered)


def _target(
    targets: list[tuple[float, int | None, str | None, str | None]], headline: Headline | None
) -> tuple[float, int | None] | None:
    if headline is None:
        return None
    for value, year, series, unit in targets:
        if series in (None, headline.series) and unit in (None, headline.unit) and math.isfinite(value):
            return value, year
    return None


def _sources(
    metas: dict[uuid.UUID, dict[str, Any]], entries: dict[uuid.UUID, IndicatorEntry]
) -> list[Source]:
    found: dict[str, Source] = {}
    for ind_id, fields in metas.items():
        entry = entries.get(ind_id)
        if entry is None:
            continue
        for n in range(1, 13):
            organisation = fields.get(f"source_organisation_{n}")
            if not isinstance(organisation, str) or not organisation.strip():
                continue
            if str(fields.get(f"source_active_{n}", True)).strip().lower() in {"false", "no", "0"}:
                continue
            url = fields.get(f"source_url_{n}")
            name = " ".join(organisation.split())[:300]
            source = found.setdefault(name, Source(name, url if isinstance(url, str) else "", []))
            if entry.number not in source.indicators:
                source.indicators.append(entry.number)
    return sorted(found.values(), key=lambda s: s.organisation.lower())[:MAX_SOURCES]


def _entry(ind: CityIndicator) -> IndicatorEntry:
    return IndicatorEntry(
        id=ind.id,
        code=ind.code,
        number=ind.number,
        name=ind.name,
        goal=ind.goal,
        reporting_status=ind.reporting_status if ind.reporting_status in REPORTING_LABELS else "notstarted",
        placeholder=bool(ind.placeholder),
        observation_count=ind.observation_count,
        data_updated_at=ind.data_updated_at,
    )


def gather(db: Session, ctx: VlrContext) -> VlrData:
    """Read everything the review needs for one workspace."""
    db.info.pop("vlr_practices", None)
    indicators = progress_repo.indicators(db, ctx.id)
    entries = {ind.id: _entry(ind) for ind in indicators}
    headlines = repo.headline_rows(db, ctx.id)
    targets = repo.numeric_targets(db, ctx.id)
    for ind_id, entry in entries.items():
        if entry.placeholder:
            continue
        entry.headline = pick_headline(headlines.get(ind_id, []))
        entry.target = _target(targets.get(ind_id, []), entry.headline)
        years = [y for _label, y, _value, _s, _u in headlines.get(ind_id, []) if y is not None]
        entry.years = (min(years), max(years)) if years else None
    by_code = {e.code: e for e in entries.values()}
    for result in workspace_progress(db, ctx.id):
        if result.code in by_code:
            by_code[result.code].badge = Badge(result.status, result.label, result.score, result.source)

    chosen = providers()
    failures: set[str] = set()
    goals = []
    for goal in repo.goal_rows(db):
        members = [e for e in entries.values() if e.goal == goal.number]
        badges = {e.code: e.badge for e in members if e.badge is not None}
        section = GoalSection(
            number=goal.number,
            title=goal.short_label,
            official_title=goal.official_title,
            colour=goal.colour,
            indicators=members,
            progress=summarise(goal.number, badges),
        )
        charted = [e for e in members if e.has_data and e.headline and len(e.headline.points) >= 2]
        charted.sort(key=lambda e: (e.badge is None, -len(e.headline.points) if e.headline else 0))
        section.key_indicators = charted[:KEY_CHARTS_PER_GOAL]
        for item in items_for_goal(db, ctx, goal.number, chosen, failures):
            section.items.setdefault(item.kind, []).append(item)
        goals.append(section)
    known_goals = {g.number for g in goals}
    other = [e for e in entries.values() if e.goal not in known_goals]
    saved = repo.texts(db, ctx.id)
    texts = [
        TextBlock(
            b.key,
            saved[b.key].title if b.key in saved else b.title,
            b.hint,
            paragraphs(saved[b.key].body) if b.key in saved else [],
        )
        for b in BLOCKS
    ]
    metas = progress_repo.base_metadata(db, ctx.id, list(entries))
    all_badges = {e.code: e.badge for e in entries.values() if e.badge is not None}
    city = ref_repo.city(db, ctx.workspace.city_id) if ctx.workspace.city_id else None
    return VlrData(
        ctx=ctx,
        city=city.name if city else ctx.workspace.name,
        country=city.country_code if city else (ctx.workspace.country_code or ""),
        texts=texts,
        goals=goals,
        other_indicators=other,
        sources=_sources(metas, entries),
        progress=summarise(0, all_badges),
        failed_providers=sorted(failures),
    )
