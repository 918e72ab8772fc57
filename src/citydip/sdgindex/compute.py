"""City SDG index (the SDSN method): bounds, normalisation, goal scores, index, ranking and dashboards.

Pure functions over plain mappings; see io.py for the CSV formats and docs/methods.md for the method.
Every unit (city, country) is assessed on the indicators that apply to it: an indicator may apply to some
groups of units only (``applies_to``) and may be shown on the dashboard without entering the score
(``in_score``). Units missing more than ``max_missing`` percent of their applicable scored indicators are
scored but not ranked, and stay out of the regional means that fill missing goals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

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

if TYPE_CHECKING:
    from citydip.sdgindex.trends import GoalTrend, IndicatorTrend

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

# SDSN ranks a unit only when at most this share (percent) of its applicable indicators is missing.
DEFAULT_MAX_MISSING = 20.0

STATUS_RANKED = "ranked"
STATUS_NOT_RANKED = "not_ranked"
STATUS_NO_DATA = "no_data"
STATUSES = (STATUS_RANKED, STATUS_NOT_RANKED, STATUS_NO_DATA)


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
    applies_to: tuple[str, ...] = ()
    in_score: bool = True

    @property
    def higher_is_better(self) -> bool:
        """True when larger values are better."""
        return self.direction == "higher"

    def applies(self, groups: Collection[str]) -> bool:
        """Whether the indicator applies to a unit in these groups (see `applies_to_groups`)."""
        return applies_to_groups(self.applies_to, groups)

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
    """Scores, colours, index and rank of one city.

    `applicable` counts the indicators that apply to the city and enter the score; `indicators_used` those
    of them with a value. `normalised` and `levels` cover every applicable indicator with a value,
    dashboard-only ones included.
    """

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
    applicable: int = 0
    groups: tuple[str, ...] = ()
    trends: dict[str, IndicatorTrend] = field(default_factory=dict)
    goal_trends: dict[str, GoalTrend | None] = field(default_factory=dict)

    @property
    def missing(self) -> int:
        """Applicable scored indicators without a value."""
        return self.applicable - self.indicators_used

    @property
    def missing_share(self) -> float | None:
        """Percent of the applicable scored indicators that are missing (None when none applies)."""
        return 100.0 * self.missing / self.applicable if self.applicable else None


@dataclass
class IndexResult:
    """Everything computed for a set of cities."""

    goals: list[str]
    cities: list[CityResult]
    bounds: dict[str, Bounds]
    specs: list[IndicatorSpec] = field(default_factory=list)
    max_missing: float | None = DEFAULT_MAX_MISSING

    def by_city(self) -> dict[str, CityResult]:
        """Results keyed by city name."""
        return {c.city: c for c in self.cities}


def applies_to_groups(terms: Sequence[str], groups: Collection[str]) -> bool:
    """Applicability rule: a unit qualifies when it is in at least one of the plain terms (or there are
    none) and in none of the terms written with a leading '!'. Group names compare case-insensitively."""
    have = {g.casefold() for g in groups}
    wanted = [t.casefold() for t in terms if not t.startswith("!")]
    excluded = [t[1:].casefold() for t in terms if t.startswith("!")]
    if wanted and not have.intersection(wanted):
        return False
    return not have.intersection(excluded)


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
    groups: Mapping[str, Collection[str]] | None = None,
    impute_missing_goals: ImputeMode | None = None,
    goal_colour_rule: GoalColourRule = "two-worst",
    quantile_method: str = DEFAULT_QUANTILE_METHOD,
    max_missing: float | None = DEFAULT_MAX_MISSING,
) -> IndexResult:
    """Goal scores, colours, index and rank for every city in `values` (city -> indicator -> value).

    `groups` gives each city's groups (for the specs' `applies_to`); `max_missing` is the largest share
    (percent) of applicable scored indicators a city may miss and still get an index and a rank (None: no
    limit). Raises SdgIndexError listing every indicator whose bounds or thresholds cannot be used, and
    for values of indicators that are not in the spec.
    """
    by_indicator = {s.indicator: s for s in specs}
    group_of = {city: tuple(sorted((groups or {}).get(city, ()))) for city in values}
    problems: list[str] = []
    for city, row in values.items():
        unknown = sorted(set(row) - set(by_indicator))
        if unknown:
            problems.append(f"city {city!r}: indicator(s) not in the spec: {', '.join(unknown)}")
    goals = sorted({s.goal for s in specs}, key=natural_key)
    bounds: dict[str, Bounds] = {}
    scales: dict[str, ColourScale | None] = {}
    for spec in specs:
        column = [row.get(spec.indicator) for city, row in values.items() if spec.applies(group_of[city])]
        try:
            bounds[spec.indicator] = resolve_bounds(spec, _finite(column), quantile_method)
            scales[spec.indicator] = colour_scale(spec, bounds[spec.indicator])
        except ValueError as exc:
            problems.append(f"{spec.label()}: {exc}")
    if problems:
        raise SdgIndexError(problems)

    cities = [
        _score_city(city, row, group_of[city], specs, goals, bounds, scales, goal_colour_rule)
        for city, row in values.items()
    ]
    for result in cities:
        share = result.missing_share
        if result.status == STATUS_RANKED and _too_sparse(share, max_missing):
            result.status = STATUS_NOT_RANKED
    if impute_missing_goals == "region":
        _impute_by_region(cities, goals, regions or {})
    for result in cities:
        if result.status != STATUS_RANKED:
            continue
        result.index = _mean([s for s in result.goal_scores.values() if s is not None])
    ranks = rank_desc({c.city: c.index for c in cities if c.index is not None})
    for result in cities:
        result.rank = ranks.get(result.city)
    return IndexResult(goals=goals, cities=cities, bounds=bounds, specs=list(specs), max_missing=max_missing)


def _too_sparse(share: float | None, max_missing: float | None) -> bool:
    return max_missing is not None and share is not None and share > max_missing + 1e-9


def _score_city(
    city: str,
    row: Mapping[str, float | None],
    groups: tuple[str, ...],
    specs: Sequence[IndicatorSpec],
    goals: Sequence[str],
    bounds: Mapping[str, Bounds],
    scales: Mapping[str, ColourScale | None],
    rule: GoalColourRule,
) -> CityResult:
    """Normalised values, 0-3 levels, goal scores and goal colours of one city on its applicable set."""
    applicable = [s for s in specs if s.applies(groups)]
    normalised: dict[str, float] = {}
    levels: dict[str, float] = {}
    for spec in applicable:
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
        scored = [s.indicator for s in applicable if s.goal == goal and s.in_score]
        goal_scores[goal] = _mean([normalised[m] for m in scored if m in normalised])
        coloured = [s.indicator for s in applicable if s.goal == goal and scales[s.indicator] is not None]
        if coloured:
            colours[goal] = goal_colour([levels[m] for m in coloured if m in levels], len(coloured), rule)
        elif any(s.goal == goal and scales[s.indicator] is not None for s in specs):
            colours[goal] = "grey"  # the goal has coloured indicators, but none applies to this city
        else:
            colours[goal] = None
    scored_here = [s.indicator for s in applicable if s.in_score]
    used = sum(1 for name in scored_here if name in normalised)
    return CityResult(
        city=city,
        goal_scores=goal_scores,
        goal_colours=colours,
        imputed_goals=[],
        index=None,
        rank=None,
        indicators_used=used,
        status=STATUS_RANKED if used else STATUS_NO_DATA,
        normalised=normalised,
        levels=levels,
        applicable=len(scored_here),
        groups=groups,
    )


def _impute_by_region(cities: list[CityResult], goals: list[str], regions: Mapping[str, str]) -> None:
    """Fill a missing goal score of a ranked city with the unweighted mean of that goal over its region.

    Means use only the own (not imputed) scores of ranked cities: cities that miss too much data to be
    ranked neither enter the means nor get imputed goals.
    """
    means: dict[tuple[str, str], float] = {}
    for region in set(regions.values()):
        for goal in goals:
            own = [
                c.goal_scores[goal]
                for c in cities
                if regions.get(c.city) == region
                and c.status == STATUS_RANKED
                and c.goal_scores[goal] is not None
            ]
            mean = _mean([s for s in own if s is not None])
            if mean is not None:
                means[(region, goal)] = mean
    for result in cities:
        city_region = regions.get(result.city)
        if city_region is None or result.status != STATUS_RANKED:
            continue
        for goal in goals:
            if result.goal_scores[goal] is None and (city_region, goal) in means:
                result.goal_scores[goal] = means[(city_region, goal)]
                result.imputed_goals.append(goal)


def indicator_colours(result: CityResult) -> dict[str, Colour]:
    """Colour of each of the city's coloured indicators."""
    return {name: indicator_colour(level) for name, level in result.levels.items()}


def not_ranked_reason(result: CityResult, max_missing: float | None) -> str:
    """Why a city has no rank, in plain words ('' for a ranked city)."""
    if result.status == STATUS_NO_DATA:
        return "no data for any applicable indicator"
    if result.status != STATUS_NOT_RANKED or result.missing_share is None:
        return ""
    limit = "" if max_missing is None else f", more than {max_missing:g} %"
    return (
        f"{result.missing} of {result.applicable} applicable indicators missing "
        f"({result.missing_share:.1f} %{limit})"
    )
