"""A computed index as stored JSON, and back: what a run keeps so that its pages, CSV files and API answers
show exactly what was computed.

The JSON holds only finite numbers or null (never NaN), so it is valid on SQLite and PostgreSQL alike and
every page or CSV built from it is free of NaN by construction. Runs stored before ranking eligibility,
applicability and trends existed lack those keys; reading them gives the defaults (every indicator applies,
no trends).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from citydip.sdgindex.colours import Colour
from citydip.sdgindex.compute import (
    Bounds,
    CityResult,
    IndexResult,
    IndicatorDirection,
    IndicatorSpec,
    indicator_colours,
)
from citydip.sdgindex.trends import ARROWS, Arrow, GoalTrend, IndicatorTrend

_COLOURS: tuple[Colour, ...] = ("green", "yellow", "orange", "red", "grey")


def clean(value: Any) -> float | None:
    """A finite float or None (never NaN or infinity)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _spec_json(spec: IndicatorSpec, bounds: Bounds | None) -> dict[str, Any]:
    return {
        "indicator": spec.indicator,
        "goal": spec.goal,
        "direction": spec.direction,
        "best": clean(bounds.best if bounds else spec.best),
        "worst": clean(bounds.worst if bounds else spec.worst),
        "best_derived": bool(bounds and bounds.best_derived),
        "worst_derived": bool(bounds and bounds.worst_derived),
        "green": clean(spec.green),
        "red": clean(spec.red),
        "yellow": clean(spec.yellow),
        "applies_to": list(spec.applies_to),
        "in_score": spec.in_score,
    }


def _trend_json(trend: IndicatorTrend) -> dict[str, Any]:
    return {
        "arrow": trend.arrow,
        "from_year": trend.from_year,
        "to_year": trend.to_year,
        "observed": clean(trend.observed),
        "required": clean(trend.required),
    }


def _goal_trend_json(trend: GoalTrend | None) -> dict[str, Any] | None:
    if trend is None:
        return None
    return {"arrow": trend.arrow, "score": clean(trend.score), "indicators": trend.indicators, "of": trend.of}


def _city_json(
    city: CityResult,
    raw: Mapping[str, float | None],
    region: str | None,
    years: Mapping[str, int],
) -> dict[str, Any]:
    return {
        "city": city.city,
        "region": region or "",
        "groups": list(city.groups),
        "goal_scores": {g: clean(s) for g, s in city.goal_scores.items()},
        "goal_colours": {g: c or "" for g, c in city.goal_colours.items()},
        "goal_trends": {g: _goal_trend_json(t) for g, t in city.goal_trends.items()},
        "imputed_goals": list(city.imputed_goals),
        "index": clean(city.index),
        "rank": city.rank,
        "indicators_used": city.indicators_used,
        "indicators_applicable": city.applicable,
        "missing_percent": clean(city.missing_share),
        "status": city.status,
        "values": {k: clean(v) for k, v in raw.items() if clean(v) is not None},
        "years": {k: y for k, y in years.items() if clean(raw.get(k)) is not None},
        "normalised": {k: clean(v) for k, v in city.normalised.items()},
        "levels": {k: clean(v) for k, v in city.levels.items()},
        "indicator_colours": dict(indicator_colours(city)),
        "trends": {k: _trend_json(t) for k, t in city.trends.items()},
    }


def result_to_json(
    result: IndexResult,
    specs: Sequence[IndicatorSpec],
    values: Mapping[str, Mapping[str, float | None]],
    regions: Mapping[str, str] | None,
    years: Mapping[str, Mapping[str, int]] | None = None,
) -> dict[str, Any]:
    """The stored form of a computed index (finite numbers or null only)."""
    return {
        "goals": list(result.goals),
        "max_missing": clean(result.max_missing),
        "indicators": [_spec_json(s, result.bounds.get(s.indicator)) for s in specs],
        "cities": [
            _city_json(c, values.get(c.city, {}), (regions or {}).get(c.city), (years or {}).get(c.city, {}))
            for c in result.cities
        ],
    }


