"""Reading uploaded CSV strictly: a broken file is refused with the line of the problem, never guessed at.

Python's ``csv`` module is lenient by default: a value whose closing quote is missing swallows the rest of the
file, which then imports silently as one long multi-line row. ``rows()`` reads with ``strict=True`` and turns
the module's terse errors into a sentence that names the line where the broken record starts.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from typing import TextIO


class CsvSyntaxError(ValueError):
    """The text is not well-formed CSV; ``line`` is where the broken record starts (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _explain(error: str, start: int, end: int) -> str:
    if "unexpected end of data" in error or "newline inside string" in error:
        return f'a quoted value starting on line {start} is never closed (a " is missing)'
    if "expected after" in error and end > start:
        return (
            f'a quoted value starting on line {start} runs on to line {end}: its closing " is missing '
            '(or a " inside it is not doubled "")'
        )
    if "expected after" in error:
        return f'line {end}: a " inside a quoted value must be doubled ("") or the value must end after it'
    if "field larger than field limit" in error:
        return f"line {start}: a value is too large"
    return f"line {end}: not well-formed CSV ({error})"


def rows(fh: TextIO, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on; CsvSyntaxError naming the line when the CSV is malformed."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(fh, delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvSyntaxError(start, _explain(str(exc), start, reader.line_num)) from None
        yield start, record
