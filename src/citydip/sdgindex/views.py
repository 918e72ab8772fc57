"""City SDG index pages of a workspace and their API: upload, ranking, city profile, heat map, CSV.

Network pages and API (``/n/{network}/index``) live in ``network_views`` and are included here.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citydip.core.errors import NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.pages import redirect
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.sdgindex import network_views, service
from citydip.sdgindex import repository as repo
from citydip.sdgindex.models import IndexRun
from citydip.sdgindex.pages import (
    city_chart,
    csv_response,
    detail_out,
    full_out,
    json_inputs,
    page_context,
    problems_list,
    render_run,
    run_view,
    summary_out,
    upload_inputs,
)
from citydip.sdgindex.schemas import IndexRunIn, IndexRunOut, IndexRunSummary, IndicatorDetailOut

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["sdg index"])

# --- workspace pages --------------------------------------------------------------------------------------


def _ws_runs_page(request: Request, db: Session, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    params = repo.RUNS.parse(request.query_params)
    page = paginate(db, repo.runs_query(ctx), repo.RUNS, params)
    networks = repo.visible_networks(db, ctx.principal)
    context = page_context(
        f"/w/{ctx.slug}/index",
        _("City SDG index"),
        ctx.role.can_edit,
        page=page,
        networks=networks,
        network=None,
        shared=[],
        build_form={},
        build_problems=[],
        problems=extra.pop("problems", []),
        form=extra.pop("form", {}),
    )
    return render(request, "sdgindex/runs.html", context, status_code=status)


@router.get("/w/{ws}/index", include_in_schema=False)
def runs_page(request: Request, db: Db, ctx: Ctx) -> Response:
    return _ws_runs_page(request, db, ctx)


@router.post("/w/{ws}/index/upload", include_in_schema=False)
async def upload_run(
    request: Request,
    db: Db,
    ctx: Ctx,
    title: Annotated[str, Form()] = "",
    goal_colour: Annotated[str, Form()] = "two-worst",
    impute: Annotated[str, Form()] = "",
    max_missing: Annotated[str, Form()] = "",
    trend_window: Annotated[str, Form()] = "",
    values_file: Annotated[UploadFile | None, File()] = None,
    spec_file: Annotated[UploadFile | None, File()] = None,
    regions_file: Annotated[UploadFile | None, File()] = None,
    history_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    ctx.require_edit()
    form = {
        "title": title,
        "goal_colour": goal_colour,
        "impute": impute,
        "max_missing": max_missing,
        "trend_window": trend_window,
    }
    try:
        options = service.parse_options(goal_colour, impute, max_missing, trend_window)
        inputs = await upload_inputs(values_file, spec_file, regions_file, history_file)
        run = service.create_run(db, ctx, title, inputs, options)
    except ValidationFailed as exc:
        return _ws_runs_page(request, db, ctx, status=422, problems=problems_list(exc), form=form)
    return redirect(request, f"/w/{ctx.slug}/index/{run.id}", _("Index computed."))


def _ws_run(db: Session, ctx: Ctx, index_run_id: uuid.UUID) -> IndexRun:
    run = repo.run(db, ctx, index_run_id)
    if run is None:
        raise NotFound(_("No such index run."))
    return run


@router.get("/w/{ws}/index/{index_run_id}", include_in_schema=False)
def run_page(request: Request, db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    return render_run(
        request,
        "sdgindex/ranking.html",
        f"/w/{ctx.slug}/index",
        run.title,
        ctx.role.can_edit,
        run_view(db, run),
        run,
    )


@router.get("/w/{ws}/index/{index_run_id}/heatmap", include_in_schema=False)
def heatmap_page(request: Request, db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    return render_run(
        request,
        "sdgindex/heatmap.html",
        f"/w/{ctx.slug}/index",
        run.title,
        ctx.role.can_edit,
        run_view(db, run),
        run,
    )


@router.get("/w/{ws}/index/{index_run_id}/city", include_in_schema=False)
def city_page(request: Request, db: Db, ctx: Ctx, index_run_id: uuid.UUID, name: str = "") -> Response:
    run = _ws_run(db, ctx, index_run_id)
    if not name:
        return RedirectResponse(f"/w/{ctx.slug}/index/{run.id}", status_code=303)
    view = run_view(db, run)
    chart = city_chart(view, name)
    return render_run(
        request,
        "sdgindex/city.html",
        f"/w/{ctx.slug}/index",
        run.title,
        ctx.role.can_edit,
        view,
        run,
        city=view.city(name),
        chart=chart,
        used={},
    )


@router.get("/w/{ws}/index/{index_run_id}/export.csv", include_in_schema=False)
def export_csv(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    return csv_response(run_view(db, run), run.title)


@router.get("/w/{ws}/index/{index_run_id}/indicators.csv", include_in_schema=False)
def export_detail_csv(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    return csv_response(run_view(db, run), run.title, detail=True)


@router.post("/w/{ws}/index/{index_run_id}/delete", include_in_schema=False)
def delete_run(request: Request, db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    service.delete_run(db, ctx, run)
    return redirect(request, f"/w/{ctx.slug}/index", _("Index run deleted."))


@api.get("/workspaces/{ws}/index-runs", response_model=list[IndexRunSummary], summary="Stored SDG index runs")
def api_runs(request: Request, db: Db, ctx: Ctx) -> list[IndexRunSummary]:
    params = repo.RUNS.parse(request.query_params)
    return [summary_out(r) for r in paginate(db, repo.runs_query(ctx), repo.RUNS, params).items]


@api.post(
    "/workspaces/{ws}/index-runs",
    response_model=IndexRunOut,
    status_code=201,
    summary="Compute and store an SDG index (CSV text)",
)
def api_create_run(db: Db, ctx: Ctx, body: IndexRunIn) -> IndexRunOut:
    ctx.require_edit()
    inputs, options = json_inputs(body)
    return full_out(db, service.create_run(db, ctx, body.title, inputs, options))


@api.post(
    "/workspaces/{ws}/index-runs/upload",
    response_model=IndexRunOut,
    status_code=201,
    summary="Compute and store an SDG index (multipart files values_file, spec_file, regions_file)",
)
async def api_upload_run(
    db: Db,
    ctx: Ctx,
    title: Annotated[str, Form()] = "",
    goal_colour: Annotated[str, Form()] = "two-worst",
    impute: Annotated[str, Form()] = "",
    max_missing: Annotated[str, Form()] = "",
    trend_window: Annotated[str, Form()] = "",
    values_file: Annotated[UploadFile | None, File()] = None,
    spec_file: Annotated[UploadFile | None, File()] = None,
    regions_file: Annotated[UploadFile | None, File()] = None,
    history_file: Annotated[UploadFile | None, File()] = None,
) -> IndexRunOut:
    ctx.require_edit()
    options = service.parse_options(goal_colour, impute, max_missing, trend_window)
    inputs = await upload_inputs(values_file, spec_file, regions_file, history_file)
    return full_out(db, service.create_run(db, ctx, title, inputs, options))


@api.get(
    "/workspaces/{ws}/index-runs/{index_run_id}",
    response_model=IndexRunOut,
    summary="One stored SDG index run",
)
def api_run(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> IndexRunOut:
    return full_out(db, _ws_run(db, ctx, index_run_id))


@api.get(
    "/workspaces/{ws}/index-runs/{index_run_id}/indicators",
    response_model=list[IndicatorDetailOut],
    summary="Every city's indicators in a stored SDG index run (normalised, 0-3 value, colour, trend)",
)
def api_run_indicators(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> list[IndicatorDetailOut]:
    return detail_out(_ws_run(db, ctx, index_run_id))


@api.delete(
    "/workspaces/{ws}/index-runs/{index_run_id}", status_code=204, summary="Delete a stored SDG index run"
)
def api_delete_run(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    service.delete_run(db, ctx, _ws_run(db, ctx, index_run_id))
    return Response(status_code=204)


router.include_router(network_views.router)
api.include_router(network_views.api)
