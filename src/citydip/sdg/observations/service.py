"""Staff changes to an indicator's data, one observation at a time: add, change, delete, with the series, unit
and dimension catalogues rebuilt after each change. Functions take ``(session, ctx, ...)``, check edit rights,
only ``flush()`` and raise ``AppError``s naming the field."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from citydip.core.database import new_id, utcnow
from citydip.core.errors import Conflict, FieldProblem, NotFound
from citydip.core.i18n import _
from citydip.sdg.indicators.models import CityIndicator, table_of
from citydip.sdg.indicators.service import EditTarget, invalid, text_field
from citydip.sdg.observations import repository as repo
from citydip.sdg.observations.bulk import insert_rows
from citydip.sdg.observations.models import SdgDimension, SdgObservation, SdgSeries, SdgUnit, dis_key
from citydip.sdg.observations.rows import rebuild_rows, write_catalogue
from citydip.sdg.opensdg.csvdata import is_placeholder
from citydip.sdg.opensdg.model import DataTable, Indicator
from citydip.sdg.opensdg.values import classify_value, parse_number, period_start_year, value_advice

#: Column written for each observation attribute when the data has none yet.
ATTRIBUTE_COLUMNS = {
    "series": ("Series", "SERIES"),
    "unit": ("Units", "UNIT_MEASURE"),
    "geocode": ("GeoCode",),
    "observation_status": ("Observation status",),
    "footnote": ("COMMENT_OBS",),
}


def parse_observation(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check one observation as entered (year label, value, attributes, disaggregations)."""
    year = text_field(data, "year", 64)
    if not year:
        raise invalid("year", _("is required"))
    if period_start_year(year) is None:
        raise invalid("year", _("must contain a four-digit year, e.g. 2021 or 2015-16"))
    raw = data.get("value")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise invalid("value", _("must be a finite number"))
        value_text = str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    else:
        value_text = "" if raw is None else str(raw).strip()
    value: float | None = None
    if value_text:
        value = parse_number(value_text)
        if value is None:
            kind, number = classify_value(value_text)
            raise invalid("value", value_advice(kind, value_text, number))
    dis_in = data.get("disaggregation") or {}
    if not isinstance(dis_in, Mapping):
        raise invalid("disaggregation", _("must map each breakdown to its value"))
    dis: dict[str, str] = {}
    for name, cell in dis_in.items():
        name_text, cell_text = str(name).strip(), str(cell if cell is not None else "").strip()
        if not name_text or name_text in ("Year", "Value") or len(name_text) > 100:
            raise invalid("disaggregation", _("'{name}' cannot be a breakdown name", name=name_text[:60]))
        if cell_text:
            dis[name_text] = cell_text[:300]
    out: dict[str, Any] = {"year": year, "value": value, "value_text": value_text, "disaggregation": dis}
    for key in ATTRIBUTE_COLUMNS:
        out[key] = text_field(data, key, 64 if key in ("geocode", "observation_status") else 500)
    return out


def _column_for(columns: list[str], key: str) -> str:
    names = ATTRIBUTE_COLUMNS[key]
    return next((c for c in columns if c in names), names[0])


def _apply(ind: CityIndicator, obs: SdgObservation, parsed: Mapping[str, Any]) -> None:
    columns = list(ind.data_columns or ["Year", "Value"])
    attrs = dict(obs.attributes or {})
    for key in ATTRIBUTE_COLUMNS:
        column = _column_for(columns, key)
        value = parsed[key]
        if value:
            attrs[column] = value
            if column not in columns:
                columns.insert(len(columns) - 1, column)
        else:
            attrs.pop(column, None)
    for name in parsed["disaggregation"]:
        if name not in columns:
            columns.insert(len(columns) - 1, name)
    obs.year = parsed["year"]
    obs.year_num = period_start_year(parsed["year"])
    obs.value = parsed["value"]
    obs.value_text = parsed["value_text"]
    obs.series = parsed["series"]
    obs.unit = parsed["unit"]
    obs.geocode = parsed["geocode"]
    obs.observation_status = parsed["observation_status"]
    obs.footnote = parsed["footnote"]
    obs.disaggregation = dict(parsed["disaggregation"])
    obs.dis_key = dis_key(parsed["disaggregation"].items())
    obs.is_headline = obs.dis_key == ""
    obs.attributes = attrs
    if columns != ind.data_columns:
        ind.data_columns = columns


