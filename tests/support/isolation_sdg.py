"""Isolation makers for the SDG data domain: a private indicator of alpha (goal 17) with an observation and
a local target, each carrying the private marker."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from support.isolation import MARKER, Param, World


@dataclass(frozen=True)
class _Alpha:
    id: int

    def require_edit(self) -> None:
        """System scope: allowed."""


def _alpha(s: Session, w: World) -> _Alpha:
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    return _Alpha(ws.id)


def _indicator(s: Session, w: World) -> str:
    from citydip.sdg.indicators import service

    ind = service.create_indicator(s, _alpha(s, w), "17-19-2", f"{MARKER} census indicator")
    w.extra["sdg_indicator"] = ind.code
    return ind.code


def _observation(s: Session, w: World) -> str:
    from citydip.sdg.indicators import repository as repo
    from citydip.sdg.observations import service

    target = _alpha(s, w)
    ind = repo.indicator_by_code(s, target.id, w.values["indicator_code"])
    assert ind is not None
    obs = service.add_observation(
        s, target, ind, {"year": "2021", "value": "12.5", "footnote": f"{MARKER} note", "disaggregation": {}}
    )
    return str(obs.id)


def _local_target(s: Session, w: World) -> str:
    from citydip.sdg.indicators import repository as repo
    from citydip.sdg.indicators import service

    target = _alpha(s, w)
    ind = repo.indicator_by_code(s, target.id, w.values["indicator_code"])
    assert ind is not None
    return str(service.add_local_target(s, target, ind, {"text": f"{MARKER} target", "value": "20"}).id)


PARAMS = {
    "indicator_code": Param(_indicator, "workspace"),
    # Alpha's only goal-17 indicator is private, so the public goal page is not found for anyone else.
    "goal_number": Param(lambda s, w: "17", "workspace"),
    "observation_id": Param(_observation, "workspace"),
    "local_target_id": Param(_local_target, "workspace"),
}
