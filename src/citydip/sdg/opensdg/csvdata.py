"""Reading and checking one Open SDG data CSV (``Year`` first, ``Value`` last, disaggregations between)."""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citydip.sdg.opensdg.model import DataTable, Problem, Severity
from citydip.sdg.opensdg.safeio import InputFileError, read_text
from citydip.sdg.opensdg.values import classify_value, classify_year, value_advice

_RARE_SPACE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")

#: Columns left out when deciding whether two rows describe the same observation.
ANNOTATION_COLUMNS = frozenset({"COMMENT_OBS", "COMMENT_TS", "DATA_LAST_UPDATE", "Observation status"})

#: The starter template's dummy data file that many city repositories still hold.
PLACEHOLDER_COLUMNS = ["Year", "Group", "Value"]
PLACEHOLDER_ROWS = [
    ["2015", "A", "1"],
    ["2015", "B", "3"],
    ["2015", "", "2"],
    ["2016", "A", "1"],
    ["2016", "B", "3"],
    ["2016", "", "2"],
]

#: Row-level problems of one kind listed per file before the rest are summarised in one line.
MAX_LISTED = 25


@dataclass
class CsvResult:
    """A data file read: the table (None when unusable) and what was found."""

    table: DataTable | None
    problems: list[Problem] = field(default_factory=list)


class _Collector:
    """Gathers problems for one file, listing the first few of each kind and counting the rest."""

    def __init__(self, file: str, indicator: str) -> None:
        self.file = file
        self.indicator = indicator
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.severity: dict[str, Severity] = {}

    def add(
        self, severity: Severity, code: str, reason: str, row: int | None = None, column: str | None = None
    ) -> None:
        """Record a problem (listed when among the first few of its kind)."""
        n = self.counts.get(code, 0) + 1
        self.counts[code] = n
        self.severity[code] = severity
        if n <= MAX_LISTED:
            self.problems.append(Problem(severity, code, reason, self.file, row, column, self.indicator))

    def finish(self) -> list[Problem]:
        """The listed problems plus one summary line per kind that overflowed."""
        for code, n in self.counts.items():
            if n > MAX_LISTED:
                self.problems.append(
                    Problem(
                        self.severity[code],
                        code,
                        f"{n - MAX_LISTED} more rows with the same problem ({code}), {n} in all",
                        self.file,
                        None,
                        None,
                        self.indicator,
                    )
                )
        return self.problems


def is_placeholder(table: DataTable) -> bool:
    """True for the starter template's ``Year,Group,Value`` 2015-2016 dummy data."""
    return table.columns == PLACEHOLDER_COLUMNS and table.rows == PLACEHOLDER_ROWS


