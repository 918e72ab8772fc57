"""Staff changes to a workspace's SDG data: indicators, visibility, reporting status, observations, metadata
and local targets. Functions take ``(session, ctx, ...)``, check edit rights, only ``flush()`` and raise
``AppError``s naming the field."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from citydip.core.database import new_id, utcnow
from citydip.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.tenancy import Visibility
from citydip.reference.models import SdgGoal
from citydip.reference.models import SdgIndicator as RefIndicator
from citydip.sdg import repository as repo
from citydip.sdg.bulk import insert_rows
from citydip.sdg.import_service import EditTarget
from citydip.sdg.models import (
    BASE_LANGUAGE,
    REPORTING_STATUSES,
    CityIndicator,
    SdgDimension,
    SdgLocalTarget,
    SdgMetadata,
    SdgObservation,
    SdgSeries,
    SdgSite,
    SdgTranslation,
    SdgUnit,
    dis_key,
    table_of,
)
from citydip.sdg.opensdg.csvdata import is_placeholder
from citydip.sdg.opensdg.model import DataTable, Indicator
from citydip.sdg.opensdg.site_export import sort_order
from citydip.sdg.opensdg.values import classify_value, parse_number, period_start_year, value_advice
from citydip.sdg.rows import rebuild_rows
from citydip.sdg.store import write_catalogue

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,58}$")
_GLOBAL_CODE = re.compile(r"^(\d{1,2})-([0-9a-z]{1,2})-([0-9a-z]+)$")
#: Children that carry their indicator's visibility.
VISIBLE_CHILDREN = (SdgMetadata, SdgSeries, SdgUnit, SdgDimension, SdgObservation, SdgLocalTarget)
#: Column written for each observation attribute when the data has none yet.
ATTRIBUTE_COLUMNS = {
    "series": ("Series", "SERIES"),
    "unit": ("Units", "UNIT_MEASURE"),
    "geocode": ("GeoCode",),
    "observation_status": ("Observation status",),
    "footnote": ("COMMENT_OBS",),
}


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), [FieldProblem(field, message)])


def _visibility(value: str) -> Visibility:
    try:
        return Visibility(value)
    except ValueError:
        raise _invalid("visibility", _("must be private, network or public")) from None


def ensure_site(session: Session, workspace_id: int, languages: list[str] | None = None) -> SdgSite:
    """The workspace's SDG settings row, created (English) when data is first entered by hand."""
    site = repo.site(session, workspace_id)
    if site is None:
        site = SdgSite(
            workspace_id=workspace_id,
            languages=languages or ["en"],
            schema=[],
            settings={"config_first": False, "reporting_status_extra_fields": []},
        )
        session.add(site)
        session.flush()
    return site


def create_indicator(
    session: Session,
    ctx: EditTarget,
    code: str,
    name: str,
    *,
    department: str = "",
    visibility: str = "private",
) -> CityIndicator:
    """A new indicator: ``1-2-1`` style ids link the UN framework; anything else is a local indicator."""
    ctx.require_edit()
    code = code.strip()
    if not _CODE.match(code):
        raise _invalid("code", _("use letters, digits and dashes, e.g. 1-2-1 or city-housing-1"))
    if repo.indicator_by_code(session, ctx.id, code) is not None:
        raise Conflict(
            _("Indicator {code} exists already.", code=code), [FieldProblem("code", _("exists already"))]
        )
    name = name.strip()
    if not name:
        raise _invalid("name", _("is required"))
    vis = _visibility(visibility)
    match = _GLOBAL_CODE.match(code)
    number = code.replace("-", ".") if match else code
    global_code = number if match and session.get(RefIndicator, number) is not None else None
    goal = int(match.group(1)) if match and session.get(SdgGoal, int(match.group(1))) else None
    site = ensure_site(session, ctx.id)
    if vis == Visibility.public and site.visibility != Visibility.public:
        _publish_site(session, ctx.id)
    ind = CityIndicator(
        workspace_id=ctx.id,
        code=code,
        number=number,
        kind="global" if global_code else "local",
        global_code=global_code,
        goal=goal,
        target_code=".".join(number.split(".")[:2]) if match else code,
        name=name,
        reporting_status="notstarted",
        department=department.strip()[:200],
        data_columns=None,
        config={},
        sources=[],
        import_notes=[],
        sort_key=sort_order(number)[:80],
        visibility=vis,
        meta_updated_at=utcnow(),
    )
    session.add(ind)
    session.flush()
    fields: dict[str, Any] = {"indicator_name": name, "reporting_status": "notstarted"}
    if not global_code:
        fields["standalone"] = True
    session.add(
        SdgMetadata(
            workspace_id=ctx.id, indicator_id=ind.id, language=BASE_LANGUAGE, fields=fields, visibility=vis
        )
    )
    session.flush()
    return ind


