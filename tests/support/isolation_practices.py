"""Isolation makers for the practices domain: a private practice in alpha's workspace and a file attached to it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from support.isolation import MARKER, Param, World


def _practice(s: Session, w: World) -> str:
    from citydip.practices import service
    from citydip.practices.schemas import PracticeIn
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    data = PracticeIn(
        title=f"{MARKER} practice",
        summary=f"{MARKER} private summary about cycle lanes",
        external_id=f"{MARKER}-1",
        visibility="private",
    )
    return str(service.create_practice(s, WorkspaceContext.for_operator(ws), data).id)


def _attachment(s: Session, w: World) -> str:
    import uuid

    from citydip.practices.models import PracticeAttachment
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    # The file itself would live in the app's data directory, which makers do not know; the download answers
    # 410 to the owner for a missing file and 404 to everyone else, which is what the walk checks.
    attachment = PracticeAttachment(
        workspace_id=ws.id,
        practice_id=uuid.UUID(w.values["practice_id"]),
        visibility="private",
        filename=f"{MARKER}.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        storage_key=uuid.uuid4().hex,
        uploaded_by=MARKER,
    )
    s.add(attachment)
    s.flush()
    return str(attachment.id)


PARAMS = {"practice_id": Param(_practice, "workspace"), "attachment_id": Param(_attachment, "workspace")}
