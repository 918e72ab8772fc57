"""What every tie or network file format provides, and the careful text-table reading they share.

A format is a subclass of ``TieFormat`` (pairs of places) or ``NetworkFormat`` (memberships) that names
itself, its source and licence, and turns a file into rows. Reading checks everything before anything is
written: the file must be UTF-8 text, carry the format's columns, and every row's fields must make sense;
problems name the file, the row (line number, the header is row 1) and the field.
"""

from __future__ import annotations

import csv
import io
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.ties.resolution import Place

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PROBLEMS = 50
MAX_NAME = 300
_FORMULA = re.compile(r"^[=+@]")
# Why rows were skipped on purpose (the report counts them).
REPEATED = "repeated pair"
SAME_PLACE = "same place on both sides"
REPEATED_MEMBER = "member listed again in the same network"
NO_NAME = "no member name"


class Problems:
    """Collects problems while a file is read; ``raise_if_any`` stops the import before any write."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[FieldProblem] = []
        self.more = 0

    def add(self, field: str, message: str, row: int | None) -> None:
        """Note one problem (after MAX_PROBLEMS only count them)."""
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(FieldProblem(field, message, row, self.file))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        """Stop with every problem listed."""
        if not self.items:
            return
        extra = f" (and {self.more} more)" if self.more else ""
        raise ValidationFailed(
            f"{self.file}: {len(self.items) + self.more} problem(s){extra}; nothing was imported.", self.items
        )

    def fail(self, field: str, message: str, row: int | None = None) -> ValidationFailed:
        """An error about the whole file."""
        return ValidationFailed(f"Cannot import {self.file}.", [FieldProblem(field, message, row, self.file)])


def read_text(path: Path, problems: Problems) -> str:
    """The file as text, or a clear error when it is missing, binary or not UTF-8."""
    if not path.is_file():
        raise problems.fail("file", "file not found")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise problems.fail("file", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
    data = path.read_bytes()
    if not data.strip():
        raise problems.fail("file", "file is empty")
    if b"\x00" in data[:65536]:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise problems.fail("file", "this is not a text file (it contains NUL bytes)", row)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise problems.fail(
            "encoding",
            f"not UTF-8 text (byte 0x{byte} at row {row}); save the file as UTF-8 and try again",
            row,
        ) from None


def sniff_delimiter(first_line: str) -> str:
    """Tab, semicolon or comma, whichever the first line uses most."""
    counts = {d: first_line.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class Record:
    """One data row: its line number and its cells by column name."""

    row: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        """A cell, stripped ("" when the column is absent)."""
        return (self.cells.get(column) or "").strip()


def header_key(name: str) -> str:
    """Column names compared without case, spaces or a BOM."""
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_")


def read_table(
    text: str,
    problems: Problems,
    required: Sequence[str],
    *,
    delimiter: str | None = None,
) -> Iterator[Record]:
    """Rows of a delimited text table with a header; missing columns and ragged rows are problems."""
    first = text.split("\n", 1)[0]
    delim = delimiter or sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = [header_key(h) for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        raise problems.fail("header", f"cannot read the header: {exc}", 1) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise problems.fail(
            missing[0],
            f"missing column(s) {', '.join(missing)}; the header has: {', '.join(header)[:300]}",
            1,
        )
    width = len(header)
    row = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.add("row", f"cannot read this row: {exc}", reader.line_num)
            problems.raise_if_any()
            return
        row = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != width:
            problems.add("row", f"has {len(values)} fields; the header has {width}", row)
            continue
        yield Record(row, dict(zip(header, values, strict=True)))


def check_name(value: str, field: str, row: int, problems: Problems, *, required: bool = True) -> str:
    """A place or member name: present, not overlong, not a spreadsheet formula."""
    if not value:
        if required:
            problems.add(field, "is empty", row)
        return ""
    if len(value) > MAX_NAME:
        problems.add(field, f"is longer than {MAX_NAME} characters", row)
        return ""
    if _FORMULA.match(value):
        problems.add(field, f"'{value[:40]}' looks like a spreadsheet formula, not a name", row)
        return ""
    if any(ord(ch) < 32 for ch in value):
        problems.add(field, "contains control characters", row)
        return ""
    return value


def parse_coordinate(value: str, field: str, row: int, problems: Problems, limit: float) -> float | None:
    """A latitude or longitude ("43.39", "43,39" or NA/empty for none)."""
    if not value or value.upper() == "NA":
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        problems.add(field, f"'{value[:40]}' is not a number", row)
        return None
    if not -limit <= number <= limit:
        problems.add(field, f"{number} is outside -{limit:g}..{limit:g}", row)
        return None
    return number


@dataclass(frozen=True)
class TieRow:
    """Two places said to be twinned, from one row of a file."""

    row: int
    a: Place
    b: Place
    reference: str


@dataclass(frozen=True)
class MemberRow:
    """A member of a city network, from one row of a file."""

    row: int
    network: str
    network_code: str
    member: str
    place: Place
    country_code: str
    year: int | None
    period: str
    member_status: str


@dataclass
class ReadResult:
    """What a format read: its rows, plus rows it skipped on purpose and why."""

    ties: list[TieRow]
    members: list[MemberRow]
    skipped: dict[str, int]


class SourceFormat(ABC):
    """A file format of public ties or memberships."""

    name: ClassVar[str]
    kind: ClassVar[str]  # tie | membership
    source: ClassVar[str]
    licence: ClassVar[str]
    source_url: ClassVar[str]
    description: ClassVar[str]

    def __init__(self, path: Path, names: Path | None = None) -> None:
        self.path = path
        self.names = names
        self.problems = Problems(path.name)

    @abstractmethod
    def read(self) -> ReadResult:
        """Read and check the whole file; raise ``ValidationFailed`` listing every problem."""


class TieFormat(SourceFormat):
    """A file of twinned pairs."""

    kind: ClassVar[str] = "tie"


class NetworkFormat(SourceFormat):
    """A file of network memberships."""

    kind: ClassVar[str] = "membership"
