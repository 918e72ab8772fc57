"""Data rows <-> observation rows: the one place that maps an Open SDG data table onto ``sdgloc_observations``
and back, so an import followed by an export gives the file that was read."""

from __future__ import annotations

import operator
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from citydip.core.database import new_id
from citydip.sdg.indicators.models import table_of
from citydip.sdg.observations.models import SdgDimension, SdgSeries, SdgUnit, dis_key
from citydip.sdg.opensdg.model import DataTable, Indicator, is_disaggregation_column
from citydip.sdg.opensdg.values import parse_number, period_start_year

#: Attribute columns copied into the typed observation columns (first non-empty cell wins, in column order,
#: the same resolution as :class:`citydip.sdg.opensdg.model.Observation`).
TYPED_ATTRIBUTES: dict[str, str] = {
    "Series": "series",
    "SERIES": "series",
    "Units": "unit",
    "UNIT_MEASURE": "unit",
    "GeoCode": "geocode",
    "Observation status": "observation_status",
    "COMMENT_OBS": "footnote",
    "Unit multiplier": "unit_multiplier",
}
_LIMITS = {"geocode": 64, "observation_status": 64, "unit_multiplier": 32}
_FIELDS = ("series", "unit", "geocode", "observation_status", "footnote", "unit_multiplier")


def new_ids(count: int) -> list[uuid.UUID]:
    """Many time-ordered UUIDs at once (the layout of ``citydip.core.database.new_id``: a millisecond
    timestamp, version 7, variant bits, random bits), cheaper than one call per row."""
    ms = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    head = (ms << 80) | (0x7 << 76)
    raw = os.urandom(10 * count)
    out = []
    for i in range(count):
        rand = int.from_bytes(raw[10 * i : 10 * i + 10], "big")
        out.append(
            uuid.UUID(int=head | (((rand >> 62) & 0xFFF) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1)))
        )
    return out


def observation_rows(
    table: DataTable,
    *,
    workspace_id: int,
    indicator_id: uuid.UUID,
    visibility: str,
    start_seq: int = 0,
) -> list[dict[str, Any]]:
    """One insert dict per data row (for a Core executemany)."""
    columns = table.columns
    vi = len(columns) - 1
    middle = list(enumerate(columns[1:vi], start=1))
    dis_cols = [(i, name) for i, name in middle if is_disaggregation_column(name)]
    attr_cols = [(i, name) for i, name in middle if not is_disaggregation_column(name)]
    dis_cells = _cells_of([i for i, _name in dis_cols])
    attr_cells = _cells_of([i for i, _name in attr_cols])
    dis_names = [name for _i, name in dis_cols]
    attr_names = [name for _i, name in attr_cols]
    base: dict[str, Any] = {
        "workspace_id": workspace_id,
        "visibility": visibility,
        "indicator_id": indicator_id,
    }
    years: dict[str, int | None] = {}
    numbers: dict[str, float | None] = {}
    # Rows repeat the same breakdowns and attributes many times: each distinct combination of cells is
    # resolved once (key, dicts, typed columns) and its dicts are shared, so bulk inserts serialise them once.
    dis_seen: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {}
    attr_seen: dict[tuple[str, ...], tuple[dict[str, str], dict[str, str | None]]] = {}
    out: list[dict[str, Any]] = []
    ids = new_ids(len(table.rows))
    for n, row in enumerate(table.rows):
        cells = dis_cells(row)
        found = dis_seen.get(cells)
        if found is None:
            items = tuple((k, v) for k, v in zip(dis_names, cells, strict=True) if v)
            found = dis_seen[cells] = (dis_key(items), dict(items))
        key, dis = found
        cells = attr_cells(row)
        resolved = attr_seen.get(cells)
        if resolved is None:
            resolved = attr_seen[cells] = _attributes(attr_names, cells)
        attrs, typed = resolved
        year = row[0]
        if year not in years:
            years[year] = period_start_year(year)
        text = row[vi]
        if text not in numbers:
            numbers[text] = parse_number(text)
        item = base.copy()
        item.update(typed)
        item["id"] = ids[n]
        item["seq"] = start_seq + n
        item["year"] = year[:64]
        item["year_num"] = years[year]
        item["value"] = numbers[text]
        item["value_text"] = text
        item["is_headline"] = key == ""
        item["dis_key"] = key
        item["disaggregation"] = dis
        item["attributes"] = attrs
        out.append(item)
    return out


def _cells_of(indexes: list[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """A function returning the cells at some positions of a row as a tuple (fast, for cache keys)."""
    if not indexes:
        return lambda _row: ()
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    getter = operator.itemgetter(*indexes)
    return lambda row: getter(row)


def _attributes(names: list[str], cells: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str | None]]:
    """The attribute cells as a dict, and the typed columns they feed (first non-empty cell wins)."""
    attrs = {k: v for k, v in zip(names, cells, strict=True) if v}
    typed: dict[str, str | None] = dict.fromkeys(_FIELDS)
    for name, value in attrs.items():
        field = TYPED_ATTRIBUTES.get(name)
        if field is not None and typed[field] is None:
            limit = _LIMITS.get(field)
            typed[field] = value[:limit] if limit else value
    return attrs, typed


def rebuild_rows(
    columns: Sequence[str], observations: Iterable[tuple[str, str, Mapping[str, Any], Mapping[str, Any]]]
) -> list[list[str]]:
    """Data rows (cell text per column) from ``(year, value_text, disaggregation, attributes)`` tuples."""
    last = len(columns) - 1
    out: list[list[str]] = []
    for year, value_text, dis, attrs in observations:
        row: list[str] = []
        for i, name in enumerate(columns):
            if i == 0:
                row.append(year)
            elif i == last:
                row.append(value_text)
            else:
                cell = dis.get(name)
                if cell is None:
                    cell = attrs.get(name, "")
                row.append(str(cell))
        out.append(row)
    return out


def catalogue(table: DataTable) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """Series, units and disaggregation dimensions (with values in order of appearance) of a table."""
    series: dict[str, None] = {}
    units: dict[str, None] = {}
    for name in ("Series", "SERIES"):
        for value in table.distinct(name):
            series.setdefault(value, None)
    for name in ("Units", "UNIT_MEASURE"):
        for value in table.distinct(name):
            units.setdefault(value, None)
    return list(series), list(units), table.dimensions()


def catalogue_rows(
    ws_id: int, ind_id: uuid.UUID, ind: Indicator, visibility: str
) -> dict[type[Any], list[dict[str, Any]]]:
    """Series, unit and dimension rows of an indicator's data."""
    out: dict[type[Any], list[dict[str, Any]]] = {SdgSeries: [], SdgUnit: [], SdgDimension: []}
    if ind.data is None:
        return out
    base = {"workspace_id": ws_id, "indicator_id": ind_id, "visibility": visibility}
    series, units, dims = catalogue(ind.data)
    out[SdgSeries] = [{**base, "id": new_id(), "name": s, "position": i} for i, s in enumerate(series)]
    out[SdgUnit] = [{**base, "id": new_id(), "name": u, "position": i} for i, u in enumerate(units)]
    out[SdgDimension] = [
        {**base, "id": new_id(), "name": name, "position": i, "values": values}
        for i, (name, values) in enumerate(dims.items())
    ]
    return out


def write_catalogue(session: Session, ws_id: int, ind_id: uuid.UUID, ind: Indicator, visibility: str) -> None:
    """Insert the series, units and dimensions of one indicator's data."""
    for model, rows in catalogue_rows(ws_id, ind_id, ind, visibility).items():
        if rows:
            session.execute(insert(table_of(model)), rows)
