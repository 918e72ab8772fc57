"""Uploaded files of every domain (agreement documents, practice attachments): one set of rules.

* **Typed by content.** PDF and office files only, recognised from their first bytes (and, for ZIP-based
  formats, from the entries inside: ``[Content_Types].xml`` + the part folder for OOXML, the ``mimetype`` entry
  for ODF); the extension must agree with what was found. A name alone is never trusted.
* **At most 20 MB** (``MAX_BYTES``; the body-limit middleware lets upload paths through up to that size).
* **Stored under the data directory with generated names**: ``<data dir>/documents/<workspace id>/<key>``, the
  key a random hex string, so a file name never becomes a path. The name shown to people is cleaned of path
  parts and control characters.
* **Files follow the transaction.** A file written for a new record is removed again if the transaction rolls
  back; a deleted record's file is removed only once the transaction commits.
* **Always a download**: ``Content-Disposition: attachment``, ``nosniff``, a sandbox CSP and no caching, so a
  browser never renders an uploaded file as a page of this site.

A table holding such files mixes in ``StoredFileColumns`` and is a tenant table (``workspace_id``).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import quote

from fastapi.responses import FileResponse, Response
from sqlalchemy import Connection, Integer, String, Table, event, select
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from citydip.core.database import utcnow
from citydip.core.errors import AppError, FieldProblem, ValidationFailed

MAX_BYTES = 20 * 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FOLDER = "documents"

# extension -> content type, grouped by how the content is recognised
TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
OOXML_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
ACCEPT = ",".join(TYPES)
"""The ``accept`` attribute of a file input (a hint for the browser's picker; the server checks content)."""

_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
_PENDING = "citydip_files_pending"


def _problem(message: str) -> ValidationFailed:
    return ValidationFailed("The file was not accepted.", [FieldProblem("file", message)])


def detect_type(filename: str, content: bytes) -> str:
    """The content type of an accepted file, or ValidationFailed (field ``file``) explaining the refusal."""
    ext = Path(filename).suffix.lower()
    if ext not in TYPES:
        raise _problem(
            f"'{ext or filename}' files are not accepted; attach PDF or office documents ("
            + ", ".join(sorted(TYPES))
            + ")"
        )
    if not content:
        raise _problem("the file is empty")
    if len(content) > MAX_BYTES:
        raise _problem("the file is larger than 20 MB")
    if ext == ".pdf":
        if not content[:1024].lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
            raise _problem("the file is named .pdf but is not a PDF")
        return TYPES[ext]
    if ext in (".doc", ".xls", ".ppt"):
        if not content.startswith(OLE2):
            raise _problem(f"the file is named {ext} but is not an Office 97-2003 document")
        return TYPES[ext]
    if not content.startswith(b"PK\x03\x04"):
        raise _problem(f"the file is named {ext} but is not an office document")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if ext in OOXML_PARTS:
                if "[Content_Types].xml" not in names or not any(
                    n.startswith(OOXML_PARTS[ext]) for n in names
                ):
                    raise _problem(f"the file is named {ext} but its content is a different kind of file")
                return TYPES[ext]
            mimetype = (
                archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
            )
    except zipfile.BadZipFile:
        raise _problem(f"the file is named {ext} but is damaged or not an office document") from None
    if mimetype != TYPES[ext]:
        raise _problem(f"the file is named {ext} but its content is a different kind of file")
    return TYPES[ext]


def safe_filename(filename: str) -> str:
    """A display name without paths or control characters (at most 200 characters)."""
    name = Path(filename.replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:200] or "document"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip() or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def read_upload(stream: BinaryIO) -> bytes:
    """Read an uploaded file, one byte past the limit at most (enough to tell that it is too large)."""
    return stream.read(MAX_BYTES + 1)


class StoredFileColumns:
    """Columns of a record that owns one stored file (mix into a tenant table)."""

    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(200), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredFile(Protocol):
    """What the storage functions need to know of a record."""

    @property
    def workspace_id(self) -> int: ...

    @property
    def storage_key(self) -> str: ...

    @property
    def filename(self) -> str: ...

    @property
    def content_type(self) -> str: ...


def storage_path(data_dir: Path, record: StoredFile) -> Path:
    """Where a record's bytes live; a key that is not one of ours is refused rather than joined to a path."""
    key = record.storage_key
    if not _KEY_RE.match(key):
        raise ValueError(f"not a storage key: {key!r}")
    return data_dir / FOLDER / str(int(record.workspace_id)) / key


@dataclass
class _Pending:
    """Files waiting for the session's transaction to end."""

    written: list[Path] = field(default_factory=list)  # remove if the transaction rolls back
    doomed: list[Path] = field(default_factory=list)  # remove once the transaction commits


def _after_commit(session: Session) -> None:
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is None:
        return
    for path in pending.doomed:
        path.unlink(missing_ok=True)
    pending.written.clear()
    pending.doomed.clear()


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is None or previous.nested:
        return
    for path in pending.written:
        path.unlink(missing_ok=True)
    pending.written.clear()
    pending.doomed.clear()


def _pending(session: Session) -> _Pending:
    pending: _Pending | None = session.info.get(_PENDING)
    if pending is None:
        pending = _Pending()
        session.info[_PENDING] = pending
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_soft_rollback)
    return pending


