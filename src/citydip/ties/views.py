"""Pages and API of the public tie graph: a city's twins and networks, the administrators' review queue,
and adopting a public pair as a workspace's own agreement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from citydip.accounts.models import User
from citydip.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.listing import ListParams, paginate
from citydip.core.pages import redirect
from citydip.core.templating import render
from citydip.core.types import GeonamesId, RowId
from citydip.core.web import Ctx, Db, DbRoute, require_admin
from citydip.reference import repository as ref_repo
from citydip.reference.schemas import CityOut
from citydip.ties import adoption, decisions
from citydip.ties import repository as repo
from citydip.ties.schemas import (
    AdoptOut,
    MembershipOut,
    ReviewDecisionIn,
    ReviewDecisionOut,
    ReviewOut,
    ReviewPage,
    TieSourceOut,
    TwinOut,
)

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["reference ties"])

AdminUser = Annotated[User, Depends(require_admin)]
REVIEW_PATH = "/reference/ties/review"


def _city_or_404(db: Db, geonames_id: int) -> None:
    if ref_repo.city(db, geonames_id) is None:
        raise NotFound("No such city in the reference data.")


def _decide(db: Db, review_id: int, decision: ReviewDecisionIn, actor: str) -> ReviewDecisionOut:
    if decision.action == "dismiss":
        row = decisions.dismiss(db, review_id, actor)
        return ReviewDecisionOut(
            review_id=review_id,
            status=row.status,
            rows_settled=0,
            ties_created=0,
            memberships_created=0,
            wikidata_id_stored=False,
        )
    if decision.geonames_id is None:
        raise ValidationFailed("Pick a city.", [FieldProblem("geonames_id", "is required to pick a city")])
    result = decisions.pick_city(db, review_id, decision.side, decision.geonames_id, actor)
    review = repo.review(db, review_id)
    return ReviewDecisionOut(
        review_id=review_id,
        status=review.status if review else "resolved",
        rows_settled=result.rows_settled,
        ties_created=result.ties_created,
        memberships_created=result.memberships_created,
        wikidata_id_stored=result.wikidata_id_stored,
    )


# --- pages ------------------------------------------------------------------------------------------------


@router.get(REVIEW_PATH, include_in_schema=False)
def review_page(request: Request, db: Db, admin: AdminUser) -> Response:
    params = repo.REVIEW_LIST.parse(request.query_params)
    if "status" not in params.filters and "open" not in params.filters:
        params = ListParams(
            {**params.filters, "open": True}, params.sort, params.page, params.per_page, params.q
        )
    page = paginate(db, repo.reviews_query(), repo.REVIEW_LIST, params)
    ids: set[int] = set()
    for row in page.items:
        for text in (row.a_candidates, row.b_candidates):
            ids.update(int(v) for v in text.split(",") if v.strip().isdigit())
        ids.update(i for i in (row.a_city_id, row.b_city_id) if i)
    return render(
        request,
        "ties/review.html",
        {
            "page": page,
            "spec": repo.REVIEW_LIST,
            "base": REVIEW_PATH,
            "cities": repo.cities(db, sorted(ids)),
            "counts": repo.review_counts(db),
            "sources": repo.source_counts(db),
        },
    )


@router.post(REVIEW_PATH + "/{review_id}", include_in_schema=False)
def review_decide(
    request: Request,
    db: Db,
    admin: AdminUser,
    review_id: int,
    action: Annotated[str, Form()] = "pick",
    side: Annotated[str, Form()] = "a",
    geonames_id: Annotated[str, Form()] = "",
    other_id: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    if repo.review(db, review_id) is None:
        raise NotFound("No such review row.")
    chosen = (other_id or geonames_id).strip()
    if action not in ("pick", "dismiss") or side not in ("a", "b"):
        raise ValidationFailed("Unknown action.", [FieldProblem("action", "must be pick or dismiss")])
    if action == "pick" and not chosen.isdigit():
        raise ValidationFailed(
            "Pick one of the suggested cities or type a GeoNames id.",
            [FieldProblem("geonames_id", "choose a city or type its GeoNames id (digits)")],
        )
    decision = ReviewDecisionIn(
        action="dismiss" if action == "dismiss" else "pick",
        side="b" if side == "b" else "a",
        geonames_id=int(chosen) if action == "pick" else None,
    )
    result = _decide(db, review_id, decision, admin.email)
    if action == "dismiss":
        message = _("Row dismissed.")
    else:
        message = _("Saved: {n} row(s) settled.", n=result.rows_settled)
    return redirect(request, back if back.startswith(REVIEW_PATH) else REVIEW_PATH, message)


@router.post("/w/{ws}/ties/{tie_id}/adopt", include_in_schema=False)
def adopt_page(
    request: Request, db: Db, ctx: Ctx, tie_id: int, back: Annotated[str, Form()] = ""
) -> Response:
    ctx.require_edit()
    try:
        created = adoption.adopt(db, ctx, tie_id)
    except Conflict as exc:
        # Already adopted, or not this workspace's pair: say so on the city page the button was on.
        target = (
            back if back.startswith("/reference/cities/") else f"/reference/cities/{ctx.workspace.city_id}"
        )
        return redirect(request, target, exc.message)
    return redirect(request, created.url, _("Agreement created from the public tie."))


# --- API ----------------------------------------------------------------------------------------------------


@api.get(
    "/reference/cities/{geonames_id}/twins",
    response_model=list[TwinOut],
    summary="Public twins of a reference city, with their sources",
)
def api_twins(db: Db, geonames_id: GeonamesId) -> list[TwinOut]:
    _city_or_404(db, geonames_id)
    return [
        TwinOut(
            city=CityOut.model_validate(t.city),
            sources=[TieSourceOut.model_validate(x) for x in t.ties],
        )
        for t in repo.twins_of(db, geonames_id)
    ]


@api.get(
    "/reference/cities/{geonames_id}/networks",
    response_model=list[MembershipOut],
    summary="City-network memberships located at a reference city",
)
def api_networks(db: Db, geonames_id: GeonamesId) -> list[MembershipOut]:
    _city_or_404(db, geonames_id)
    return [MembershipOut.model_validate(m) for m in repo.memberships_of(db, geonames_id)]


@api.get(
    "/reference/ties/review",
    response_model=ReviewPage,
    summary="Rows of tie and network files waiting for a person (administrators)",
)
def api_review(
    db: Db, admin: AdminUser, params: Annotated[ListParams, Depends(repo.REVIEW_LIST.dependency())]
) -> ReviewPage:
    page = paginate(db, repo.reviews_query(), repo.REVIEW_LIST, params)
    return ReviewPage.of(page, [ReviewOut.model_validate(r) for r in page.items])


@api.post(
    "/reference/ties/review/{review_id}",
    response_model=ReviewDecisionOut,
    summary="Pick the city one side of a review row means, or dismiss the row (administrators)",
)
def api_review_decide(
    db: Db, admin: AdminUser, review_id: RowId, body: ReviewDecisionIn
) -> ReviewDecisionOut:
    return _decide(db, review_id, body, admin.email)


@api.post(
    "/workspaces/{ws}/ties/{tie_id}/adopt",
    response_model=AdoptOut,
    status_code=201,
    summary="Adopt a public tie as one of the workspace's agreements",
)
def api_adopt(db: Db, ctx: Ctx, tie_id: RowId) -> AdoptOut:
    ctx.require_edit()
    created = adoption.adopt(db, ctx, tie_id)
    return AdoptOut(agreement_id=created.agreement_id, url=created.url)