def _publish_site(session: Session, workspace_id: int) -> None:
    """Make the site settings and translations readable by the public (they hold no private data)."""
    for model in (SdgSite, SdgTranslation):
        t = table_of(model)
        session.execute(
            update(t).where(t.c.workspace_id == workspace_id).values(visibility=Visibility.public.value)
        )


def set_visibility(session: Session, ctx: EditTarget, ind: CityIndicator, visibility: str) -> None:
    """Publish or unpublish an indicator together with all of its rows."""
    ctx.require_edit()
    vis = _visibility(visibility)
    if ind.visibility == vis:
        return
    ind.visibility = vis
    session.flush()
    for model in VISIBLE_CHILDREN:
        t = table_of(model)
        session.execute(
            update(t)
            .where(t.c.workspace_id == ctx.id, t.c.indicator_id == ind.id)
            .values(visibility=vis.value)
        )
    if vis == Visibility.public:
        _publish_site(session, ctx.id)


def update_indicator(
    session: Session,
    ctx: EditTarget,
    ind: CityIndicator,
    *,
    name: str | None = None,
    department: str | None = None,
    reporting_status: str | None = None,
    visibility: str | None = None,
) -> CityIndicator:
    """Change an indicator's name, owning department, reporting status or visibility."""
    ctx.require_edit()
    meta_changes: dict[str, Any] = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise _invalid("name", _("is required"))
        if name != ind.name:
            ind.name = name
            meta_changes["indicator_name"] = name
    if department is not None:
        ind.department = department.strip()[:200]
    if reporting_status is not None and reporting_status != ind.reporting_status:
        if reporting_status not in REPORTING_STATUSES:
            raise _invalid(
                "reporting_status", _("must be one of: {choices}", choices=", ".join(REPORTING_STATUSES))
            )
        ind.reporting_status = reporting_status
        meta_changes["reporting_status"] = reporting_status
        if "reporting_status" in (ind.config or {}):
            ind.config = {**ind.config, "reporting_status": reporting_status}
    if meta_changes:
        row = repo.metadata_row(session, ctx.id, ind.id)
        if row is None:
            row = SdgMetadata(
                workspace_id=ctx.id,
                indicator_id=ind.id,
                language=BASE_LANGUAGE,
                fields={},
                visibility=ind.visibility,
            )
            session.add(row)
        row.fields = {**(row.fields or {}), **meta_changes}
        ind.meta_updated_at = utcnow()
    session.flush()
    if visibility is not None:
        set_visibility(session, ctx, ind, visibility)
    return ind


def save_metadata(
    session: Session, ctx: EditTarget, ind: CityIndicator, language: str, fields: Mapping[str, Any]
) -> SdgMetadata:
    """Replace an indicator's metadata fields in one language (``""``: the repository's own fields)."""
    ctx.require_edit()
    site = ensure_site(session, ctx.id)
    if language and language not in (site.languages or []):
        raise _invalid(
            "language", _("this site publishes only: {langs}", langs=", ".join(site.languages or []))
        )
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        key = str(key).strip()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_.-]{0,99}$", key):
            raise _invalid("fields", _("'{key}' is not a valid field name", key=key[:60]))
        if isinstance(value, float) and not math.isfinite(value):
            raise _invalid(key, _("must be a finite number"))
        clean[key] = value
    row = repo.metadata_row(session, ctx.id, ind.id, language)
    if row is None:
        row = SdgMetadata(
            workspace_id=ctx.id, indicator_id=ind.id, language=language, fields={}, visibility=ind.visibility
        )
        session.add(row)
    row.fields = clean
    if language == BASE_LANGUAGE:
        name = clean.get("indicator_name")
        if isinstance(name, str) and name.strip():
            ind.name = name.strip()
        status = clean.get("reporting_status")
        if isinstance(status, str) and status in REPORTING_STATUSES:
            ind.reporting_status = status
    ind.meta_updated_at = utcnow()
    session.flush()
    return row


