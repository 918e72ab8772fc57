"""Generated from the route table: another city's user and an anonymous visitor never reach alpha's data.

For every route with a path parameter that guards workspace data, a member of another workspace and an
anonymous visitor get 404 (not 403, so existence does not leak), the page never contains alpha's private
marker, and unsafe methods change nothing in the database. Alpha's own owner gets a real answer, which proves
the URLs are right.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from citydip.core.database import Base
from citydip.core.tenancy import Role
from citydip.web.routes import flat_routes
from support.factories import PASSWORD, make_user, make_workspace
from support.isolation import BODIES, MARKER, PARAMS, World
from support.web import csrf_from

PARAM_RE = re.compile(r"{([^}:]+)(?::[^}]+)?}")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NET_RUNS = "/api/v1/networks/{network}/index-runs"


def _routes(app):
    for route in flat_routes(app):
        names = PARAM_RE.findall(route.path)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            yield route.path, method, names


def _row_counts(sys_session) -> dict[str, int]:
    with sys_session() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


@pytest.fixture
def world(sys_session) -> World:
    with sys_session() as s:
        owner = make_user(s, "alpha.owner@example.org")
        make_workspace(s, "alpha", owner=owner, name="Alpha City Office")
        beta_user = make_user(s, "beta.owner@example.org")
        make_workspace(s, "beta", owner=beta_user)
        w = World("alpha", "beta", owner.id)
    with sys_session() as s:
        for name, param in PARAMS.items():
            if name != "ws":
                w.values[name] = param.make(s, w)
        w.values["ws"] = "alpha"
    return w


def test_every_route_parameter_is_known(app):
    unknown = sorted({(p, n) for p, _m, names in _routes(app) for n in names if n not in PARAMS})
    assert not unknown, f"add a maker to tests/support/isolation.py for: {unknown}"


def test_other_cities_and_anonymous_get_404_and_change_nothing(app, world, make_client, sys_session):
    beta = make_client().login("beta.owner@example.org", PASSWORD)
    alpha = make_client().login("alpha.owner@example.org", PASSWORD)
    anon = make_client()
    anon.csrf = csrf_from(anon.get("/login").text)
    checked = 0
    for path, method, names in _routes(app):
        kinds = {PARAMS[n].kind for n in names}
        if not names or kinds <= {"public"}:
            continue
        url = PARAM_RE.sub(lambda m: world.values[m.group(1)], path)
        # A workspace's public front page is meant for everyone; it must just not show private records.
        public_page = path.startswith("/public/") and set(names) == {"ws"}
        before = _row_counts(sys_session) if method in UNSAFE else None
        for who, client in (("beta", beta), ("anonymous", anon)):
            if method == "GET":
                r = client.get(url, follow_redirects=False)
            elif path.startswith("/api/"):
                r = client.api(method, url, json={}, follow_redirects=False)
            else:
                r = client.post(url, {}, follow_redirects=False)
            if public_page and method == "GET":
                assert r.status_code == 200, f"{who} {method} {url} -> {r.status_code}"
            elif "workspace" in kinds or who == "beta":
                assert r.status_code == 404, f"{who} {method} {url} -> {r.status_code}"
            else:  # a user's own resource, anonymous: sign-in is required first
                assert r.status_code in (303, 401, 404), f"{who} {method} {url} -> {r.status_code}"
            assert MARKER not in r.text, f"{who} {method} {url} leaked alpha's data"
        if before is not None:
            assert _row_counts(sys_session) == before, f"{method} {url} changed the database"
        if method == "GET":
            own = alpha.get(url, follow_redirects=False)
            assert own.status_code != 404 and own.status_code < 500, f"owner GET {url} -> {own.status_code}"
        checked += 1
    assert checked >= 8


def _token(sys_session, world: World, role: Role) -> str:
    from citydip.accounts.models import User
    from citydip.accounts.service import create_api_token
    from citydip.workspaces.repository import workspace_by_slug

    with sys_session() as s:
        user, ws = s.get(User, world.alpha_owner_id), workspace_by_slug(s, world.alpha_slug)
        token, _row = create_api_token(s, user, ws.id, role, f"walk {role.value}")
    return token


def _send(client, method: str, path: str, url: str, token: str, world: World):
    headers = {"Authorization": f"Bearer {token}"}
    body = BODIES[(method, path)](world) if (method, path) in BODIES else {}
    if path.startswith("/api/"):
        return client.request(method, url, headers=headers, json=body, follow_redirects=False)
    return client.request(method, url, headers=headers, data=body, follow_redirects=False)


def test_viewer_token_of_a_coordinator_changes_nothing(app, world, client, sys_session):
    """Alpha's owner coordinates alpha's network; their viewer token may read it but never change anything.

    Every unsafe route under alpha's data answers without a server error and changes no row (a POST that only
    computes, like SDG suggestions, may answer 200); a network route answers exactly 403 (the bodies in support/isolation_*.py BODIES are valid, so the check is reached).
    """
    viewer = _token(sys_session, world, Role.viewer)
    walked = network_routes = 0
    for path, method, names in _routes(app):
        kinds = {PARAMS[n].kind for n in names}
        if method not in UNSAFE or "workspace" not in kinds:
            continue
        url = PARAM_RE.sub(lambda m: world.values[m.group(1)], path)
        before = _row_counts(sys_session)
        r = _send(client, method, path, url, viewer, world)
        assert r.status_code < 500, f"viewer token {method} {url} -> {r.status_code}"
        if "network" in names:
            assert r.status_code == 403, f"viewer token {method} {url} -> {r.status_code}: {r.text[:300]}"
            network_routes += 1
        assert _row_counts(sys_session) == before, f"viewer token {method} {url} changed the database"
        walked += 1
    assert walked >= 20 and network_routes >= 5
    # The same requests through the coordinator's editor token pass the check (the bodies are valid).
    editor = _token(sys_session, world, Role.editor)
    built = _send(
        client, "POST", NET_RUNS, NET_RUNS.replace("{network}", world.values["network"]), editor, world
    )
    assert built.status_code == 201, built.text[:500]
    run = f"{NET_RUNS.replace('{network}', world.values['network'])}/{built.json()['id']}"
    assert client.request("GET", run, headers={"Authorization": f"Bearer {viewer}"}).status_code == 200
    assert client.request("DELETE", run, headers={"Authorization": f"Bearer {viewer}"}).status_code == 403
    assert client.request("DELETE", run, headers={"Authorization": f"Bearer {editor}"}).status_code == 204


def test_a_token_cannot_change_account_settings(app, world, client, sys_session):
    """A viewer token cannot mint itself an owner token, nor change the password, sessions or tokens."""
    viewer = _token(sys_session, world, Role.viewer)
    headers = {"Authorization": f"Bearer {viewer}"}
    before = _row_counts(sys_session)
    minted = client.post("/account/tokens", data={"workspace": "alpha", "role": "owner"}, headers=headers)
    assert minted.status_code == 403 and "cdp_" not in minted.text
    r = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "x" * 20}, headers=headers
    )
    assert r.status_code == 403
    assert _row_counts(sys_session) == before