def _colour(word: Any) -> Colour | None:
    return next((c for c in _COLOURS if c == word), None)


def _arrow(word: Any) -> Arrow | None:
    return next((a for a in ARROWS if a == word), None)


def _spec_from(data: Mapping[str, Any]) -> IndicatorSpec:
    direction: IndicatorDirection = "lower" if data.get("direction") == "lower" else "higher"
    return IndicatorSpec(
        indicator=str(data["indicator"]),
        goal=str(data["goal"]),
        direction=direction,
        best=clean(data.get("best")),
        worst=clean(data.get("worst")),
        green=clean(data.get("green")),
        red=clean(data.get("red")),
        yellow=clean(data.get("yellow")),
        applies_to=tuple(str(t) for t in data.get("applies_to", [])),
        in_score=bool(data.get("in_score", True)),
    )


def _trend_from(data: Any) -> IndicatorTrend | None:
    arrow = _arrow(data.get("arrow")) if isinstance(data, dict) else None
    if arrow is None:
        return None
    return IndicatorTrend(
        arrow,
        int(data["from_year"]),
        int(data["to_year"]),
        clean(data.get("observed")) or 0.0,
        clean(data.get("required")),
    )


def _goal_trend_from(data: Any) -> GoalTrend | None:
    arrow = _arrow(data.get("arrow")) if isinstance(data, dict) else None
    if arrow is None:
        return None
    return GoalTrend(
        arrow, clean(data.get("score")) or 0.0, int(data.get("indicators", 0)), int(data.get("of", 0))
    )


def city_from_json(data: Mapping[str, Any], goals: Sequence[str], n_indicators: int) -> CityResult:
    """A stored city back as the library's CityResult (defaults for keys older runs lack)."""
    rank = data.get("rank")
    used = int(data.get("indicators_used", 0))
    return CityResult(
        city=str(data["city"]),
        goal_scores={g: clean(data.get("goal_scores", {}).get(g)) for g in goals},
        goal_colours={g: _colour(data.get("goal_colours", {}).get(g)) for g in goals},
        imputed_goals=[str(g) for g in data.get("imputed_goals", [])],
        index=clean(data.get("index")),
        rank=rank if isinstance(rank, int) else None,
        indicators_used=used,
        status=str(data.get("status", "")),
        normalised={
            k: v for k, v in ((k, clean(v)) for k, v in data.get("normalised", {}).items()) if v is not None
        },
        levels={k: v for k, v in ((k, clean(v)) for k, v in data.get("levels", {}).items()) if v is not None},
        applicable=int(data.get("indicators_applicable", n_indicators)),
        groups=tuple(str(g) for g in data.get("groups", [])),
        trends={
            k: t for k, t in ((k, _trend_from(v)) for k, v in data.get("trends", {}).items()) if t is not None
        },
        goal_trends={g: _goal_trend_from(t) for g, t in data.get("goal_trends", {}).items()},
    )


def index_result_from_json(
    data: Mapping[str, Any],
) -> tuple[IndexResult, dict[str, dict[str, float | None]], dict[str, dict[str, int]]]:
    """A stored run back as (IndexResult, raw values, years) for the CSV writers."""
    goals = [str(g) for g in data.get("goals", [])]
    specs = [_spec_from(s) for s in data.get("indicators", [])]
    n_scored = sum(1 for s in specs if s.in_score)
    cities = [city_from_json(c, goals, n_scored) for c in data.get("cities", [])]
    values = {
        str(c["city"]): {k: clean(v) for k, v in c.get("values", {}).items()} for c in data.get("cities", [])
    }
    years = {
        str(c["city"]): {k: int(y) for k, y in c.get("years", {}).items()} for c in data.get("cities", [])
    }
    max_missing = clean(data.get("max_missing")) if "max_missing" in data else None
    result = IndexResult(goals=goals, cities=cities, bounds={}, specs=specs, max_missing=max_missing)
    return result, values, years
