"""Dashboard colours of the SDSN SDG Index: indicator values on a 0-3 scale and goal colour rules."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

Colour: TypeAlias = Literal["green", "yellow", "orange", "red", "grey"]
GoalColourRule: TypeAlias = Literal["two-worst", "all-indicators"]
GOAL_COLOUR_RULES: tuple[GoalColourRule, ...] = ("two-worst", "all-indicators")

GREEN_AT = 2.0
YELLOW_AT = 1.5
ORANGE_AT = 1.0


@dataclass(frozen=True)
class ColourScale:
    """Knots of the piecewise-linear 0-3 scale, in 'goodness' units (values negated when lower is better).

    worst -> 0, red threshold -> 1, (optional yellow threshold -> 1.5), green threshold -> 2, best -> 3.
    A bound lying inside its threshold (as in a few published SDSN rows) is moved out to the threshold,
    so everything past that threshold takes the end value of the scale.
    """

    sign: float
    worst: float
    red: float
    yellow: float | None
    green: float
    best: float


def make_scale(
    higher_is_better: bool,
    best: float,
    worst: float,
    green: float,
    red: float,
    yellow: float | None = None,
) -> ColourScale:
    """Colour scale for one indicator; raises ValueError when the thresholds are in the wrong order."""
    s = 1.0 if higher_is_better else -1.0
    g, r = s * green, s * red
    if r > g:
        raise ValueError(f"the red threshold ({red:g}) is better than the green threshold ({green:g})")
    y = None if yellow is None else s * yellow
    if y is not None and not r <= y <= g:
        raise ValueError(
            f"the yellow threshold ({yellow:g}) is not between red ({red:g}) and green ({green:g})"
        )
    return ColourScale(sign=s, worst=min(s * worst, r), red=r, yellow=y, green=g, best=max(s * best, g))


def _segment(u: float, lo: float, hi: float, at_lo: float, at_hi: float) -> float:
    if hi <= lo:
        return at_hi if u >= hi else at_lo
    share = (u - lo) / (hi - lo)
    if not math.isfinite(share):  # overflow with extreme values
        share = 1.0 if u >= hi else 0.0
    return at_lo + (at_hi - at_lo) * min(max(share, 0.0), 1.0)


def rescale(value: float, scale: ColourScale) -> float:
    """The value on the 0-3 scale (worst 0, red 1, green 2, best 3), clamped to [0, 3]."""
    u = scale.sign * value
    if u >= scale.green:
        out = _segment(u, scale.green, scale.best, GREEN_AT, 3.0)
    elif u >= scale.red:
        if scale.yellow is None:
            out = _segment(u, scale.red, scale.green, ORANGE_AT, GREEN_AT)
        elif u >= scale.yellow:
            out = _segment(u, scale.yellow, scale.green, YELLOW_AT, GREEN_AT)
        else:
            out = _segment(u, scale.red, scale.yellow, ORANGE_AT, YELLOW_AT)
    else:
        out = 0.0 if u <= scale.worst else _segment(u, scale.worst, scale.red, 0.0, ORANGE_AT)
    return min(max(out, 0.0), 3.0)


def indicator_colour(level: float) -> Colour:
    """Colour of a 0-3 value: green >= 2, yellow >= 1.5, orange >= 1, otherwise red."""
    if level >= GREEN_AT:
        return "green"
    if level >= YELLOW_AT:
        return "yellow"
    if level >= ORANGE_AT:
        return "orange"
    return "red"


def _too_little_data(levels: Sequence[float], n_indicators: int) -> bool:
    return not levels or len(levels) < n_indicators / 2


def goal_colour_two_worst(levels: Sequence[float], n_indicators: int) -> Colour | None:
    """SDSN rule: average of the two worst 0-3 values; green/red only if both are green/red.

    `levels` are the 0-3 values of the goal's indicators that have data; `n_indicators` counts all the
    goal's coloured indicators. Grey when fewer than half have data; None when the goal has none at all.
    """
    if n_indicators <= 0:
        return None
    clean = [v for v in levels if math.isfinite(v)]
    if _too_little_data(clean, n_indicators):
        return "grey"
    if len(clean) == 1:
        return indicator_colour(clean[0])
    a, b = sorted(clean)[:2]
    if a >= GREEN_AT:
        return "green"
    if b < ORANGE_AT:
        return "red"
    return "yellow" if (a + b) / 2 >= YELLOW_AT else "orange"


def goal_colour_all_indicators(levels: Sequence[float], n_indicators: int) -> Colour | None:
    """Alternative rule: colour of the mean 0-3 value, but red when more than a third are red."""
    if n_indicators <= 0:
        return None
    clean = [v for v in levels if math.isfinite(v)]
    if _too_little_data(clean, n_indicators):
        return "grey"
    reds = sum(1 for v in clean if v < ORANGE_AT)
    if reds > len(clean) / 3:
        return "red"
    return indicator_colour(math.fsum(clean) / len(clean))


def goal_colour(levels: Sequence[float], n_indicators: int, rule: GoalColourRule) -> Colour | None:
    """Goal colour under the selected rule."""
    if rule == "all-indicators":
        return goal_colour_all_indicators(levels, n_indicators)
    return goal_colour_two_worst(levels, n_indicators)
