"""CSV formats of the city SDG index.

* V.csv (values): long `city,indicator,value` or wide `city,<indicator 1>,<indicator 2>,...` (detected).
* S.csv (spec): `indicator,goal,direction(higher|lower),best,worst,green,red` (+ optional yellow, orange).
  best/worst may be blank (then derived from the data); green/red may be blank (then no colour).
* R.csv (regions): `city,region`.

Every problem is reported with file, row and field; all problems of a file are collected before failing.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeAlias

from citydip.core import csvout
from citydip.sdgindex.compute import (
    IndexResult,
    IndicatorDirection,
    IndicatorSpec,
    SdgIndexError,
)

MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", ".."}
SPEC_REQUIRED = ("indicator", "goal", "direction")
SPEC_OPTIONAL = ("best", "worst", "green", "red", "yellow", "orange")
_DIRECTIONS: dict[str, IndicatorDirection] = {
    "higher": "higher",
    "higher_better": "higher",
    "higher is better": "higher",
    "lower": "lower",
    "lower_better": "lower",
    "lower is better": "lower",
}


@dataclass(frozen=True)
class CsvText:
    """CSV content that is not a file on disk (an upload): a name used in messages, and the bytes or text."""

    name: str
    data: bytes | str

    def __str__(self) -> str:
        return self.name


Source: TypeAlias = Path | CsvText


def _parse_rows(handle: TextIO) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    numbered: list[tuple[int, list[str]]] = []
    reader = csv.reader(handle)
    header: list[str] | None = None
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            continue
        numbered.append((reader.line_num, row))
    return header, numbered


def read_table(path: Source) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (stripped) and numbered data rows of a CSV file; row numbers count the header as row 1."""
    try:
        if isinstance(path, CsvText):
            text = path.data.decode("utf-8-sig") if isinstance(path.data, bytes) else path.data
            header, numbered = _parse_rows(io.StringIO(text.removeprefix("\ufeff"), newline=""))
        else:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                header, numbered = _parse_rows(handle)
    except FileNotFoundError:
        raise SdgIndexError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise SdgIndexError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise SdgIndexError(f"{path}: not a readable CSV file ({exc})") from None
    if header is None:
        raise SdgIndexError(f"{path}: empty file (no header row)")
    return header, numbered


def is_missing(text: str) -> bool:
    """True for an empty cell or a usual missing-value marker (NA, n/a, NaN, null, none, ..)."""
    return text.strip().lower() in MISSING_TOKENS


def parse_number(text: str, where: str, problems: list[str]) -> float | None:
    """The cell as a finite float, None when missing; appends a message to `problems` when malformed."""
    if is_missing(text):
        return None
    try:
        value = float(text.strip())
    except ValueError:
        hint = " (remove the thousands separator)" if "," in text else ""
        problems.append(f"{where}: {text.strip()!r} is not a number{hint}")
        return None
    if not math.isfinite(value):
        problems.append(f"{where}: {text.strip()!r} is not a finite number")
        return None
    return value


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def read_spec(path: Source) -> list[IndicatorSpec]:
    """Indicator specs from S.csv; raises SdgIndexError naming every bad row and field."""
    header, rows = read_table(path)
    lower = [h.lower() for h in header]
    problems: list[str] = []
    missing = [c for c in SPEC_REQUIRED if c not in lower]
    if missing:
        raise SdgIndexError(f"{path}: missing column(s) {', '.join(missing)} (header: {', '.join(header)})")
    col = {name: lower.index(name) for name in (*SPEC_REQUIRED, *SPEC_OPTIONAL) if name in lower}
    specs: list[IndicatorSpec] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        where = f"{path}, row {line}"
        if len(row) > len(header):
            problems.append(f"{where}: more cells than header columns")
            continue
        name = _cell(row, col["indicator"]).strip()
        goal = _cell(row, col["goal"]).strip()
        direction_text = _cell(row, col["direction"]).strip().lower()
        if not name:
            problems.append(f"{where}, field 'indicator': empty")
            continue
        if name in seen:
            problems.append(f"{where}, field 'indicator': {name!r} already defined on row {seen[name]}")
            continue
        seen[name] = line
        if not goal:
            problems.append(f"{where}, field 'goal': empty (indicator {name!r} needs a goal)")
        direction = _DIRECTIONS.get(direction_text)
        if direction is None:
            problems.append(
                f"{where}, field 'direction': {_cell(row, col['direction']).strip()!r} "
                "must be 'higher' or 'lower'"
            )
        numbers = {
            key: parse_number(_cell(row, col[key]), f"{where}, field {key!r}", problems)
            for key in SPEC_OPTIONAL
            if key in col
        }
        red, orange = numbers.get("red"), numbers.get("orange")
        if red is not None and orange is not None and red != orange:
            problems.append(
                f"{where}, field 'orange': {orange:g} differs from red {red:g} (both mark the red limit)"
            )
        red = red if red is not None else orange
        green = numbers.get("green")
        if (green is None) != (red is None):
            given = "green" if green is not None else "red"
            problems.append(f"{where}, field {given!r}: green and red thresholds must be given together")
        if numbers.get("yellow") is not None and green is None:
            problems.append(f"{where}, field 'yellow': needs green and red thresholds too")
        if direction is None or not goal:
            continue
        specs.append(
            IndicatorSpec(
                indicator=name,
                goal=goal,
                direction=direction,
                best=numbers.get("best"),
                worst=numbers.get("worst"),
                green=green,
                red=red,
                yellow=numbers.get("yellow"),
                where=where,
            )
        )
    if not rows:
        problems.append(f"{path}: no indicators (only a header row)")
    if problems:
        raise SdgIndexError(problems)
    return specs


