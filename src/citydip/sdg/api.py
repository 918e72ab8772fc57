"""JSON API of a workspace's SDG data: indicators and observations (read for members, write for editors)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from citydip.core.errors import NotFound
from citydip.core.i18n import _
from citydip.core.listing import ListParams, paginate
from citydip.core.types import Offset
from citydip.core.web import Ctx, Db, DbRoute
from citydip.sdg import repository as repo
from citydip.sdg import service
from citydip.sdg.models import CityIndicator
from citydip.sdg.schemas import (
    IndicatorDetail,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    LocalTargetOut,
    MetadataIn,
    ObservationIn,
    ObservationOut,
    ObservationPage,
)

api = APIRouter(route_class=DbRoute, tags=["sdg data"])
BASE = "/workspaces/{ws}/sdg/indicators"


def _indicator(db: Session, ctx: Ctx, indicator_code: str) -> CityIndicator:
    ind = repo.indicator_by_code(db, ctx.id, indicator_code)
    if ind is None:
        raise NotFound(_("No such indicator."))
    return ind


def _detail(db: Session, ind: CityIndicator) -> IndicatorDetail:
    series, units, dims = repo.catalogue(db, ind.workspace_id, ind.id)
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
    return _detail(db, _indicator(db, ctx, indicator_code))


@api.patch(
    BASE + "/{indicator_code}", response_model=IndicatorDetail, summary="Change an indicator (editors)"
)
def patch_indicator(db: Db, ctx: Ctx, indicator_code: str, body: IndicatorPatch) -> IndicatorDetail:
    ind = service.update_indicator(
        db, ctx, _indicator(db, ctx, indicator_code), **body.model_dump(exclude_unset=True)
    )
    return _detail(db, ind)


@api.put(
    BASE + "/{indicator_code}/metadata",
    response_model=IndicatorDetail,
    summary="Replace an indicator's metadata in one language (editors)",
)
def put_metadata(db: Db, ctx: Ctx, indicator_code: str, body: MetadataIn) -> IndicatorDetail:
    ind = _indicator(db, ctx, indicator_code)
    service.save_metadata(db, ctx, ind, body.language, body.fields)
    return _detail(db, ind)


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
    ind = _indicator(db, ctx, indicator_code)
    rows, total = repo.observation_page(db, ctx.id, ind.id, offset, limit)
    return ObservationPage(total=total, offset=offset, items=[ObservationOut.model_validate(o) for o in rows])


@api.post(
    BASE + "/{indicator_code}/observations",
    response_model=ObservationOut,
    status_code=201,
    summary="Add an observation (editors)",
)
def add_observation(db: Db, ctx: Ctx, indicator_code: str, body: ObservationIn) -> ObservationOut:
    ind = _indicator(db, ctx, indicator_code)
    return ObservationOut.model_validate(service.add_observation(db, ctx, ind, body.model_dump()))


@api.get(
    BASE + "/{indicator_code}/observations/{observation_id}",
    response_model=ObservationOut,
    summary="One observation",
)
def get_observation(db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID) -> ObservationOut:
    ind = _indicator(db, ctx, indicator_code)
    return ObservationOut.model_validate(service.require_observation(db, ctx.id, ind, observation_id))


@api.put(
    BASE + "/{indicator_code}/observations/{observation_id}",
    response_model=ObservationOut,
    summary="Change an observation (editors)",
)
def put_observation(
    db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID, body: ObservationIn
) -> ObservationOut:
    ind = _indicator(db, ctx, indicator_code)
    obs = service.require_observation(db, ctx.id, ind, observation_id)
    return ObservationOut.model_validate(service.update_observation(db, ctx, ind, obs, body.model_dump()))


@api.delete(
    BASE + "/{indicator_code}/observations/{observation_id}",
    status_code=204,
    summary="Delete an observation (editors)",
)
def delete_observation(db: Db, ctx: Ctx, indicator_code: str, observation_id: uuid.UUID) -> Response:
    ind = _indicator(db, ctx, indicator_code)
    service.delete_observation(db, ctx, ind, service.require_observation(db, ctx.id, ind, observation_id))
    return Response(status_code=204)
