"""Import and export entry points shared by the pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import tempfile
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem, NotFound, ValidationFailed
from citydip.core.listing import ListParams
from citydip.register.io import export
from citydip.register.io.engine import ImportReport, run_import
from citydip.register.io.kinds_records import kinds

IMPORT_KINDS = ("partners", "people", "agreements", "engagements")
FORMATS = ("csv", "xlsx")
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def check_kind(kind: str, allowed: tuple[str, ...] = IMPORT_KINDS) -> str:
    """A known record kind or NotFound (it is a path parameter)."""
    if kind not in allowed:
        raise NotFound(f"Unknown record kind '{kind[:40]}'; use one of {', '.join(allowed)}.")
    return kind


def check_format(fmt: str) -> str:
    """csv or xlsx."""
    if fmt not in FORMATS:
        raise ValidationFailed("Unknown format.", [FieldProblem("format", "use csv or xlsx")])
    return fmt


def import_file(
    session: Session, ctx: WorkspaceContext, kind: str, content: bytes, filename: str, *, dry_run: bool
) -> ImportReport:
    """Check (dry run) or import a CSV/XLSX file of one kind: all rows or none."""
    check_kind(kind)
    return run_import(session, ctx, kinds()[kind], content, filename, dry_run=dry_run)


def export_file(
    session: Session, ctx: WorkspaceContext, kind: str, params: ListParams, fmt: str
) -> IO[bytes]:
    """A list's matching records as a CSV or XLSX file (a temporary file, rewound)."""
    check_kind(kind, export.EXPORT_KINDS)
    check_format(fmt)
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    lines = export.rows(session, ctx, kind, params)
    if fmt == "csv":
        for chunk in export.to_csv(lines):
            out.write(chunk.encode("utf-8"))
    else:
        out.write(export.to_xlsx(lines, kind))
    out.seek(0)
    return out


def export_name(ctx: WorkspaceContext, kind: str, fmt: str) -> str:
    """A file name such as la-engagements-2026-11-27.csv."""
    return f"{ctx.slug}-{kind}-{dt.date.today().isoformat()}.{fmt}"


def list_params(kind: str, query: Any) -> ListParams:
    """Parse a list's filters for an export (page and per_page are ignored)."""
    spec, _base = export.SPECS[check_kind(kind, export.EXPORT_KINDS)]
    params = {k: query.getlist(k) for k in query if k not in ("page", "per_page", "format")}
    return spec.parse(params)


# --- uploads kept between the dry run and the import (web pages) ------------------------------------------


def keep_upload(data_dir: Path, ctx: WorkspaceContext, kind: str, filename: str, content: bytes) -> str:
    """Store a checked upload so the import button need not send it again; returns its token."""
    token = secrets.token_hex(16)
    folder = data_dir / "imports" / str(ctx.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.bin").write_bytes(content)
    (folder / f"{token}.json").write_text(json.dumps({"kind": kind, "filename": filename}))
    return token


def take_upload(data_dir: Path, ctx: WorkspaceContext, token: str) -> tuple[str, str, bytes]:
    """The (kind, filename, content) of a kept upload; it is removed."""
    if not TOKEN_RE.match(token):
        raise NotFound("This upload has expired; choose the file again.")
    folder = data_dir / "imports" / str(ctx.id)
    blob, meta = folder / f"{token}.bin", folder / f"{token}.json"
    if not blob.is_file() or not meta.is_file():
        raise NotFound("This upload has expired; choose the file again.")
    info = json.loads(meta.read_text())
    content = blob.read_bytes()
    blob.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)
    return str(info["kind"]), str(info["filename"]), content