def store(
    session: Session, data_dir: Path, workspace_id: int, filename: str, content: bytes, uploaded_by: str
) -> dict[str, Any]:
    """Check and write an uploaded file; return the ``StoredFileColumns`` values for its record.

    Raises ValidationFailed (nothing written) when the type or size is refused. The file is removed again if
    the session's transaction rolls back.
    """
    content_type = detect_type(filename, content)
    key = uuid.uuid4().hex
    values: dict[str, Any] = {
        "filename": safe_filename(filename),
        "content_type": content_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "storage_key": key,
        "uploaded_by": uploaded_by[:200],
    }
    path = data_dir / FOLDER / str(int(workspace_id)) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    _pending(session).written.append(path)
    path.write_bytes(content)
    return values


def remove_after_commit(session: Session, data_dir: Path, record: StoredFile) -> None:
    """Remove a record's file once the session's transaction commits (kept if it rolls back)."""
    _pending(session).doomed.append(storage_path(data_dir, record))


def download_response(record: StoredFile, data_dir: Path) -> Response:
    """Always a download: attachment, nosniff, a sandbox in case a browser renders it anyway, no caching."""
    path = storage_path(data_dir, record)
    if not path.is_file():
        # The record exists (the caller may see it) but its bytes are gone, e.g. after restoring only the
        # database: 410 says so without pretending the file never existed.
        raise AppError("The file is missing from the data directory.", status_code=410, code="gone")
    return FileResponse(
        path,
        media_type=record.content_type,
        headers={
            "Content-Disposition": content_disposition(record.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


@dataclass(frozen=True)
class StoredFileRow:
    """A stored file as the database names it (for backups and ``citydip doctor``)."""

    table: str
    workspace_id: int
    storage_key: str
    sha256: str
    size: int

    @property
    def relative_path(self) -> str:
        """Its path below the data directory."""
        return f"{FOLDER}/{int(self.workspace_id)}/{self.storage_key}"


def stored_file_tables() -> list[Table]:
    """Every table whose rows own a stored file (the mapped classes mixing in ``StoredFileColumns``)."""
    from citydip.core.database import Base

    tables: dict[str, Table] = {}
    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, StoredFileColumns):
            table = mapper.local_table
            if isinstance(table, Table):
                tables[table.name] = table
    return [t for _name, t in sorted(tables.items())]


def stored_files(conn: Connection) -> Iterator[StoredFileRow]:
    """Every stored file the database names, read on ``conn`` (inside its snapshot)."""
    for table in stored_file_tables():
        stmt = select(table.c.workspace_id, table.c.storage_key, table.c.sha256, table.c.size).order_by(
            table.c.workspace_id, table.c.storage_key
        )
        for ws, key, digest, size in conn.execute(stmt):
            if _KEY_RE.match(str(key)):
                yield StoredFileRow(table.name, int(ws), str(key), str(digest), int(size))


def missing_files(conn: Connection, data_dir: Path) -> tuple[int, list[StoredFileRow]]:
    """How many stored files the database names, and those absent from the data directory."""
    total, missing = 0, []
    for row in stored_files(conn):
        total += 1
        if not (data_dir / row.relative_path).is_file():
            missing.append(row)
    return total, missing
