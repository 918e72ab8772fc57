"""A computed index as stored JSON, and the read-only view of it that pages, exports and the API use.

The JSON holds only finite numbers or null (never NaN), so it is valid on SQLite and PostgreSQL alike and
every page or CSV built from it is free of NaN by construction.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from citydip.sdgindex.colours import Colour
from citydip.sdgindex.compute import (
    Bounds,
    CityResult,
    IndexResult,
    IndicatorSpec,
    indicator_colours,
    natural_key,
)
from citydip.sdgindex.io import write_results

# Light tile backgrounds (dark text on them passes WCAG AA) and stronger bar colours, per dashboard colour.
TILE_COLOURS = {
    "green": "#a6dba0",
    "yellow": "#fee08b",
    "orange": "#fdb863",
    "red": "#f4a3a3",
    "grey": "#d9d9d9",
    "": "#ffffff",
}
BAR_COLOURS = {
    "green": "#1a7f37",
    "yellow": "#b58900",
    "orange": "#d55e00",
    "red": "#b3261e",
    "grey": "#6e7781",
    "": "#0b5cad",
}
_GOAL_RE = re.compile(r"^(?:sdg|goal|g)?[\s_-]*0*(\d{1,2})$")


def clean(value: float | None) -> float | None:
    """A finite float or None (never NaN or infinity)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def sdg_number(goal: str) -> int | None:
    """The SDG number a goal label stands for ('1', 'G1', 'SDG 01', 'Goal 1'), or None."""
    match = _GOAL_RE.match(goal.strip().lower())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= 17 else None


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
    }


def _city_json(city: CityResult, raw: Mapping[str, float | None], region: str | None) -> dict[str, Any]:
    return {
        "city": city.city,
        "region": region or "",
        "goal_scores": {g: clean(s) for g, s in city.goal_scores.items()},
        "goal_colours": {g: c or "" for g, c in city.goal_colours.items()},
        "imputed_goals": list(city.imputed_goals),
        "index": clean(city.index),
        "rank": city.rank,
        "indicators_used": city.indicators_used,
        "status": city.status,
        "values": {k: clean(v) for k, v in raw.items() if clean(v) is not None},
        "normalised": {k: clean(v) for k, v in city.normalised.items()},
        "levels": {k: clean(v) for k, v in city.levels.items()},
        "indicator_colours": dict(indicator_colours(city)),
    }


def result_to_json(
    result: IndexResult,
    specs: Sequence[IndicatorSpec],
    values: Mapping[str, Mapping[str, float | None]],
    regions: Mapping[str, str] | None,
) -> dict[str, Any]:
    """The stored form of a computed index (finite numbers or null only)."""
    return {
        "goals": list(result.goals),
        "indicators": [_spec_json(s, result.bounds.get(s.indicator)) for s in specs],
        "cities": [_city_json(c, values.get(c.city, {}), (regions or {}).get(c.city)) for c in result.cities],
    }


@dataclass(frozen=True)
class GoalInfo:
    """A goal column: its label in the spec, the SDG it stands for and how to show it."""

    key: str
    number: int | None
    label: str
    colour: str


@dataclass(frozen=True)
class CityRow:
    """One city of a stored run."""

    data: Mapping[str, Any]

    @property
    def name(self) -> str:
        """City name."""
        return str(self.data["city"])

    @property
    def index(self) -> float | None:
        """Index score (0-100) or None."""
        return clean(self.data.get("index"))

    @property
    def rank(self) -> int | None:
        """Rank (1 = best) or None when unranked."""
        rank = self.data.get("rank")
        return rank if isinstance(rank, int) else None

    @property
    def status(self) -> str:
        """ranked or no_data."""
        return str(self.data.get("status", ""))

    @property
    def region(self) -> str:
        """Region from R.csv, if any."""
        return str(self.data.get("region", ""))

    @property
    def indicators_used(self) -> int:
        """Number of indicators with a value."""
        return int(self.data.get("indicators_used", 0))

    def score(self, goal: str) -> float | None:
        """Goal score (0-100) or None."""
        return clean(self.data.get("goal_scores", {}).get(goal))

    def colour(self, goal: str) -> str:
        """Dashboard colour of a goal ('' when the goal has no thresholds)."""
        return str(self.data.get("goal_colours", {}).get(goal) or "")

    def imputed(self, goal: str) -> bool:
        """Whether the goal score was imputed from the region."""
        return goal in self.data.get("imputed_goals", [])

    def value(self, indicator: str) -> float | None:
        """Raw value of an indicator."""
        return clean(self.data.get("values", {}).get(indicator))

    def normalised(self, indicator: str) -> float | None:
        """Normalised value (0-100)."""
        return clean(self.data.get("normalised", {}).get(indicator))

    def indicator_colour(self, indicator: str) -> str:
        """Dashboard colour of an indicator ('' without thresholds or data)."""
        return str(self.data.get("indicator_colours", {}).get(indicator) or "")


@dataclass(frozen=True)
class RunView:
    """A stored run as pages, exports and the API read it."""

    result: Mapping[str, Any]
    goal_titles: Mapping[int, tuple[str, str]]  # SDG number -> (short label, colour)

    @property
    def goals(self) -> list[GoalInfo]:
        """Goal columns in natural order, labelled with the SDG short label where the goal is an SDG."""
        out = []
        for key in self.result.get("goals", []):
            number = sdg_number(key)
            title, colour = self.goal_titles.get(number, ("", "#555555")) if number else ("", "#555555")
            label = f"{number}. {title}" if number and title else (f"SDG {number}" if number else key)
            out.append(GoalInfo(key=key, number=number, label=label, colour=colour))
        return out

    @property
    def indicators(self) -> list[dict[str, Any]]:
        """Indicator specs with the bounds used."""
        return list(self.result.get("indicators", []))

    def indicators_of(self, goal: str) -> list[dict[str, Any]]:
        """Indicator specs of one goal."""
        return [i for i in self.indicators if i["goal"] == goal]

    @property
    def cities(self) -> list[CityRow]:
        """Cities in ranking order (unranked last, by name)."""
        rows = [CityRow(c) for c in self.result.get("cities", [])]
        return sorted(rows, key=lambda c: (c.rank is None, c.rank or 0, natural_key(c.name)))

    def city(self, name: str) -> CityRow | None:
        """One city by name."""
        return next((c for c in self.cities if c.name == name), None)

    def to_index_result(self) -> IndexResult:
        """Back to the library's result type (for the CSV writer)."""
        cities = [
            CityResult(
                city=c.name,
                goal_scores={g: c.score(g) for g in self.result.get("goals", [])},
                goal_colours={g: _colour(c.colour(g)) for g in self.result.get("goals", [])},
                imputed_goals=list(c.data.get("imputed_goals", [])),
                index=c.index,
                rank=c.rank,
                indicators_used=c.indicators_used,
                status=c.status,
            )
            for c in self.cities
        ]
        return IndexResult(goals=list(self.result.get("goals", [])), cities=cities, bounds={})

    def csv_text(self) -> str:
        """The run as the CSV that `citydip index compute` writes."""
        out = io.StringIO()
        write_results(self.to_index_result(), out)
        return out.getvalue()


_COLOURS: dict[str, Colour] = {
    "green": "green",
    "yellow": "yellow",
    "orange": "orange",
    "red": "red",
    "grey": "grey",
}


def _colour(word: str) -> Colour | None:
    return _COLOURS.get(word)
