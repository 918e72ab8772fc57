"""Isolation makers for the SDG index domain: a private run in alpha's workspace and one in alpha's network."""

from __future__ import annotations

from sqlalchemy.orm import Session

from support.isolation import MARKER, Param, World

VALUES = f"city,indicator,value\n{MARKER} City,poverty,10\nOther City,poverty,30\n"
SPEC = "indicator,goal,direction,best,worst,green,red\npoverty,1,lower,0,40,5,20\n"


def _inputs():  # -> citydip.sdgindex.service.IndexInputs (imported lazily like every maker)
    from citydip.sdgindex.io import CsvText
    from citydip.sdgindex.service import IndexInputs

    return IndexInputs(CsvText("V.csv", VALUES), CsvText("S.csv", SPEC))


def _index_run(s: Session, w: World) -> str:
    from citydip.sdgindex.models import IndexRun
    from citydip.sdgindex.service import IndexOptions, compute
    from citydip.workspaces.repository import workspace_by_slug

    ws = workspace_by_slug(s, w.alpha_slug)
    assert ws is not None
    result, cities, indicators = compute(_inputs(), IndexOptions())
    run = IndexRun(
        workspace_id=ws.id,
        title=f"{MARKER} index",
        values_csv=VALUES,
        spec_csv=SPEC,
        result=result,
        city_count=cities,
        indicator_count=indicators,
    )
    s.add(run)
    s.flush()
    return str(run.id)


def _network_run(s: Session, w: World) -> str:
    from citydip.sdgindex.models import NetworkIndexRun
    from citydip.sdgindex.service import IndexOptions, compute
    from citydip.workspaces.repository import network_by_slug

    net = network_by_slug(s, w.values["network"])
    assert net is not None
    result, cities, indicators = compute(_inputs(), IndexOptions())
    run = NetworkIndexRun(
        network_id=net.id,
        title=f"{MARKER} network index",
        values_csv=VALUES,
        spec_csv=SPEC,
        result=result,
        city_count=cities,
        indicator_count=indicators,
    )
    s.add(run)
    s.flush()
    return str(run.id)


PARAMS = {
    "index_run_id": Param(_index_run, "workspace"),
    "network_run_id": Param(_network_run, "workspace"),
}

# Valid bodies, so a coordinator's viewer token reaches the permission check (and gets 403, not 422).
BODIES = {
    ("POST", "/api/v1/networks/{network}/index-runs"): lambda w: {
        "title": "Built through a viewer token",
        "values_csv": VALUES,
        "spec_csv": SPEC,
    },
    ("POST", "/api/v1/networks/{network}/index-runs/from-indicators"): lambda w: {
        "title": "Built through a viewer token",
        "indicators": [{"code": "1-1-1", "direction": "lower"}],
    },
}
