"""Follow-up pages (list, form) and the follow-up API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from citydip.accounts import repository as accounts_repo
from citydip.core.errors import AppError, NotFound
from citydip.core.i18n import _
from citydip.core.listing import ListParams
from citydip.core.pages import Form, errors_of, form_values, parse_model, redirect
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.register.followups import repository as repo
from citydip.register.followups import service
from citydip.register.followups.models import FollowUp
from citydip.register.followups.schemas import FollowUpIn, FollowUpOut, FollowUpPage, FollowUpPatch
from citydip.register.listing import paginate_capped as paginate
from citydip.register.vocab import FOLLOWUP_STATUSES
from citydip.register.web import translated

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["follow-ups"])


def _get(db: Db, ctx: Ctx, followup_id: uuid.UUID) -> FollowUp:
    row = repo.followup(db, ctx.id, followup_id)
    if row is None:
        raise NotFound("No such follow-up.")
    return row


def _members(db: Db, ctx: Ctx) -> list[tuple[str, str]]:
    return [(str(u.id), u.name or u.email) for _m, u in accounts_repo.members_of(db, ctx.id)]


def _form(
    request: Request,
    db: Db,
    ctx: Ctx,
    values: dict[str, Any],
    errors: dict[str, str],
    row: FollowUp | None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "register/followup_form.html",
        {
            "row": row,
            "values": values,
            "errors": errors,
            "members": _members(db, ctx),
            "statuses": translated(FOLLOWUP_STATUSES),
        },
        status_code=status,
    )


@router.get("/w/{ws}/followups", include_in_schema=False)
def followups_page(request: Request, db: Db, ctx: Ctx) -> Response:
    params = repo.FOLLOWUP_LIST.parse(request.query_params)
    page = paginate(db, repo.followups_query(ctx.id), repo.FOLLOWUP_LIST, params, ctx.id)
    members = _members(db, ctx)
    return render(
        request,
        "register/followups.html",
        {
            "page": page,
            "members": members,
            "owners": dict(members),
            "statuses": translated(FOLLOWUP_STATUSES),
            "record_kind": "followups",
            "user_id": ctx.principal.user.id if ctx.principal.user else None,
        },
    )


@router.get("/w/{ws}/followups/new", include_in_schema=False)
def new_followup_page(request: Request, db: Db, ctx: Ctx) -> Response:
    ctx.require_edit()
    values = {k: request.query_params.get(k, "") for k in ("engagement_id", "agreement_id", "partner_id")}
    values["owner_id"] = str(ctx.principal.user.id) if ctx.principal.user else ""
    return _form(request, db, ctx, values, {}, None)


@router.post("/w/{ws}/followups/new", include_in_schema=False)
def create_followup_page(request: Request, db: Db, ctx: Ctx, form: Form) -> Response:
    ctx.require_edit()
    values = form_values(form)
    try:
        row = service.create_followup(db, ctx, parse_model(FollowUpIn, values))
    except AppError as exc:
        return _form(request, db, ctx, values, errors_of(exc), None, exc.status_code)
    if row.engagement_id:
        return redirect(
            request, f"/w/{ctx.slug}/engagements/{row.engagement_id}#followups", _("Follow-up added.")
        )
    return redirect(request, f"/w/{ctx.slug}/followups", _("Follow-up added."))


@router.get("/w/{ws}/followups/{followup_id}/edit", include_in_schema=False)
def edit_followup_page(request: Request, db: Db, ctx: Ctx, followup_id: uuid.UUID) -> Response:
    row = _get(db, ctx, followup_id)
    values = FollowUpOut.model_validate(row).model_dump(mode="json")
    values = {k: ("" if v is None else str(v)) for k, v in values.items()}
    return _form(request, db, ctx, values, {}, row)


@router.post("/w/{ws}/followups/{followup_id}/edit", include_in_schema=False)
def update_followup_page(request: Request, db: Db, ctx: Ctx, followup_id: uuid.UUID, form: Form) -> Response:
    ctx.require_edit()
    row = _get(db, ctx, followup_id)
    values = form_values(form)
    patch = {k: values.get(k) for k in ("task", "owner_id", "due_on", "status")} | {
        "notes": values.get("notes", "")
    }
    try:
        service.update_followup(db, ctx, row, parse_model(FollowUpPatch, patch))
    except AppError as exc:
        return _form(request, db, ctx, values, errors_of(exc), row, exc.status_code)
    return redirect(request, f"/w/{ctx.slug}/followups", _("Follow-up saved."))


@router.post("/w/{ws}/followups/{followup_id}/done", include_in_schema=False)
def done_followup_page(request: Request, db: Db, ctx: Ctx, followup_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.update_followup(db, ctx, _get(db, ctx, followup_id), FollowUpPatch(status="done"))
    return redirect(request, f"/w/{ctx.slug}/followups", _("Marked as done."))


@router.post("/w/{ws}/followups/{followup_id}/delete", include_in_schema=False)
def delete_followup_page(request: Request, db: Db, ctx: Ctx, followup_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_followup(db, ctx, _get(db, ctx, followup_id))
    return redirect(request, f"/w/{ctx.slug}/followups", _("Follow-up deleted."))


# --- API --------------------------------------------------------------------------------------------------

FollowUpParams = Annotated[ListParams, Depends(repo.FOLLOWUP_LIST.dependency())]


@api.get("/workspaces/{ws}/followups", response_model=FollowUpPage, summary="List follow-ups")
def api_followups(db: Db, ctx: Ctx, params: FollowUpParams) -> FollowUpPage:
    page = paginate(db, repo.followups_query(ctx.id), repo.FOLLOWUP_LIST, params, ctx.id)
    return FollowUpPage.of(page, [FollowUpOut.model_validate(f) for f in page.items])


@api.post(
    "/workspaces/{ws}/followups", response_model=FollowUpOut, status_code=201, summary="Create a follow-up"
)
def api_create_followup(db: Db, ctx: Ctx, body: FollowUpIn) -> FollowUpOut:
    ctx.require_edit()
    return FollowUpOut.model_validate(service.create_followup(db, ctx, body))


@api.get("/workspaces/{ws}/followups/{followup_id}", response_model=FollowUpOut, summary="One follow-up")
def api_followup(db: Db, ctx: Ctx, followup_id: uuid.UUID) -> FollowUpOut:
    return FollowUpOut.model_validate(_get(db, ctx, followup_id))


@api.patch(
    "/workspaces/{ws}/followups/{followup_id}", response_model=FollowUpOut, summary="Change a follow-up"
)
def api_update_followup(db: Db, ctx: Ctx, followup_id: uuid.UUID, body: FollowUpPatch) -> FollowUpOut:
    ctx.require_edit()
    return FollowUpOut.model_validate(service.update_followup(db, ctx, _get(db, ctx, followup_id), body))


@api.delete("/workspaces/{ws}/followups/{followup_id}", status_code=204, summary="Delete a follow-up")
def api_delete_followup(db: Db, ctx: Ctx, followup_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_followup(db, ctx, _get(db, ctx, followup_id))
    return Response(status_code=204)
