"""Practice API: create, read, replace, delete, list, search, more like this, SDG suggestions, bad input."""

from __future__ import annotations

import pytest

from support.factories import PASSWORD, make_user, make_workspace

BASE = "/api/v1/workspaces/turin/practices"
CYCLE = {
    "title": "Protected cycle lanes",
    "city": "Leeds",
    "country": "GB",
    "sdgs": [13, 11],
    "summary": "The council built 25 km of cycle lanes separated from traffic by kerbs.",
    "outcome_figures": [{"label": "Lanes built", "value": 25, "unit": "km"}],
    "links": [{"url": "https://example.org/lanes", "label": "Project page"}],
    "visibility": "network",
    "external_id": "api-1",
}


@pytest.fixture
def b(sys_session, make_client):
    with sys_session() as s:
        make_workspace(s, "turin", owner=make_user(s, "to@turin.example"))
    return make_client().login("to@turin.example", PASSWORD)


def test_create_read_replace_delete(b):
    r = b.api("POST", BASE, json=CYCLE)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["workspace"] == "turin" and body["sdgs"] == [11, 13] and body["city_id"] is not None
    assert body["outcome_figures"][0]["value"] == 25 and body["language"] == "en"
    pid = body["id"]
    assert b.api("GET", f"{BASE}/{pid}").json()["title"] == "Protected cycle lanes"
    r = b.api("PUT", f"{BASE}/{pid}", json={**CYCLE, "title": "Protected bike lanes", "sdgs": [11]})
    assert r.status_code == 200 and r.json()["title"] == "Protected bike lanes" and r.json()["sdgs"] == [11]
    listing = b.api("GET", BASE, params={"sort": "title"}).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == pid
    assert b.api("DELETE", f"{BASE}/{pid}").status_code == 204
    assert b.api("GET", f"{BASE}/{pid}").status_code == 404


def test_validation_errors_name_fields(b):
    r = b.api("POST", BASE, json={"title": "", "sdgs": [19], "budget": -5, "unknown": 1})
    assert r.status_code == 422
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert {"title", "sdgs", "budget", "unknown"} <= {f.split(".")[-1] for f in fields} | fields
    b.api("POST", BASE, json=CYCLE)
    dup = b.api("POST", BASE, json=CYCLE)
    assert dup.status_code == 409 and dup.json()["error"]["details"][0]["field"] == "external_id"


def test_search_json_and_filters(b):
    b.api("POST", BASE, json=CYCLE)
    b.api(
        "POST",
        BASE,
        json={
            "title": "Nuove piste ciclabili",
            "city": "Bologna",
            "sdgs": [11],
            "summary": "Una rete di piste ciclabili protette.",
        },
    )
    b.api(
        "POST",
        BASE,
        json={
            "title": "Food banks in markets",
            "sdgs": [2, 12],
            "sectors": ["food"],
            "summary": "Markets give unsold food to food banks.",
        },
    )
    r = b.api("GET", f"{BASE}/search", params={"q": "cycle lanes"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert hits[0]["external_id"] == "api-1" and "<mark>cycle</mark>" in hits[0]["snippet_html"]
    assert {
        "id",
        "external_id",
        "title",
        "city",
        "score",
        "snippet",
        "keyword_rank",
        "dense_rank",
        "matched_words",
    } <= set(hits[0])
    assert hits[0]["matched_words"] is True
    unrelated = [h for h in hits if h["title"] == "Food banks in markets"]
    assert all(h["matched_words"] is False for h in unrelated)
    assert "Nuove piste ciclabili" in [h["title"] for h in hits]
    only13 = b.api("GET", f"{BASE}/search", params={"q": "cycle lanes", "sdg": "13"}).json()["hits"]
    assert [h["external_id"] for h in only13] == ["api-1"]
    food = b.api("GET", f"{BASE}/search", params={"q": "food", "sector": "Food", "limit": "1"}).json()["hits"]
    assert [h["title"] for h in food] == ["Food banks in markets"]
    assert (
        b.api(
            "GET", f"{BASE}/search", params={"q": "cycle", "country": "GB", "region": "Northern Europe"}
        ).json()["hits"][0]["external_id"]
        == "api-1"
    )
    pid = hits[0]["id"]
    similar = b.api("GET", f"{BASE}/{pid}/similar").json()["hits"]
    assert similar[0]["title"] == "Nuove piste ciclabili" and pid not in [h["id"] for h in similar]


@pytest.mark.parametrize("q", ["", " ", "x" * 10_000, "ሰላም ለዓለም", '"unbalanced (NEAR* ^ OR', "{}[]!?;*"])
def test_bad_queries_give_results_or_empty_list(b, q):
    b.api("POST", BASE, json=CYCLE)
    r = b.api("GET", f"{BASE}/search", params={"q": q})
    assert r.status_code == 200 and isinstance(r.json()["hits"], list)


def test_bad_filters_are_422_naming_the_parameter(b):
    r = b.api("GET", f"{BASE}/search", params={"q": "x", "sdg": "eighteen"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "sdg"
    r = b.api("GET", f"{BASE}/search", params={"q": "x", "mode": "magic"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "mode"


def test_sdg_suggestions(b):
    r = b.api(
        "POST",
        f"{BASE}/suggest-sdgs",
        json={"title": "Rooftop solar on schools", "text": "Solar panels produce renewable energy."},
    )
    assert r.status_code == 200
    goals = r.json()
    assert (
        len(goals) == 3 and 7 in [g["goal"] for g in goals] and all(0 <= g["confidence"] <= 1 for g in goals)
    )
    assert b.api("POST", f"{BASE}/suggest-sdgs", json={"title": "", "text": ""}).json() == []