# --- observations ---------------------------------------------------------------------------------------


def _text(data: Mapping[str, Any], key: str, limit: int = 500) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise _invalid(key, _("is longer than {n} characters", n=limit))
    return text or None


def parse_observation(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check one observation as entered (year label, value, attributes, disaggregations)."""
    year = _text(data, "year", 64)
    if not year:
        raise _invalid("year", _("is required"))
    if period_start_year(year) is None:
        raise _invalid("year", _("must contain a four-digit year, e.g. 2021 or 2015-16"))
    raw = data.get("value")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise _invalid("value", _("must be a finite number"))
        value_text = str(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    else:
        value_text = "" if raw is None else str(raw).strip()
    value: float | None = None
    if value_text:
        value = parse_number(value_text)
        if value is None:
            kind, number = classify_value(value_text)
            raise _invalid("value", value_advice(kind, value_text, number))
    dis_in = data.get("disaggregation") or {}
    if not isinstance(dis_in, Mapping):
        raise _invalid("disaggregation", _("must map each breakdown to its value"))
    dis: dict[str, str] = {}
    for name, cell in dis_in.items():
        name_text, cell_text = str(name).strip(), str(cell if cell is not None else "").strip()
        if not name_text or name_text in ("Year", "Value") or len(name_text) > 100:
            raise _invalid("disaggregation", _("'{name}' cannot be a breakdown name", name=name_text[:60]))
        if cell_text:
            dis[name_text] = cell_text[:300]
    out: dict[str, Any] = {"year": year, "value": value, "value_text": value_text, "disaggregation": dis}
    for key in ATTRIBUTE_COLUMNS:
        out[key] = _text(data, key, 64 if key in ("geocode", "observation_status") else 500)
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


# --- local targets --------------------------------------------------------------------------------------


def add_local_target(
    session: Session, ctx: EditTarget, ind: CityIndicator, data: Mapping[str, Any]
) -> SdgLocalTarget:
    """A city's own target for the indicator: reworded text and/or a value to reach by a year."""
    ctx.require_edit()
    text = _text(data, "text", 2000) or ""
    raw_value = _text(data, "value", 64)
    value = parse_number(raw_value) if raw_value else None
    if raw_value and value is None:
        raise _invalid("value", _("must be a number"))
    raw_year = _text(data, "year", 4)
    year = int(raw_year) if raw_year and raw_year.isdigit() else None
    if raw_year and (year is None or not 1900 <= year <= 2200):
        raise _invalid("year", _("must be a year such as 2030"))
    if not text and value is None:
        raise _invalid("text", _("give the target's wording, a value, or both"))
    language = _text(data, "language", 16) or BASE_LANGUAGE
    target = SdgLocalTarget(
        workspace_id=ctx.id,
        indicator_id=ind.id,
        target_code=ind.target_code,
        language=language,
        text=text,
        value=value,
        year=year,
        series=_text(data, "series"),
        unit=_text(data, "unit"),
        source="staff",
        visibility=ind.visibility,
    )
    session.add(target)
    session.flush()
    return target


def delete_local_target(session: Session, ctx: EditTarget, target: SdgLocalTarget) -> None:
    """Remove a local target."""
    ctx.require_edit()
    session.delete(target)
    session.flush()


def bulk_insert_observations(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk-insert prepared observation rows (used by benchmarks and seeding)."""
    insert_rows(session, table_of(SdgObservation), rows)
