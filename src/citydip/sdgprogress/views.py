"""SDG progress pages: summary by goal (staff and public), an indicator's progress and its options; API."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citydip.core.errors import NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute, PublicWorkspace
from citydip.sdg.models import CityIndicator
from citydip.sdgprogress import forms, service
from citydip.sdgprogress import repository as repo
from citydip.sdgprogress.badges import BADGE_COLOURS, Badge, summarise
from citydip.sdgprogress.export import write_progress_csv
from citydip.sdgprogress.method.types import OPENSDG_STATUSES
from citydip.sdgprogress.schemas import IndicatorProgressOut, ProgressSettingsIn, SeriesProgressOut

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["sdg progress"])


def _summary_context(db: Session, workspace_id: int, with_unconfigured: bool) -> dict[str, Any]:
    results = service.workspace_progress(db, workspace_id)
    titles = repo.goal_titles(db)
    by_goal: dict[int | None, list[service.IndicatorResult]] = {}
    for r in results:
        by_goal.setdefault(r.goal, []).append(r)
    goals = []
    for number in sorted(by_goal, key=lambda g: (g is None, g or 0)):
        items = by_goal[number]
        badges = {r.code: Badge(r.status, r.label, r.score, r.source) for r in items}
        title, colour = titles.get(number or 0, ("", "#555555"))
        goals.append(
            {
                "number": number,
                "title": title,
                "colour": colour,
                "indicators": items,
                "summary": summarise(number or 0, badges),
            }
        )
    overall = summarise(0, {r.code: Badge(r.status, r.label, r.score, r.source) for r in results})
    unconfigured: list[CityIndicator] = []
    if with_unconfigured:
        configured = {r.code for r in results}
        unconfigured = [
            i
            for i in repo.indicators(db, workspace_id)
            if i.code not in configured and not i.placeholder and i.observation_count > 0
        ]
    return {"goals": goals, "overall": overall, "unconfigured": unconfigured, "colours": BADGE_COLOURS}


@router.get("/w/{ws}/progress", include_in_schema=False)
def summary_page(request: Request, db: Db, ctx: Ctx) -> Response:
    context = _summary_context(db, ctx.id, with_unconfigured=True)
    return render(
        request, "sdgprogress/summary.html", {**context, "base": f"/w/{ctx.slug}/progress", "public": False}
    )


@router.get("/w/{ws}/progress.csv", include_in_schema=False)
def summary_csv(db: Db, ctx: Ctx) -> Response:
    out = io.StringIO()
    write_progress_csv(service.workspace_progress(db, ctx.id), out)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sdg-progress-{ctx.slug}.csv"'},
    )


@router.get("/public/{ws}/progress", include_in_schema=False)
def public_summary_page(request: Request, db: Db, workspace: PublicWorkspace) -> Response:
    context = _summary_context(db, workspace.id, with_unconfigured=False)
    return render(
        request, "sdgprogress/summary.html", {**context, "workspace": workspace, "base": "", "public": True}
    )


def _indicator(db: Session, ctx: Ctx, progress_code: str) -> CityIndicator:
    indicator = repo.indicator_by_code(db, ctx.id, progress_code)
    if indicator is None:
        raise NotFound(_("No such indicator."))
    return indicator


def _indicator_page(
    request: Request, db: Session, ctx: Ctx, indicator: CityIndicator, status: int = 200, **extra: Any
) -> Response:
    meta = repo.base_metadata(db, ctx.id, [indicator.id]).get(indicator.id)
    rows = repo.data_rows(db, ctx.id, [indicator.id]).get(indicator.id, [])
    settings = service.progress_settings(indicator, meta)
    configured = service.is_configured(settings)
    result = service.evaluate(indicator, meta, rows, include_unconfigured=True)
    option_rows, too_deep = forms.rows_from_config(result.config if result and configured else None)
    option_rows = option_rows + [forms.OptionRow() for _ in range(2)]
    columns: dict[str, dict[str, None]] = {}
    for row in rows:
        for key, value in row.items():
            if key not in ("Year", "Value") and value not in (None, ""):
                columns.setdefault(str(key), {}).setdefault(str(value), None)
    context = {
        "indicator": indicator,
        "result": result,
        "configured": configured,
        "settings": settings,
        "option_rows": extra.pop("option_rows", option_rows),
        "too_deep": too_deep,
        "yaml_text": extra.pop("yaml_text", forms.yaml_of(settings)),
        "auto": extra.pop("auto", bool(settings.get("auto_progress_calculation")) if configured else True),
        "manual_status": extra.pop("manual_status", str(settings.get("progress_status") or "")),
        "statuses": [(s, service.status_label(s)) for s in OPENSDG_STATUSES],
        "problems": extra.pop("problems", []),
        "colours": BADGE_COLOURS,
        "base": f"/w/{ctx.slug}/progress",
        "has_data": bool(rows) and not indicator.placeholder,
        "columns": {k: list(v)[:40] for k, v in sorted(columns.items())},
        **extra,
    }
    return render(request, "sdgprogress/indicator.html", context, status_code=status)


@router.get("/w/{ws}/progress/{progress_code}", include_in_schema=False)
def indicator_page(request: Request, db: Db, ctx: Ctx, progress_code: str) -> Response:
    return _indicator_page(request, db, ctx, _indicator(db, ctx, progress_code))


@router.post("/w/{ws}/progress/{progress_code}/options", include_in_schema=False)
async def save_options(request: Request, db: Db, ctx: Ctx, progress_code: str) -> Response:
    indicator = _indicator(db, ctx, progress_code)
    ctx.require_edit()
    form = dict((await request.form()).items())
    try:
        settings = forms.settings_from_form(form)
        service.save_settings(db, ctx, indicator, settings)
    except ValidationFailed as exc:
        rows = [
            forms.OptionRow(**{name: str(form.get(f"{name}_{i}", "")) for name in forms.ROW_FIELDS})
            for i in range(forms.MAX_ROWS)
            if any(str(form.get(f"{name}_{i}", "")).strip() for name in forms.ROW_FIELDS)
        ] + [forms.OptionRow()]
        return _indicator_page(
            request,
            db,
            ctx,
            indicator,
            status=422,
            problems=[f"{p.field}: {p.message}" for p in exc.details] or [exc.message],
            option_rows=rows,
            auto=str(form.get("auto", "")) == "on",
            manual_status=str(form.get("progress_status", "")),
        )
    return RedirectResponse(
        f"/w/{ctx.slug}/progress/{indicator.code}?flash=" + _("Progress options saved."), status_code=303
    )


@router.post("/w/{ws}/progress/{progress_code}/options/yaml", include_in_schema=False)
async def save_options_yaml(request: Request, db: Db, ctx: Ctx, progress_code: str) -> Response:
    indicator = _indicator(db, ctx, progress_code)
    ctx.require_edit()
    form = await request.form()
    text = str(form.get("yaml", "") or "")
    try:
        service.save_settings(db, ctx, indicator, forms.settings_from_yaml(text))
    except ValidationFailed as exc:
        problems = [f"{p.field}: {p.message}" for p in exc.details] or [exc.message]
        return _indicator_page(request, db, ctx, indicator, status=422, problems=problems, yaml_text=text)
    return RedirectResponse(
        f"/w/{ctx.slug}/progress/{indicator.code}?flash=" + _("Progress options saved."), status_code=303
    )


# --- API --------------------------------------------------------------------------------------------------


def _out(r: service.IndicatorResult) -> IndicatorProgressOut:
    return IndicatorProgressOut(
        indicator=r.code,
        goal=r.goal,
        status=r.status,
        score=r.score,
        options=r.source,
        error=r.error,
        series=[
            SeriesProgressOut(
                series=s.tag,
                method=s.method,
                status=s.status,
                score=service.finite(s.score),
                progress_value=service.finite(s.progress_value),
                base_year=s.base_year,
                base_value=service.finite(s.base_value),
                current_year=s.current_year,
                current_value=service.finite(s.current_value),
                target=service.finite(s.target),
                target_year=s.target_year,
                direction=s.direction,
                note=s.reason,
            )
            for s in r.series
        ],
    )


@api.get(
    "/workspaces/{ws}/progress",
    response_model=list[IndicatorProgressOut],
    summary="Progress of every configured indicator",
)
def api_progress(
    db: Db,
    ctx: Ctx,
    all_indicators: Annotated[
        bool, Query(alias="all", description="Also assess indicators without options (default options)")
    ] = False,
) -> list[IndicatorProgressOut]:
    return [_out(r) for r in service.workspace_progress(db, ctx.id, include_unconfigured=all_indicators)]


@api.put(
    "/workspaces/{ws}/progress/{progress_code}/options",
    response_model=IndicatorProgressOut,
    summary="Set an indicator's progress options (Open SDG keys)",
)
def api_set_options(db: Db, ctx: Ctx, progress_code: str, body: ProgressSettingsIn) -> IndicatorProgressOut:
    indicator = _indicator(db, ctx, progress_code)
    service.save_settings(db, ctx, indicator, body.model_dump(exclude_none=True))
    meta = repo.base_metadata(db, ctx.id, [indicator.id]).get(indicator.id)
    rows = repo.data_rows(db, ctx.id, [indicator.id]).get(indicator.id, [])
    result = service.evaluate(indicator, meta, rows, include_unconfigured=True)
    assert result is not None
    return _out(result)
