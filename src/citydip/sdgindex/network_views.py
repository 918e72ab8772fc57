"""City SDG index pages and API of a network: coordinators build (from files or members' shared data),
coordinators and members read; everyone else gets 404."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citydip.core.errors import FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.pages import redirect
from citydip.core.templating import render
from citydip.core.web import CurrentPrincipal, Db, DbRoute, get_db
from citydip.sdgindex import network_data, service
from citydip.sdgindex import repository as repo
from citydip.sdgindex.models import NetworkIndexRun
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
from citydip.sdgindex.schemas import (
    IndexRunIn,
    IndexRunOut,
    IndexRunSummary,
    IndicatorDetailOut,
    NetworkBuildIn,
)
from citydip.workspaces.models import Network

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["sdg index"])


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
    members = repo.network_members(db, net.id)
    shared = network_data.shared_choices(db, members) if coordinates else []
    context = page_context(
        f"/n/{net.slug}/index",
        _("City SDG index of {network}", network=net.name),
        coordinates,
        page=page,
        networks=[],
        network=net,
        members=members,
        member_names=network_data.city_names(db, members),
        shared=shared,
        build_form=extra.pop("build_form", {}),
        build_problems=extra.pop("build_problems", []),
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
    max_missing: Annotated[str, Form()] = "",
    trend_window: Annotated[str, Form()] = "",
    values_file: Annotated[UploadFile | None, File()] = None,
    spec_file: Annotated[UploadFile | None, File()] = None,
    regions_file: Annotated[UploadFile | None, File()] = None,
    history_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    net, coordinates = access
    form = {
        "title": title,
        "goal_colour": goal_colour,
        "impute": impute,
        "max_missing": max_missing,
        "trend_window": trend_window,
    }
    try:
        service.require_coordinator(coordinates)
        options = service.parse_options(goal_colour, impute, max_missing, trend_window)
        inputs = await upload_inputs(values_file, spec_file, regions_file, history_file)
        run = service.create_network_run(db, net, coordinates, principal.label, title, inputs, options)
    except ValidationFailed as exc:
        return _net_runs_page(
            request, db, net, coordinates, status=422, problems=problems_list(exc), form=form
        )
    return redirect(request, f"/n/{net.slug}/index/{run.id}", _("Index computed."))


@router.post("/n/{network}/index/build", include_in_schema=False)
async def network_build_run(
    request: Request, db: Db, access: NetAccess, principal: CurrentPrincipal
) -> Response:
    net, coordinates = access
    service.require_coordinator(coordinates)
    form = dict((await request.form()).items())
    try:
        options = service.parse_options(
            str(form.get("goal_colour", "")),
            str(form.get("impute", "")),
            str(form.get("max_missing", "")),
            str(form.get("trend_window", "")),
        )
        year = parse_year_field(str(form.get("year", "")))
        run = network_data.build_network_run(
            db,
            net,
            coordinates,
            principal.label,
            str(form.get("title", "")),
            network_data.picks_from_form(form),
            year,
            options,
        )
    except ValidationFailed as exc:
        return _net_runs_page(
            request, db, net, coordinates, status=422, build_problems=problems_list(exc), build_form=form
        )
    return redirect(request, f"/n/{net.slug}/index/{run.id}", _("Index computed."))


def parse_year_field(text: str) -> int | None:
    """Blank (latest value) or a year between 1900 and 2100."""
    if not text.strip():
        return None
    try:
        year = int(text.strip())
    except ValueError:
        year = 0
    if not 1900 <= year <= 2100:
        raise ValidationFailed(
            _("The index was not computed."),
            [FieldProblem("year", _("leave blank for the latest value, or enter a year"))],
        )
    return year


def _run_page(
    request: Request, db: Session, access: tuple[Network, bool], network_run_id: uuid.UUID, template: str
) -> Response:
    net, coordinates = access
    run = _net_run(db, net, network_run_id)
    return render_run(
        request, template, f"/n/{net.slug}/index", run.title, coordinates, run_view(db, run), run, network=net
    )


@router.get("/n/{network}/index/{network_run_id}", include_in_schema=False)
def network_run_page(request: Request, db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    return _run_page(request, db, access, network_run_id, "sdgindex/ranking.html")


@router.get("/n/{network}/index/{network_run_id}/heatmap", include_in_schema=False)
def network_heatmap_page(request: Request, db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    return _run_page(request, db, access, network_run_id, "sdgindex/heatmap.html")


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
    view = run_view(db, run)
    chart = city_chart(view, name)
    return render_run(
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
        used=(run.selection or {}).get("used", {}).get(name, {}),
    )


@router.get("/n/{network}/index/{network_run_id}/export.csv", include_in_schema=False)
def network_export_csv(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, _coordinates = access
    run = _net_run(db, net, network_run_id)
    return csv_response(run_view(db, run), run.title)


@router.get("/n/{network}/index/{network_run_id}/indicators.csv", include_in_schema=False)
def network_export_detail_csv(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, _coordinates = access
    run = _net_run(db, net, network_run_id)
    return csv_response(run_view(db, run), run.title, detail=True)


@router.post("/n/{network}/index/{network_run_id}/delete", include_in_schema=False)
def network_delete_run(request: Request, db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, coordinates = access
    run = _net_run(db, net, network_run_id)
    service.delete_network_run(db, coordinates, run)
    return redirect(request, f"/n/{net.slug}/index", _("Index run deleted."))


@api.get(
    "/networks/{network}/index-runs",
    response_model=list[IndexRunSummary],
    summary="A network's SDG index runs",
)
def api_network_runs(request: Request, db: Db, access: NetAccess) -> list[IndexRunSummary]:
    net, _coordinates = access
    params = repo.NETWORK_RUNS.parse(request.query_params)
    return [
        summary_out(r) for r in paginate(db, repo.network_runs_query(net.id), repo.NETWORK_RUNS, params).items
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
    inputs, options = json_inputs(body)
    return full_out(
        db, service.create_network_run(db, net, coordinates, principal.label, body.title, inputs, options)
    )


@api.get(
    "/networks/{network}/index-runs/{network_run_id}",
    response_model=IndexRunOut,
    summary="One SDG index run of a network",
)
def api_network_run(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> IndexRunOut:
    net, _coordinates = access
    return full_out(db, _net_run(db, net, network_run_id))


@api.get(
    "/networks/{network}/index-runs/{network_run_id}/indicators",
    response_model=list[IndicatorDetailOut],
    summary="Every city's indicators in a network's SDG index run (normalised, 0-3 value, colour, trend)",
)
def api_network_run_indicators(
    db: Db, access: NetAccess, network_run_id: uuid.UUID
) -> list[IndicatorDetailOut]:
    net, _coordinates = access
    return detail_out(_net_run(db, net, network_run_id))


@api.delete(
    "/networks/{network}/index-runs/{network_run_id}",
    status_code=204,
    summary="Delete a network's SDG index run (coordinators)",
)
def api_network_delete_run(db: Db, access: NetAccess, network_run_id: uuid.UUID) -> Response:
    net, coordinates = access
    service.delete_network_run(db, coordinates, _net_run(db, net, network_run_id))
    return Response(status_code=204)


@api.post(
    "/networks/{network}/index-runs/from-indicators",
    response_model=IndexRunOut,
    status_code=201,
    summary="Compute a network's SDG index from its members' shared indicator data (coordinators)",
)
def api_network_build_run(
    db: Db, access: NetAccess, principal: CurrentPrincipal, body: NetworkBuildIn
) -> IndexRunOut:
    net, coordinates = access
    options = service.parse_options(body.goal_colour, body.impute, body.max_missing, body.trend_window)
    picks = [network_data.Pick(**p.model_dump()) for p in body.indicators]
    run = network_data.build_network_run(
        db, net, coordinates, principal.label, body.title, picks, body.year, options
    )
    return full_out(db, run)
