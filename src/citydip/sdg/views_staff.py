"""Staff pages of the SDG data: indicator list, indicator settings, data entry, CSV upload with preview and
validation, metadata editing, local targets, change history and reporting status."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citydip.audit.models import AuditEntry
from citydip.core.errors import AppError, NotFound
from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.sdg import history, service
from citydip.sdg import repository as repo
from citydip.sdg.i18n import STATUS_LABELS
from citydip.sdg.models import BASE_LANGUAGE, REPORTING_STATUSES, CityIndicator
from citydip.sdg.pages import fmt_value, languages_of
from citydip.sdg.upload_service import MAX_UPLOAD_BYTES, check_upload

router = APIRouter(route_class=DbRoute, tags=["pages"])

VISIBILITIES = ("private", "network", "public")
#: Metadata fields offered as their own inputs on the metadata page (the rest is edited as YAML).
KEY_FIELDS = (
    "indicator_name",
    "graph_title",
    "national_target_line",
    "computation_units",
    "source_organisation_1",
)
OBS_PER_PAGE = 100


def _base(ctx: Ctx) -> str:
    return f"/w/{ctx.slug}/sdg"


def _indicator(db: Session, ctx: Ctx, indicator_code: str) -> CityIndicator:
    ind = repo.indicator_by_code(db, ctx.id, indicator_code)
    if ind is None:
        raise NotFound(_("No such indicator."))
    return ind


def _errors(exc: AppError) -> dict[str, str]:
    return {p.field: p.message for p in exc.details} or {"form": exc.message}


def _common(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"errors": {}, "values": {}}
    return defaults | {
        "base": _base(ctx),
        "can_edit": ctx.role.can_edit,
        "status_label": lambda s: _(STATUS_LABELS.get(s) or str(s)),
        "statuses": REPORTING_STATUSES,
        "status_choices": [(s, _(STATUS_LABELS[s])) for s in REPORTING_STATUSES],
        "visibilities": VISIBILITIES,
        "fmt_value": fmt_value,
        **extra,
    }


@router.get("/w/{ws}/sdg/", include_in_schema=False)
def indicator_list(request: Request, db: Db, ctx: Ctx) -> Response:
    """Every indicator of the workspace with filters, search and sorting."""
    params = repo.INDICATOR_LIST.parse(request.query_params)
    page = paginate(db, repo.indicators_query(ctx.id), repo.INDICATOR_LIST, params)
    site = repo.site(db, ctx.id)
    return render(
        request,
        "sdg/staff_list.html",
        _common(
            ctx,
            page=page,
            site=site,
            spec=repo.INDICATOR_LIST,
            goals=[(str(g.number), f"{g.number} {g.short_label}") for g in repo.goals(db)],
        ),
    )


@router.get("/w/{ws}/sdg/reporting", include_in_schema=False)
def reporting(request: Request, db: Db, ctx: Ctx) -> Response:
    """Reporting status by goal, private indicators included."""
    counts = repo.status_counts(db, ctx.id)
    rows = [(g, counts.get(g.number, {})) for g in repo.goals(db)]
    return render(request, "sdg/staff_reporting.html", _common(ctx, rows=rows, local=counts.get(None, {})))


@router.get("/w/{ws}/sdg/new", include_in_schema=False)
def new_form(request: Request, ctx: Ctx) -> Response:
    """Form for a new indicator."""
    ctx.require_edit()
    return render(request, "sdg/staff_new.html", _common(ctx, errors={}, values={}))


@router.post("/w/{ws}/sdg/new", include_in_schema=False)
def create(
    request: Request,
    db: Db,
    ctx: Ctx,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    visibility: Annotated[str, Form()] = "private",
) -> Response:
    """Create an indicator."""
    ctx.require_edit()
    try:
        ind = service.create_indicator(db, ctx, code, name, department=department, visibility=visibility)
    except AppError as exc:
        values = {"code": code, "name": name, "department": department, "visibility": visibility}
        return render(
            request,
            "sdg/staff_new.html",
            _common(ctx, errors=_errors(exc), values=values),
            status_code=exc.status_code,
        )
    return RedirectResponse(
        f"{_base(ctx)}/indicators/{ind.code}?flash=" + _("Indicator created."), status_code=303
    )


def _indicator_context(db: Session, ctx: Ctx, ind: CityIndicator, **extra: Any) -> dict[str, Any]:
    series, units, dims = repo.catalogue(db, ctx.id, ind.id)
    return _common(
        ctx,
        ind=ind,
        series=series,
        units=units,
        dims=dims,
        targets=repo.local_targets(db, ctx.id, ind.id),
        language_choices=[("", _("base language"))]
        + [(lang, lang) for lang in languages_of(repo.site(db, ctx.id))],
        notes=[n for n in ind.import_notes or [] if isinstance(n, dict) and n.get("severity") != "info"],
        **extra,
    )


@router.get("/w/{ws}/sdg/indicators/{indicator_code}", include_in_schema=False)
def indicator_page(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """An indicator's settings, local targets and links to its data, metadata and history."""
    ind = _indicator(db, ctx, indicator_code)
    return render(request, "sdg/staff_indicator.html", _indicator_context(db, ctx, ind))


