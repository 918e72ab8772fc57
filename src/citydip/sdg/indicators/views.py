"""Staff pages and JSON API of a workspace's SDG indicators: the indicator list, reporting status, a new
indicator, an indicator's settings and local targets, metadata editing and change history."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citydip.audit.models import AuditEntry
from citydip.core.errors import AppError, NotFound
from citydip.core.i18n import _
from citydip.core.listing import ListParams, paginate
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.sdg.display import languages_of
from citydip.sdg.indicators import history, service
from citydip.sdg.indicators import repository as repo
from citydip.sdg.indicators.models import BASE_LANGUAGE, CityIndicator
from citydip.sdg.indicators.schemas import (
    IndicatorDetail,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    LocalTargetOut,
    MetadataIn,
)
from citydip.sdg.indicators.staff import form_errors, indicator_or_404, staff_base, staff_context
from citydip.sdg.observations import repository as obs_repo

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["sdg data"])
BASE = "/workspaces/{ws}/sdg/indicators"
#: Metadata fields offered as their own inputs on the metadata page (the rest is edited as YAML).
KEY_FIELDS = (
    "indicator_name",
    "graph_title",
    "national_target_line",
    "computation_units",
    "source_organisation_1",
)


@router.get("/w/{ws}/sdg/", include_in_schema=False)
def indicator_list(request: Request, db: Db, ctx: Ctx) -> Response:
    """Every indicator of the workspace with filters, search and sorting."""
    params = repo.INDICATOR_LIST.parse(request.query_params)
    page = paginate(db, repo.indicators_query(ctx.id), repo.INDICATOR_LIST, params)
    site = repo.site(db, ctx.id)
    return render(
        request,
        "sdg/staff_list.html",
        staff_context(
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
    return render(
        request, "sdg/staff_reporting.html", staff_context(ctx, rows=rows, local=counts.get(None, {}))
    )


@router.get("/w/{ws}/sdg/new", include_in_schema=False)
def new_form(request: Request, ctx: Ctx) -> Response:
    """Form for a new indicator."""
    ctx.require_edit()
    return render(request, "sdg/staff_new.html", staff_context(ctx, errors={}, values={}))


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
            staff_context(ctx, errors=form_errors(exc), values=values),
            status_code=exc.status_code,
        )
    return RedirectResponse(
        f"{staff_base(ctx)}/indicators/{ind.code}?flash=" + _("Indicator created."), status_code=303
    )


def _indicator_context(db: Session, ctx: Ctx, ind: CityIndicator, **extra: Any) -> dict[str, Any]:
    series, units, dims = obs_repo.catalogue(db, ctx.id, ind.id)
    return staff_context(
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
    ind = indicator_or_404(db, ctx, indicator_code)
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
    ind = indicator_or_404(db, ctx, indicator_code)
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
        context["errors"] = form_errors(exc)
        return render(request, "sdg/staff_indicator.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{staff_base(ctx)}/indicators/{ind.code}?flash=" + _("Indicator saved."), status_code=303
    )


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/targets", include_in_schema=False)
async def add_target(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Add a local target."""
    ctx.require_edit()
    ind = indicator_or_404(db, ctx, indicator_code)
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        service.add_local_target(db, ctx, ind, data)
    except AppError as exc:
        context = _indicator_context(db, ctx, ind)
        context["errors"] = form_errors(exc)
        return render(request, "sdg/staff_indicator.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{staff_base(ctx)}/indicators/{ind.code}?flash=" + _("Target added."), status_code=303
    )


@router.post(
    "/w/{ws}/sdg/indicators/{indicator_code}/targets/{local_target_id}/delete", include_in_schema=False
)
def delete_target(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, local_target_id: uuid.UUID
) -> Response:
    """Remove a local target."""
    ctx.require_edit()
    ind = indicator_or_404(db, ctx, indicator_code)
    target = repo.local_target(db, ctx.id, ind.id, local_target_id)
    if target is None:
        raise NotFound(_("No such target."))
    service.delete_local_target(db, ctx, target)
    return RedirectResponse(
        f"{staff_base(ctx)}/indicators/{ind.code}?flash=" + _("Target removed."), status_code=303
    )


