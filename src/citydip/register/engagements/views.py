"""Engagement pages (list, form, page with participants, gifts, protocol and follow-ups) and the API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from citydip.accounts import repository as accounts_repo
from citydip.core.errors import AppError, NotFound
from citydip.core.i18n import _
from citydip.core.listing import ListParams
from citydip.core.pages import Form, errors_of, form_errors, form_values, parse_model, redirect
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.register.agreements import repository as agreements_repo
from citydip.register.common import challenge_codes, countries, goal_labels
from citydip.register.engagements import repository as repo
from citydip.register.engagements import service
from citydip.register.engagements.models import Engagement
from citydip.register.engagements.schemas import (
    EngagementIn,
    EngagementOut,
    EngagementPage,
    EngagementPatch,
    GiftIn,
    ParticipantIn,
)
from citydip.register.followups import repository as followups_repo
from citydip.register.listing import paginate_capped as paginate
from citydip.register.partners import repository as partners_repo
from citydip.register.vocab import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    GIFT_DIRECTIONS,
    PARTICIPANT_SIDES,
    PROTOCOL_ITEMS,
    PROTOCOL_STATES,
    VISIBILITIES,
    codes,
)
from citydip.register.web import translated

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["engagements"])
MULTI = ("partner_ids", "agreement_ids", "sdgs", "challenges")
OUTCOME_NUMBERS = ("investment_amount", "jobs", "export_deals", "students", "agreements_signed")


def _get(db: Db, ctx: Ctx, engagement_id: uuid.UUID) -> Engagement:
    engagement = repo.engagement(db, ctx.id, engagement_id)
    if engagement is None:
        raise NotFound("No such engagement.")
    return engagement


def _from_form(form: Any) -> dict[str, Any]:
    values = form_values(form, MULTI)
    protocol = {}
    for item in codes(PROTOCOL_ITEMS):
        status = values.pop(f"protocol_{item}_status", "")
        note = values.pop(f"protocol_{item}_note", "")
        if status or note:
            protocol[item] = {"status": status or "todo", "note": note}
    values["protocol"] = protocol
    return values


def _form_context(
    db: Db, ctx: Ctx, values: dict[str, Any], errors: dict[str, str], engagement: Engagement | None
) -> dict[str, Any]:
    return {
        "engagement": engagement,
        "values": values,
        "errors": errors,
        "kinds": translated(ENGAGEMENT_KINDS),
        "statuses": translated(ENGAGEMENT_STATUSES),
        "visibilities": translated(VISIBILITIES),
        "protocol_items": translated(PROTOCOL_ITEMS),
        "protocol_states": translated(PROTOCOL_STATES),
        "goals": goal_labels(db),
        "challenges": challenge_codes(db),
        "countries": countries(db),
        "partners": partners_repo.partner_choices(db, ctx.id),
        "agreements": agreements_repo.agreement_choices(db, ctx.id),
    }


@router.get("/w/{ws}/engagements", include_in_schema=False)
def engagements_page(request: Request, db: Db, ctx: Ctx) -> Response:
    params = repo.ENGAGEMENT_LIST.parse(request.query_params)
    page = paginate(db, repo.engagements_query(ctx.id), repo.ENGAGEMENT_LIST, params, ctx.id)
    return render(
        request,
        "register/engagements.html",
        {
            "page": page,
            "kinds": translated(ENGAGEMENT_KINDS),
            "statuses": translated(ENGAGEMENT_STATUSES),
            "goals": goal_labels(db),
            "challenges": challenge_codes(db),
            "countries": countries(db),
            "record_kind": "engagements",
        },
    )


@router.get("/w/{ws}/engagements/new", include_in_schema=False)
def new_engagement_page(request: Request, db: Db, ctx: Ctx) -> Response:
    ctx.require_edit()
    partner = request.query_params.get("partner_id", "")
    values: dict[str, Any] = {
        "kind": "incoming_delegation",
        "status": "planned",
        "visibility": "private",
        "partner_ids": [partner] if partner else [],
        "protocol": {},
    }
    return render(request, "register/engagement_form.html", _form_context(db, ctx, values, {}, None))


@router.post("/w/{ws}/engagements/new", include_in_schema=False)
def create_engagement_page(request: Request, db: Db, ctx: Ctx, form: Form) -> Response:
    ctx.require_edit()
    values = _from_form(form)
    with form_errors(
        lambda errors: render(
            request, "register/engagement_form.html", _form_context(db, ctx, values, errors, None)
        )
    ):
        engagement = service.create_engagement(db, ctx, parse_model(EngagementIn, values))
    return redirect(request, f"/w/{ctx.slug}/engagements/{engagement.id}", _("Engagement saved."))


@router.get("/w/{ws}/engagements/{engagement_id}", include_in_schema=False)
def engagement_page(request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID) -> Response:
    engagement = _get(db, ctx, engagement_id)
    links = repo.links_for(db, ctx.id, [engagement.id])[engagement.id]
    members = accounts_repo.members_of(db, ctx.id)
    return render(
        request,
        "register/engagement.html",
        {
            "e": engagement,
            "partners": partners_repo.partners_by_ids(db, ctx.id, links["partner_ids"]),
            "agreements": agreements_repo.agreements_by_ids(db, ctx.id, links["agreement_ids"]),
            "sdgs": links["sdgs"],
            "engagement_challenges": links["challenges"],
            "challenges": dict(challenge_codes(db)),
            "participants": repo.participants_of(db, ctx.id, engagement.id),
            "gifts": repo.gifts_of(db, ctx.id, engagement.id),
            "followups": followups_repo.of_engagement(db, ctx.id, engagement.id),
            "owners": {u.id: u.name or u.email for _m, u in members},
            "members": [(str(u.id), u.name or u.email) for _m, u in members],
            "kinds": dict(ENGAGEMENT_KINDS),
            "protocol_items": translated(PROTOCOL_ITEMS),
            "protocol_states": dict(PROTOCOL_STATES),
            "sides": translated(PARTICIPANT_SIDES),
            "directions": translated(GIFT_DIRECTIONS),
            "user_id": ctx.principal.user.id if ctx.principal.user else None,
        },
    )


@router.get("/w/{ws}/engagements/{engagement_id}/edit", include_in_schema=False)
def edit_engagement_page(request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID) -> Response:
    ctx.require_edit()
    engagement = _get(db, ctx, engagement_id)
    out = service.engagement_out(db, ctx, engagement, full=False).model_dump(mode="json")
    values = out | {"country": out["country_code"] or "", "external_id": out["external_id"] or ""}
    return render(request, "register/engagement_form.html", _form_context(db, ctx, values, {}, engagement))


@router.post("/w/{ws}/engagements/{engagement_id}/edit", include_in_schema=False)
def update_engagement_page(
    request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID, form: Form
) -> Response:
    ctx.require_edit()
    engagement = _get(db, ctx, engagement_id)
    values = _from_form(form)
    patch = {k: values.get(k) for k in EngagementPatch.model_fields if k not in ("participants", "gifts")}
    for key in ("place", "purpose", "notes", "outcome_text", "investment_currency"):
        patch[key] = values.get(key, "")
    with form_errors(
        lambda errors: render(
            request,
            "register/engagement_form.html",
            _form_context(db, ctx, values, errors, _get(db, ctx, engagement_id)),
        )
    ):
        service.update_engagement(db, ctx, engagement, parse_model(EngagementPatch, patch))
    return redirect(request, f"/w/{ctx.slug}/engagements/{engagement.id}", _("Engagement saved."))


@router.post("/w/{ws}/engagements/{engagement_id}/delete", include_in_schema=False)
def delete_engagement_page(request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_engagement(db, ctx, _get(db, ctx, engagement_id))
    return redirect(request, f"/w/{ctx.slug}/engagements", _("Engagement deleted."))


def _not_saved(request: Request, ctx: Ctx, engagement: Engagement, anchor: str, exc: AppError) -> Response:
    reason = "; ".join(f"{k}: {v}" for k, v in errors_of(exc).items())
    return redirect(
        request,
        f"/w/{ctx.slug}/engagements/{engagement.id}#{anchor}",
        _("Not saved: {reason}", reason=reason),
    )


@router.post("/w/{ws}/engagements/{engagement_id}/participants", include_in_schema=False)
def add_participant_page(
    request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID, form: Form
) -> Response:
    ctx.require_edit()
    engagement = _get(db, ctx, engagement_id)
    try:
        service.add_participant(db, ctx, engagement, parse_model(ParticipantIn, form_values(form)))
    except AppError as exc:
        return _not_saved(request, ctx, engagement, "participants", exc)
    return redirect(
        request, f"/w/{ctx.slug}/engagements/{engagement.id}#participants", _("Participant added.")
    )


@router.post(
    "/w/{ws}/engagements/{engagement_id}/participants/{participant_id}/delete", include_in_schema=False
)
def remove_participant_page(
    request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID, participant_id: uuid.UUID
) -> Response:
    ctx.require_edit()
    row = repo.participant(db, ctx.id, engagement_id, participant_id)
    if row is None:
        raise NotFound("No such participant.")
    service.remove_participant(db, ctx, row)
    return redirect(
        request, f"/w/{ctx.slug}/engagements/{engagement_id}#participants", _("Participant removed.")
    )


@router.post("/w/{ws}/engagements/{engagement_id}/gifts", include_in_schema=False)
def add_gift_page(request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID, form: Form) -> Response:
    ctx.require_edit()
    engagement = _get(db, ctx, engagement_id)
    try:
        service.add_gift(db, ctx, engagement, parse_model(GiftIn, form_values(form)))
    except AppError as exc:
        return _not_saved(request, ctx, engagement, "gifts", exc)
    return redirect(request, f"/w/{ctx.slug}/engagements/{engagement.id}#gifts", _("Gift recorded."))


@router.post("/w/{ws}/engagements/{engagement_id}/gifts/{gift_id}/delete", include_in_schema=False)
def remove_gift_page(
    request: Request, db: Db, ctx: Ctx, engagement_id: uuid.UUID, gift_id: uuid.UUID
) -> Response:
    ctx.require_edit()
    row = repo.gift(db, ctx.id, engagement_id, gift_id)
    if row is None:
        raise NotFound("No such gift.")
    service.remove_gift(db, ctx, row)
    return redirect(request, f"/w/{ctx.slug}/engagements/{engagement_id}#gifts", _("Gift removed."))


# --- API --------------------------------------------------------------------------------------------------

EngagementParams = Annotated[ListParams, Depends(repo.ENGAGEMENT_LIST.dependency())]


@api.get("/workspaces/{ws}/engagements", response_model=EngagementPage, summary="List engagements")
def api_engagements(db: Db, ctx: Ctx, params: EngagementParams) -> EngagementPage:
    page = paginate(db, repo.engagements_query(ctx.id), repo.ENGAGEMENT_LIST, params, ctx.id)
    links = repo.links_for(db, ctx.id, [e.id for e in page.items])
    return EngagementPage.of(page, [service.to_out(db, ctx, e, links[e.id], False) for e in page.items])


@api.post(
    "/workspaces/{ws}/engagements",
    response_model=EngagementOut,
    status_code=201,
    summary="Create an engagement",
)
def api_create_engagement(db: Db, ctx: Ctx, body: EngagementIn) -> EngagementOut:
    ctx.require_edit()
    return service.engagement_out(db, ctx, service.create_engagement(db, ctx, body))


@api.get(
    "/workspaces/{ws}/engagements/{engagement_id}", response_model=EngagementOut, summary="One engagement"
)
def api_engagement(db: Db, ctx: Ctx, engagement_id: uuid.UUID) -> EngagementOut:
    return service.engagement_out(db, ctx, _get(db, ctx, engagement_id))


@api.patch(
    "/workspaces/{ws}/engagements/{engagement_id}",
    response_model=EngagementOut,
    summary="Change an engagement",
)
def api_update_engagement(db: Db, ctx: Ctx, engagement_id: uuid.UUID, body: EngagementPatch) -> EngagementOut:
    ctx.require_edit()
    return service.engagement_out(
        db, ctx, service.update_engagement(db, ctx, _get(db, ctx, engagement_id), body)
    )


@api.delete("/workspaces/{ws}/engagements/{engagement_id}", status_code=204, summary="Delete an engagement")
def api_delete_engagement(db: Db, ctx: Ctx, engagement_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_engagement(db, ctx, _get(db, ctx, engagement_id))
    return Response(status_code=204)
