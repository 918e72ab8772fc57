"""Trend arrows of the city SDG index (SDSN trend dashboards), from values with years.

Per indicator and city, on the normalised (0-100) scale of the index: the annual change observed over a
window (default: the latest year with a value and the year five years before it) against the annual
change needed to reach the green threshold by the target year (default 2030). Per goal: the mean of the
indicator trends on a 0-4 scale, shown only when enough of the goal's indicators have one. The rule and its
choices are written out in docs/methods.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from citydip.sdgindex.compute import Bounds, IndexResult, IndicatorSpec, normalise

Arrow: TypeAlias = Literal["decreasing", "stagnating", "moderately_improving", "on_track", "maintaining"]
ARROWS: tuple[Arrow, ...] = ("decreasing", "stagnating", "moderately_improving", "on_track", "maintaining")
ARROW_SCORE: dict[Arrow, int] = {arrow: score for score, arrow in enumerate(ARROWS)}
ARROW_SYMBOL: dict[str, str] = {
    "decreasing": "↓",
    "stagnating": "→",
    "moderately_improving": "↗",
    "on_track": "↑",
    "maintaining": "↑",
}

DEFAULT_WINDOW = 5
DEFAULT_TARGET_YEAR = 2030
GOAL_TREND_MIN_SHARE = 75.0  # percent of a goal's indicators that need a trend for the goal to get one

Series: TypeAlias = Mapping[int, float]  # year -> value
# Annual changes closer than this (points a year) count as equal: they differ by rounding noise only.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class IndicatorTrend:
    """One indicator's trend in one city: arrow, the two years compared and the annual changes."""

    arrow: Arrow
    from_year: int
    to_year: int
    observed: float  # annual change of the normalised score over the window
    required: float | None  # annual change needed to reach green by the target year; None when green


@dataclass(frozen=True)
class GoalTrend:
    """A goal's trend: mean of its indicators' trends (0-4) and the arrow nearest to it."""

    arrow: Arrow
    score: float
    indicators: int  # indicators with a trend
    of: int  # the goal's applicable indicators with colour thresholds


def start_year(years: Sequence[int], end: int, window: int) -> int | None:
    """The year the window starts: the earliest year with a value between `end - window` and
    `end - ceil(window / 2)` (a gap of at least half the window), or None."""
    shortest = max(1, math.ceil(window / 2))
    candidates = [y for y in years if end - window <= y <= end - shortest]
    return min(candidates) if candidates else None


def is_green(value: float, spec: IndicatorSpec) -> bool:
    """Whether a raw value meets the indicator's green threshold."""
    if spec.green is None:
        return False
    return value >= spec.green if spec.higher_is_better else value <= spec.green


def indicator_trend(
    series: Series,
    spec: IndicatorSpec,
    bounds: Bounds,
    *,
    window: int = DEFAULT_WINDOW,
    target_year: int = DEFAULT_TARGET_YEAR,
) -> IndicatorTrend | None:
    """The trend of one series, or None without a green threshold or two years far enough apart."""
    points = {y: v for y, v in series.items() if v is not None and math.isfinite(v)}
    if spec.green is None or not points:
        return None
    end = max(points)
    begin = start_year(sorted(points), end, window)
    if begin is None:
        return None
    now, then = normalise(points[end], bounds), normalise(points[begin], bounds)
    observed = (now - then) / (end - begin)
    if is_green(points[end], spec):
        arrow: Arrow = "maintaining" if observed >= -TOLERANCE else "decreasing"
        return IndicatorTrend(arrow, begin, end, observed, None)
    required = (normalise(spec.green, bounds) - now) / max(target_year - end, 1)
    if observed < -TOLERANCE:
        arrow = "decreasing"
    elif observed < required / 2 - TOLERANCE:
        arrow = "stagnating"
    elif observed < required - TOLERANCE:
        arrow = "moderately_improving"
    else:
        arrow = "on_track"
    return IndicatorTrend(arrow, begin, end, observed, required)


def nearest_arrow(score: float) -> Arrow:
    """The arrow whose 0-4 value is nearest to `score` (halves round up)."""
    return ARROWS[min(max(math.floor(score + 0.5), 0), len(ARROWS) - 1)]


def goal_trend(trends: Sequence[IndicatorTrend], of: int, min_share: float) -> GoalTrend | None:
    """Mean of the indicator trends on the 0-4 scale, when at least `min_share` percent of `of` have one."""
    if of <= 0 or not trends or 100.0 * len(trends) < min_share * of - 1e-9:
        return None
    score = math.fsum(ARROW_SCORE[t.arrow] for t in trends) / len(trends)
    return GoalTrend(nearest_arrow(score), score, len(trends), of)


def add_trends(
    result: IndexResult,
    series: Mapping[str, Mapping[str, Series]],
    *,
    window: int = DEFAULT_WINDOW,
    target_year: int = DEFAULT_TARGET_YEAR,
    min_share: float = GOAL_TREND_MIN_SHARE,
) -> None:
    """Fill each city's indicator and goal trends from its series (city -> indicator -> year -> value).

    Normalisation uses the index's bounds; only indicators that apply to the city and have colour
    thresholds can have a trend.
    """
    for city in result.cities:
        own = series.get(city.city, {})
        applicable = [s for s in result.specs if s.applies(city.groups) and s.green is not None]
        for spec in applicable:
            trend = indicator_trend(
                own.get(spec.indicator, {}),
                spec,
                result.bounds[spec.indicator],
                window=window,
                target_year=target_year,
            )
            if trend is not None:
                city.trends[spec.indicator] = trend
        for goal in result.goals:
            members = [s.indicator for s in applicable if s.goal == goal]
            found = [city.trends[m] for m in members if m in city.trends]
            city.goal_trends[goal] = goal_trend(found, len(members), min_share)
