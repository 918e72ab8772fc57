"""``citydip demo``: create or reset the sample workspaces, then seed them through every domain's ``demo`` room."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from citydip.accounts import repository as accounts_repo
from citydip.accounts import service as accounts
from citydip.core.tenancy import Role
from citydip.domains import rooms
from citydip.workspaces import repository as ws_repo
from citydip.workspaces import service as workspaces

DEMO_EMAIL = "demo@citydip.example"
DEMO_PASSWORD = "citydip-demo-2026"  # noqa: S105 (the published demo login)
DEMO_WORKSPACES = (
    ("los-angeles", "Los Angeles, US", "Los Angeles Mayor's Office of International Affairs (demo)"),
    ("houston", "Houston, US", "Houston Office of Trade and International Affairs (demo)"),
)
DEMO_NETWORK = (
    "summit-demo",
    "Summit on City Diplomacy (demo)",
    "Sample network of US city offices working together; sample data.",
)


@dataclass
class DemoInfo:
    """What the demo command created."""

    email: str
    password: str
    workspaces: list[str]


def create_demo(session: Session) -> DemoInfo:
    """Create the demo workspaces from scratch (an existing demo is deleted first)."""
    for slug, _city, _name in DEMO_WORKSPACES:
        existing = ws_repo.workspace_by_slug(session, slug)
        if existing is not None:
            session.delete(existing)
    session.flush()
    user = accounts_repo.user_by_email(session, DEMO_EMAIL)
    if user is None:
        user = accounts.create_user(session, DEMO_EMAIL, DEMO_PASSWORD, "Demo Officer")
    else:
        accounts.set_password(session, user, DEMO_PASSWORD)
        user.is_active = True
    network = ws_repo.network_by_slug(session, DEMO_NETWORK[0]) or workspaces.create_network(
        session, DEMO_NETWORK[0], DEMO_NETWORK[1], DEMO_NETWORK[2]
    )
    workspaces.add_coordinator(session, network, user)  # the demo officer also tries the coordinator's pages
    created = []
    for index, (slug, city, name) in enumerate(DEMO_WORKSPACES):
        ws = workspaces.create_workspace(session, slug, name, city)
        ws.is_demo = True
        accounts.set_membership(session, user, ws.id, Role.owner if index == 0 else Role.editor)
        workspaces.join_network(session, network, ws)
        created.append(ws)
    session.flush()
    for _package, module in rooms("demo"):
        for ws in created:
            module.seed(session, ws)
    session.flush()
    return DemoInfo(DEMO_EMAIL, DEMO_PASSWORD, [w.slug for w in created])
