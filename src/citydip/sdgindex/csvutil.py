"""Low-level CSV reading of the city SDG index files: text or uploaded bytes, numbered rows, numbers.

Row numbers count the header as row 1, as a spreadsheet shows them, so messages point at the right line.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeAlias

from citydip.sdgindex.compute import SdgIndexError

MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", ".."}


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


def cell(row: list[str], index: int) -> str:
    """The cell at `index`, or '' when the row is shorter."""
    return row[index] if index < len(row) else ""