def _metadata_context(
    db: Session, ctx: Ctx, ind: CityIndicator, language: str, **extra: Any
) -> dict[str, Any]:
    site = repo.site(db, ctx.id)
    fields = repo.metadata(db, ctx.id, ind.id).get(language, {})
    others = {k: v for k, v in fields.items() if k not in KEY_FIELDS}
    other_yaml = yaml.safe_dump(others, allow_unicode=True, sort_keys=False, width=1000) if others else ""
    return staff_context(
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
    ind = indicator_or_404(db, ctx, indicator_code)
    language = request.query_params.get("language", BASE_LANGUAGE)[:16]
    return render(request, "sdg/staff_metadata.html", _metadata_context(db, ctx, ind, language))


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/metadata", include_in_schema=False)
async def save_metadata(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Save the metadata of one language: the key fields plus the other fields as YAML."""
    ctx.require_edit()
    ind = indicator_or_404(db, ctx, indicator_code)
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
        context = _metadata_context(db, ctx, ind, language, errors=form_errors(exc))
        context["other_yaml"] = other_text
        return render(request, "sdg/staff_metadata.html", context, status_code=exc.status_code)
    target = f"{staff_base(ctx)}/indicators/{ind.code}/metadata" + (
        f"?language={language}&" if language else "?"
    )
    return RedirectResponse(target + "flash=" + _("Metadata saved."), status_code=303)


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/history", include_in_schema=False)
def history_page(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Changes to the indicator, its data, metadata and targets, from the audit log."""
    ind = indicator_or_404(db, ctx, indicator_code)
    entries: list[AuditEntry] = history.indicator_history(db, ctx.id, ind.id)
    return render(
        request,
        "sdg/staff_history.html",
        staff_context(ctx, ind=ind, entries=entries, describe=history.describe),
    )


# --- API --------------------------------------------------------------------------------------------------


def _detail(db: Session, ind: CityIndicator) -> IndicatorDetail:
    series, units, dims = obs_repo.catalogue(db, ind.workspace_id, ind.id)
    base = IndicatorOut.model_validate(ind).model_dump()
    return IndicatorDetail(
        **base,
        data_columns=[str(c) for c in ind.data_columns] if ind.data_columns is not None else None,
        config=dict(ind.config or {}),
        metadata=repo.metadata(db, ind.workspace_id, ind.id),
        series=series,
        units=units,
        dimensions=dict(dims),
        local_targets=[
            LocalTargetOut.model_validate(t) for t in repo.local_targets(db, ind.workspace_id, ind.id)
        ],
    )


@api.get(BASE, response_model=list[IndicatorOut], summary="Indicators of the workspace")
def list_indicators(
    db: Db, ctx: Ctx, params: Annotated[ListParams, Depends(repo.INDICATOR_LIST.dependency())]
) -> list[IndicatorOut]:
    page = paginate(db, repo.indicators_query(ctx.id), repo.INDICATOR_LIST, params)
    return [IndicatorOut.model_validate(i) for i in page.items]


@api.post(BASE, response_model=IndicatorDetail, status_code=201, summary="Create an indicator (editors)")
def create_indicator(db: Db, ctx: Ctx, body: IndicatorIn) -> IndicatorDetail:
    ind = service.create_indicator(
        db, ctx, body.code, body.name, department=body.department, visibility=body.visibility
    )
    return _detail(db, ind)


@api.get(
    BASE + "/{indicator_code}", response_model=IndicatorDetail, summary="One indicator with its metadata"
)
def get_indicator(db: Db, ctx: Ctx, indicator_code: str) -> IndicatorDetail:
    return _detail(db, indicator_or_404(db, ctx, indicator_code))


@api.patch(
    BASE + "/{indicator_code}", response_model=IndicatorDetail, summary="Change an indicator (editors)"
)
def patch_indicator(db: Db, ctx: Ctx, indicator_code: str, body: IndicatorPatch) -> IndicatorDetail:
    ind = service.update_indicator(
        db, ctx, indicator_or_404(db, ctx, indicator_code), **body.model_dump(exclude_unset=True)
    )
    return _detail(db, ind)


@api.put(
    BASE + "/{indicator_code}/metadata",
    response_model=IndicatorDetail,
    summary="Replace an indicator's metadata in one language (editors)",
)
def put_metadata(db: Db, ctx: Ctx, indicator_code: str, body: MetadataIn) -> IndicatorDetail:
    ind = indicator_or_404(db, ctx, indicator_code)
    service.save_metadata(db, ctx, ind, body.language, body.fields)
    return _detail(db, ind)
