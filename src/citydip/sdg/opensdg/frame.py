"""Typed columns, headline and edges: the shapes Open SDG's published files take.

Open SDG's builder reads each CSV with pandas, so every column gets one type: whole numbers when every cell is
a whole number, decimals when some cell is a decimal or empty, true/false, or text. The published files carry
those types (``10`` becomes ``10.0`` in a column that also holds ``13.8``). :func:`typed_frame` applies the
same rules to a :class:`DataTable` so the published files match, without pandas.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from citydip.sdg.opensdg.model import NON_DISAGGREGATION_COLUMNS, DataTable
from citydip.sdg.opensdg.values import PANDAS_NA_TOKENS

Cell = str | int | float | bool | None

_INT = re.compile(r"^\s*[+-]?\d+\s*$")
_FLOAT = re.compile(r"^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)\s*$")
_BOOLS = {"True": True, "TRUE": True, "true": True, "False": False, "FALSE": False, "false": False}
_INT64_MAX = 2**63 - 1


@dataclass
class Frame:
    """Columns of typed cells (column-major): ``cells[j][i]`` is row ``i`` of column ``columns[j]``."""

    columns: list[str]
    cells: list[list[Cell]]

    @property
    def nrows(self) -> int:
        """Number of rows."""
        return len(self.cells[0]) if self.cells else 0

    def take(self, columns: Sequence[str], rows: Sequence[int]) -> Frame:
        """A new frame with some columns (in the given order) and some rows."""
        idx = [self.columns.index(c) for c in columns]
        return Frame(list(columns), [[self.cells[j][i] for i in rows] for j in idx])

    def records(self) -> list[dict[str, Cell]]:
        """Rows as dicts (JSON ``records`` orientation)."""
        return [dict(zip(self.columns, row, strict=True)) for row in zip(*self.cells, strict=True)]

    def column_dict(self) -> dict[str, list[Cell]]:
        """Columns as lists (JSON ``list`` orientation)."""
        return {c: list(col) for c, col in zip(self.columns, self.cells, strict=True)}


def type_column(texts: Sequence[str]) -> list[Cell]:
    """Give one column of cell text a single type the way pandas' CSV reader does."""
    present = [t for t in texts if t not in PANDAS_NA_TOKENS]
    has_missing = len(present) != len(texts)
    if not present:
        return [None] * len(texts)
    if all(_INT.match(t) for t in present):
        ints = [int(t) for t in present]
        if all(-_INT64_MAX - 1 <= v <= _INT64_MAX for v in ints):
            if not has_missing:
                return list(ints)
            return [None if t in PANDAS_NA_TOKENS else float(int(t)) for t in texts]
    if all(_FLOAT.match(t) for t in present):
        return [None if t in PANDAS_NA_TOKENS else float(t) for t in texts]
    if all(t in _BOOLS for t in present):
        return [None if t in PANDAS_NA_TOKENS else _BOOLS[t] for t in texts]
    return [None if t in PANDAS_NA_TOKENS else t for t in texts]


def typed_frame(table: DataTable) -> Frame:
    """Convert a data table into typed columns."""
    ncols = len(table.columns)
    cells = [type_column([row[j] for row in table.rows]) for j in range(ncols)]
    return Frame(list(table.columns), cells)


def translate_frame(
    frame: Frame,
    translate_cell: Callable[[str, str], str],
    translate_header: Callable[[str], str],
) -> Frame:
    """Translate text cells (per column) and disaggregation headers."""
    columns = [c if c in _SPECIAL_HEADERS else translate_header(c) for c in frame.columns]
    cells = [
        [translate_cell(v, name) if isinstance(v, str) else v for v in col]
        for name, col in zip(frame.columns, frame.cells, strict=True)
    ]
    return Frame(columns, cells)


_SPECIAL_HEADERS = frozenset((*NON_DISAGGREGATION_COLUMNS, "COMPOSITE_BREAKDOWN"))
_NON_DIS = frozenset(NON_DISAGGREGATION_COLUMNS)


def headline(frame: Frame) -> Frame:
    """Rows where every disaggregation is empty, with Year, Value and the series/unit columns only."""
    dis = [j for j, c in enumerate(frame.columns) if c not in _NON_DIS]
    keep_cols = [c for c in NON_DISAGGREGATION_COLUMNS if c in frame.columns]
    rows = [i for i in range(frame.nrows) if all(frame.cells[j][i] is None for j in dis)]
    return frame.take(keep_cols, rows)


def edges(frame: Frame) -> list[tuple[str, str]]:
    """Parent -> child links between disaggregation columns (a child only ever appears with its parent).

    Two columns that always appear together are linked left to right; links that skip a generation
    (grandparent -> child) are then removed, following the same pass Open SDG's builder makes.
    """
    dis = [(c, col) for c, col in zip(frame.columns, frame.cells, strict=True) if c not in _NON_DIS]
    present = {c: [v is not None for v in col] for c, col in dis}
    found: list[tuple[str, str]] = []
    for (a, _), (b, _) in itertools.combinations(dis, 2):
        pa, pb = present[a], present[b]
        a_without_b = any(x and not y for x, y in zip(pa, pb, strict=True))
        b_without_a = any(y and not x for x, y in zip(pa, pb, strict=True))
        a_any, b_any = any(pa), any(pb)
        if a_without_b and not b_without_a and b_any:
            found.append((a, b))
        elif b_without_a and not a_without_b and a_any:
            found.append((b, a))
        elif not a_without_b and not b_without_a and a_any and b_any:
            found.append((a, b))
    return _prune_grandparents(found)


def _prune_grandparents(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    current = list(found)
    children = list(dict.fromkeys(child for _, child in found))
    for child in children:
        parents = [p for p, c in current if c == child]
        grandparents: list[str] = []
        # Walk up one line of ancestry at a time, as the builder does (it follows the last parent listed).
        guard = 0
        while parents and guard < 1000:
            guard += 1
            next_parents: list[str] = []
            for parent in parents:
                next_parents = [p for p, c in current if c == parent]
                grandparents.extend(next_parents)
            parents = next_parents
        current = [(p, c) for p, c in current if not (c == child and p in grandparents)]
    return current


def format_csv_cell(value: Cell) -> str:
    """How a typed cell is written to CSV (empty for missing, ``repr`` for decimals)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return repr(value)
    return str(value)
