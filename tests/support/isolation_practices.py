"""Isolation makers for the practices domain: a private practice in alpha's workspace."""

from __future__ import annotations

from sqlalchemy.orm import Session

from support.isolation import MARKER, Param, World


def _practice(s: Session, w: World) -> str:
    from citydip.practices import service
    from citydip.practices.schemas import PracticeIn
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    data = PracticeIn(title=f"{MARKER} practice", summary=f"{MARKER} private summary about cycle lanes",
                      external_id=f"{MARKER}-1", visibility="private")
    return str(service.create_practice(s, service.CliWorkspace(ws), data).id)


PARAMS = {"practice_id": Param(_practice, "workspace")}