def _check_duplicate(session: Session, ws_id: int, ind: CityIndicator, obs: SdgObservation) -> None:
    stmt = select(SdgObservation.id).where(
        SdgObservation.workspace_id == ws_id,
        SdgObservation.indicator_id == ind.id,
        SdgObservation.year == obs.year,
        SdgObservation.dis_key == obs.dis_key,
        SdgObservation.series.is_(None) if obs.series is None else SdgObservation.series == obs.series,
        SdgObservation.unit.is_(None) if obs.unit is None else SdgObservation.unit == obs.unit,
        SdgObservation.geocode.is_(None) if obs.geocode is None else SdgObservation.geocode == obs.geocode,
    )
    if obs.id is not None:
        stmt = stmt.where(SdgObservation.id != obs.id)
    if session.scalars(stmt.limit(1)).first() is not None:
        raise Conflict(
            _("This indicator already has a value for that year and breakdown."),
            [FieldProblem("year", _("already has a value for this breakdown, series and unit"))],
        )


def refresh_data(session: Session, ws_id: int, ind: CityIndicator) -> None:
    """Recount rows and rebuild the series, unit and dimension catalogues after the data changed."""
    session.flush()
    rows = repo.data_rows(session, ws_id, [ind.id]).get(ind.id, [])
    columns = [str(c) for c in ind.data_columns or ["Year", "Value"]]
    table = DataTable(columns, rebuild_rows(columns, rows))
    for model in (SdgSeries, SdgUnit, SdgDimension):
        t = table_of(model)
        session.execute(delete(t).where(t.c.workspace_id == ws_id, t.c.indicator_id == ind.id))
    write_catalogue(session, ws_id, ind.id, Indicator(id=ind.code, data=table), str(ind.visibility))
    ind.observation_count = len(rows)
    ind.placeholder = "starter-template" if rows and is_placeholder(table) else None
    ind.data_updated_at = utcnow()
    session.flush()


def add_observation(
    session: Session, ctx: EditTarget, ind: CityIndicator, data: Mapping[str, Any]
) -> SdgObservation:
    """Add one observation (refuses a second value for the same year and breakdown)."""
    ctx.require_edit()
    parsed = parse_observation(data)
    last = session.scalar(
        select(func.max(SdgObservation.seq)).where(
            SdgObservation.workspace_id == ctx.id, SdgObservation.indicator_id == ind.id
        )
    )
    obs = SdgObservation(
        workspace_id=ctx.id,
        indicator_id=ind.id,
        seq=(last if last is not None else -1) + 1,
        visibility=ind.visibility,
        attributes={},
    )
    if ind.data_columns is None:
        ind.data_columns = ["Year", "Value"]
    _apply(ind, obs, parsed)
    _check_duplicate(session, ctx.id, ind, obs)
    obs.id = new_id()
    session.add(obs)
    refresh_data(session, ctx.id, ind)
    return obs


def update_observation(
    session: Session, ctx: EditTarget, ind: CityIndicator, obs: SdgObservation, data: Mapping[str, Any]
) -> SdgObservation:
    """Change one observation."""
    ctx.require_edit()
    parsed = parse_observation(data)
    _apply(ind, obs, parsed)
    _check_duplicate(session, ctx.id, ind, obs)
    refresh_data(session, ctx.id, ind)
    return obs


def delete_observation(session: Session, ctx: EditTarget, ind: CityIndicator, obs: SdgObservation) -> None:
    """Remove one observation."""
    ctx.require_edit()
    session.delete(obs)
    refresh_data(session, ctx.id, ind)


def require_observation(
    session: Session, ws_id: int, ind: CityIndicator, observation_id: uuid.UUID
) -> SdgObservation:
    """An observation of the indicator or NotFound."""
    obs = repo.observation(session, ws_id, ind.id, observation_id)
    if obs is None:
        raise NotFound(_("No such observation."))
    return obs


def bulk_insert_observations(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk-insert prepared observation rows (used by benchmarks and seeding)."""
    insert_rows(session, table_of(SdgObservation), rows)
