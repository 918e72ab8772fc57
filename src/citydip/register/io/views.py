"""Import page (template downloads, dry run, import), exports of any list, and their API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import UploadFile as StarletteUpload

from citydip.core.errors import AppError, FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.core.pages import Form, redirect
from citydip.core.templating import render
from citydip.core.web import AppSettings, Ctx, Db, DbRoute
from citydip.register.io import service
from citydip.register.io.engine import ImportReport
from citydip.register.io.kinds_records import kinds
from citydip.register.io.tabular import MAX_IMPORT_BYTES

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["import and export"])
LIST_PAGES = {
    "partners": "partners",
    "people": "people",
    "agreements": "agreements",
    "engagements": "engagements",
}


def _page(request: Request, ctx: Ctx, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "kinds": kinds(),
        "kind": "partners",
        "report": None,
        "token": None,
        "error": None,
    } | extra
    return render(request, "register/import.html", context, status_code=status)


@router.get("/w/{ws}/register/import", include_in_schema=False)
def import_page(request: Request, ctx: Ctx) -> Response:
    ctx.require_edit()
    return _page(request, ctx, kind=request.query_params.get("kind", "partners"))


@router.post("/w/{ws}/register/import", include_in_schema=False)
def import_submit(request: Request, db: Db, ctx: Ctx, settings: AppSettings, form: Form) -> Response:
    ctx.require_edit()
    action = str(form.get("action") or "check")
    token = str(form.get("upload") or "")
    upload = form.get("file")
    try:
        if token:
            kind, filename, content = service.take_upload(settings.data_dir, ctx, token)
        else:
            kind = service.check_kind(str(form.get("kind") or ""))
            if not isinstance(upload, StarletteUpload) or not upload.filename:
                raise ValidationFailed("Choose a file.", [FieldProblem("file", "choose a CSV or XLSX file")])
            filename = upload.filename
            content = upload.file.read(MAX_IMPORT_BYTES + 1)
        if action == "check":
            report = service.import_file(db, ctx, kind, content, filename, dry_run=True)
            kept = service.keep_upload(settings.data_dir, ctx, kind, filename, content) if report.ok else None
            return _page(request, ctx, kind=kind, report=report, token=kept)
        report = service.import_file(db, ctx, kind, content, filename, dry_run=False)
    except ValidationFailed as exc:
        failed = ImportReport(
            str(form.get("kind") or "?"), getattr(upload, "filename", "") or "", problems=exc.details
        )
        return _page(
            request, ctx, 422, kind=str(form.get("kind") or "partners"), report=failed, error=exc.message
        )
    except AppError as exc:
        return _page(request, ctx, exc.status_code, error=exc.message)
    message = _(
        "Imported {file}: {c} created, {u} updated.", file=report.filename, c=report.created, u=report.updated
    )
    return redirect(request, f"/w/{ctx.slug}/{LIST_PAGES[report.kind]}", message)


def _download(content: bytes, filename: str, fmt: str) -> Response:
    return Response(
        content,
        media_type=service.MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/w/{ws}/register/templates/{record_kind}", include_in_schema=False)
def template_download(ctx: Ctx, record_kind: str, format: str = "xlsx") -> Response:
    from citydip.register.io.export import template

    service.check_kind(record_kind)
    fmt = service.check_format(format)
    return _download(template(record_kind, fmt), f"citydip-{record_kind}-template.{fmt}", fmt)


def _export(request: Request, db: Db, ctx: Ctx, record_kind: str, fmt: str) -> Response:
    params = service.list_params(record_kind, request.query_params)
    handle = service.export_file(db, ctx, record_kind, params, fmt)
    name = service.export_name(ctx, record_kind, fmt)

    def stream() -> Any:
        try:
            while chunk := handle.read(64 * 1024):
                yield chunk
        finally:
            handle.close()

    return StreamingResponse(
        stream(),
        media_type=service.MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/w/{ws}/register/export/{record_kind}", include_in_schema=False)
def export_download(request: Request, db: Db, ctx: Ctx, record_kind: str, format: str = "csv") -> Response:
    return _export(request, db, ctx, record_kind, service.check_format(format))


# --- API --------------------------------------------------------------------------------------------------


@api.post(
    "/workspaces/{ws}/register/import/{record_kind}",
    summary="Import a CSV or XLSX file (all rows or none)",
    description="With dry_run=true nothing is written and the answer lists every problem as row, column "
    "and reason. Without it, any problem answers 422 with the same list and nothing is written.",
)
def api_import(
    db: Db,
    ctx: Ctx,
    record_kind: str,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX")],
    dry_run: Annotated[bool, Query(description="Only check the file")] = False,
) -> dict[str, Any]:
    ctx.require_edit()
    content = file.file.read(MAX_IMPORT_BYTES + 1)
    report = service.import_file(db, ctx, record_kind, content, file.filename or "upload", dry_run=dry_run)
    return report.as_dict()


@api.get(
    "/workspaces/{ws}/register/export/{record_kind}",
    summary="Export a list (same filters as the list)",
    response_class=StreamingResponse,
)
def api_export(
    request: Request,
    db: Db,
    ctx: Ctx,
    record_kind: str,
    format: Annotated[str, Query(description="csv or xlsx")] = "csv",
) -> Response:
    return _export(request, db, ctx, record_kind, service.check_format(format))


@api.get(
    "/workspaces/{ws}/register/templates/{record_kind}",
    summary="A blank import template",
    response_class=Response,
)
def api_template(
    ctx: Ctx, record_kind: str, format: Annotated[str, Query(description="csv or xlsx")] = "xlsx"
) -> Response:
    return template_download(ctx, record_kind, format)
