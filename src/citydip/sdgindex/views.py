"""City SDG index pages (workspace and network) and their API: upload, ranking, city profile, heat map, CSV."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citydip.core.charts import horizontal_bars
from citydip.core.errors import AppError, FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.templating import render
from citydip.core.web import Ctx, CurrentPrincipal, Db, DbRoute, get_db
from citydip.sdgindex import repository as repo
from citydip.sdgindex import service
from citydip.sdgindex.io import CsvText
from citydip.sdgindex.models import IndexRun, NetworkIndexRun
from citydip.sdgindex.results import BAR_COLOURS, TILE_COLOURS, RunView
from citydip.sdgindex.schemas import CityOut, IndexRunIn, IndexRunOut, IndexRunSummary
from citydip.workspaces.models import Network

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["sdg index"])

MAX_FILE_BYTES = 20 * 1024 * 1024
GOAL_COLOUR_CHOICES = [
    ("two-worst", "Two worst indicators (SDSN)"),
    ("all-indicators", "All indicators (red when over a third are red)"),
]
IMPUTE_CHOICES = [("", "No imputation"), ("region", "Missing goal = mean of the city's region")]


# --- shared helpers ---------------------------------------------------------------------------------------


async def _read_upload(upload: UploadFile | None, field: str, default: str) -> CsvText | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_FILE_BYTES + 1)
    name = service.upload_name(upload.filename, default)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(
            _("The index was not computed."), [FieldProblem(field, _("the file is over 20 MB"), file=name)]
        )
    return CsvText(name, data)


async def _inputs(
    values_file: UploadFile | None, spec_file: UploadFile | None, regions_file: UploadFile | None
) -> service.IndexInputs:
    values = await _read_upload(values_file, "values_file", "V.csv")
    spec = await _read_upload(spec_file, "spec_file", "S.csv")
    regions = await _read_upload(regions_file, "regions_file", "R.csv")
    problems = []
    if values is None:
        problems.append(FieldProblem("values_file", _("choose the values file (V.csv)")))
    if spec is None:
        problems.append(FieldProblem("spec_file", _("choose the indicator spec file (S.csv)")))
    if problems or values is None or spec is None:
        raise ValidationFailed(_("The index was not computed."), problems)
    return service.IndexInputs(values=values, spec=spec, regions=regions)


def _view(db: Session, run: IndexRun | NetworkIndexRun) -> RunView:
    return RunView(run.result, repo.goal_titles(db))


def _page_context(base: str, heading: str, can_edit: bool, **extra: Any) -> dict[str, Any]:
    return {
        "base": base,
        "heading": heading,
        "can_edit": can_edit,
        "tile_colours": TILE_COLOURS,
        "goal_colour_choices": [(k, _(v)) for k, v in GOAL_COLOUR_CHOICES],
        "impute_choices": [(k, _(v)) for k, v in IMPUTE_CHOICES],
        **extra,
    }


def _city_chart(view: RunView, name: str) -> str:
    city = view.city(name)
    if city is None:
        raise NotFound(_("No such city in this index."))
    items = [
        (g.label, city.score(g.key), BAR_COLOURS.get(city.colour(g.key), BAR_COLOURS[""])) for g in view.goals
    ]
    return horizontal_bars(items, _("Goal scores of {city} (0-100)", city=name))


def _render_run(
    request: Request,
    template: str,
    base: str,
    heading: str,
    can_edit: bool,
    view: RunView,
    run: Any,
    **extra: Any,
) -> Response:
    return render(request, template, _page_context(base, heading, can_edit, run=run, view=view, **extra))


def _csv_response(view: RunView, title: str) -> Response:
    safe = (
        "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in title.lower()).strip("-")[:60] or "index"
    )
    return Response(
        view.csv_text(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sdg-index-{safe}.csv"'},
    )


def _problems_list(exc: AppError) -> list[str]:
    return [p.message for p in exc.details] or [exc.message]


# --- workspace pages --------------------------------------------------------------------------------------


def _ws_runs_page(request: Request, db: Session, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    params = repo.RUNS.parse(request.query_params)
    page = paginate(db, repo.runs_query(ctx), repo.RUNS, params)
    networks = repo.visible_networks(db, ctx.principal)
    context = _page_context(
        f"/w/{ctx.slug}/index",
        _("City SDG index"),
        ctx.role.can_edit,
        page=page,
        networks=networks,
        network=None,
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
    values_file: Annotated[UploadFile | None, File()] = None,
    spec_file: Annotated[UploadFile | None, File()] = None,
    regions_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    ctx.require_edit()
    form = {"title": title, "goal_colour": goal_colour, "impute": impute}
    try:
        options = service.parse_options(goal_colour, impute)
        inputs = await _inputs(values_file, spec_file, regions_file)
        run = service.create_run(db, ctx, title, inputs, options)
    except ValidationFailed as exc:
        return _ws_runs_page(request, db, ctx, status=422, problems=_problems_list(exc), form=form)
    return RedirectResponse(f"/w/{ctx.slug}/index/{run.id}?flash=" + _("Index computed."), status_code=303)


def _ws_run(db: Session, ctx: Ctx, index_run_id: uuid.UUID) -> IndexRun:
    run = repo.run(db, ctx, index_run_id)
    if run is None:
        raise NotFound(_("No such index run."))
    return run


@router.get("/w/{ws}/index/{index_run_id}", include_in_schema=False)
def run_page(request: Request, db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    return _render_run(
        request,
        "sdgindex/ranking.html",
        f"/w/{ctx.slug}/index",
        run.title,
        ctx.role.can_edit,
        _view(db, run),
        run,
    )


@router.get("/w/{ws}/index/{index_run_id}/heatmap", include_in_schema=False)
def heatmap_page(request: Request, db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    return _render_run(
        request,
        "sdgindex/heatmap.html",
        f"/w/{ctx.slug}/index",
        run.title,
        ctx.role.can_edit,
        _view(db, run),
        run,
    )


@router.get("/w/{ws}/index/{index_run_id}/city", include_in_schema=False)
def city_page(request: Request, db: Db, ctx: Ctx, index_run_id: uuid.UUID, name: str = "") -> Response:
    run = _ws_run(db, ctx, index_run_id)
    if not name:
        return RedirectResponse(f"/w/{ctx.slug}/index/{run.id}", status_code=303)
    view = _view(db, run)
    chart = _city_chart(view, name)
    return _render_run(
        request,
        "sdgindex/city.html",
        f"/w/{ctx.slug}/index",
        run.title,
        ctx.role.can_edit,
        view,
        run,
        city=view.city(name),
        chart=chart,
    )


@router.get("/w/{ws}/index/{index_run_id}/export.csv", include_in_schema=False)
def export_csv(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    return _csv_response(_view(db, run), run.title)


@router.post("/w/{ws}/index/{index_run_id}/delete", include_in_schema=False)
def delete_run(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    run = _ws_run(db, ctx, index_run_id)
    service.delete_run(db, ctx, run)
    return RedirectResponse(f"/w/{ctx.slug}/index?flash=" + _("Index run deleted."), status_code=303)


# --- network pages ----------------------------------------------------------------------------------------


def network_access(request: Request, network: str, principal: CurrentPrincipal) -> tuple[Network, bool]:
    """Resolve ``{network}`` for its coordinators and members (404 for everyone else)."""
    found = repo.network_access(get_db(request), principal, network)
    if found is None:
        raise NotFound(_("This network does not exist or you are not part of it."))
    return found


NetAccess = Annotated[tuple[Network, bool], Depends(network_access)]


def _net_run(db: Session, net: Network, network_run_id: uuid.UUID) -> NetworkIndexRun:
    run = repo.network_run(db, net.id, network_run_id)
    if run is None:
        raise NotFound(_("No such index run."))
    return run


def _net_runs_page(
    request: Request, db: Session, net: Network, coordinates: bool, status: int = 200, **extra: Any
) -> Response:
    params = repo.NETWORK_RUNS.parse(request.query_params)
    page = paginate(db, repo.network_runs_query(net.id), repo.NETWORK_RUNS, params)
    context = _page_context(
        f"/n/{net.slug}/index",
        _("City SDG index of {network}", network=net.name),
        coordinates,
        page=page,
        networks=[],
        network=net,
        members=repo.network_members(db, net.id),
        problems=extra.pop("problems", []),
        form=extra.pop("form", {}),
        **extra,
    )
    return render(request, "sdgindex/runs.html", context, status_code=status)


@router.get("/n/{network}/index", include_in_schema=False)
def network_runs_page(request: Request, db: Db, access: NetAccess) -> Response:
    net, coordinates = access
    return _net_runs_page(request, db, net, coordinates)


@router.post("/n/{network}/index/upload", include_in_schema=False)
async def network_upload_run(
    request: Request,
    db: Db,
    access: NetAccess,
    principal: CurrentPrincipal,
    title: Annotated[str, Form()] = "",
    goal_colour: Annotated[str, Form()] = "two-worst",
    impute: Annotated[str, Form()] = "",
    values_file: Annotated[UploadFile | None, File()] = None,
    spec_file: Annotated[UploadFile | None, File()] = None,
    regions_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    net, coordinates = access
    form = {"title": title, "goal_colour": goal_colour, "impute": impute}
    try:
        service.require_coordinator(coordinates)
        options = service.parse_options(goal_colour, impute)
        inputs = await _inputs(values_file, spec_file, regions_file)
        run = service.create_network_run(db, net, coordinates, principal.label, title, inputs, options)
    except ValidationFailed as exc:
        return _net_runs_page(
            request, db, net, coordinates, status=422, problems=_problems_list(exc), form=form
        )
    return RedirectResponse(f"/n/{net.slug}/index/{run.id}?flash=" + _("Index computed."), status_code=303)


@router.get("/n/{network}/index/{network_run_id}", include_in_schema=False)
def network_run_page(request: Request, db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, coordinates = access
    run = _net_run(db, net, network_run_id)
    return _render_run(
        request,
        "sdgindex/ranking.html",
        f"/n/{net.slug}/index",
        run.title,
        coordinates,
        _view(db, run),
        run,
        network=net,
    )


@router.get("/n/{network}/index/{network_run_id}/heatmap", include_in_schema=False)
def network_heatmap_page(request: Request, db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, coordinates = access
    run = _net_run(db, net, network_run_id)
    return _render_run(
        request,
        "sdgindex/heatmap.html",
        f"/n/{net.slug}/index",
        run.title,
        coordinates,
        _view(db, run),
        run,
        network=net,
    )


@router.get("/n/{network}/index/{network_run_id}/city", include_in_schema=False)
def network_city_page(
    request: Request,
    db: Db,
    access: NetAccess,
    network_run_id: uuid.UUID,
    name: str = "",
) -> Response:
    net, coordinates = access
    run = _net_run(db, net, network_run_id)
    if not name:
        return RedirectResponse(f"/n/{net.slug}/index/{run.id}", status_code=303)
    view = _view(db, run)
    chart = _city_chart(view, name)
    return _render_run(
        request,
        "sdgindex/city.html",
        f"/n/{net.slug}/index",
        run.title,
        coordinates,
        view,
        run,
        city=view.city(name),
        chart=chart,
        network=net,
    )


@router.get("/n/{network}/index/{network_run_id}/export.csv", include_in_schema=False)
def network_export_csv(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, _coordinates = access
    run = _net_run(db, net, network_run_id)
    return _csv_response(_view(db, run), run.title)


@router.post("/n/{network}/index/{network_run_id}/delete", include_in_schema=False)
def network_delete_run(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, coordinates = access
    run = _net_run(db, net, network_run_id)
    service.delete_network_run(db, coordinates, run)
    return RedirectResponse(f"/n/{net.slug}/index?flash=" + _("Index run deleted."), status_code=303)


# --- API --------------------------------------------------------------------------------------------------


def _summary(run: IndexRun | NetworkIndexRun) -> IndexRunSummary:
    return IndexRunSummary(
        id=run.id,
        title=run.title,
        source=run.source,
        goal_colour_rule=run.goal_colour_rule,
        impute=run.impute,
        city_count=run.city_count,
        indicator_count=run.indicator_count,
        created_by=run.created_by,
        created_at=run.created_at,
    )


def _full(db: Session, run: IndexRun | NetworkIndexRun) -> IndexRunOut:
    view = _view(db, run)
    goals = [g.key for g in view.goals]
    cities = [
        CityOut(
            city=c.name,
            rank=c.rank,
            index=c.index,
            status=c.status,
            indicators_used=c.indicators_used,
            region=c.region,
            goal_scores={g: c.score(g) for g in goals},
            goal_colours={g: c.colour(g) for g in goals},
            imputed_goals=[g for g in goals if c.imputed(g)],
        )
        for c in view.cities
    ]
    return IndexRunOut(**_summary(run).model_dump(), goals=goals, indicators=view.indicators, cities=cities)


def _json_inputs(body: IndexRunIn) -> tuple[service.IndexInputs, service.IndexOptions]:
    options = service.parse_options(body.goal_colour, body.impute)
    regions = CsvText("R.csv", body.regions_csv) if body.regions_csv and body.regions_csv.strip() else None
    return service.IndexInputs(
        CsvText("V.csv", body.values_csv), CsvText("S.csv", body.spec_csv), regions
    ), options


@api.get("/workspaces/{ws}/index-runs", response_model=list[IndexRunSummary], summary="Stored SDG index runs")
def api_runs(request: Request, db: Db, ctx: Ctx) -> list[IndexRunSummary]:
    params = repo.RUNS.parse(request.query_params)
    return [_summary(r) for r in paginate(db, repo.runs_query(ctx), repo.RUNS, params).items]


@api.post(
    "/workspaces/{ws}/index-runs",
    response_model=IndexRunOut,
    status_code=201,
    summary="Compute and store an SDG index (CSV text)",
)
def api_create_run(db: Db, ctx: Ctx, body: IndexRunIn) -> IndexRunOut:
    ctx.require_edit()
    inputs, options = _json_inputs(body)
    return _full(db, service.create_run(db, ctx, body.title, inputs, options))


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
    values_file: Annotated[UploadFile | None, File()] = None,
    spec_file: Annotated[UploadFile | None, File()] = None,
    regions_file: Annotated[UploadFile | None, File()] = None,
) -> IndexRunOut:
    ctx.require_edit()
    options = service.parse_options(goal_colour, impute)
    inputs = await _inputs(values_file, spec_file, regions_file)
    return _full(db, service.create_run(db, ctx, title, inputs, options))


@api.get(
    "/workspaces/{ws}/index-runs/{index_run_id}",
    response_model=IndexRunOut,
    summary="One stored SDG index run",
)
def api_run(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> IndexRunOut:
    return _full(db, _ws_run(db, ctx, index_run_id))


@api.delete(
    "/workspaces/{ws}/index-runs/{index_run_id}", status_code=204, summary="Delete a stored SDG index run"
)
def api_delete_run(db: Db, ctx: Ctx, index_run_id: uuid.UUID) -> Response:
    service.delete_run(db, ctx, _ws_run(db, ctx, index_run_id))
    return Response(status_code=204)


@api.get(
    "/networks/{network}/index-runs",
    response_model=list[IndexRunSummary],
    summary="A network's SDG index runs",
)
def api_network_runs(request: Request, db: Db, access: NetAccess) -> list[IndexRunSummary]:
    net, _coordinates = access
    params = repo.NETWORK_RUNS.parse(request.query_params)
    return [
        _summary(r) for r in paginate(db, repo.network_runs_query(net.id), repo.NETWORK_RUNS, params).items
    ]


@api.post(
    "/networks/{network}/index-runs",
    response_model=IndexRunOut,
    status_code=201,
    summary="Compute a network's SDG index (coordinators)",
)
def api_network_create_run(
    db: Db, access: NetAccess, principal: CurrentPrincipal, body: IndexRunIn
) -> IndexRunOut:
    net, coordinates = access
    inputs, options = _json_inputs(body)
    return _full(
        db, service.create_network_run(db, net, coordinates, principal.label, body.title, inputs, options)
    )


@api.get(
    "/networks/{network}/index-runs/{network_run_id}",
    response_model=IndexRunOut,
    summary="One SDG index run of a network",
)
def api_network_run(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> IndexRunOut:
    net, _coordinates = access
    return _full(db, _net_run(db, net, network_run_id))


@api.delete(
    "/networks/{network}/index-runs/{network_run_id}",
    status_code=204,
    summary="Delete a network's SDG index run (coordinators)",
)
def api_network_delete_run(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, coordinates = access
    service.delete_network_run(db, coordinates, _net_run(db, net, network_run_id))
    return Response(status_code=204)
