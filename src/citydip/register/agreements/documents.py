"""Documents attached to agreements: PDF and office files up to 20 MB, typed by their content.

The rules for uploaded files (type from content, size limit, storage under ``<data dir>/documents/``, files
following the transaction, always served as downloads) live in ``citydip.core.files``, shared with practice
attachments; this module only ties them to agreements.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from citydip.core import files
from citydip.core.context import WorkspaceContext
from citydip.register.agreements.models import Agreement, AgreementDocument

MAX_BYTES = files.MAX_BYTES


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
    user = ctx.principal.user
    values = files.store(
        session, data_dir, ctx.id, filename, content, user.email if user else ctx.principal.label
    )
    doc = AgreementDocument(workspace_id=ctx.id, agreement_id=agreement.id, **values)
    session.add(doc)
    session.flush()
    return doc


def delete_document(
    session: Session, ctx: WorkspaceContext, doc: AgreementDocument, data_dir: Path | None = None
) -> None:
    """Delete a document; its file goes once the transaction commits."""
    ctx.require_edit()
    if data_dir is not None:
        files.remove_after_commit(session, data_dir, doc)
    session.delete(doc)
    session.flush()
