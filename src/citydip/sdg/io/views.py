"""The staff page that uploads a data file for one indicator: checked, previewed, then stored on request."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from citydip.core.errors import AppError
from citydip.core.i18n import _
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.sdg.indicators.staff import form_errors, indicator_or_404, staff_base, staff_context
from citydip.sdg.io.upload import MAX_UPLOAD_BYTES, check_upload

router = APIRouter(route_class=DbRoute, tags=["pages"])


@router.get("/w/{ws}/sdg/indicators/{indicator_code}/upload", include_in_schema=False)
def upload_form(request: Request, db: Db, ctx: Ctx, indicator_code: str) -> Response:
    """Form to upload a data file for the indicator."""
    ind = indicator_or_404(db, ctx, indicator_code)
    return render(request, "sdg/staff_upload.html", staff_context(ctx, ind=ind, result=None, errors={}))


@router.post("/w/{ws}/sdg/indicators/{indicator_code}/upload", include_in_schema=False)
async def upload(
    request: Request,
    db: Db,
    ctx: Ctx,
    indicator_code: str,
    file: Annotated[UploadFile | None, File()] = None,
    action: Annotated[str, Form()] = "check",
) -> Response:
    """Check an uploaded CSV (preview and problems); with action=save and no errors, replace the data."""
    ind = indicator_or_404(db, ctx, indicator_code)
    if action == "save":
        ctx.require_edit()
    if file is None or not file.filename:
        context = staff_context(ctx, ind=ind, result=None, errors={"file": _("choose a CSV file")})
        return render(request, "sdg/staff_upload.html", context, status_code=422)
    raw = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        result = check_upload(db, ctx, ind, file.filename, raw, save=action == "save")
    except AppError as exc:
        context = staff_context(ctx, ind=ind, result=None, errors=form_errors(exc))
        return render(request, "sdg/staff_upload.html", context, status_code=exc.status_code)
    if result.saved:
        message = _("Data replaced: {n} rows stored.", n=result.rows)
        return RedirectResponse(
            f"{staff_base(ctx)}/indicators/{ind.code}/data?flash={message}", status_code=303
        )
    status = 422 if result.errors else 200
    return render(
        request,
        "sdg/staff_upload.html",
        staff_context(ctx, ind=ind, result=result, errors={}),
        status_code=status,
    )
