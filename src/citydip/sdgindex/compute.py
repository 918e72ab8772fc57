"""City SDG index (the SDSN method): bounds, normalisation, goal scores, index, ranking and dashboards.

Pure functions over plain mappings; see io.py for the CSV formats and docs/methods.md for the method.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np

from citydip.sdgindex.colours import (
    Colour,
    ColourScale,
    GoalColourRule,
    goal_colour,
    indicator_colour,
    make_scale,
    rescale,
)

IndicatorDirection: TypeAlias = Literal["higher", "lower"]
ImputeMode: TypeAlias = Literal["region"]

DEFAULT_QUANTILE_METHOD = "averaged_inverted_cdf"
QUANTILE_METHODS = (
    "inverted_cdf",
    "averaged_inverted_cdf",
    "closest_observation",
    "interpolated_inverted_cdf",
    "hazen",
    "weibull",
    "linear",
    "median_unbiased",
    "normal_unbiased",
)
WORST_PERCENTILE = 2.5
TOP_N = 5
# Index values closer than this are treated as ties (they differ only by rounding noise).
TIE_TOLERANCE = 1e-9

STATUS_RANKED = "ranked"
STATUS_NO_DATA = "no_data"


class SdgIndexError(ValueError):
    """Input that the index cannot be computed from; `problems` holds one message per problem."""

    def __init__(self, problems: Sequence[str] | str) -> None:
        items = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(items))
        self.problems = items


@dataclass(frozen=True)
class IndicatorSpec:
    """One row of S.csv: goal, direction, optional bounds and colour thresholds."""

    indicator: str
    goal: str
    direction: IndicatorDirection
    best: float | None = None
    worst: float | None = None
    green: float | None = None
    red: float | None = None
    yellow: float | None = None
    where: str = ""

    @property
    def higher_is_better(self) -> bool:
        """True when larger values are better."""
        return self.direction == "higher"

    def label(self) -> str:
        """Indicator name with its source row, for messages."""
        return (
            f"{self.where}: indicator {self.indicator!r}" if self.where else f"indicator {self.indicator!r}"
        )


@dataclass(frozen=True)
class Bounds:
    """Normalisation bounds of an indicator and whether each was derived from the data."""

    best: float
    worst: float
    best_derived: bool = False
    worst_derived: bool = False


@dataclass
class CityResult:
    """Scores, colours, index and rank of one city."""

    city: str
    goal_scores: dict[str, float | None]
    goal_colours: dict[str, Colour | None]
    imputed_goals: list[str]
    index: float | None
    rank: int | None
    indicators_used: int
    status: str
    normalised: dict[str, float] = field(default_factory=dict)
    levels: dict[str, float] = field(default_factory=dict)


@dataclass
class IndexResult:
    """Everything computed for a set of cities."""

    goals: list[str]
    cities: list[CityResult]
    bounds: dict[str, Bounds]

    def by_city(self) -> dict[str, CityResult]:
        """Results keyed by city name."""
        return {c.city: c for c in self.cities}


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders '2' before '10' (goal labels such as 'G2', 'SDG 10')."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", text))


def _finite(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def derive_worst(
    values: Sequence[float],
    higher_is_better: bool,
    method: str = DEFAULT_QUANTILE_METHOD,
    percentile: float = WORST_PERCENTILE,
) -> float:
    """Worst bound: the 2.5th percentile (97.5th when lower is better) of the observed values."""
    data = _finite(values)
    if not data:
        raise ValueError("no values to derive the worst bound from")
    if method not in QUANTILE_METHODS:
        raise ValueError(f"unknown quantile method {method!r}; use one of {', '.join(QUANTILE_METHODS)}")
    q = percentile if higher_is_better else 100.0 - percentile
    with np.errstate(all="ignore"):
        value = float(np.percentile(np.asarray(data, dtype=float), q, method=method))  # type: ignore[call-overload]
    if not math.isfinite(value):
        raise ValueError("the values are too large to derive the worst bound from")
    return value


def derive_best(values: Sequence[float], higher_is_better: bool, top_n: int = TOP_N) -> float:
    """Best bound: the mean of the top `top_n` performers (of all values when there are fewer)."""
    data = sorted(_finite(values), reverse=higher_is_better)
    if not data:
        raise ValueError("no values to derive the best bound from")
    top = data[:top_n]
    return math.fsum(v / len(top) for v in top)  # divide first: no overflow for huge values


def resolve_bounds(
    spec: IndicatorSpec, values: Sequence[float], quantile_method: str = DEFAULT_QUANTILE_METHOD
) -> Bounds:
    """Bounds from the spec, deriving the missing ones from `values`; raises ValueError if unusable."""
    best, worst = spec.best, spec.worst
    best_derived = best is None
    worst_derived = worst is None
    if best is None:
        best = derive_best(values, spec.higher_is_better)
    if worst is None:
        worst = derive_worst(values, spec.higher_is_better, quantile_method)
    if best == worst:
        raise ValueError(f"best and worst bounds are equal ({best:g}); the indicator cannot be normalised")
    if not math.isfinite(best - worst):
        raise ValueError(f"best ({best:g}) and worst ({worst:g}) are too far apart to normalise with")
    if (best > worst) != spec.higher_is_better:
        word = "above" if spec.higher_is_better else "below"
        raise ValueError(
            f"best ({best:g}) must be {word} worst ({worst:g}) for a {spec.direction}-is-better indicator"
            + (" (bounds derived from the data)" if best_derived or worst_derived else "")
        )
    return Bounds(best=best, worst=worst, best_derived=best_derived, worst_derived=worst_derived)


def normalise(value: float, bounds: Bounds) -> float:
    """100 (x - worst) / (best - worst), clipped to [0, 100]; works for either direction."""
    share = (value - bounds.worst) / (bounds.best - bounds.worst)
    if math.isnan(share):  # only from overflow of value - worst; the sign decides the side
        share = 1.0 if (value > bounds.worst) == (bounds.best > bounds.worst) else 0.0
    return min(max(100.0 * share, 0.0), 100.0)


def colour_scale(spec: IndicatorSpec, bounds: Bounds) -> ColourScale | None:
    """The 0-3 colour scale of an indicator, or None when it has no green/red thresholds."""
    if spec.green is None or spec.red is None:
        return None
    return make_scale(spec.higher_is_better, bounds.best, bounds.worst, spec.green, spec.red, spec.yellow)


def rank_desc(scores: Mapping[str, float]) -> dict[str, int]:
    """Competition ranking by descending score: ties share the best rank (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda kv: -kv[1])
    ranks: dict[str, int] = {}
    previous: float | None = None
    current_rank = 0
    for position, (name, score) in enumerate(ordered, start=1):
        if previous is None or abs(previous - score) > TIE_TOLERANCE * max(1.0, abs(score)):
            current_rank = position
        ranks[name] = current_rank
        previous = score
    return ranks


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def compute_index(
    values: Mapping[str, Mapping[str, float | None]],
    specs: Sequence[IndicatorSpec],
    *,
    regions: Mapping[str, str] | None = None,
    impute_missing_goals: ImputeMode | None = None,
    goal_colour_rule: GoalColourRule = "two-worst",
    quantile_method: str = DEFAULT_QUANTILE_METHOD,
) -> IndexResult:
    """Goal scores, colours, index and rank for every city in `values` (city -> indicator -> value).

    Raises SdgIndexError listing every indicator whose bounds or thresholds cannot be used, and for
    values of indicators that are not in the spec.
    """
    by_indicator = {s.indicator: s for s in specs}
    problems: list[str] = []
    for city, row in values.items():
        unknown = sorted(set(row) - set(by_indicator))
        if unknown:
            problems.append(f"city {city!r}: indicator(s) not in the spec: {', '.join(unknown)}")
    goals = sorted({s.goal for s in specs}, key=natural_key)
    bounds: dict[str, Bounds] = {}
    scales: dict[str, ColourScale | None] = {}
    for spec in specs:
        column = [row.get(spec.indicator) for row in values.values()]
        try:
            bounds[spec.indicator] = resolve_bounds(spec, _finite(column), quantile_method)
            scales[spec.indicator] = colour_scale(spec, bounds[spec.indicator])
        except ValueError as exc:
            problems.append(f"{spec.label()}: {exc}")
    if problems:
        raise SdgIndexError(problems)

    coloured_per_goal = {g: sum(1 for s in specs if s.goal == g and scales[s.indicator]) for g in goals}
    cities: list[CityResult] = []
    for city, row in values.items():
        normalised: dict[str, float] = {}
        levels: dict[str, float] = {}
        for spec in specs:
            raw = row.get(spec.indicator)
            if raw is None or not math.isfinite(raw):
                continue
            normalised[spec.indicator] = normalise(raw, bounds[spec.indicator])
            scale = scales[spec.indicator]
            if scale is not None:
                levels[spec.indicator] = rescale(raw, scale)
        goal_scores: dict[str, float | None] = {}
        colours: dict[str, Colour | None] = {}
        for goal in goals:
            members = [s.indicator for s in specs if s.goal == goal]
            goal_scores[goal] = _mean([normalised[m] for m in members if m in normalised])
            colours[goal] = goal_colour(
                [levels[m] for m in members if m in levels], coloured_per_goal[goal], goal_colour_rule
            )
        has_data = bool(normalised)
        cities.append(
            CityResult(
                city=city,
                goal_scores=goal_scores,
                goal_colours=colours,
                imputed_goals=[],
                index=None,
                rank=None,
                indicators_used=len(normalised),
                status=STATUS_RANKED if has_data else STATUS_NO_DATA,
                normalised=normalised,
                levels=levels,
            )
        )

    if impute_missing_goals == "region":
        _impute_by_region(cities, goals, regions or {})
    for result in cities:
        if result.status == STATUS_NO_DATA:
            continue
        result.index = _mean([s for s in result.goal_scores.values() if s is not None])
    ranks = rank_desc({c.city: c.index for c in cities if c.index is not None})
    for result in cities:
        result.rank = ranks.get(result.city)
    return IndexResult(goals=goals, cities=cities, bounds=bounds)


def _impute_by_region(cities: list[CityResult], goals: list[str], regions: Mapping[str, str]) -> None:
    """Fill a missing goal score with the unweighted mean of that goal over the city's region.

    Means use only the cities' own (not imputed) scores. Cities without any data are left alone.
    """
    means: dict[tuple[str, str], float] = {}
    for region in set(regions.values()):
        for goal in goals:
            own = [
                c.goal_scores[goal]
                for c in cities
                if regions.get(c.city) == region and c.goal_scores[goal] is not None
            ]
            mean = _mean([s for s in own if s is not None])
            if mean is not None:
                means[(region, goal)] = mean
    for result in cities:
        city_region = regions.get(result.city)
        if city_region is None or result.status == STATUS_NO_DATA:
            continue
        for goal in goals:
            if result.goal_scores[goal] is None and (city_region, goal) in means:
                result.goal_scores[goal] = means[(city_region, goal)]
                result.imputed_goals.append(goal)


def indicator_colours(result: CityResult) -> dict[str, Colour]:
    """Colour of each of the city's coloured indicators."""
    return {name: indicator_colour(level) for name, level in result.levels.items()}
