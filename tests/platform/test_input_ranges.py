"""Input that should be a 422, not a 500 (issue 11): numbers beyond the database's range, null for a required
field, numbers given for dates and times. Each answer names the field."""

from __future__ import annotations

from typing import Any

import pytest

from support.factories import PASSWORD, make_user, make_workspace

HUGE = 2**70


@pytest.fixture
def ana(make_client: Any, sys_session: Any) -> Any:
    with sys_session() as s:
        make_workspace(s, "la", owner=make_user(s, "ana@la.org"))
    return make_client().login("ana@la.org", PASSWORD)


def _fields(r: Any) -> set[str]:
    return {d["field"] for d in r.json()["error"]["details"]}


def test_integers_beyond_the_database_range(client: Any, ana: Any) -> None:
    r = client.get("/api/v1/reference/cities/1180591620717411303424")  # anonymous
    assert r.status_code == 422 and _fields(r) == {"geonames_id"}
    r = ana.api("POST", "/api/v1/workspaces/la/partners", json={"kind": "city", "name": "X", "city_id": HUGE})
    assert r.status_code == 422 and _fields(r) == {"city_id"}
    r = ana.api(
        "POST", "/api/v1/workspaces/la/engagements", json={"kind": "meeting", "title": "T", "jobs": HUGE}
    )
    assert r.status_code == 422 and "jobs" in _fields(r)
    r = ana.api(
        "POST",
        "/api/v1/workspaces/la/followups",
        json={"task": "T", "due_on": "2027-01-01", "owner_id": HUGE},
    )
    assert r.status_code == 422 and "owner_id" in _fields(r)
    r = ana.api("POST", f"/api/v1/workspaces/la/ties/{HUGE}/adopt")
    assert r.status_code == 422 and _fields(r) == {"tie_id"}


def test_null_for_a_required_field_is_a_422_naming_it(ana: Any) -> None:
    created = ana.api("POST", "/api/v1/workspaces/la/partners", json={"kind": "company", "name": "Acme"})
    assert created.status_code == 201
    r = ana.api("PATCH", f"/api/v1/workspaces/la/partners/{created.json()['id']}", json={"name": None})
    assert r.status_code == 422 and _fields(r) == {"name"}, r.text
    assert ana.api("GET", f"/api/v1/workspaces/la/partners/{created.json()['id']}").json()["name"] == "Acme"


def test_numbers_are_not_dates_or_times(ana: Any) -> None:
    r = ana.api("POST", "/api/v1/workspaces/la/followups", json={"task": "T", "due_on": 0})
    assert r.status_code == 422 and "due_on" in _fields(r)
    body = {"kind": "meeting", "title": "T", "starts_on": "2027-01-01", "start_time": 0}
    r = ana.api("POST", "/api/v1/workspaces/la/engagements", json=body)
    assert r.status_code == 422 and "start_time" in _fields(r)
    body["start_time"] = "09:30"
    ok = ana.api("POST", "/api/v1/workspaces/la/engagements", json=body)
    assert ok.status_code == 201, ok.text
