"""Progress of one series per CSV row (the table behind ``citydip sdg progress-calc IN.csv``).

Input columns: series_id, base_year, base_value, current_year, current_value, direction (positive|negative;
blank means negative) and optionally target, target_year (default 2030), limit, method (opensdg|unsd,
default opensdg). Other columns are passed through. Output: the same rows plus progress_value, score and
status. Malformed cells stop the run with one message per bad cell (file, row and field); rows that are
well-formed but cannot be assessed (missing base year, single data point, zero or sign change, target equal
to base...) get status not_available and a note on stderr.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from citydip.core import csvout
from citydip.sdgprogress.method.calculation import ProgressInputError, parse_year, progress_from_points
from citydip.sdgprogress.method.options import ProgressConfigError, parse_direction, parse_method
from citydip.sdgprogress.method.types import DEFAULT_TARGET_YEAR, NOT_AVAILABLE, SeriesOptions

REQUIRED_COLUMNS = ("series_id", "base_year", "base_value", "current_year", "current_value", "direction")
OPTIONAL_COLUMNS = ("target", "target_year", "limit", "method")
OUTPUT_COLUMNS = ("progress_value", "score", "status")
_MISSING = {"", "na", "n/a", "nan", "null", "none"}


class ProgressCsvError(ValueError):
    """The CSV cannot be processed; `problems` holds one message per bad cell."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ProgressRowResult:
    """One output row and, for not_available rows, the reason."""

    row: dict[str, str]
    note: str | None


def _missing(text: str | None) -> bool:
    return text is None or text.strip().lower() in _MISSING


def format_number(value: float | None) -> str:
    """Finite numbers with up to 10 significant digits; None (or a non-finite value) as an empty cell."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.10g}"


class _RowReader:
    def __init__(self, source: str, row_number: int, row: Mapping[str, str | None]) -> None:
        self.where = f"{source}, row {row_number}"
        self.row = row
        self.problems: list[str] = []

    def number(self, field: str) -> float | None:
        text = self.row.get(field)
        if text is None or _missing(text):
            return None
        try:
            value = float(text.strip())
        except ValueError:
            self.problems.append(f"{self.where}, field {field!r}: {text!r} is not a number")
            return None
        if not math.isfinite(value):
            self.problems.append(f"{self.where}, field {field!r}: {text!r} is not a finite number")
            return None
        return value

    def year(self, field: str) -> int | None:
        text = self.row.get(field)
        if text is None or _missing(text):
            return None
        try:
            return parse_year(text)
        except ProgressInputError:
            self.problems.append(f"{self.where}, field {field!r}: {text!r} is not a year")
            return None


def compute_progress_rows(
    rows: Iterable[Mapping[str, str | None]], header: list[str], source: str = "input"
) -> tuple[list[str], list[ProgressRowResult]]:
    """Output header and rows for the progress-calc CSV; raises ProgressCsvError listing every bad cell."""
    missing_columns = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing_columns:
        raise ProgressCsvError(
            [f"{source}: missing column(s) {', '.join(missing_columns)} (header: {', '.join(header)})"]
        )
    out_header = [c for c in header if c not in OUTPUT_COLUMNS] + list(OUTPUT_COLUMNS)
    problems: list[str] = []
    results: list[ProgressRowResult] = []
    for index, row in enumerate(rows):
        reader = _RowReader(source, index + 2, row)
        if None in row:
            problems.append(f"{reader.where}: more cells than header columns")
            continue
        base_year = reader.year("base_year")
        current_year = reader.year("current_year")
        target_year = reader.year("target_year")
        base_value = reader.number("base_value")
        current_value = reader.number("current_value")
        target = reader.number("target")
        limit = reader.number("limit")
        try:
            direction = parse_direction(row.get("direction"), f"{reader.where}, field 'direction'")
            method = parse_method(row.get("method"), f"{reader.where}, field 'method'")
        except ProgressConfigError as exc:
            problems.append(str(exc))
            continue
        if reader.problems:
            problems.extend(reader.problems)
            continue
        options = SeriesOptions(
            target=target,
            target_year=DEFAULT_TARGET_YEAR if target_year is None else target_year,
            direction=direction,
            limit=limit,
            method=method,
        )
        if base_year is None or base_value is None:
            base_year = base_value = None
        if current_year is None or current_value is None:
            current_year = current_value = None
        result = progress_from_points(base_year, base_value, current_year, current_value, options)
        note: str | None = None
        if result.status == NOT_AVAILABLE:
            if current_year is None:
                note = "missing current year or value (at least two data points are needed)"
            elif base_year is None:
                note = "missing base year or base value"
            else:
                note = result.reason
        out = {key: (value or "") for key, value in row.items() if key not in OUTPUT_COLUMNS}
        out.update(
            progress_value=format_number(result.progress_value),
            score=format_number(result.score),
            status=result.status,
        )
        results.append(ProgressRowResult(row=out, note=note))
    if problems:
        raise ProgressCsvError(problems)
    return out_header, results


def read_and_compute(in_csv: Path) -> tuple[list[str], list[ProgressRowResult]]:
    """Read IN.csv and compute every row (see compute_progress_rows)."""
    source = str(in_csv)
    try:
        with in_csv.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            if not header:
                raise ProgressCsvError([f"{source}: empty file (no header row)"])
            reader.fieldnames = header
            return compute_progress_rows(reader, header, source)
    except FileNotFoundError:
        raise ProgressCsvError([f"{source}: file not found"]) from None
    except UnicodeDecodeError:
        raise ProgressCsvError([f"{source}: not UTF-8 text"]) from None
    except csv.Error as exc:
        raise ProgressCsvError([f"{source}: not a readable CSV file ({exc})"]) from None


def write_rows(header: list[str], results: list[ProgressRowResult], out: TextIO) -> None:
    """Write the output rows as CSV."""
    writer = csvout.dict_writer(out, header)
    writer.writeheader()
    for result in results:
        writer.writerow(result.row)
