"""What the generated isolation test substitutes for each path parameter.

Every path parameter of every route must be listed; a route with an unknown parameter fails the test, so a new
route is covered as soon as it exists. A domain declares its parameters in ``tests/support/isolation_<domain>.py``
as ``PARAMS = {"partner_id": Param(maker, "workspace")}``, where the maker creates a PRIVATE record in the
"alpha" workspace whose text contains MARKER and returns the value to put in the URL. Makers run in order of
declaration with a system-scope session and may read ``world.values`` filled by earlier makers.

Alpha's owner also coordinates alpha's network. A module may declare ``BODIES = {(method, path): make_body}``
for unsafe routes whose permission check is only reached with a valid body; the walk with a coordinator's
viewer token then expects exactly 403 there (tests/platform/test_isolation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

MARKER = "ZZPRIVATEALPHA"


@dataclass
class World:
    """Two cities' workspaces, their owners, and what the makers created."""

    alpha_slug: str
    beta_slug: str
    alpha_owner_id: int
    values: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


Maker = Callable[[Session, World], str]


@dataclass(frozen=True)
class Param:
    """How to fill one path parameter and what kind of data it guards."""

    make: Maker
    kind: str  # "workspace": workspace data (404 for everyone else); "user": a user's own resource;
    #          "public": public reference data (not checked)


def _session_id(s: Session, w: World) -> str:
    from citydip.accounts.service import start_session

    user = s.get(__import__("citydip.accounts.models", fromlist=["User"]).User, w.alpha_owner_id)
    assert user is not None
    _token, row = start_session(s, user, ip="10.0.0.1", user_agent="isolation", days=1)
    return str(row.id)


def _token_id(s: Session, w: World) -> str:
    from citydip.accounts.models import User
    from citydip.accounts.service import create_api_token
    from citydip.core.tenancy import Role
    from citydip.workspaces.repository import workspace_by_slug

    user = s.get(User, w.alpha_owner_id)
    ws = workspace_by_slug(s, w.alpha_slug)
    assert user is not None and ws is not None
    _token, row = create_api_token(s, user, ws.id, Role.viewer, MARKER)
    return str(row.id)


def _network(s: Session, w: World) -> str:
    from citydip.accounts.models import User
    from citydip.workspaces.repository import workspace_by_slug
    from citydip.workspaces.service import add_coordinator, create_network, join_network

    net = create_network(s, "alpha-only-net", f"{MARKER} network")
    ws = workspace_by_slug(s, w.alpha_slug)
    owner = s.get(User, w.alpha_owner_id)
    assert ws is not None and owner is not None
    join_network(s, net, ws)
    add_coordinator(s, net, owner)  # so the viewer-token walk can prove coordinator rights stay read-only
    return net.slug


CORE_PARAMS: dict[str, Param] = {
    "ws": Param(lambda s, w: w.alpha_slug, "workspace"),
    "user_id": Param(lambda s, w: str(w.alpha_owner_id), "workspace"),
    "network": Param(_network, "workspace"),
    "session_id": Param(_session_id, "user"),
    "token_id": Param(_token_id, "user"),
    "geonames_id": Param(lambda s, w: "5368361", "public"),
}


BodyMaker = Callable[[World], dict[str, Any]]


def _collect() -> tuple[dict[str, Param], dict[tuple[str, str], BodyMaker]]:
    """Core parameters plus every ``tests/support/isolation_<domain>.py`` module's ``PARAMS`` and ``BODIES``."""
    import importlib
    import pkgutil
    from pathlib import Path

    params = dict(CORE_PARAMS)
    bodies: dict[tuple[str, str], BodyMaker] = {}
    folder = Path(__file__).parent
    for info in pkgutil.iter_modules([str(folder)]):
        if info.name.startswith("isolation_"):
            module = importlib.import_module(f"support.{info.name}")
            for name, param in module.PARAMS.items():
                if name in params:
                    raise AssertionError(f"path parameter {name!r} is declared twice ({info.name})")
                params[name] = param
            bodies.update(getattr(module, "BODIES", {}))
    return params, bodies


PARAMS, BODIES = _collect()
