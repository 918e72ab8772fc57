"""Network index runs: coordinators build and delete, members read, everyone else gets 404."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from citydip.sdgindex.models import NetworkIndexRun
from citydip.workspaces import service as ws_service
from support.factories import PASSWORD, make_user, make_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdgindex"


def _world(sys_session) -> None:
    with sys_session() as s:
        coord = make_user(s, "coord@example.org")  # coordinates, belongs to no workspace
        la_owner = make_user(s, "la@example.org")
        la = make_workspace(s, "la", owner=la_owner)
        bristol_owner = make_user(s, "bristol@example.org")
        bristol = make_workspace(s, "bristol", owner=bristol_owner)
        outsider = make_user(s, "out@example.org")
        make_workspace(s, "elsewhere", owner=outsider)
        net = ws_service.create_network(s, "summit", "Summit cities")
        ws_service.join_network(s, net, la)
        ws_service.join_network(s, net, bristol)
        ws_service.add_coordinator(s, net, coord)
        other = ws_service.create_network(s, "other-net", "Other network")
        ws_service.join_network(s, other, la)


def _files() -> dict:
    return {
        "values_file": ("V.csv", (FIXTURES / "values_long.csv").read_bytes(), "text/csv"),
        "spec_file": ("S.csv", (FIXTURES / "spec.csv").read_bytes(), "text/csv"),
        "regions_file": ("R.csv", (FIXTURES / "regions.csv").read_bytes(), "text/csv"),
    }


def _upload(browser, slug: str = "summit"):
    data = {
        "title": "Summit index",
        "goal_colour": "two-worst",
        "impute": "region",
        "csrf_token": browser.csrf,
    }
    return browser.client.post(f"/n/{slug}/index/upload", data=data, files=_files(), follow_redirects=False)


def _count(sys_session) -> int:
    with sys_session() as s:
        return int(s.scalar(select(func.count()).select_from(NetworkIndexRun)) or 0)


def test_coordinator_builds_members_read_others_get_404(make_client, sys_session):
    _world(sys_session)
    coord = make_client().login("coord@example.org", PASSWORD)
    page = coord.get("/n/summit/index")
    assert page.status_code == 200 and 'action="/n/summit/index/upload"' in page.text
    r = _upload(coord)
    assert r.status_code == 303, r.text[:1500]
    url = r.headers["location"].split("?")[0]
    assert coord.get(url).status_code == 200
    assert coord.get(url + "/heatmap").status_code == 200

    member = make_client().login("bristol@example.org", PASSWORD)
    assert member.get("/n/summit/index").status_code == 200
    assert 'action="/n/summit/index/upload"' not in member.get("/n/summit/index").text
    assert "Summit index" in member.get("/n/summit/index").text
    assert member.get(url).status_code == 200
    assert member.get(url + "/city", params={"name": "Alpha"}).status_code == 200
    assert member.get(url + "/export.csv").status_code == 200
    assert _upload(member).status_code == 403
    assert member.post(url + "/delete").status_code == 403
    run_id = url.rsplit("/", 1)[1]
    assert member.api("DELETE", f"/api/v1/networks/summit/index-runs/{run_id}").status_code == 403
    assert member.api("GET", f"/api/v1/networks/summit/index-runs/{run_id}").status_code == 200
    assert _count(sys_session) == 1

    outsider = make_client().login("out@example.org", PASSWORD)
    anon = make_client()
    for client in (outsider, anon):
        assert client.get("/n/summit/index").status_code == 404
        assert client.get(url).status_code == 404
        assert client.get(url + "/export.csv").status_code == 404
        assert client.api("GET", "/api/v1/networks/summit/index-runs").status_code in (401, 404)
    assert outsider.post(url + "/delete").status_code == 404
    assert _upload(outsider).status_code == 404

    # A run belongs to its network: the same id under another network the member can see is not found.
    la = make_client().login("la@example.org", PASSWORD)
    assert la.get(f"/n/other-net/index/{run_id}").status_code == 404
    # The workspace page lists the networks whose indexes the user may open.
    assert 'href="/n/summit/index"' in la.get("/w/la/index").text

    assert coord.post(url + "/delete").status_code == 303
    assert _count(sys_session) == 0


def test_api_coordinator_creates_and_bad_input_is_named(make_client, sys_session):
    _world(sys_session)
    coord = make_client().login("coord@example.org", PASSWORD)
    body = {
        "title": "API summit",
        "values_csv": (FIXTURES / "values_long.csv").read_text(),
        "spec_csv": "indicator,goal,direction\npoverty,,lower\n",
    }
    r = coord.api("POST", "/api/v1/networks/summit/index-runs", json=body)
    assert r.status_code == 422
    messages = [d["message"] for d in r.json()["error"]["details"]]
    assert "S.csv, row 2, field 'goal': empty (indicator 'poverty' needs a goal)" in messages
    body["spec_csv"] = (FIXTURES / "spec.csv").read_text()
    r = coord.api("POST", "/api/v1/networks/summit/index-runs", json=body)
    assert r.status_code == 201, r.text
    listed = coord.api("GET", "/api/v1/networks/summit/index-runs").json()
    assert [x["title"] for x in listed] == ["API summit"]
    member = make_client().login("la@example.org", PASSWORD)
    assert member.api("POST", "/api/v1/networks/summit/index-runs", json=body).status_code == 403
