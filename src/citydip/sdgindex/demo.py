"""Sample network index for ``citydip demo``: the demo network's index built from its members' sample indicators.

It runs through the same code a coordinator uses (``build_network_run``), so the ranking, city profile, heat
map and trend pages have something to show. The numbers come from the invented sample indicators (different
for each member city) and the title says so. Directions are left blank: they come from each indicator's
progress settings in the members' data (poverty and emissions: lower is better).
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceRecord
from citydip.sdgindex.models import NetworkIndexRun
from citydip.sdgindex.network_data import Pick, build_network_run
from citydip.sdgindex.service import IndexOptions
from citydip.workspaces import repository as ws_repo

TITLE = "Sample: demo cities on poverty, waste and emissions (invented numbers)"
PICKS = (
    Pick("1-2-1", best="5", worst="30", green="12", red="22"),
    Pick("11-6-1", best="95", worst="40", green="75", red="55"),
    Pick("13-2-2", best="5", worst="30", green="12", red="20"),
)
OLD_TITLES = ("Sample: demo cities on poverty and waste (invented numbers)",)


def seed(session: Session, workspace: WorkspaceRecord) -> None:
    """(Re)build the demo network's sample index; the SDG demo has already given every member its indicators."""
    from citydip.system.demo_workspaces import DEMO_NETWORK

    network = ws_repo.network_by_slug(session, DEMO_NETWORK[0])
    if network is None or workspace.id not in {w.id for w in ws_repo.network_members(session, network.id)}:
        return
    session.execute(
        delete(NetworkIndexRun).where(
            NetworkIndexRun.network_id == network.id, NetworkIndexRun.title.in_((TITLE, *OLD_TITLES))
        )
    )
    build_network_run(session, network, True, "citydip demo", TITLE, PICKS, None, IndexOptions())
