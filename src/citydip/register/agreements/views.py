"""Agreement pages (list, form, page with renewal highlight and documents) and the agreement API."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from citydip.core import files
from citydip.core.errors import AppError, FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.listing import ListParams
from citydip.core.pages import Form, errors_of, form_errors, form_values, parse_model, redirect
from citydip.core.templating import render
from citydip.core.web import AppSettings, Ctx, Db, DbRoute
from citydip.register.agreements import documents as docs
from citydip.register.agreements import repository as repo
from citydip.register.agreements import service
from citydip.register.agreements.models import Agreement, AgreementDocument
from citydip.register.agreements.schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPage,
    AgreementPatch,
    DocumentOut,
)
from citydip.register.common import challenge_codes, countries, goal_labels
from citydip.register.engagements import repository as engagements_repo
from citydip.register.followups import repository as followups_repo
from citydip.register.listing import paginate_capped as paginate
from citydip.register.partners import repository as partners_repo
from citydip.register.vocab import AGREEMENT_KINDS, AGREEMENT_STATUSES, COOPERATION_FIELDS, VISIBILITIES
from citydip.register.web import translated

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["agreements"])
MULTI = ("party_ids", "fields", "sdgs", "challenges")
RENEWAL_WARNING_DAYS = 90


def _get(db: Db, ctx: Ctx, agreement_id: uuid.UUID) -> Agreement:
    agreement = repo.agreement(db, ctx.id, agreement_id)
    if agreement is None:
        raise NotFound("No such agreement.")
    return agreement


def next_deadline(agreement: Agreement, today: dt.date) -> tuple[dt.date | None, int | None, str]:
    """The agreement's next renewal (or end) date, days left and a level: '', 'soon', 'due' or 'past'."""
    dates = [d for d in (agreement.renews_on, agreement.ends_on) if d is not None]
    if not dates or agreement.status in ("expired", "terminated"):
        return None, None, ""
    upcoming = [d for d in dates if d >= today]
    when = min(upcoming) if upcoming else max(dates)
    days = (when - today).days
    level = "past" if days < 0 else "due" if days <= 30 else "soon" if days <= RENEWAL_WARNING_DAYS else ""
    return when, days, level


