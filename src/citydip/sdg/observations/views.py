"""Staff data entry pages and the JSON API of an indicator's observations."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from citydip.core.errors import AppError
from citydip.core.i18n import _
from citydip.core.templating import render
from citydip.core.types import Offset
from citydip.core.web import Ctx, Db, DbRoute
from citydip.sdg.indicators.models import CityIndicator
from citydip.sdg.indicators.staff import form_errors, indicator_or_404, staff_base, staff_context
from citydip.sdg.observations import repository as repo
from citydip.sdg.observations import service
from citydip.sdg.observations.schemas import ObservationIn, ObservationOut, ObservationPage

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["sdg data"])
BASE = "/workspaces/{ws}/sdg/indicators"
OBS_PER_PAGE = 100


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
    return staff_context(
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
    ind = indicator_or_404(db, ctx, indicator_code)
    return render(request, "sdg/staff_data.html", _data_context(request, db, ctx, ind))


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/data", include_in_schema=False)
async def add_observation_page(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Add an observation."""
    ctx.require_edit()
    ind = indicator_or_404(db, ctx, indicator_code)
    data = _observation_data(await request.form())
    try:
        service.add_observation(db, ctx, ind, data)
    except AppError as exc:
        context = _data_context(request, db, ctx, ind, errors=form_errors(exc), values=data)
        return render(request, "sdg/staff_data.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{staff_base(ctx)}/indicators/{ind.code}/data?flash=" + _("Value added."), status_code=303
    )


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/data/{observation_id}", include_in_schema=False)
def observation_form(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID
) -> Response:
    """Form to change one observation."""
    ind = indicator_or_404(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    context = _data_context(request, db, ctx, ind, obs=obs)
    return render(request, "sdg/staff_observation.html", context)


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/data/{observation_id}", include_in_schema=False)
async def save_observation(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID
) -> Response:
    """Save one observation."""
    ctx.require_edit()
    ind = indicator_or_404(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    data = _observation_data(await request.form())
    try:
        service.update_observation(db, ctx, ind, obs, data)
    except AppError as exc:
        db.rollback()
        ind = indicator_or_404(db, ctx, indicator_code)
        obs = service.require_observation(db, ctx.id, ind, observation_id)
        context = _data_context(request, db, ctx, ind, obs=obs, errors=form_errors(exc), values=data)
        return render(request, "sdg/staff_observation.html", context, status_code=exc.status_code)
    return RedirectResponse(
        f"{staff_base(ctx)}/indicators/{ind.code}/data?flash=" + _("Value saved."), status_code=303
    )


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/data/{observation_id}/delete", include_in_schema=False)
def delete_observation_page(
    request: Request, db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID
) -> Response:
    """Delete one observation."""
    ctx.require_edit()
    ind = indicator_or_404(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    service.delete_observation(db, ctx, ind, obs)
    return RedirectResponse(
        f"{staff_base(ctx)}/indicators/{ind.code}/data?flash=" + _("Value deleted."), status_code=303
    )


# --- API --------------------------------------------------------------------------------------------------


@api.get(
    BASE + "/{indicator_code}/observations", response_model=ObservationPage, summary="An indicator's data"
)
def list_observations(
    db: Db,
    ctx: Ctx,
    indicator_code: str,
    offset: Annotated[Offset, Query(description="Rows to skip")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000, description="Rows to return")] = 1000,
) -> ObservationPage:
    ind = indicator_or_404(db, ctx, indicator_code)
    rows, total = repo.observation_page(db, ctx.id, ind.id, offset, limit)
    return ObservationPage(total=total, offset=offset, items=[ObservationOut.model_validate(o) for o in rows])


@api.post(
    BASE + "/{indicator_code}/observations",
    response_model=ObservationOut,
    status_code=201,
    summary="Add an observation (editors)",
)
def add_observation(db: Db, ctx: Ctx, indicator_code: str, body: ObservationIn) -> ObservationOut:
    ind = indicator_or_404(db, ctx, indicator_code)
    return ObservationOut.model_validate(service.add_observation(db, ctx, ind, body.model_dump()))


@api.get(
    BASE + "/{indicator_code}/observations/{observation_id}",
    response_model=ObservationOut,
    summary="One observation",
)
def get_observation(db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID) -> ObservationOut:
    ind = indicator_or_404(db, ctx, indicator_code)
    return ObservationOut.model_validate(service.require_observation(db, ctx.id, ind, observation_id))


@api.put(
    BASE + "/{indicator_code}/observations/{observation_id}",
    response_model=ObservationOut,
    summary="Change an observation (editors)",
)
def put_observation(
    db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID, body: ObservationIn
) -> ObservationOut:
    ind = indicator_or_404(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    return ObservationOut.model_validate(service.update_observation(db, ctx, ind, obs, body.model_dump()))


@api.delete(
    BASE + "/{indicator_code}/observations/{observation_id}",
    status_code=204,
    summary="Delete an observation (editors)",
)
def delete_observation(db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID) -> Response:
    ind = indicator_or_404(db, ctx, indicator_code)
    service.delete_observation(db, ctx, ind, service.require_observation(db, ctx.id, ind, observation_id))
    return Response(status_code=204)
