"""The demo seed: real Los Angeles sister cities as sample data, visible on every register page."""

from __future__ import annotations

from citydip.system.demo_workspaces import DEMO_EMAIL, DEMO_PASSWORD


def test_demo_seed_fills_the_register(cli, make_client):
    code, out = cli("demo")
    assert code == 0, out
    demo = make_client().login(DEMO_EMAIL, DEMO_PASSWORD)
    partners = demo.api("GET", "/api/v1/workspaces/los-angeles/partners?kind=city&per_page=50").json()[
        "items"
    ]
    names = {p["name"] for p in partners}
    assert {"Guangzhou", "Mexico City", "Vancouver", "Nagoya"} <= names
    assert all(p["city_id"] and "Sample data" in p["notes"] for p in partners)
    for path in (
        "/w/los-angeles/",
        "/w/los-angeles/map",
        "/w/los-angeles/calendar",
        "/w/los-angeles/partners",
        "/w/los-angeles/agreements",
        "/w/los-angeles/engagements",
        "/w/los-angeles/followups",
        "/w/houston/map",
        "/public/los-angeles/",
    ):
        r = demo.get(path)
        assert r.status_code == 200, path
    public = demo.get("/public/los-angeles/").text
    assert "Los Angeles – Guangzhou sister cities" in public
    assert "Trade mission to" in public and "12,000,000 USD" in public and "85 jobs" in public
    assert "overdue" in demo.get("/w/los-angeles/").text
