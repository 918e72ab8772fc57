"""Reports pages: the VLR drafts (write, list, download HTML or PDF) and the editor of its text blocks; API."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from citydip.core.errors import NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.pages import redirect
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.reports import repository as repo
from citydip.reports import service
from citydip.reports.models import VlrDraft
from citydip.reports.schemas import TextsIn, VlrDraftOut, VlrIn
from citydip.reports.texts import BLOCKS

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["reports"])


def _index(request: Request, db: Session, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    params = repo.DRAFTS.parse(request.query_params)
    page = paginate(db, repo.drafts_query(ctx.id), repo.DRAFTS, params)
    saved = repo.texts(db, ctx.id)
    written = sum(1 for b in BLOCKS if b.key in saved and saved[b.key].body.strip())
    context = {
        "page": page,
        "written": written,
        "blocks": len(BLOCKS),
        "year": extra.pop("year", dt.date.today().year),
        "errors": extra.pop("errors", {}),
    }
    return render(request, "reports/index.html", context, status_code=status)


@router.get("/w/{ws}/reports", include_in_schema=False)
def reports_page(request: Request, db: Db, ctx: Ctx) -> Response:
    return _index(request, db, ctx)


@router.post("/w/{ws}/reports/vlr", include_in_schema=False)
def write_vlr(request: Request, db: Db, ctx: Ctx, year: Annotated[str, Form()] = "") -> Response:
    ctx.require_edit()
    try:
        draft = service.create_draft(db, ctx, service.parse_year(year))
    except ValidationFailed as exc:
        return _index(
            request, db, ctx, status=422, year=year, errors={p.field: p.message for p in exc.details}
        )
    message = _("VLR draft written: {pages} pages.", pages=draft.pages)
    return redirect(request, f"/w/{ctx.slug}/reports", message)


def _draft(db: Session, ctx: Ctx, vlr_draft_id: uuid.UUID) -> VlrDraft:
    draft = repo.draft(db, ctx.id, vlr_draft_id)
    if draft is None:
        raise NotFound(_("No such draft."))
    return draft


def _filename(ctx: Ctx, draft: VlrDraft, suffix: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", ctx.slug.lower())
    return f"vlr-{slug}-{draft.year}.{suffix}"


@router.get("/w/{ws}/reports/vlr/{vlr_draft_id}/html", include_in_schema=False)
def draft_html(db: Db, ctx: Ctx, vlr_draft_id: uuid.UUID) -> Response:
    draft = _draft(db, ctx, vlr_draft_id)
    return Response(
        draft.html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{_filename(ctx, draft, "html")}"'},
    )


@router.get("/w/{ws}/reports/vlr/{vlr_draft_id}/pdf", include_in_schema=False)
def draft_pdf(db: Db, ctx: Ctx, vlr_draft_id: uuid.UUID) -> Response:
    draft = _draft(db, ctx, vlr_draft_id)
    return Response(
        draft.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_filename(ctx, draft, "pdf")}"'},
    )


@router.post("/w/{ws}/reports/vlr/{vlr_draft_id}/delete", include_in_schema=False)
def delete_draft(request: Request, db: Db, ctx: Ctx, vlr_draft_id: uuid.UUID) -> Response:
    service.delete_draft(db, ctx, _draft(db, ctx, vlr_draft_id))
    return redirect(request, f"/w/{ctx.slug}/reports", _("Draft deleted."))


def _texts_page(request: Request, db: Session, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    saved = repo.texts(db, ctx.id)
    values = extra.pop("values", {b.key: saved[b.key].body if b.key in saved else "" for b in BLOCKS})
    context = {"blocks": BLOCKS, "values": values, "errors": extra.pop("errors", {}), "saved": saved}
    return render(request, "reports/texts.html", context, status_code=status)


@router.get("/w/{ws}/reports/texts", include_in_schema=False)
def texts_page(request: Request, db: Db, ctx: Ctx) -> Response:
    return _texts_page(request, db, ctx)


@router.post("/w/{ws}/reports/texts", include_in_schema=False)
async def save_texts(request: Request, db: Db, ctx: Ctx) -> Response:
    ctx.require_edit()
    form = await request.form()
    values = {b.key: str(form.get(b.key, "") or "") for b in BLOCKS if b.key in form}
    try:
        service.save_texts(db, ctx, values)
    except ValidationFailed as exc:
        errors = {p.field: p.message for p in exc.details}
        return _texts_page(request, db, ctx, status=422, values=values, errors=errors)
    return redirect(request, f"/w/{ctx.slug}/reports/texts", _("Texts saved."))


# --- API --------------------------------------------------------------------------------------------------


def _out(ctx: Ctx, draft: VlrDraft) -> VlrDraftOut:
    base = f"/w/{ctx.slug}/reports/vlr/{draft.id}"
    return VlrDraftOut(
        id=draft.id,
        year=draft.year,
        title=draft.title,
        pages=draft.pages,
        seconds=draft.seconds,
        summary=draft.summary,
        created_by=draft.created_by,
        created_at=draft.created_at,
        html_url=f"{base}/html",
        pdf_url=f"{base}/pdf",
    )


@api.get("/workspaces/{ws}/reports/vlr", response_model=list[VlrDraftOut], summary="Stored VLR drafts")
def api_drafts(request: Request, db: Db, ctx: Ctx) -> list[VlrDraftOut]:
    params = repo.DRAFTS.parse(request.query_params)
    return [_out(ctx, d) for d in paginate(db, repo.drafts_query(ctx.id), repo.DRAFTS, params).items]


@api.post(
    "/workspaces/{ws}/reports/vlr", response_model=VlrDraftOut, status_code=201, summary="Write a VLR draft"
)
def api_write(db: Db, ctx: Ctx, body: VlrIn) -> VlrDraftOut:
    return _out(ctx, service.create_draft(db, ctx, service.parse_year(body.year)))


@api.put("/workspaces/{ws}/reports/texts", response_model=dict[str, str], summary="Set the VLR's text blocks")
def api_texts(db: Db, ctx: Ctx, body: TextsIn) -> dict[str, str]:
    service.save_texts(db, ctx, body.texts)
    return {k: v.body for k, v in repo.texts(db, ctx.id).items()}
