"""The register on a workspace's public front page: only what the office published, and what it brought."""

from __future__ import annotations

API = "/api/v1/workspaces/la"


def test_public_front_page_shows_published_register_records_only(ana, office, client):
    def post(path, body):
        r = ana.api("POST", f"{API}/{path}", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    shown = post(
        "partners",
        {
            "kind": "city_network",
            "name": "C40 Cities",
            "visibility": "public",
            "website": "https://www.c40.org",
        },
    )
    post(
        "partners",
        {
            "kind": "company",
            "name": "Quiet Partner Ltd",
            "website": "javascript:alert(1)",
            "visibility": "public",
        },
    )
    post("partners", {"kind": "company", "name": "Hidden Supplier Inc"})  # private
    post(
        "engagements",
        {
            "kind": "incoming_delegation",
            "title": "Busan port delegation",
            "starts_on": "2026-03-02",
            "visibility": "public",
            "jobs": 120,
            "investment_amount": 2_500_000,
            "investment_currency": "USD",
            "partner_ids": [shown["id"]],
        },
    )
    post(
        "engagements",
        {
            "kind": "outgoing_mission",
            "title": "Trade mission to Seoul",
            "starts_on": "2026-04-10",
            "visibility": "public",
            "jobs": 30,
            "students": 12,
        },
    )
    post("engagements", {"kind": "meeting", "title": "Confidential briefing", "starts_on": "2026-05-01"})
    page = client.get("/public/la/").text
    assert "Delegations, missions and meetings" in page and "Partners" in page
    assert "Busan port delegation" in page and "Trade mission to Seoul" in page
    assert "Confidential briefing" not in page and "Hidden Supplier Inc" not in page
    assert "C40 Cities" in page and 'href="https://www.c40.org"' in page
    assert "javascript:" not in page  # a website that is not http(s) is not made a link
    brought = page.split("What these engagements brought home:")[1].split("</p>")[0]
    assert "2,500,000 USD" in brought and "150 jobs" in brought and "12 students" in brought
    assert "export deals" not in brought  # nothing recorded, nothing claimed
    assert "nan" not in page.lower().replace("nantes", "")
