"""Progress towards 2030 targets.

Two methods are implemented:

* the Open SDG / Statistics Canada method (compound annual growth rates, scores -5..5 and five statuses),
* the UN Statistics Division progress-chart method (projected 2030 value against the target).

See docs/methods.md for the formulas and their sources. Nothing here touches a database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from citydip.sdgprogress.method.types import (
    DETERIORATION,
    FAIR,
    LIMITED,
    LIMITED_OR_NONE,
    MODERATE,
    NO_TARGET_THRESHOLDS,
    NOT_AVAILABLE,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    TARGET_THRESHOLDS,
    Direction,
    GroupProgress,
    IndicatorProgress,
    IndicatorProgressConfig,
    ProgressGroup,
    ProgressItem,
    SeriesOptions,
    SeriesProgress,
    Thresholds,
)

# Exponent of the natural-limit reduction coefficient (Statistics Canada).
LIMIT_EXPONENT = 4.44
# A zero base value or target cannot enter a growth rate; Open SDG replaces it by this.
ZERO_REPLACEMENT = 0.001
# UNSD progress chart cut-offs.
UNSD_RATIO_HIGH = 0.95
UNSD_RATIO_LOW = 0.10
UNSD_CAGR_HIGH = 0.02
UNSD_CAGR_LOW = 0.005

_YEAR_RE = re.compile(r"^\s*(\d{4})(?:\s*$|\D)")


class ProgressInputError(ValueError):
    """Raised for input that cannot be interpreted at all (as opposed to a not_available result)."""


def parse_year(label: object) -> int:
    """Year of a period label: 2015, "2015", "2015-16" and "2015/2016" all give 2015."""
    if isinstance(label, bool):
        raise ProgressInputError(f"not a year: {label!r}")
    if isinstance(label, int):
        return label
    if isinstance(label, float):
        if math.isfinite(label) and label.is_integer():
            return int(label)
        raise ProgressInputError(f"not a year: {label!r}")
    if isinstance(label, str):
        text = label.strip()
        try:
            as_float = float(text)
        except ValueError:
            as_float = math.nan
        if math.isfinite(as_float) and as_float.is_integer() and len(text.split(".")[0]) == 4:
            return int(as_float)
        match = _YEAR_RE.match(text)
        if match:
            return int(match.group(1))
    raise ProgressInputError(f"not a year: {label!r}")


def direction_factor(direction: Direction) -> int:
    """+1 for a positive (increase desired) direction, -1 for negative."""
    return 1 if direction == "positive" else -1


def cagr(v1: float, v0: float, t1: int, t0: int) -> float | None:
    """Compound annual growth rate (v1 / v0)^(1 / (t1 - t0)) - 1, or None where it is undefined."""
    if t1 == t0 or v0 == 0:
        return None
    ratio = v1 / v0
    if ratio < 0 or not math.isfinite(ratio):
        return None
    try:
        value = math.pow(ratio, 1.0 / (t1 - t0)) - 1.0
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


def limit_coefficient(base_value: float, limit: float) -> float:
    """Reduction coefficient C for an indicator with a natural limit (Statistics Canada)."""
    b = abs(base_value)
    lim = abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1.0 - math.pow(b / lim, LIMIT_EXPONENT)
    return 1.0 - math.pow((2 * lim - b) / lim, LIMIT_EXPONENT)


def target_met(current_value: float, target: float, direction: Direction) -> bool:
    """True when the current value already meets the target in the desired direction."""
    if direction == "positive":
        return current_value >= target
    return current_value <= target


def status_from_value(value: float, thresholds: Thresholds) -> str:
    """Series status from a progress value and (possibly reduced) thresholds."""
    if value >= thresholds.high:
        return SUBSTANTIAL
    if value >= thresholds.med:
        return MODERATE
    if value >= thresholds.low:
        return LIMITED
    return DETERIORATION


def score_with_target(ratio: float) -> float:
    """Score (-5..5) of a growth ratio R when the series has a numerical target."""
    if ratio >= TARGET_THRESHOLDS.med:
        return min(7.1429 * ratio - 4.2857, 5.0)
    return max(4.1667 * ratio - 2.5, -5.0)


def score_without_target(value: float, thresholds: Thresholds, coefficient: float) -> float:
    """Score (-5..5) of a growth rate v when the series has no target (thresholds already times C)."""
    if value < thresholds.low:
        return max(125.0 * value - 2.5, -5.0)
    if coefficient == 0:
        return 5.0
    if value >= thresholds.high:
        return min(500.0 * value / coefficient - 5.0, 5.0)
    if value >= thresholds.med:
        return 250.0 * value / coefficient - 1.25
    return 500.0 * value / coefficient - 2.5


def status_from_score(score: float | None, all_targets_achieved: bool = False) -> str:
    """Indicator status from an indicator score (Open SDG score bands)."""
    if all_targets_achieved:
        return TARGET_ACHIEVED
    if score is None or not math.isfinite(score):
        return NOT_AVAILABLE
    if score >= 2.5:
        return SUBSTANTIAL
    if score >= 0:
        return MODERATE
    if score >= -2.5:
        return LIMITED
    return DETERIORATION


def not_available(options: SeriesOptions, reason: str, **known: Any) -> SeriesProgress:
    """A not_available result for `options`, with the reason and whatever inputs were known."""
    return SeriesProgress(
        method=options.method,
        status=NOT_AVAILABLE,
        reason=reason,
        target=options.target,
        target_year=options.target_year,
        direction=options.direction,
        limit=options.limit,
        tag=options.tag(),
        **known,
    )


def _check_finite(**values: float | None) -> str | None:
    for name, value in values.items():
        if value is not None and not math.isfinite(value):
            return f"{name} is not a finite number"
    return None


def opensdg_progress(
    base_year: int | None,
    base_value: float | None,
    current_year: int | None,
    current_value: float | None,
    options: SeriesOptions,
) -> SeriesProgress:
    """Open SDG / Statistics Canada progress of one series from its base and current observations."""
    known: dict[str, Any] = {
        "base_year": base_year,
        "base_value": base_value,
        "current_year": current_year,
        "current_value": current_value,
    }
    bad = _check_finite(
        base_value=base_value, current_value=current_value, target=options.target, limit=options.limit
    )
    if bad:
        return not_available(options, bad, **known)
    if current_year is None or current_value is None:
        return not_available(options, "no data", **known)
    d = direction_factor(options.direction)
    target = options.target
    if target == 0:
        target = ZERO_REPLACEMENT
    achieved = target is not None and target_met(current_value, target, options.direction)

    value: float | None = None
    reason: str | None = None
    sign: int | None = None
    coefficient: float | None = None
    thresholds = options.thresholds or (NO_TARGET_THRESHOLDS if target is None else TARGET_THRESHOLDS)
    if base_year is None or base_value is None:
        reason = "no data in or after the base year"
    else:
        sign = -1 if base_value < 0 else 1
        if target is None and options.limit is not None:
            coefficient = limit_coefficient(base_value, options.limit)
            thresholds = Thresholds(
                high=thresholds.high * coefficient,
                med=thresholds.med * coefficient,
                low=thresholds.low * coefficient,
            )
        base = ZERO_REPLACEMENT if base_value == 0 else base_value
        if (base > 0 > current_value) or (base < 0 < current_value):
            reason = "base and current values have opposite signs"
        elif current_year <= base_year:
            reason = "current year is not after the base year (at least two years of data are needed)"
        else:
            observed = cagr(current_value, base, current_year, base_year)
            if observed is None:
                reason = "growth rate is undefined"
            elif target is None:
                value = sign * d * observed
            elif options.target_year <= base_year:
                reason = "target year is not after the base year"
            else:
                required = cagr(target, base, options.target_year, base_year)
                if required is None:
                    reason = "required growth rate is undefined (target and base value have opposite signs)"
                elif required == 0:
                    reason = "target equals the base value"
                else:
                    value = sign * d * observed / abs(required)
        if value is not None and not math.isfinite(value):
            value, reason = None, "progress value is not finite"

    if achieved:
        status, score = TARGET_ACHIEVED, 5.0
    elif value is None:
        status, score = NOT_AVAILABLE, None
    else:
        status = status_from_value(value, thresholds)
        if target is None:
            score = score_without_target(value, thresholds, 1.0 if coefficient is None else coefficient)
        else:
            score = score_with_target(value)
    return SeriesProgress(
        method="opensdg",
        status=status,
        progress_value=value,
        score=score,
        target_achieved=achieved,
        base_year=base_year,
        base_value=base_value,
        current_year=current_year,
        current_value=current_value,
        target=options.target,
        target_year=options.target_year,
        direction=options.direction,
        limit=options.limit,
        sign=sign,
        coefficient=coefficient,
        reason=None if achieved or value is not None else reason,
        tag=options.tag(),
    )


def unsd_progress(
    base_year: int | None,
    base_value: float | None,
    current_year: int | None,
    current_value: float | None,
    options: SeriesOptions,
) -> SeriesProgress:
    """UNSD progress-chart assessment of one series (three levels; progress value is the ratio or CAGR)."""
    known: dict[str, Any] = {
        "base_year": base_year,
        "base_value": base_value,
        "current_year": current_year,
        "current_value": current_value,
    }
    bad = _check_finite(base_value=base_value, current_value=current_value, target=options.target)
    if bad:
        return not_available(options, bad, **known)
    if current_year is None or current_value is None:
        return not_available(options, "no data", **known)
    if base_year is None or base_value is None:
        return not_available(options, "no data in or after the base year", **known)
    if current_year <= base_year:
        return not_available(
            options,
            "current year is not after the base year (at least two years of data are needed)",
            **known,
        )
    if base_value == 0:
        return not_available(options, "growth rate is undefined for a zero base value", **known)
    if (base_value > 0 > current_value) or (base_value < 0 < current_value):
        return not_available(options, "base and current values have opposite signs", **known)
    rate = cagr(current_value, base_value, current_year, base_year)
    if rate is None:
        return not_available(options, "growth rate is undefined", **known)
    sign = -1 if base_value < 0 else 1
    target = options.target
    if target is None:
        value = sign * direction_factor(options.direction) * rate
        high, low = UNSD_CAGR_HIGH, UNSD_CAGR_LOW
    else:
        if target == base_value:
            return not_available(options, "target equals the base value", **known)
        try:
            expected = current_value * math.pow(1.0 + rate, options.target_year - current_year)
        except (OverflowError, ValueError):
            return not_available(options, "projected value is not finite", **known)
        value = (expected - base_value) / (target - base_value)
        high, low = UNSD_RATIO_HIGH, UNSD_RATIO_LOW
    if not math.isfinite(value):
        return not_available(options, "progress value is not finite", **known)
    status = SUBSTANTIAL if value >= high else FAIR if value >= low else LIMITED_OR_NONE
    return SeriesProgress(
        method="unsd",
        status=status,
        progress_value=value,
        score=None,
        base_year=base_year,
        base_value=base_value,
        current_year=current_year,
        current_value=current_value,
        target=target,
        target_year=options.target_year,
        direction=options.direction,
        limit=options.limit,
        sign=sign,
        tag=options.tag(),
    )


def progress_from_points(
    base_year: int | None,
    base_value: float | None,
    current_year: int | None,
    current_value: float | None,
    options: SeriesOptions,
) -> SeriesProgress:
    """Progress of one series from explicit base/current points using the method in `options`."""
    if options.method == "unsd":
        return unsd_progress(base_year, base_value, current_year, current_value, options)
    return opensdg_progress(base_year, base_value, current_year, current_value, options)


def pick_base_and_current(
    observations: Iterable[tuple[object, float]], base_year: int
) -> tuple[int | None, float | None, int | None, float | None]:
    """Base (the base year, else the first later year with data) and current (latest year) observations.

    Years may be period labels ("2015-16" counts as 2015). Missing or non-finite values are skipped.
    Two values for the same year raise ProgressInputError.
    """
    by_year: dict[int, float] = {}
    for label, value in observations:
        if value is None or not math.isfinite(value):
            continue
        year = parse_year(label)
        if year in by_year and by_year[year] != value:
            raise ProgressInputError(f"two values for year {year}: {by_year[year]!r} and {value!r}")
        by_year[year] = value
    if not by_year:
        return None, None, None, None
    current_year = max(by_year)
    later = sorted(y for y in by_year if y >= base_year)
    if not later:
        return None, None, current_year, by_year[current_year]
    return later[0], by_year[later[0]], current_year, by_year[current_year]


def series_progress(observations: Iterable[tuple[object, float]], options: SeriesOptions) -> SeriesProgress:
    """Progress of one series from its (year label, value) observations."""
    base_year, base_value, current_year, current_value = pick_base_and_current(
        observations, options.base_year
    )
    return progress_from_points(base_year, base_value, current_year, current_value, options)


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _evaluate(
    item: ProgressItem, compute: Callable[[SeriesOptions], SeriesProgress]
) -> SeriesProgress | GroupProgress:
    if isinstance(item, ProgressGroup):
        members = tuple(_evaluate(member, compute) for member in item.items)
        scores = [m.score for m in members if m.score is not None]
        return GroupProgress(score=_mean(scores), members=members)
    return compute(item)


def aggregate_progress(members: Sequence[SeriesProgress | GroupProgress]) -> IndicatorProgress:
    """Indicator score (mean of member scores; groups already averaged) and status."""
    scores = [m.score for m in members if m.score is not None]
    score = _mean(scores)
    result = IndicatorProgress(score=score, status=NOT_AVAILABLE, members=tuple(members))
    scored = [s for s in result.series() if s.score is not None]
    all_achieved = bool(scored) and all(s.target_achieved for s in scored)
    return IndicatorProgress(
        score=score, status=status_from_score(score, all_achieved), members=tuple(members)
    )


def indicator_progress(
    config: IndicatorProgressConfig, compute: Callable[[SeriesOptions], SeriesProgress]
) -> IndicatorProgress:
    """Progress of an indicator: each configured series via `compute`, groups averaged first.

    When automatic calculation is off, the manual `progress_status` (or not_available) is returned.
    """
    if not config.auto:
        return IndicatorProgress(score=None, status=config.manual_status or NOT_AVAILABLE)
    members = [_evaluate(item, compute) for item in config.items]
    return aggregate_progress(members)