def _summarise(items: list[str], limit: int = 5, quote: bool = True) -> str:
    shown = ", ".join(repr(x) if quote else x for x in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def read_data_csv(
    path: Path,
    shown: str,
    indicator: str,
    column_map: Mapping[str, str] | None = None,
    code_map: Mapping[str, Mapping[str, str]] | None = None,
) -> CsvResult:
    """Read one data CSV and check it as Open SDG's data check does (and a little more)."""
    out = _Collector(shown, indicator)
    try:
        text = read_text(path, shown)
    except InputFileError as exc:
        out.add("error", exc.code, exc.reason)
        return CsvResult(None, out.finish())

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    blank_lines = 0
    try:
        line = 0
        for row in reader:
            start = line + 1
            line = reader.line_num
            if not row:
                blank_lines += 1
                continue
            records.append((start, row))
    except csv.Error as exc:
        out.add(
            "error",
            "csv-malformed",
            f"is not well-formed CSV near line {reader.line_num}: {exc}",
            reader.line_num,
        )
        return CsvResult(None, out.finish())

    if not records:
        out.add("error", "data-file-empty", "is empty: it has no header row and no data")
        return CsvResult(None, out.finish())
    if blank_lines:
        out.add(
            "info",
            "blank-lines",
            f"{blank_lines} blank line(s) skipped (Open SDG's builder skips them too)",
        )

    header_line, header = records[0]
    body = records[1:]
    width = len(header)

    # Columns without a name that hold nothing at all (a spreadsheet's trailing commas) are dropped.
    keep = list(range(width))
    for i, name in enumerate(header):
        if name.strip() == "" and all(i >= len(r) or r[i] == "" for _, r in body):
            keep.remove(i)
            out.add(
                "warning",
                "unnamed-empty-column",
                f"column {i + 1} has no name and no data; it was ignored",
                header_line,
            )
    dropped = len(keep) != width
    columns = [header[i] for i in keep]

    fatal = False
    for name in columns:
        if name.strip() == "":
            out.add("error", "header-empty", "a column with data has no name", header_line)
            fatal = True
        elif name != name.strip():
            out.add("error", "header-whitespace", f"column name {name!r} has stray spaces", header_line, name)
            fatal = True
    seen_names: set[str] = set()
    for name in columns:
        if name in seen_names:
            out.add("error", "header-duplicate", f"column {name!r} appears twice", header_line, name)
            fatal = True
        seen_names.add(name)

    if column_map:
        renamed = [column_map.get(name, name) for name in columns]
        for old, new in zip(columns, renamed, strict=True):
            if old != new:
                out.add(
                    "info",
                    "column-mapped",
                    f"column {old!r} renamed to {new!r} by the column map",
                    header_line,
                    old,
                )
        columns = renamed

    if not columns or columns[0] != "Year":
        out.add(
            "error",
            "header-year-first",
            f"the first column must be 'Year', found {columns[0]!r}" if columns else "no columns",
            header_line,
            columns[0] if columns else None,
        )
        fatal = True
    if not columns or columns[-1] != "Value":
        where = f" (it is column {columns.index('Value') + 1})" if "Value" in columns else ""
        out.add(
            "error",
            "header-value-last",
            f"the last column must be 'Value', found {columns[-1]!r}{where}" if columns else "no columns",
            header_line,
            columns[-1] if columns else None,
        )
        fatal = True
    if fatal:
        return CsvResult(None, out.finish())

    ncols = len(columns)
    vi = ncols - 1
    key_idx = [i for i, c in enumerate(columns[:vi]) if c not in ANNOTATION_COLUMNS]
    plain_key = len(key_idx) == vi
    key_of = operator.itemgetter(*key_idx)
    year_kinds: dict[str, str] = {}
    maps: list[tuple[int, Mapping[str, str]]] = []
    if code_map:
        maps = [(i, code_map[c]) for i, c in enumerate(columns) if c in code_map]
    mapped_cells = 0

    rows: list[list[str]] = []
    seen: dict[Any, int] = {}
    empty_value_lines: list[int] = []
    periods: dict[str, None] = {}
    markers: list[int] = []
    short_rows = 0
    for line_no, raw in body:
        n = len(raw)
        if n > width:
            if any(raw[width:]):
                out.add("error", "row-too-long", f"row has {n} cells but the header has {width}", line_no)
                continue
            out.add(
                "warning",
                "trailing-empty-cells",
                f"row has {n - width} empty cell(s) past the last column",
                line_no,
            )
            raw = raw[:width]
        elif n < width:
            short_rows += 1
            raw = raw + [""] * (width - n)
        row = [raw[i] for i in keep] if dropped else raw
        if not any(row):
            out.add("error", "empty-row", "row is completely empty; delete it", line_no)
            continue
        joined = "\x00".join(row)
        if (
            " \x00" in joined
            or "\x00 " in joined
            or joined[0] == " "
            or joined[-1] == " "
            or (
                (not joined.isascii() or "\t" in joined or "\n" in joined or "\r" in joined)
                and _RARE_SPACE.search(joined)
            )
        ):
            for i, cell in enumerate(row):
                if cell and (cell[0].isspace() or cell[-1].isspace()) and i != vi:
                    out.add(
                        "error", "stray-whitespace", f"cell {cell!r} has stray spaces", line_no, columns[i]
                    )
        value = row[vi]
        if value:
            try:
                float(value)
                plain = not (value[0].isspace() or value[-1].isspace()) and "_" not in value
            except ValueError:
                plain = False
            if not plain:
                kind, number = classify_value(value)
                if kind == "number-with-spaces":
                    out.add(
                        "warning", "value-whitespace", f"Value {value!r} has stray spaces", line_no, "Value"
                    )
                elif kind != "number":
                    out.add("error", f"value-{kind}", value_advice(kind, value, number), line_no, "Value")
        else:
            empty_value_lines.append(line_no)
        year = row[0]
        ykind = year_kinds.get(year)
        if ykind is None:
            ykind = year_kinds[year] = classify_year(year)
        if ykind != "year":
            if ykind == "empty":
                out.add("error", "year-empty", "Year is empty", line_no, "Year")
            elif ykind == "period" or ykind == "date":
                periods.setdefault(year, None)
            elif value:
                out.add("warning", "year-text", f"Year {year!r} holds no year", line_no, "Year")
            else:
                markers.append(line_no)
        key: Any = tuple(row[:vi]) if plain_key else key_of(row)
        first = seen.get(key)
        if first is not None:
            out.add(
                "error",
                "duplicate-row",
                f"same Year and disaggregation values as row {first}",
                line_no,
            )
        else:
            seen[key] = line_no
        for i, mapping in maps:
            cell = row[i]
            if cell in mapping:
                row[i] = mapping[cell]
                mapped_cells += 1
        rows.append(row)

    if short_rows:
        out.add(
            "warning",
            "row-too-short",
            f"{short_rows} row(s) have fewer cells than the header; missing cells read as empty",
        )
    if empty_value_lines:
        out.add(
            "info",
            "value-empty",
            f"{len(empty_value_lines)} row(s) with an empty Value "
            f"(lines {_summarise([str(x) for x in empty_value_lines], quote=False)}): "
            "kept as rows without a value, as Open SDG does",
            empty_value_lines[0],
            "Value",
        )
    if periods:
        labels = list(periods)
        out.add(
            "info",
            "period-labels",
            f"Year holds {len(labels)} period or date label(s) ({_summarise(labels)}): kept as text labels, "
            "as Open SDG does (the whole Year column is then text)",
            None,
            "Year",
        )
    if markers:
        out.add(
            "info",
            "no-data-marker",
            f"{len(markers)} row(s) put a sentence in Year and leave Value empty (line {markers[0]}): "
            "a 'no data yet' marker, not an observation",
            markers[0],
            "Year",
        )
    if mapped_cells:
        out.add("info", "codes-mapped", f"{mapped_cells} cell(s) replaced by codes from the code map")
    return CsvResult(DataTable(columns=columns, rows=rows), out.finish())


def read_map_csv(path: Path, shown: str, width: int) -> tuple[list[list[str]], list[Problem]]:
    """Rows of a mapping CSV (column_map: Text,Value; code_map: Text,Dimension,Value) without its header."""
    try:
        text = read_text(path, shown)
    except InputFileError as exc:
        return [], [Problem("error", exc.code, exc.reason, shown)]
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    problems: list[Problem] = []
    out: list[list[str]] = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) < width:
            problems.append(Problem("warning", "map-row-short", f"row needs {width} cells", shown, n))
            continue
        out.append(row[:width])
    return out, problems
