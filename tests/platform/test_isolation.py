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
from citydip.web.routes import flat_routes
from support.factories import PASSWORD, make_user, make_workspace
from support.isolation import MARKER, PARAMS, World
from support.web import csrf_from

PARAM_RE = re.compile(r"{([^}:]+)(?::[^}]+)?}")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


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
