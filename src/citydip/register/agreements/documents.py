"""Documents attached to agreements: PDF and office files up to 20 MB, typed by their content.

The type comes from the file's first bytes (and, for ZIP-based formats, from the entries inside), never from
the name alone; the extension must agree with what was found. Files live under
``<data dir>/documents/<workspace id>/<document id>`` and are always served as downloads.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.web import WorkspaceContext
from citydip.register.agreements.models import Agreement, AgreementDocument

MAX_BYTES = 20 * 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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


def _problem(message: str) -> ValidationFailed:
    return ValidationFailed("The document was not accepted.", [FieldProblem("file", message)])


def detect_type(filename: str, content: bytes) -> str:
    """The content type of an accepted document, or ValidationFailed explaining why it is refused."""
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
    """A display name without paths or control characters."""
    name = Path(filename.replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:200] or "document"


def storage_path(data_dir: Path, doc: AgreementDocument) -> Path:
    """Where a document's bytes live."""
    return data_dir / "documents" / str(doc.workspace_id) / doc.storage_key


def add_document(
    session: Session,
    ctx: WorkspaceContext,
    agreement: Agreement,
    filename: str,
    content: bytes,
    data_dir: Path,
) -> AgreementDocument:
    """Check, store and record an uploaded document; the file is removed again if the transaction fails."""
    ctx.require_edit()
    content_type = detect_type(filename, content)
    doc_id = uuid.uuid4()
    user = ctx.principal.user
    doc = AgreementDocument(
        workspace_id=ctx.id,
        agreement_id=agreement.id,
        filename=safe_filename(filename),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        storage_key=doc_id.hex,
        uploaded_by=(user.email if user else ctx.principal.label),
    )
    path = storage_path(data_dir, doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)

    def _undo(_session: Session) -> None:
        path.unlink(missing_ok=True)

    event.listen(session, "after_soft_rollback", lambda s, _t: _undo(s), once=True)
    session.add(doc)
    session.flush()
    return doc


def delete_document(
    session: Session, ctx: WorkspaceContext, doc: AgreementDocument, data_dir: Path | None = None
) -> None:
    """Delete a document; its file goes once the transaction commits."""
    ctx.require_edit()
    if data_dir is not None:
        path = storage_path(data_dir, doc)
        event.listen(session, "after_commit", lambda _s: path.unlink(missing_ok=True), once=True)
    session.delete(doc)
    session.flush()


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    from urllib.parse import quote

    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip() or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
