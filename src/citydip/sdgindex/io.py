"""CSV formats of the city SDG index.

* V.csv (values): long `city,indicator,value` or wide `city,<indicator 1>,<indicator 2>,...` (detected).
  Optional columns in either layout: `group` (the unit's groups, separated by ';', for the spec's
  `applies_to`) and `year` (then the file is a time series: the index uses each city's latest value of
  each indicator, and trends use the whole series).
* S.csv (spec): `indicator,goal,direction(higher|lower),best,worst,green,red` (+ optional yellow, orange,
  applies_to, in_score). best/worst may be blank (then derived from the data); green/red may be blank
  (then no colour); applies_to blank = every unit; in_score blank = yes.
* R.csv (regions): `city,region`.

Every problem is reported with file, row and field; all problems of a file are collected before failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from citydip.sdgindex.compute import IndicatorDirection, IndicatorSpec, SdgIndexError
from citydip.sdgindex.csvutil import CsvText, Source, cell, parse_number, read_table

__all__ = ["CsvText", "Source", "ValuesFile", "read_regions", "read_spec", "read_values", "read_values_file"]

SPEC_REQUIRED = ("indicator", "goal", "direction")
SPEC_NUMBERS = ("best", "worst", "green", "red", "yellow", "orange")
SPEC_TEXT = ("applies_to", "in_score")
RESERVED_VALUE_COLUMNS = ("city", "group", "year")
MIN_YEAR, MAX_YEAR = 1900, 2100
_DIRECTIONS: dict[str, IndicatorDirection] = {
    "higher": "higher",
    "higher_better": "higher",
    "higher is better": "higher",
    "lower": "lower",
    "lower_better": "lower",
    "lower is better": "lower",
}
_YES = {"", "yes", "y", "true", "1", "score"}
_NO = {"no", "n", "false", "0", "dashboard", "dashboard only", "dashboard-only"}


def _applies_to(text: str, where: str, problems: list[str]) -> tuple[str, ...]:
    terms = tuple(t.strip() for t in text.split(";") if t.strip())
    if len(terms) == 1 and terms[0].lower() in ("all", "*"):
        return ()
    bad = [t for t in terms if t in ("!",) or t.startswith("!!")]
    if bad:
        problems.append(f"{where}, field 'applies_to': {text.strip()!r} has an empty group after '!'")
    return terms


def _in_score(text: str, where: str, problems: list[str]) -> bool:
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    problems.append(f"{where}, field 'in_score': {text.strip()!r} must be yes or no (no: dashboard only)")
    return True


def _spec_row(
    path: Source, line: int, row: list[str], col: Mapping[str, int], problems: list[str]
) -> IndicatorSpec | None:
    where = f"{path}, row {line}"
    name = cell(row, col["indicator"]).strip()
    goal = cell(row, col["goal"]).strip()
    direction = _DIRECTIONS.get(cell(row, col["direction"]).strip().lower())
    if not goal:
        problems.append(f"{where}, field 'goal': empty (indicator {name!r} needs a goal)")
    if direction is None:
        problems.append(
            f"{where}, field 'direction': {cell(row, col['direction']).strip()!r} must be 'higher' or 'lower'"
        )
    numbers = {
        key: parse_number(cell(row, col[key]), f"{where}, field {key!r}", problems)
        for key in SPEC_NUMBERS
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
    applies = _applies_to(cell(row, col["applies_to"]), where, problems) if "applies_to" in col else ()
    in_score = _in_score(cell(row, col["in_score"]), where, problems) if "in_score" in col else True
    if direction is None or not goal:
        return None
    return IndicatorSpec(
        indicator=name,
        goal=goal,
        direction=direction,
        best=numbers.get("best"),
        worst=numbers.get("worst"),
        green=green,
        red=red,
        yellow=numbers.get("yellow"),
        where=where,
        applies_to=applies,
        in_score=in_score,
    )


def read_spec(path: Source) -> list[IndicatorSpec]:
    """Indicator specs from S.csv; raises SdgIndexError naming every bad row and field."""
    header, rows = read_table(path)
    lower = [h.lower() for h in header]
    problems: list[str] = []
    missing = [c for c in SPEC_REQUIRED if c not in lower]
    if missing:
        raise SdgIndexError(f"{path}: missing column(s) {', '.join(missing)} (header: {', '.join(header)})")
    col = {name: lower.index(name) for name in (*SPEC_REQUIRED, *SPEC_NUMBERS, *SPEC_TEXT) if name in lower}
    specs: list[IndicatorSpec] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        where = f"{path}, row {line}"
        if len(row) > len(header):
            problems.append(f"{where}: more cells than header columns")
            continue
        name = cell(row, col["indicator"]).strip()
        if not name:
            problems.append(f"{where}, field 'indicator': empty")
            continue
        if name in seen:
            problems.append(f"{where}, field 'indicator': {name!r} already defined on row {seen[name]}")
            continue
        seen[name] = line
        spec = _spec_row(path, line, row, col, problems)
        if spec is not None:
            specs.append(spec)
    if not rows:
        problems.append(f"{path}: no indicators (only a header row)")
    if problems:
        raise SdgIndexError(problems)
    return specs


@dataclass
class ValuesFile:
    """What V.csv holds: the value the index uses per city and indicator, groups, and any time series."""

    values: dict[str, dict[str, float | None]] = field(default_factory=dict)
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    series: dict[str, dict[str, dict[int, float]]] = field(default_factory=dict)  # with a year column
    years: dict[str, dict[str, int]] = field(default_factory=dict)  # year of each value used
    has_years: bool = False


class _Collector:
    """Gathers cells while reading V.csv and checks that a city's group and values are stated once."""

    def __init__(self, path: Source, has_years: bool) -> None:
        self.path = path
        self.out = ValuesFile(has_years=has_years)
        self.group_row: dict[str, tuple[str, int]] = {}
        self.problems: list[str] = []

    def city(self, where: str, name: str) -> bool:
        if not name:
            self.problems.append(f"{where}, field 'city': empty")
            return False
        self.out.values.setdefault(name, {})
        return True

    def group(self, where: str, line: int, city: str, text: str) -> None:
        text = ";".join(t.strip() for t in text.split(";") if t.strip())
        if not text:
            return
        first = self.group_row.get(city)
        if first is not None and first[0] != text:
            self.problems.append(
                f"{where}, field 'group': {text!r} differs from {first[0]!r} given for {city!r} on row {first[1]}"
            )
            return
        self.group_row.setdefault(city, (text, line))
        self.out.groups[city] = frozenset(text.split(";"))

    def year(self, where: str, text: str) -> int | None:
        try:
            year = int(text.strip())
        except ValueError:
            year = 0
        if not MIN_YEAR <= year <= MAX_YEAR:
            self.problems.append(
                f"{where}, field 'year': {text.strip()!r} is not a year ({MIN_YEAR}-{MAX_YEAR})"
            )
            return None
        return year

    def value(self, city: str, indicator: str, year: int | None, value: float | None) -> None:
        if value is None:
            return
        if year is None:
            self.out.values[city][indicator] = value
            return
        self.out.series.setdefault(city, {}).setdefault(indicator, {})[year] = value
        if year >= self.out.years.setdefault(city, {}).get(indicator, year):
            self.out.years[city][indicator] = year
            self.out.values[city][indicator] = value


