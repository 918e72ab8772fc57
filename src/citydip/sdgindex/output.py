"""CSV output of the city SDG index: one row per city, and the long indicator-level detail.

Missing numbers are empty cells, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TextIO

from citydip.core import csvout
from citydip.sdgindex.colours import indicator_colour
from citydip.sdgindex.compute import IndexResult, not_ranked_reason

DETAIL_HEADER = [
    "city",
    "goal",
    "indicator",
    "in_score",
    "year",
    "value",
    "normalised",
    "rescaled_0_3",
    "colour",
    "trend",
    "trend_from_year",
    "trend_to_year",
    "observed_annual_change",
    "required_annual_change",
]


def format_score(value: float | None) -> str:
    """Finite numbers with 6 decimals; None or non-finite as an empty cell (never NaN)."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.6f}"


def has_trends(result: IndexResult) -> bool:
    """Whether trends were computed for this result (a values file with years, or a history file)."""
    return any(c.goal_trends for c in result.cities)


def output_header(result: IndexResult) -> list[str]:
    """Columns of the output CSV (goal trend columns only when trends were computed)."""
    trends = has_trends(result)
    header = ["city"]
    for goal in result.goals:
        header += [f"goal_{goal}_score", f"goal_{goal}_colour"]
        if trends:
            header.append(f"goal_{goal}_trend")
    return [
        *header,
        "index",
        "rank",
        "indicators_used",
        "indicators_applicable",
        "missing_percent",
        "imputed_goals",
        "status",
        "status_reason",
    ]


def write_results(result: IndexResult, out: TextIO) -> None:
    """Write one row per city: goal scores, colours (and trends), index, rank, data coverage, status."""
    trends = has_trends(result)
    writer = csvout.writer(out)
    writer.writerow(output_header(result))
    for city in result.cities:
        row = [city.city]
        for goal in result.goals:
            row += [format_score(city.goal_scores[goal]), city.goal_colours[goal] or ""]
            if trends:
                trend = city.goal_trends.get(goal)
                row.append(trend.arrow if trend else "")
        share = city.missing_share
        row += [
            format_score(city.index),
            "" if city.rank is None else str(city.rank),
            str(city.indicators_used),
            str(city.applicable),
            "" if share is None else f"{share:.1f}",
            ";".join(city.imputed_goals),
            city.status,
            not_ranked_reason(city, result.max_missing),
        ]
        writer.writerow(row)


def write_detail(
    result: IndexResult,
    values: Mapping[str, Mapping[str, float | None]],
    out: TextIO,
    years: Mapping[str, Mapping[str, int]] | None = None,
) -> None:
    """Long format: one row per city and applicable indicator with its value, normalised score (0-100),
    value on the 0-3 colour scale, colour and trend (empty cells where there is none)."""
    writer = csvout.writer(out)
    writer.writerow(DETAIL_HEADER)
    for city in result.cities:
        raw = values.get(city.city, {})
        for spec in result.specs:
            if not spec.applies(city.groups):
                continue
            name = spec.indicator
            level = city.levels.get(name)
            trend = city.trends.get(name)
            year = (years or {}).get(city.city, {}).get(name)
            writer.writerow(
                [
                    city.city,
                    spec.goal,
                    name,
                    "yes" if spec.in_score else "no",
                    "" if year is None or raw.get(name) is None else str(year),
                    format_score(raw.get(name)),
                    format_score(city.normalised.get(name)),
                    format_score(level),
                    "" if level is None else indicator_colour(level),
                    trend.arrow if trend else "",
                    str(trend.from_year) if trend else "",
                    str(trend.to_year) if trend else "",
                    format_score(trend.observed) if trend else "",
                    format_score(trend.required) if trend else "",
                ]
            )
