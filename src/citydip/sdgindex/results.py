"""The read-only view of a stored index run that pages, exports and the API use.

The stored JSON itself (and reading it back) is in stored.py; it holds finite numbers or null only, so
nothing built from it ever shows NaN.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from citydip.sdgindex.compute import STATUSES, applies_to_groups, natural_key
from citydip.sdgindex.output import write_detail, write_results
from citydip.sdgindex.stored import clean, index_result_from_json, result_to_json
from citydip.sdgindex.trends import ARROW_SYMBOL

__all__ = [
    "BAR_COLOURS",
    "TILE_COLOURS",
    "CityRow",
    "GoalInfo",
    "RunView",
    "clean",
    "result_to_json",
    "sdg_number",
]

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


def sdg_number(goal: str) -> int | None:
    """The SDG number a goal label stands for ('1', 'G1', 'SDG 01', 'Goal 1'), or None."""
    match = _GOAL_RE.match(goal.strip().lower())
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= 17 else None


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
        """ranked, not_ranked (too many indicators missing) or no_data."""
        return str(self.data.get("status", ""))

    @property
    def applicable(self) -> int | None:
        """Indicators that apply to the city and enter the score (None in runs stored before this count)."""
        value = self.data.get("indicators_applicable")
        return value if isinstance(value, int) else None

    @property
    def missing_percent(self) -> float | None:
        """Share of the applicable scored indicators without a value (percent)."""
        return clean(self.data.get("missing_percent"))

    @property
    def groups(self) -> list[str]:
        """The city's groups from the values file."""
        return [str(g) for g in self.data.get("groups", [])]

    def applies(self, indicator: Mapping[str, Any]) -> bool:
        """Whether an indicator of the run (its stored spec) applies to this city."""
        return applies_to_groups([str(t) for t in indicator.get("applies_to", [])], self.groups)

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

    def level(self, indicator: str) -> float | None:
        """The indicator's value on the 0-3 colour scale."""
        return clean(self.data.get("levels", {}).get(indicator))

    def year(self, indicator: str) -> int | None:
        """Year of the value used (when the values had years)."""
        year = self.data.get("years", {}).get(indicator)
        return year if isinstance(year, int) else None

    def trend(self, indicator: str) -> Mapping[str, Any] | None:
        """The indicator's trend: arrow, from_year, to_year, observed and required annual change."""
        trend = self.data.get("trends", {}).get(indicator)
        return trend if isinstance(trend, dict) else None

    def goal_trend(self, goal: str) -> Mapping[str, Any] | None:
        """The goal's trend: arrow, score (0-4), indicators with a trend and of how many."""
        trend = self.data.get("goal_trends", {}).get(goal)
        return trend if isinstance(trend, dict) else None


def arrow_symbol(arrow: str) -> str:
    """The arrow drawn for a trend word ('' for none)."""
    return ARROW_SYMBOL.get(arrow, "")


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
        """Cities in ranking order; then those not ranked, then those without data (each by name)."""
        rows = [CityRow(c) for c in self.result.get("cities", [])]
        return sorted(
            rows, key=lambda c: (c.rank is None, c.status == "no_data", c.rank or 0, natural_key(c.name))
        )

    def city(self, name: str) -> CityRow | None:
        """One city by name."""
        return next((c for c in self.cities if c.name == name), None)

    @property
    def max_missing(self) -> float | None:
        """The largest share (percent) of missing indicators a ranked city may have (None: no limit)."""
        return clean(self.result.get("max_missing"))

    @property
    def has_trends(self) -> bool:
        """Whether the run computed trends (its values had years)."""
        return any(c.data.get("goal_trends") for c in self.cities)

    def counts(self) -> dict[str, int]:
        """Cities per status (ranked, not_ranked, no_data)."""
        out = dict.fromkeys(STATUSES, 0)
        for c in self.cities:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def csv_text(self) -> str:
        """The run as the CSV that `citydip index compute` writes."""
        result, _values, _years = index_result_from_json(self.result)
        out = io.StringIO()
        write_results(result, out)
        return out.getvalue()

    def detail_csv_text(self) -> str:
        """Every city's indicators as the long CSV that `citydip index compute --detail` writes."""
        result, values, years = index_result_from_json(self.result)
        out = io.StringIO()
        write_detail(result, values, out, years)
        return out.getvalue()