def _read_long(
    path: Source, lower: list[str], rows: list[tuple[int, list[str]]], known: set[str]
) -> ValuesFile:
    col = {name: lower.index(name) for name in lower}
    has_years = "year" in col
    got = _Collector(path, has_years)
    first_seen: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        where = f"{path}, row {line}"
        if len(row) > len(lower):
            got.problems.append(f"{where}: more cells than header columns")
            continue
        city, indicator = cell(row, col["city"]).strip(), cell(row, col["indicator"]).strip()
        if not got.city(where, city):
            continue
        if indicator not in known:
            got.problems.append(f"{where}, field 'indicator': {indicator!r} is not in the spec")
            continue
        year_text = cell(row, col["year"]).strip() if has_years else ""
        year = got.year(where, year_text) if has_years else None
        if has_years and year is None:
            continue
        key = (city, indicator, year_text)
        if key in first_seen:
            what = f"{city!r} / {indicator!r}" + (f" / {year}" if has_years else "")
            got.problems.append(f"{where}: second value for {what} (first on row {first_seen[key]})")
            continue
        first_seen[key] = line
        if "group" in col:
            got.group(where, line, city, cell(row, col["group"]))
        got.value(
            city,
            indicator,
            year,
            parse_number(cell(row, col["value"]), f"{where}, field 'value'", got.problems),
        )
    if got.problems:
        raise SdgIndexError(got.problems)
    return got.out


