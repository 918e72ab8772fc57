"""Read an uploaded CSV or XLSX into rows of text, refusing what is not a clean table.

Nothing here evaluates a formula: XLSX cells holding formulas are reported, and CSV cells that start with
``=`` are too. A leading apostrophe (how exports protect values that start with = + - @) is removed.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from citydip.core import csvin
from citydip.core.errors import FieldProblem, ValidationFailed

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
PROTECTED = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """A header and data rows (with their row number as a spreadsheet shows it)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    problems: list[FieldProblem] = field(default_factory=list)


def _fail(filename: str, message: str, row: int | None = None, column: str = "file") -> ValidationFailed:
    return ValidationFailed(
        "The file cannot be read; nothing was imported.", [FieldProblem(column, message, row, filename)]
    )


def unprotect(value: str) -> str:
    """Drop the apostrophe an export put before a value starting with = + - @ (so round trips are exact)."""
    if len(value) > 1 and value[0] == "'" and value[1] in PROTECTED:
        return value[1:]
    return value


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(content: bytes, filename: str) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise _fail(
            filename, "this is not a readable XLSX workbook (damaged, or another kind of file)"
        ) from None
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows()
        header_cells = next(rows_iter, None)
        if header_cells is None:
            raise _fail(filename, "the first sheet is empty; the first row must name the columns", 1)
        header = [_cell_text(c.value).strip() for c in header_cells]
        while header and header[-1] == "":
            header.pop()
        table = Table(header, [])
        for number, cells in enumerate(rows_iter, start=2):
            values: list[str] = []
            for index, cell in enumerate(cells):
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    column = header[index] if index < len(header) else f"column {index + 1}"
                    table.problems.append(
                        FieldProblem(
                            column,
                            "the cell holds a formula; formulas are never evaluated, type the value instead",
                            number,
                            filename,
                        )
                    )
                    values.append("")
                    continue
                values.append(unprotect(_cell_text(cell.value)))
            if any(v.strip() for v in values):
                table.rows.append((number, values))
            if len(table.rows) > MAX_ROWS:
                raise _fail(filename, f"more than {MAX_ROWS:,} rows; split the file", number)
        return table
    finally:
        book.close()


def _decode(content: bytes, filename: str) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(filename, "the file says it is UTF-16 but is not") from None
    if b"\x00" in content[:65536]:
        raise _fail(filename, "this is a binary file, not CSV text; upload CSV (UTF-8) or XLSX")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        row = content[: exc.start].count(b"\n") + 1
        raise _fail(
            filename,
            f"the file is not UTF-8 text (byte 0x{content[exc.start]:02x}); save it as 'CSV UTF-8' and try again",
            row,
        ) from None


def _read_csv(content: bytes, filename: str) -> Table:
    text = _decode(content, filename)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    records = csvin.rows(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        _line, header = next(records, (1, []))
        if not any(h.strip() for h in header):
            raise _fail(filename, "the file is empty; the first row must name the columns", 1)
        table = Table([h.strip() for h in header], [])
        for number, (_line, values) in enumerate(records, start=2):
            cleaned: list[str] = []
            for index, value in enumerate(values):
                if value.startswith("="):
                    column = table.header[index] if index < len(table.header) else f"column {index + 1}"
                    table.problems.append(
                        FieldProblem(
                            column,
                            "the value starts with '=' like a formula; formulas are never evaluated "
                            "(put an apostrophe first if you mean the text)",
                            number,
                            filename,
                        )
                    )
                    cleaned.append("")
                    continue
                cleaned.append(unprotect(value))
            if any(v.strip() for v in cleaned):
                table.rows.append((number, cleaned))
            if len(table.rows) > MAX_ROWS:
                raise _fail(filename, f"more than {MAX_ROWS:,} rows; split the file", number)
    except csvin.CsvSyntaxError as exc:
        raise _fail(filename, f"the CSV is malformed: {exc.message}", exc.line) from None
    return table


def read_table(content: bytes, filename: str) -> Table:
    """The table in an uploaded file, or ValidationFailed naming the file (and row) of the problem."""
    name = filename.lower()
    if len(content) > MAX_IMPORT_BYTES:
        raise _fail(filename, "the file is larger than 20 MB")
    if not content.strip():
        raise _fail(filename, "the file is empty")
    if name.endswith((".xls", ".ods", ".numbers")):
        raise _fail(filename, "save the sheet as .xlsx or as CSV (UTF-8) first")
    if content.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise _fail(filename, "this is a damaged ZIP/XLSX file")
        return _read_xlsx(content, filename)
    if name.endswith(".xlsx"):
        raise _fail(filename, "the file is named .xlsx but is not an Excel workbook")
    return _read_csv(content, filename)