@router.post("/w/{ws}/sdg/indicators/{indicator_code}", include_in_schema=False)
def save_indicator(
    request: Request,
    db: Db,
    ctx: Ctx,
    indicator_code: str,
    name: Annotated[str, Form()] = "",
    department: Annotated[str, Form()] = "",
    reporting_status: Annotated[str, Form()] = "",
    visibility: Annotated[str, Form()] = "",
) -> Response:
    """Save name, department, reporting status and visibility."""
    ctx.require_edit()
    ind = _indicator(db, ctx, indicator_code)
    try:
        service.update_indicator(
            db,
            ctx,
            ind,
            name=name,
            department=department,
            reporting_status=reporting_status or None,
            visibility=visibility or None,
        )
    except AppError as exc:
        context = _indicator_context(db, ctx, ind)
        context["errors"] = _errors(exc)
        return render(request, "sdg/staff_indicator.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{_base(ctx)}/indicators/{ind.code}?flash=" + _("Indicator saved."), status_code=303
    )


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/targets", include_in_schema=False)
async def add_target(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Add a local target."""
    ctx.require_edit()
    ind = _indicator(db, ctx, indicator_code)
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        service.add_local_target(db, ctx, ind, data)
    except AppError as exc:
        context = _indicator_context(db, ctx, ind)
        context["errors"] = _errors(exc)
        return render(request, "sdg/staff_indicator.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{_base(ctx)}/indicators/{ind.code}?flash=" + _("Target added."), status_code=303
    )


@router.post(
    "/w/{ws}/sdg/indicators/{indicator_code}/targets/{local_target_id}/delete", include_in_schema=False
)
def delete_target(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, local_target_id: uuid.UUID
) -> Response:
    """Remove a local target."""
    ctx.require_edit()
    ind = _indicator(db, ctx, indicator_code)
    target = repo.local_target(db, ctx.id, ind.id, local_target_id)
    if target is None:
        raise NotFound(_("No such target."))
    service.delete_local_target(db, ctx, target)
    return RedirectResponse(
        f"{_base(ctx)}/indicators/{ind.code}?flash=" + _("Target removed."), status_code=303
    )


# --- data ---------------------------------------------------------------------------------------------------


def _data_context(
    request: Request, db: Session, ctx: Ctx, ind: CityIndicator, **extra: Any
) -> dict[str, Any]:
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    rows, total = repo.observation_page(db, ctx.id, ind.id, (page - 1) * OBS_PER_PAGE, OBS_PER_PAGE)
    series, units, dims = repo.catalogue(db, ctx.id, ind.id)
    dim_names = [c for c in ind.data_columns or [] if c in dict(dims)] or [n for n, _v in dims]
    return _common(
        ctx,
        ind=ind,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // OBS_PER_PAGE)),
        series=series,
        units=units,
        dims=dims,
        dim_names=dim_names,
        **extra,
    )


def _observation_data(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"disaggregation": {}}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf_token":
            continue
        if key.startswith("dim:"):
            data["disaggregation"][key[4:]] = value
        elif key == "new_dimension" and value.strip():
            data["disaggregation"][value.strip()] = form.get("new_dimension_value", "")
        elif key != "new_dimension_value":
            data[key] = value
    return data


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/data", include_in_schema=False)
def data_page(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """The indicator's observations with a form to add one."""
    ind = _indicator(db, ctx, indicator_code)
    return render(request, "sdg/staff_data.html", _data_context(request, db, ctx, ind))


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/data", include_in_schema=False)
async def add_observation(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Add an observation."""
    ctx.require_edit()
    ind = _indicator(db, ctx, indicator_code)
    data = _observation_data(await request.form())
    try:
        service.add_observation(db, ctx, ind, data)
    except AppError as exc:
        context = _data_context(request, db, ctx, ind, errors=_errors(exc), values=data)
        return render(request, "sdg/staff_data.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{_base(ctx)}/indicators/{ind.code}/data?flash=" + _("Value added."), status_code=303
    )


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/data/{observation_id}", include_in_schema=False)
def observation_form(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID
) -> Response:
    """Form to change one observation."""
    ind = _indicator(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    context = _data_context(request, db, ctx, ind, obs=obs)
    return render(request, "sdg/staff_observation.html", context)


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/data/{observation_id}", include_in_schema=False)
async def save_observation(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID
) -> Response:
    """Save one observation."""
    ctx.require_edit()
    ind = _indicator(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    data = _observation_data(await request.form())
    try:
        service.update_observation(db, ctx, ind, obs, data)
    except AppError as exc:
        db.rollback()
        ind = _indicator(db, ctx, indicator_code)
        obs = service.require_observation(db, ctx.id, ind, observation_id)
        context = _data_context(request, db, ctx, ind, obs=obs, errors=_errors(exc), values=data)
        return render(request, "sdg/staff_observation.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{_base(ctx)}/indicators/{ind.code}/data?flash=" + _("Value saved."), status_code=303
    )


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/data/{observation_id}/delete", include_in_schema=False)
def delete_observation(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID
) -> Response:
    """Delete one observation."""
    ctx.require_edit()
    ind = _indicator(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    service.delete_observation(db, ctx, ind, obs)
    return RedirectResponse(
        f"{_base(ctx)}/indicators/{ind.code}/data?flash=" + _("Value deleted."), status_code=303
    )


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/upload", include_in_schema=False)
def upload_form(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Form to upload a data file for the indicator."""
    ind = _indicator(db, ctx, indicator_code)
    return render(request, "sdg/staff_upload.html", _common(ctx, ind=ind, result=None, errors={}))


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/upload", include_in_schema=False)
async def upload(
    request: Request,
    db: Db,
    ctx: Ctx,
    indicator_code: str,
    file: Annotated[UploadFile | None, File()] = None,
    action: Annotated[str, Form()] = "check",
) -> Response:
    """Check an uploaded CSV (preview and problems); with action=save and no errors, replace the data."""
    ind = _indicator(db, ctx, indicator_code)
    if action == "save":
        ctx.require_edit()
    if file is None or not file.filename:
        context = _common(ctx, ind=ind, result=None, errors={"file": _("choose a CSV file")})
        return render(request, "sdg/staff_upload.html", context, status_code=422)
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        result = check_upload(db, ctx, ind, file.filename, raw, save=action == "save")
    except AppError as exc:
        context = _common(ctx, ind=ind, result=None, errors=_errors(exc))
        return render(request, "sdg/staff_upload.html", context, status_code=exc.status_code)
    if result.saved:
        message = _("Data replaced: {n} rows stored.", n=result.rows)
        return RedirectResponse(f"{_base(ctx)}/indicators/{ind.code}/data?flash={message}", status_code=303)
    status = 422 if result.errors else 200
    return render(
        request, "sdg/staff_upload.html", _common(ctx, ind=ind, result=result, errors={}), status_code=status
    )


# --- metadata and history -----------------------------------------------------------------------------------


def _metadata_context(
    db: Session, ctx: Ctx, ind: CityIndicator, language: str, **extra: Any
) -> dict[str, Any]:
    site = repo.site(db, ctx.id)
    fields = repo.metadata(db, ctx.id, ind.id).get(language, {})
    others = {k: v for k, v in fields.items() if k not in KEY_FIELDS}
    other_yaml = yaml.safe_dump(others, allow_unicode=True, sort_keys=False, width=1000) if others else ""
    return _common(
        ctx,
        ind=ind,
        language=language,
        languages=languages_of(site),
        key_fields=KEY_FIELDS,
        fields=fields,
        other_yaml=other_yaml,
        **extra,
    )


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/metadata", include_in_schema=False)
def metadata_form(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """The indicator's metadata in one language (``?language=es``; none: the base fields)."""
    ind = _indicator(db, ctx, indicator_code)
    language = request.query_params.get("language", BASE_LANGUAGE)[:16]
    return render(request, "sdg/staff_metadata.html", _metadata_context(db, ctx, ind, language))


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/metadata", include_in_schema=False)
async def save_metadata(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Save the metadata of one language: the key fields plus the other fields as YAML."""
    ctx.require_edit()
    ind = _indicator(db, ctx, indicator_code)
    form = await request.form()
    language = str(form.get("language", BASE_LANGUAGE))[:16]
    other_text = str(form.get("other_yaml", ""))
    try:
        fields = history.parse_yaml_fields(other_text)
        for key in KEY_FIELDS:
            value = form.get(f"field:{key}")
            if isinstance(value, str) and value.strip():
                fields[key] = value.strip()
        service.save_metadata(db, ctx, ind, language, fields)
    except AppError as exc:
        context = _metadata_context(db, ctx, ind, language, errors=_errors(exc))
        context["other_yaml"] = other_text
        return render(request, "sdg/staff_metadata.html", context, status_code=exc.status_code)
    target = f"{_base(ctx)}/indicators/{ind.code}/metadata" + (f"?language={language}&" if language else "?")
    return RedirectResponse(target + "flash=" + _("Metadata saved."), status_code=303)


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/history", include_in_schema=False)
def history_page(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Changes to the indicator, its data, metadata and targets, from the audit log."""
    ind = _indicator(db, ctx, indicator_code)
    entries: list[AuditEntry] = history.indicator_history(db, ctx.id, ind.id)
    return render(
        request, "sdg/staff_history.html", _common(ctx, ind=ind, entries=entries, describe=history.describe)
    )
