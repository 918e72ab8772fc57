"""Pick the time series that a progress option refers to out of Open SDG-style data rows.

Rows are mappings such as those from csv.DictReader over an Open SDG data CSV (Year, Value, optional
Series, Units, Progress and disaggregation columns). The selection follows Open SDG: filter by unit,
series and the listed disaggregations, otherwise keep the headline rows (all disaggregations blank), and
use the Progress column instead of Value where it holds a number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from citydip.sdgprogress.method.calculation import (
    ProgressInputError,
    indicator_progress,
    not_available,
    parse_year,
    series_progress,
)
from citydip.sdgprogress.method.types import (
    IndicatorProgress,
    IndicatorProgressConfig,
    SeriesOptions,
    SeriesProgress,
)

Row = Mapping[str, object]

DEFAULT_NON_DISAGGREGATION: tuple[str, ...] = (
    "Year",
    "Value",
    "Series",
    "Units",
    "Unit measure",
    "Unit multiplier",
    "Observation status",
    "GeoCode",
    "Progress",
    "COMMENT_OBS",
    "COMMENT_TS",
)


class ProgressDataError(ValueError):
    """The rows do not identify a single usable series for the options; the message says why."""


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, str) and value.strip() == "")
        or (isinstance(value, float) and math.isnan(value))
    )


def _text(value: object) -> str:
    return "" if _blank(value) else str(value).strip()


def _filter(
    rows: list[tuple[int, Row]], column: str, wanted: str, columns: set[str]
) -> list[tuple[int, Row]]:
    if column not in columns:
        raise ProgressDataError(f"column {column!r} not found in the data (wanted {wanted!r})")
    kept = [(n, r) for n, r in rows if _text(r.get(column)) == wanted]
    if not kept:
        raise ProgressDataError(f"no rows with {column} = {wanted!r}")
    return kept


def _number(value: object, row_number: int, column: str) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ProgressDataError(
                f"row {row_number}, field {column!r}: {value!r} is not a number"
            ) from None
    if not math.isfinite(number):
        raise ProgressDataError(f"row {row_number}, field {column!r}: {value!r} is not a finite number")
    return number


def select_observations(
    rows: Sequence[Row],
    options: SeriesOptions,
    *,
    series_column: str = "Series",
    unit_column: str = "Units",
    progress_column: str = "Progress",
    non_disaggregation_columns: Sequence[str] = DEFAULT_NON_DISAGGREGATION,
) -> list[tuple[int, float]]:
    """(year, value) pairs of the single series that `options` selects; row numbers count the header as 1."""
    numbered: list[tuple[int, Row]] = [(i + 2, row) for i, row in enumerate(rows)]
    columns: set[str] = set()
    for row in rows:
        columns.update(row.keys())
    if not numbered:
        return []
    if options.unit is not None:
        numbered = _filter(numbered, unit_column, options.unit, columns)
    if options.series is not None:
        numbered = _filter(numbered, series_column, options.series, columns)
    fixed = {"Year", "Value", series_column, unit_column, progress_column, *non_disaggregation_columns}
    disaggregations = sorted(c for c in columns if c not in fixed)
    if options.disaggregation:
        for d in options.disaggregation:
            numbered = _filter(numbered, d.field, d.value, columns)
    else:
        headline = [(n, r) for n, r in numbered if all(_blank(r.get(c)) for c in disaggregations)]
        if not headline:
            raise ProgressDataError(
                "no headline rows (every row has a disaggregation); choose one with 'disaggregation'"
            )
        numbered = headline
    for column in sorted(c for c in columns if c not in {"Year", "Value", progress_column}):
        if column in non_disaggregation_columns and column not in {series_column, unit_column}:
            continue
        found = sorted({_text(r.get(column)) for _, r in numbered} - {""})
        if len(found) > 1:
            raise ProgressDataError(
                f"several sub-series remain ({column}: {', '.join(found[:5])}); choose one in the options"
            )
    out: dict[int, tuple[int, float]] = {}
    for n, row in numbered:
        value = _number(row.get(progress_column), n, progress_column) if progress_column in columns else None
        if value is None:
            value = _number(row.get("Value"), n, "Value")
        if value is None:
            continue
        try:
            year = parse_year(row.get("Year"))
        except ProgressInputError:
            raise ProgressDataError(f"row {n}, field 'Year': {row.get('Year')!r} is not a year") from None
        if year in out and out[year][1] != value:
            raise ProgressDataError(f"row {n}: a second value for year {year} (first on row {out[year][0]})")
        out[year] = (n, value)
    return sorted((year, value) for year, (_, value) in out.items())


def series_progress_from_rows(rows: Sequence[Row], options: SeriesOptions) -> SeriesProgress:
    """Progress of the series that `options` selects in `rows`; selection problems give not_available."""
    try:
        observations = select_observations(rows, options)
        return series_progress(observations, options)
    except (ProgressDataError, ProgressInputError) as exc:
        return not_available(options, str(exc))


def indicator_progress_from_rows(config: IndicatorProgressConfig, rows: Sequence[Row]) -> IndicatorProgress:
    """Progress of an indicator from its config and its Open SDG data rows."""
    return indicator_progress(config, lambda options: series_progress_from_rows(rows, options))
