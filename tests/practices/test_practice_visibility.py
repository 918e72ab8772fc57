"""Who sees which practice: own ones, network-shared ones of network peers, public ones; never others' private.

Checked through every door: the search page, the API search, "more like this", the practice page and API, and
the command line (which searches as the workspace would).
"""

from __future__ import annotations

import json

import pytest

from citydip.core.tenancy import Role
from citydip.workspaces import service as workspaces
from practices.practice_helpers import add_practice
from support.factories import PASSWORD, add_member, make_user, make_workspace

TEXT = "Lighthouse programme: rooftop solar panels on municipal schools to cut electricity bills."
VISIBLE = {
    "ALPHA-PRIVATE",
    "ALPHA-NETWORK",
    "BETA-NETWORK",
    "BETA-PUBLIC",
    "GAMMA-PUBLIC",
    "DELTA-NETWORK",
    "DELTA-PUBLIC",
}
HIDDEN = {"BETA-PRIVATE", "GAMMA-PRIVATE", "GAMMA-NETWORK", "DELTA-PRIVATE"}


@pytest.fixture
def world(sys_session):
    """alpha and beta share a network; gamma is outside it; the alpha user is also a member of delta."""
    ids = {}
    with sys_session() as s:
        user = make_user(s, "ana@alpha.example")
        alpha = make_workspace(s, "alpha", owner=user)
        beta = make_workspace(s, "beta", owner=make_user(s, "bo@beta.example"))
        gamma = make_workspace(s, "gamma", owner=make_user(s, "gus@gamma.example"))
        delta = make_workspace(s, "delta")
        add_member(s, user, delta, Role.viewer)
        net = workspaces.create_network(s, "solar-net", "Solar network")
        workspaces.join_network(s, net, alpha)
        workspaces.join_network(s, net, beta)
        for ws in (alpha, beta, gamma, delta):
            for vis in ("private", "network", "public"):
                if ws.slug == "alpha" and vis == "public":
                    continue
                name = f"{ws.slug.upper()}-{vis.upper()}"
                ids[name] = add_practice(
                    s, ws, f"{name} rooftop solar", summary=TEXT, visibility=vis, external_id=name, sdgs=[7]
                ).id
    return ids


def _titles(text: str) -> set[str]:
    return {name for name in VISIBLE | HIDDEN if name in text}


def test_search_page_shows_own_shared_and_public_only(make_client, world):
    b = make_client().login("ana@alpha.example", PASSWORD)
    page = b.get("/w/alpha/practices/search", params={"q": "rooftop solar schools", "limit": "50"})
    assert page.status_code == 200
    assert _titles(page.text) == VISIBLE


def test_api_search_and_more_like_this_follow_the_same_rule(make_client, world):
    b = make_client().login("ana@alpha.example", PASSWORD)
    hits = b.api(
        "GET",
        "/api/v1/workspaces/alpha/practices/search",
        params={"q": "Lighthouse rooftop solar", "limit": "50"},
    ).json()["hits"]
    assert {h["external_id"] for h in hits} == VISIBLE
    similar = b.api(
        "GET", f"/api/v1/workspaces/alpha/practices/{world['ALPHA-PRIVATE']}/similar", params={"limit": "50"}
    ).json()["hits"]
    assert {h["external_id"] for h in similar} == VISIBLE - {"ALPHA-PRIVATE"}


def test_visibility_filter_and_other_workspaces_view(make_client, world):
    b = make_client().login("bo@beta.example", PASSWORD)
    hits = b.api(
        "GET", "/api/v1/workspaces/beta/practices/search", params={"q": "rooftop solar", "limit": "50"}
    ).json()["hits"]
    assert {h["external_id"] for h in hits} == {
        "BETA-PRIVATE",
        "BETA-NETWORK",
        "BETA-PUBLIC",
        "ALPHA-NETWORK",
        "GAMMA-PUBLIC",
        "DELTA-PUBLIC",
    }
    public = b.api(
        "GET",
        "/api/v1/workspaces/beta/practices/search",
        params={"q": "rooftop solar", "visibility": "public", "limit": "50"},
    ).json()["hits"]
    assert {h["external_id"] for h in public} == {"BETA-PUBLIC", "GAMMA-PUBLIC", "DELTA-PUBLIC"}


def test_practice_pages_of_hidden_records_are_404(make_client, world):
    b = make_client().login("ana@alpha.example", PASSWORD)
    for name in VISIBLE:
        assert b.get(f"/w/alpha/practices/{world[name]}").status_code == 200, name
        assert b.api("GET", f"/api/v1/workspaces/alpha/practices/{world[name]}").status_code == 200, name
    for name in HIDDEN:
        page = b.get(f"/w/alpha/practices/{world[name]}")
        assert page.status_code == 404 and name not in page.text, name
        assert b.api("GET", f"/api/v1/workspaces/alpha/practices/{world[name]}").status_code == 404, name
        assert b.get(f"/w/alpha/practices/{world[name]}/similar").status_code == 404, name


def test_shared_practices_are_read_only_for_others(make_client, world):
    b = make_client().login("ana@alpha.example", PASSWORD)
    pid = world["BETA-NETWORK"]
    assert "/edit" not in b.get(f"/w/alpha/practices/{pid}").text.split("Similar practices")[0]
    assert b.get(f"/w/alpha/practices/{pid}/edit").status_code == 404
    assert b.post(f"/w/alpha/practices/{pid}/delete").status_code == 404
    assert b.api("DELETE", f"/api/v1/workspaces/alpha/practices/{pid}").status_code == 404
    assert (
        b.api("PUT", f"/api/v1/workspaces/alpha/practices/{pid}", json={"title": "hijack"}).status_code == 404
    )


def test_anonymous_and_outsiders_get_404(make_client, world):
    anon = make_client()
    assert anon.get("/api/v1/workspaces/alpha/practices/search", params={"q": "solar"}).status_code in (
        401,
        404,
    )
    gus = make_client().login("gus@gamma.example", PASSWORD)
    assert gus.get("/w/alpha/practices/search", params={"q": "solar"}).status_code == 404
    hits = gus.api(
        "GET", "/api/v1/workspaces/gamma/practices/search", params={"q": "rooftop solar", "limit": "50"}
    ).json()["hits"]
    assert {h["external_id"] for h in hits} == {
        "GAMMA-PRIVATE",
        "GAMMA-NETWORK",
        "GAMMA-PUBLIC",
        "BETA-PUBLIC",
        "DELTA-PUBLIC",
    }


def test_command_line_searches_as_the_workspace(cli, world):
    code, out = cli(
        "practices", "search", "rooftop solar schools", "--workspace", "alpha", "--limit", "50", "--json"
    )
    assert code == 0, out
    found = {h["external_id"] for h in json.loads(out)}
    # the command line has no user: it sees what the workspace sees through its networks (not delta's records,
    # which the alpha user sees only as a member of delta)
    assert found == (VISIBLE - {"DELTA-NETWORK"})
