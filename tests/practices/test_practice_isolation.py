"""The route-table isolation walk of tests/platform/test_isolation.py, limited to the practice routes.

The platform test covers every route once all domains have declared their path parameters; this one proves the
practice routes on their own (another city's user and an anonymous visitor get 404, see no private marker and
change nothing; the owner gets a real answer), using the makers in tests/support/isolation_practices.py (the
attachment's file is written to the app's data directory here, so the owner's download is a real 200).
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from citydip.core import files
from citydip.core.database import Base
from citydip.practices.models import PracticeAttachment
from citydip.web.routes import flat_routes
from support.factories import PASSWORD, make_user, make_workspace
from support.isolation import MARKER, PARAMS, World
from support.web import csrf_from

PARAM_RE = re.compile(r"{([^}:]+)(?::[^}]+)?}")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _practice_routes(app):
    for route in flat_routes(app):
        # the public practice pages are walked by tests/platform/test_isolation.py and test_practice_public.py;
        # here alpha's public site is off (its name carries the marker), so they are 404 even for the owner
        if "/practices" not in route.path or route.path.startswith("/public/"):
            continue
        names = PARAM_RE.findall(route.path)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            yield route.path, method, names


def _row_counts(sys_session) -> dict[str, int]:
    with sys_session() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


@pytest.fixture
def world(sys_session, settings) -> World:
    with sys_session() as s:
        owner = make_user(s, "alpha.owner@example.org")
        alpha = make_workspace(s, "alpha", owner=owner, name=f"Alpha {MARKER}")
        make_workspace(s, "beta", owner=make_user(s, "beta.owner@example.org"))
        alpha.public_site = False
        w = World("alpha", "beta", owner.id)
    with sys_session() as s:
        w.values["practice_id"] = PARAMS["practice_id"].make(s, w)
        w.values["attachment_id"] = PARAMS["attachment_id"].make(s, w)
        w.values["ws"] = "alpha"
        attachment = s.scalars(
            select(PracticeAttachment).where(PracticeAttachment.id == uuid.UUID(w.values["attachment_id"]))
        ).one()
        path = files.storage_path(settings.data_dir, attachment)
        path.parent.mkdir(parents=True)
        path.write_bytes(f"%PDF-1.4 {MARKER}".encode())
    return w


def test_practice_routes_have_known_parameters(app):
    names = {n for _p, _m, ns in _practice_routes(app) for n in ns}
    assert names == {"ws", "practice_id", "attachment_id"}


def test_practice_routes_are_404_for_other_cities_and_anonymous(app, world, make_client, sys_session):
    beta = make_client().login("beta.owner@example.org", PASSWORD)
    alpha = make_client().login("alpha.owner@example.org", PASSWORD)
    anon = make_client()
    anon.csrf = csrf_from(anon.get("/login").text)
    checked = 0
    for path, method, _names in _practice_routes(app):
        url = PARAM_RE.sub(lambda m: world.values[m.group(1)], path)
        before = _row_counts(sys_session) if method in UNSAFE else None
        for who, client in (("beta", beta), ("anonymous", anon)):
            if method == "GET":
                r = client.get(url, follow_redirects=False)
            elif path.startswith("/api/"):
                r = client.api(method, url, json={}, follow_redirects=False)
            else:
                r = client.post(url, {}, follow_redirects=False)
            assert r.status_code == 404, f"{who} {method} {url} -> {r.status_code}"
            assert MARKER not in r.text, f"{who} {method} {url} leaked alpha's data"
        if before is not None:
            assert _row_counts(sys_session) == before, f"{method} {url} changed the database"
        if method == "GET":
            own = alpha.get(url, follow_redirects=False)
            assert own.status_code == 200, f"owner GET {url} -> {own.status_code}"
        checked += 1
    assert checked >= 20
    # beta searching its own workspace never finds alpha's private practice
    found = beta.get("/w/beta/practices/search", params={"q": f"{MARKER} cycle lanes"})
    assert found.status_code == 200 and "No practice matches" in found.text
    assert f"{MARKER} practice" not in found.text and "private summary" not in found.text
