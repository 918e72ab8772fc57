"""Isolation makers for reports: a stored VLR draft in alpha's workspace (its HTML carries the marker)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from support.isolation import MARKER, Param, World


def _vlr_draft(s: Session, w: World) -> str:
    from citydip.reports.models import VlrDraft, VlrText
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    s.add(VlrText(workspace_id=ws.id, key="foreword", title="Foreword", body=f"{MARKER} foreword"))
    draft = VlrDraft(
        workspace_id=ws.id,
        year=2026,
        title=f"{MARKER} review",
        html=f"<html><body>{MARKER}</body></html>",
        pdf=b"%PDF-1.7 " + MARKER.encode(),
    )
    s.add(draft)
    s.flush()
    return str(draft.id)


PARAMS = {"vlr_draft_id": Param(_vlr_draft, "workspace")}