def _read_wide(
    path: Source, header: list[str], lower: list[str], rows: list[tuple[int, list[str]]], known: set[str]
) -> ValuesFile:
    reserved = {name: lower.index(name) for name in RESERVED_VALUE_COLUMNS if name in lower}
    columns = [(i, name) for i, name in enumerate(header) if lower[i] not in reserved]
    problems = [
        f"{path}, row 1, column {i + 1}: indicator {name!r} is not in the spec"
        for i, name in columns
        if name not in known
    ]
    names = [name for _i, name in columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        problems.append(f"{path}, row 1: repeated column(s) {', '.join(duplicated)}")
    if problems:
        raise SdgIndexError(problems)
    has_years = "year" in reserved
    got = _Collector(path, has_years)
    first_row: dict[tuple[str, str], int] = {}
    for line, row in rows:
        where = f"{path}, row {line}"
        if len(row) > len(header):
            got.problems.append(f"{where}: more cells than header columns")
            continue
        city = cell(row, reserved["city"]).strip()
        if not got.city(where, city):
            continue
        year_text = cell(row, reserved["year"]).strip() if has_years else ""
        year = got.year(where, year_text) if has_years else None
        if has_years and year is None:
            continue
        if (city, year_text) in first_row:
            what = f"city {city!r}" + (f" in {year}" if has_years else "")
            got.problems.append(f"{where}: {what} already on row {first_row[(city, year_text)]}")
            continue
        first_row[(city, year_text)] = line
        if "group" in reserved:
            got.group(where, line, city, cell(row, reserved["group"]))
        for i, name in columns:
            got.value(city, name, year, parse_number(cell(row, i), f"{where}, field {name!r}", got.problems))
    if got.problems:
        raise SdgIndexError(got.problems)
    return got.out


def read_values_file(path: Source, specs: list[IndicatorSpec]) -> ValuesFile:
    """Values, groups and time series from V.csv in long or wide layout; unknown indicators are errors."""
    header, rows = read_table(path)
    lower = [h.lower() for h in header]
    known = {s.indicator for s in specs}
    long_columns = {"city", "indicator", "value"}
    if (
        long_columns <= set(lower)
        and set(lower) <= long_columns | {"group", "year"}
        and len(set(lower)) == len(lower)
    ):
        table = _read_long(path, lower, rows, known)
    elif lower and lower[0] == "city":
        table = _read_wide(path, header, lower, rows, known)
    else:
        raise SdgIndexError(
            f"{path}: header must be 'city,indicator,value' (long) or 'city,<indicator>,...' (wide), "
            f"each with optional group and year columns; found {', '.join(header)}"
        )
    if not table.values:
        raise SdgIndexError(f"{path}: no cities")
    return table


def read_values(path: Source, specs: list[IndicatorSpec]) -> dict[str, dict[str, float | None]]:
    """City -> indicator -> value from V.csv (the latest year's value when the file has years)."""
    return read_values_file(path, specs).values


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
        city, region = cell(row, ci).strip(), cell(row, ri).strip()
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