def _signatories(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if parts and parts[0]:
            out.append(
                {
                    "name": parts[0],
                    "title": parts[1] if len(parts) > 1 else "",
                    "on_behalf_of": ", ".join(parts[2:]) if len(parts) > 2 else "",
                }
            )
    return out


def _from_form(form: Any) -> dict[str, Any]:
    values = form_values(form, MULTI)
    values["signatories"] = _signatories(values.pop("signatories_text", ""))
    return values


def _form_context(
    db: Db, ctx: Ctx, values: dict[str, Any], errors: dict[str, str], agreement: Agreement | None
) -> dict[str, Any]:
    text = values.get("signatories_text")
    if text is None:
        text = "\n".join(
            ", ".join(x for x in (s.get("name", ""), s.get("title", ""), s.get("on_behalf_of", "")) if x)
            for s in values.get("signatories", [])
        )
    return {
        "agreement": agreement,
        "values": values | {"signatories_text": text},
        "errors": errors,
        "kinds": translated(AGREEMENT_KINDS),
        "statuses": translated(AGREEMENT_STATUSES),
        "fields": translated(COOPERATION_FIELDS),
        "visibilities": translated(VISIBILITIES),
        "goals": goal_labels(db),
        "challenges": challenge_codes(db),
        "countries": countries(db),
        "partners": partners_repo.partner_choices(db, ctx.id),
    }


@router.get("/w/{ws}/agreements", include_in_schema=False)
def agreements_page(request: Request, db: Db, ctx: Ctx) -> Response:
    params = repo.AGREEMENT_LIST.parse(request.query_params)
    page = paginate(db, repo.agreements_query(ctx.id), repo.AGREEMENT_LIST, params, ctx.id)
    today = dt.date.today()
    return render(
        request,
        "register/agreements.html",
        {
            "page": page,
            "kinds": translated(AGREEMENT_KINDS),
            "statuses": translated(AGREEMENT_STATUSES),
            "goals": goal_labels(db),
            "challenges": challenge_codes(db),
            "countries": countries(db),
            "deadlines": {a.id: next_deadline(a, today) for a in page.items},
            "record_kind": "agreements",
        },
    )


@router.get("/w/{ws}/agreements/new", include_in_schema=False)
def new_agreement_page(request: Request, db: Db, ctx: Ctx) -> Response:
    ctx.require_edit()
    partner = request.query_params.get("partner_id", "")
    values = {
        "kind": "sister_city",
        "status": "proposed",
        "visibility": "private",
        "party_ids": [partner] if partner else [],
    }
    return render(request, "register/agreement_form.html", _form_context(db, ctx, values, {}, None))


@router.post("/w/{ws}/agreements/new", include_in_schema=False)
def create_agreement_page(request: Request, db: Db, ctx: Ctx, form: Form) -> Response:
    ctx.require_edit()
    values = _from_form(form)
    with form_errors(
        lambda errors: render(
            request, "register/agreement_form.html", _form_context(db, ctx, values, errors, None)
        )
    ):
        agreement = service.create_agreement(db, ctx, parse_model(AgreementIn, values))
    return redirect(request, f"/w/{ctx.slug}/agreements/{agreement.id}", _("Agreement saved."))


@router.get("/w/{ws}/agreements/{agreement_id}", include_in_schema=False)
def agreement_page(request: Request, db: Db, ctx: Ctx, agreement_id: uuid.UUID) -> Response:
    agreement = _get(db, ctx, agreement_id)
    when, days, level = next_deadline(agreement, dt.date.today())
    return render(
        request,
        "register/agreement.html",
        {
            "agreement": agreement,
            "deadline": when,
            "days_left": days,
            "level": level,
            "parties": repo.parties(db, ctx.id, agreement.id),
            "sdgs": repo.sdgs_of(db, ctx.id, agreement.id),
            "challenges": dict(challenge_codes(db)),
            "agreement_challenges": repo.challenges_of(db, ctx.id, agreement.id),
            "documents": repo.documents_of(db, ctx.id, agreement.id),
            "engagements": engagements_repo.of_agreement(db, ctx.id, agreement.id),
            "followups": followups_repo.of_agreement(db, ctx.id, agreement.id),
            "kinds": dict(AGREEMENT_KINDS),
            "fields": dict(COOPERATION_FIELDS),
            "errors": {},
        },
    )


@router.get("/w/{ws}/agreements/{agreement_id}/edit", include_in_schema=False)
def edit_agreement_page(request: Request, db: Db, ctx: Ctx, agreement_id: uuid.UUID) -> Response:
    ctx.require_edit()
    agreement = _get(db, ctx, agreement_id)
    out = service.agreement_out(db, ctx, agreement, documents=False).model_dump(mode="json")
    values = out | {"country": out["country_code"] or "", "external_id": out["external_id"] or ""}
    return render(request, "register/agreement_form.html", _form_context(db, ctx, values, {}, agreement))


@router.post("/w/{ws}/agreements/{agreement_id}/edit", include_in_schema=False)
def update_agreement_page(
    request: Request, db: Db, ctx: Ctx, agreement_id: uuid.UUID, form: Form
) -> Response:
    ctx.require_edit()
    agreement = _get(db, ctx, agreement_id)
    values = _from_form(form)
    patch = {k: values.get(k) for k in AgreementPatch.model_fields}
    for key in ("kind", "title", "status", "visibility", "description", "notes"):
        patch[key] = values.get(key, "" if key in ("description", "notes") else None)
    with form_errors(
        lambda errors: render(
            request,
            "register/agreement_form.html",
            _form_context(db, ctx, values, errors, _get(db, ctx, agreement_id)),
        )
    ):
        service.update_agreement(db, ctx, agreement, parse_model(AgreementPatch, patch))
    return redirect(request, f"/w/{ctx.slug}/agreements/{agreement.id}", _("Agreement saved."))


@router.post("/w/{ws}/agreements/{agreement_id}/delete", include_in_schema=False)
def delete_agreement_page(
    request: Request, db: Db, ctx: Ctx, settings: AppSettings, agreement_id: uuid.UUID
) -> Response:
    ctx.require_edit()
    service.delete_agreement(db, ctx, _get(db, ctx, agreement_id), settings.data_dir)
    return redirect(request, f"/w/{ctx.slug}/agreements", _("Agreement deleted."))


@router.post("/w/{ws}/agreements/{agreement_id}/documents", include_in_schema=False)
def upload_page(
    request: Request, db: Db, ctx: Ctx, settings: AppSettings, agreement_id: uuid.UUID, form: Form
) -> Response:
    ctx.require_edit()
    agreement = _get(db, ctx, agreement_id)
    upload = form.get("file")
    try:
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise ValidationFailed("Choose a file.", [FieldProblem("file", "choose a file to attach")])
        content = files.read_upload(upload.file)
        docs.add_document(db, ctx, agreement, upload.filename, content, settings.data_dir)
    except AppError as exc:
        return redirect(
            request,
            f"/w/{ctx.slug}/agreements/{agreement.id}#documents",
            _("Not attached: {reason}", reason="; ".join(errors_of(exc).values())),
        )
    return redirect(request, f"/w/{ctx.slug}/agreements/{agreement.id}#documents", _("Document attached."))


def _document(db: Db, ctx: Ctx, agreement_id: uuid.UUID, document_id: uuid.UUID) -> AgreementDocument:
    doc = repo.document(db, ctx.id, agreement_id, document_id)
    if doc is None:
        raise NotFound("No such document.")
    return doc


def download(doc: AgreementDocument, data_dir: Path) -> Response:
    """Always a download: attachment, nosniff, and a sandbox in case a browser renders it anyway."""
    return files.download_response(doc, data_dir)


@router.get("/w/{ws}/agreements/{agreement_id}/documents/{document_id}", include_in_schema=False)
def download_page(
    db: Db, ctx: Ctx, settings: AppSettings, agreement_id: uuid.UUID, document_id: uuid.UUID
) -> Response:
    return download(_document(db, ctx, agreement_id, document_id), settings.data_dir)


@router.post("/w/{ws}/agreements/{agreement_id}/documents/{document_id}/delete", include_in_schema=False)
def delete_document_page(
    request: Request, db: Db, ctx: Ctx, settings: AppSettings, agreement_id: uuid.UUID, document_id: uuid.UUID
) -> Response:
    ctx.require_edit()
    docs.delete_document(db, ctx, _document(db, ctx, agreement_id, document_id), settings.data_dir)
    return redirect(request, f"/w/{ctx.slug}/agreements/{agreement_id}#documents", _("Document deleted."))


# --- API --------------------------------------------------------------------------------------------------

AgreementParams = Annotated[ListParams, Depends(repo.AGREEMENT_LIST.dependency())]


@api.get("/workspaces/{ws}/agreements", response_model=AgreementPage, summary="List agreements")
def api_agreements(db: Db, ctx: Ctx, params: AgreementParams) -> AgreementPage:
    page = paginate(db, repo.agreements_query(ctx.id), repo.AGREEMENT_LIST, params, ctx.id)
    links = repo.links_for(db, ctx.id, [a.id for a in page.items])
    return AgreementPage.of(page, [service.to_out(a, links[a.id], []) for a in page.items])


@api.post(
    "/workspaces/{ws}/agreements", response_model=AgreementOut, status_code=201, summary="Create an agreement"
)
def api_create_agreement(db: Db, ctx: Ctx, body: AgreementIn) -> AgreementOut:
    ctx.require_edit()
    return service.agreement_out(db, ctx, service.create_agreement(db, ctx, body))


@api.get("/workspaces/{ws}/agreements/{agreement_id}", response_model=AgreementOut, summary="One agreement")
def api_agreement(db: Db, ctx: Ctx, agreement_id: uuid.UUID) -> AgreementOut:
    return service.agreement_out(db, ctx, _get(db, ctx, agreement_id))


@api.patch(
    "/workspaces/{ws}/agreements/{agreement_id}", response_model=AgreementOut, summary="Change an agreement"
)
def api_update_agreement(db: Db, ctx: Ctx, agreement_id: uuid.UUID, body: AgreementPatch) -> AgreementOut:
    ctx.require_edit()
    return service.agreement_out(
        db, ctx, service.update_agreement(db, ctx, _get(db, ctx, agreement_id), body)
    )


@api.delete("/workspaces/{ws}/agreements/{agreement_id}", status_code=204, summary="Delete an agreement")
def api_delete_agreement(db: Db, ctx: Ctx, settings: AppSettings, agreement_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_agreement(db, ctx, _get(db, ctx, agreement_id), settings.data_dir)
    return Response(status_code=204)


@api.post(
    "/workspaces/{ws}/agreements/{agreement_id}/documents",
    response_model=DocumentOut,
    status_code=201,
    summary="Attach a document (PDF or office file, at most 20 MB)",
)
def api_upload(
    db: Db,
    ctx: Ctx,
    settings: AppSettings,
    agreement_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="The document")],
) -> DocumentOut:
    ctx.require_edit()
    agreement = _get(db, ctx, agreement_id)
    content = files.read_upload(file.file)
    doc = docs.add_document(db, ctx, agreement, file.filename or "document", content, settings.data_dir)
    return DocumentOut.model_validate(doc)


@api.get(
    "/workspaces/{ws}/agreements/{agreement_id}/documents/{document_id}",
    summary="Download a document",
    response_class=FileResponse,
)
def api_download(
    db: Db, ctx: Ctx, settings: AppSettings, agreement_id: uuid.UUID, document_id: uuid.UUID
) -> Response:
    return download(_document(db, ctx, agreement_id, document_id), settings.data_dir)


@api.delete(
    "/workspaces/{ws}/agreements/{agreement_id}/documents/{document_id}",
    status_code=204,
    summary="Delete a document",
)
def api_delete_document(
    db: Db, ctx: Ctx, settings: AppSettings, agreement_id: uuid.UUID, document_id: uuid.UUID
) -> Response:
    ctx.require_edit()
    docs.delete_document(db, ctx, _document(db, ctx, agreement_id, document_id), settings.data_dir)
    return Response(status_code=204)
