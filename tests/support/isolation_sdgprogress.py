"""Isolation makers for the SDG progress pages: a private, configured indicator in alpha's workspace."""

from __future__ import annotations

from sqlalchemy.orm import Session

from support.isolation import MARKER, Param, World


def _progress_code(s: Session, w: World) -> str:
    from citydip.sdg.models import CityIndicator
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    indicator = CityIndicator(
        workspace_id=ws.id,
        code="99-9-9",
        number="99.9.9",
        kind="local",
        name=f"{MARKER} progress indicator",
        config={"auto_progress_calculation": False, "progress_status": "moderate_progress"},
    )
    s.add(indicator)
    s.flush()
    return indicator.code


PARAMS = {"progress_code": Param(_progress_code, "workspace")}
