"""Reading the text of data cells: numbers, period labels, and the near-numbers people type into Value cells.

Open SDG's builder reads data with pandas: a Value column is numeric only when every cell is a number or
one of pandas' "missing" words (``NA``, ``n/a``, ``null`` ...). Anything else -- ``1,234``, ``12.5*``,
``45%`` -- makes the column text and fails its data check. :func:`classify_value` says which case a cell is
in, so reports can name the exact problem and the fix.
"""

from __future__ import annotations

import math
import re
from typing import Literal

#: Cell texts that pandas' CSV reader turns into "missing" by default (exact match, case-sensitive).
PANDAS_NA_TOKENS = frozenset(
    {
        "",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    }
)

ValueKind = Literal[
    "empty",
    "number",
    "number-with-spaces",
    "missing-word",
    "thousands-separator",
    "footnote-marker",
    "percent-sign",
    "censored",
    "text",
]

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:(?:,\d{3})+|(?:[ \u00a0\u202f]\d{3})+)(?:\.\d+)?$")
_FOOTNOTE = re.compile(
    r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(\*+|[\u2020\u2021\u00a7\u00b6#]+|\[[^\]]{1,6}\]|\([A-Za-z0-9]{1,3}\)|"
    r"\^?[a-z]|[\u00b9\u00b2\u00b3\u2070-\u2079]+)$"
)
_PERCENT = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*%$")
_CENSORED = re.compile(r"^[<>\u2264\u2265]=?\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_PLAIN_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_number(text: str) -> float | None:
    """The number a cell holds, or None (empty, a word, NaN/inf, or anything that is not a plain number)."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or "_" in text:
        return None
    return value


def classify_value(text: str) -> tuple[ValueKind, float | None]:
    """Say what kind of Value cell this is and the number it most likely means (None if it means none)."""
    if text == "":
        return "empty", None
    number = parse_number(text)
    if number is not None:
        if text != text.strip():
            return "number-with-spaces", number
        return "number", number
    if text in PANDAS_NA_TOKENS or text.strip() in PANDAS_NA_TOKENS:
        return "missing-word", None
    stripped = text.strip()
    if _THOUSANDS.match(stripped):
        return "thousands-separator", parse_number(re.sub(r"[,\s\u00a0\u202f]", "", stripped))
    match = _FOOTNOTE.match(stripped)
    if match:
        return "footnote-marker", parse_number(match.group(1))
    match = _PERCENT.match(stripped)
    if match:
        return "percent-sign", parse_number(match.group(1))
    match = _CENSORED.match(stripped)
    if match:
        return "censored", parse_number(match.group(1))
    return "text", None


def _plain(number: float | None) -> str:
    if number is None:
        return "a plain number"
    return str(int(number)) if number.is_integer() else repr(number)


def value_advice(kind: ValueKind, text: str, number: float | None) -> str:
    """A plain sentence explaining a non-numeric Value cell and how to fix it."""
    shown = f"{text!r}"
    rejected = "which Open SDG rejects as non-numeric"
    if kind == "missing-word":
        return (
            f"Value {shown} is a word for 'no data'; Open SDG's builder reads it as an empty cell. "
            "Leave the cell empty instead."
        )
    if kind == "thousands-separator":
        return f"Value {shown} uses a thousands separator, {rejected}; write {_plain(number)}."
    if kind == "footnote-marker":
        return (
            f"Value {shown} carries a footnote marker, {rejected}; write {_plain(number)} "
            "and put the note in a COMMENT_OBS column or the metadata."
        )
    if kind == "percent-sign":
        return f"Value {shown} has a percent sign, {rejected}; write {_plain(number)}."
    if kind == "censored":
        return (
            f"Value {shown} is a bound, not a number, {rejected}. Leave the cell empty "
            "and explain the bound in COMMENT_OBS."
        )
    return f"Value {shown} is not a number; Open SDG needs a numeric Value column."


YearKind = Literal["year", "period", "date", "text", "empty"]


def classify_year(text: str) -> YearKind:
    """Kind of Year cell: ``year`` (2015), ``period`` (2015-16, 2013 Q1), ``date``, ``text`` or ``empty``."""
    if not text:
        return "empty"
    if _PLAIN_YEAR.match(text):
        return "year"
    if _DATE.match(text):
        return "date"
    if _YEAR.search(text):
        return "period"
    return "text"


def period_start_year(label: str) -> int | None:
    """The first four-digit year in a year or period label (``"2015-16"`` -> 2015), or None."""
    if _PLAIN_YEAR.match(label):
        return int(label)
    match = _YEAR.search(label)
    return int(match.group(1)) if match else None