def read_values(path: Source, specs: list[IndicatorSpec]) -> dict[str, dict[str, float | None]]:
    """City -> indicator -> value from V.csv in long or wide layout; unknown indicators are errors."""
    header, rows = read_table(path)
    lower = [h.lower() for h in header]
    known = {s.indicator for s in specs}
    problems: list[str] = []
    values: dict[str, dict[str, float | None]] = {}
    if len(lower) == 3 and set(lower) == {"city", "indicator", "value"}:
        ci, ii, vi = lower.index("city"), lower.index("indicator"), lower.index("value")
        first_seen: dict[tuple[str, str], int] = {}
        for line, row in rows:
            where = f"{path}, row {line}"
            if len(row) > 3:
                problems.append(f"{where}: more cells than header columns")
                continue
            city, indicator = _cell(row, ci).strip(), _cell(row, ii).strip()
            if not city:
                problems.append(f"{where}, field 'city': empty")
                continue
            if indicator not in known:
                problems.append(f"{where}, field 'indicator': {indicator!r} is not in the spec")
                continue
            if (city, indicator) in first_seen:
                problems.append(
                    f"{where}: second value for {city!r} / {indicator!r} "
                    f"(first on row {first_seen[(city, indicator)]})"
                )
                continue
            first_seen[(city, indicator)] = line
            value = parse_number(_cell(row, vi), f"{where}, field 'value'", problems)
            values.setdefault(city, {})
            if value is not None:
                values[city][indicator] = value
    elif lower and lower[0] == "city":
        columns = header[1:]
        for position, name in enumerate(columns, start=2):
            if name not in known:
                problems.append(f"{path}, row 1, column {position}: indicator {name!r} is not in the spec")
        duplicated = sorted({n for n in columns if columns.count(n) > 1})
        if duplicated:
            problems.append(f"{path}, row 1: repeated column(s) {', '.join(duplicated)}")
        if problems:
            raise SdgIndexError(problems)
        first_row: dict[str, int] = {}
        for line, row in rows:
            where = f"{path}, row {line}"
            if len(row) > len(header):
                problems.append(f"{where}: more cells than header columns")
                continue
            city = _cell(row, 0).strip()
            if not city:
                problems.append(f"{where}, field 'city': empty")
                continue
            if city in first_row:
                problems.append(f"{where}: city {city!r} already on row {first_row[city]}")
                continue
            first_row[city] = line
            values[city] = {}
            for position, name in enumerate(columns, start=1):
                value = parse_number(_cell(row, position), f"{where}, field {name!r}", problems)
                if value is not None:
                    values[city][name] = value
    else:
        raise SdgIndexError(
            f"{path}: header must be 'city,indicator,value' (long) or 'city,<indicator>,...' (wide); "
            f"found {', '.join(header)}"
        )
    if problems:
        raise SdgIndexError(problems)
    if not values:
        raise SdgIndexError(f"{path}: no cities")
    return values


def read_regions(path: Source) -> dict[str, str]:
    """City -> region from R.csv (`city,region`)."""
    header, rows = read_table(path)
    lower = [h.lower() for h in header]
    if "city" not in lower or "region" not in lower:
        raise SdgIndexError(f"{path}: missing column(s) city and/or region (header: {', '.join(header)})")
    ci, ri = lower.index("city"), lower.index("region")
    problems: list[str] = []
    regions: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for line, row in rows:
        where = f"{path}, row {line}"
        city, region = _cell(row, ci).strip(), _cell(row, ri).strip()
        if not city:
            problems.append(f"{where}, field 'city': empty")
            continue
        if not region:
            problems.append(f"{where}, field 'region': empty for {city!r}")
            continue
        if city in regions and regions[city] != region:
            problems.append(
                f"{where}, field 'region': {city!r} is in {regions[city]!r} on row {first_row[city]}, "
                f"not {region!r}"
            )
            continue
        regions[city] = region
        first_row.setdefault(city, line)
    if problems:
        raise SdgIndexError(problems)
    return regions


def format_score(value: float | None) -> str:
    """Finite numbers with 6 decimals; None or non-finite as an empty cell (never NaN)."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.6f}"


def output_header(result: IndexResult) -> list[str]:
    """Columns of the output CSV."""
    header = ["city"]
    for goal in result.goals:
        header += [f"goal_{goal}_score", f"goal_{goal}_colour"]
    return [*header, "index", "rank", "indicators_used", "imputed_goals", "status"]


def write_results(result: IndexResult, out: TextIO) -> None:
    """Write one row per city: goal scores and colours, index, rank, indicators used, status."""
    writer = csvout.writer(out)
    writer.writerow(output_header(result))
    for city in result.cities:
        row = [city.city]
        for goal in result.goals:
            row += [format_score(city.goal_scores[goal]), city.goal_colours[goal] or ""]
        row += [
            format_score(city.index),
            "" if city.rank is None else str(city.rank),
            str(city.indicators_used),
            ";".join(city.imputed_goals),
            city.status,
        ]
        writer.writerow(row)
