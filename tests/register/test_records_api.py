"""The register's records through the API: create, read, update, delete, filters, validation naming fields."""

from __future__ import annotations

import pytest

from citydip.core.tenancy import Role
from support.factories import PASSWORD, add_member, make_user

API = "/api/v1/workspaces/la"


def create(ana, path: str, body: dict) -> dict:
    r = ana.api("POST", f"{API}/{path}", json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
def ties(ana):
    """Guangzhou and Mexico City, a consulate, an agreement and an engagement."""
    gz = create(
        ana, "partners", {"kind": "city", "name": "Guangzhou", "country": "China", "external_id": "GZ"}
    )
    mx = create(ana, "partners", {"kind": "city", "name": "Mexico City", "city": "Mexico City, MX"})
    consulate = create(
        ana,
        "partners",
        {
            "kind": "consulate",
            "name": "Consulate General of China",
            "represented_country": "CN",
            "head_of_post": "Zhang Ping",
            "national_day": "10-01",
            "city": "Los Angeles, US",
        },
    )
    agreement = create(
        ana,
        "agreements",
        {
            "kind": "sister_city",
            "title": "LA - Guangzhou",
            "status": "active",
            "party_ids": [gz["id"]],
            "signed_on": "1981-12-08",
            "sdgs": [11, 17],
            "challenges": ["epidemics"],
            "fields": ["culture"],
            "signatories": [{"name": "Tom Bradley", "title": "Mayor"}],
        },
    )
    engagement = create(
        ana,
        "engagements",
        {
            "kind": "incoming_delegation",
            "title": "Guangzhou trade delegation",
            "starts_on": "2026-12-03",
            "ends_on": "2026-12-05",
            "partner_ids": [gz["id"], consulate["id"]],
            "agreement_ids": [agreement["id"]],
            "sdgs": [8],
            "challenges": ["economic_shocks"],
            "participants": [{"side": "theirs", "name": "Wen Li", "title": "Vice Mayor"}],
            "gifts": [
                {"direction": "received", "description": "Vase", "estimated_value": 120, "currency": "usd"}
            ],
            "protocol": {"interpretation": {"status": "todo", "note": "Mandarin"}},
            "investment_amount": 5000000,
            "investment_currency": "USD",
            "jobs": 40,
        },
    )
    return {"gz": gz, "mx": mx, "consulate": consulate, "agreement": agreement, "engagement": engagement}


def test_partners_link_reference_cities_and_countries(ties):
    assert ties["gz"]["country_code"] == "CN" and ties["gz"]["city_id"] is not None
    assert ties["mx"]["country_code"] == "MX" and ties["mx"]["city_id"] == 3530597
    assert ties["consulate"]["represented_country"] == "CN" and ties["consulate"]["country_code"] == "US"


def test_every_record_round_trips_through_get_patch_delete(ana, office, ties):
    eng = ana.api("GET", f"{API}/engagements/{ties['engagement']['id']}").json()
    assert eng["partners"] == "Guangzhou (CN); Consulate General of China (CN)"
    assert eng["country_code"] == "CN" and eng["gifts"][0]["currency"] == "USD"
    assert (
        eng["participants"][0]["name"] == "Wen Li" and eng["protocol"]["interpretation"]["note"] == "Mandarin"
    )
    r = ana.api("PATCH", f"{API}/partners/{ties['gz']['id']}", json={"name": "Guangzhou City"})
    assert r.status_code == 200 and r.json()["name"] == "Guangzhou City"
    # renaming a partner relabels what it is linked to
    assert (
        ana.api("GET", f"{API}/agreements/{ties['agreement']['id']}").json()["parties"]
        == "Guangzhou City (CN)"
    )
    r = ana.api(
        "PATCH", f"{API}/agreements/{ties['agreement']['id']}", json={"status": "dormant", "sdgs": [13]}
    )
    assert (
        r.json()["status"] == "dormant"
        and r.json()["sdgs"] == [13]
        and r.json()["challenges"] == ["epidemics"]
    )
    person = create(
        ana,
        "people",
        {
            "partner_id": ties["consulate"]["id"],
            "name": "Zhang Ping",
            "title": "Consul General",
            "honorific": "The Honorable",
            "languages": "zh, en",
        },
    )
    assert (
        ana.api("PATCH", f"{API}/people/{person['id']}", json={"title": "Ambassador"}).json()["title"]
        == "Ambassador"
    )
    fu = create(
        ana,
        "followups",
        {
            "task": "Send thanks",
            "owner_id": office.owner_id,
            "due_on": "2026-12-10",
            "engagement_id": ties["engagement"]["id"],
        },
    )
    assert fu["partner_id"] == ties["gz"]["id"]  # taken from the engagement's first partner
    r = ana.api("PATCH", f"{API}/followups/{fu['id']}", json={"status": "done"})
    assert r.json()["completed_at"] is not None
    for path in (
        f"followups/{fu['id']}",
        f"people/{person['id']}",
        f"engagements/{ties['engagement']['id']}",
        f"agreements/{ties['agreement']['id']}",
        f"partners/{ties['mx']['id']}",
    ):
        assert ana.api("DELETE", f"{API}/{path}").status_code == 204, path
        assert ana.api("GET", f"{API}/{path}").status_code == 404, path


def test_deleting_a_partner_keeps_engagements_and_relabels_them(ana, ties):
    assert ana.api("DELETE", f"{API}/partners/{ties['consulate']['id']}").status_code == 204
    eng = ana.api("GET", f"{API}/engagements/{ties['engagement']['id']}").json()
    assert eng["partners"] == "Guangzhou (CN)" and len(eng["partner_ids"]) == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "agreements",
            {"kind": "mou", "title": "X", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
            "ends_on",
        ),
        (
            "engagements",
            {"kind": "meeting", "title": "X", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
            "ends_on",
        ),
        (
            "engagements",
            {
                "kind": "meeting",
                "title": "X",
                "starts_on": "2026-05-02",
                "gifts": [{"direction": "given", "description": "Pen", "estimated_value": -1}],
            },
            "gifts.0.estimated_value",
        ),
        ("engagements", {"kind": "meeting", "title": "X", "starts_on": "2026-05-02", "jobs": -3}, "jobs"),
        ("followups", {"task": "No owner", "due_on": "2026-05-01"}, "owner_id"),
        ("followups", {"task": "No date", "owner_email": "ana@lacity.example"}, "due_on"),
        ("partners", {"kind": "city", "name": "Atlantis", "country": "Atlantis"}, "country"),
        ("partners", {"kind": "planet", "name": "Mars"}, "kind"),
        ("partners", {"kind": "consulate", "name": "C", "national_day": "13-45"}, "national_day"),
        ("agreements", {"kind": "mou", "title": "X", "sdgs": [18]}, "sdgs"),
        ("agreements", {"kind": "mou", "title": "X", "challenges": ["boredom"]}, "challenges"),
        # a misspelt or unknown field is refused, not silently dropped
        (
            "followups",
            {"task": "T", "owner_email": "ana@lacity.example", "due_on": "2026-05-01", "partner_ids": []},
            "partner_ids",
        ),
        ("partners", {"kind": "city", "name": "Leeds", "contry": "GB"}, "contry"),
    ],
)
def test_bad_input_names_the_field(ana, office, path, body, field):
    r = ana.api("POST", f"{API}/{path}", json=body)
    assert r.status_code == 422, r.text
    fields = [d["field"] for d in r.json()["error"]["details"]]
    assert field in fields, fields


def test_follow_up_owner_must_be_a_member(ana, sys_session):
    with sys_session() as s:
        make_user(s, "stranger@example.org")
    r = ana.api(
        "POST",
        f"{API}/followups",
        json={"task": "x", "owner_email": "stranger@example.org", "due_on": "2026-05-01"},
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "owner_id"


def test_duplicates_are_refused_with_the_field(ana, ties):
    r = ana.api("POST", f"{API}/partners", json={"kind": "city", "name": "guangzhou", "country": "CN"})
    assert r.status_code == 409 and r.json()["error"]["details"][0]["field"] == "name"
    r = ana.api("POST", f"{API}/partners", json={"kind": "company", "name": "Acme", "external_id": "GZ"})
    assert r.status_code == 409 and r.json()["error"]["details"][0]["field"] == "external_id"


def test_list_filters(ana, ties):
    def ids(path: str) -> list[str]:
        r = ana.api("GET", f"{API}/{path}")
        assert r.status_code == 200, r.text
        return [i["id"] for i in r.json()["items"]]

    assert ids("partners?country=MX") == [ties["mx"]["id"]]
    assert ids("partners?kind=consulate") == [ties["consulate"]["id"]]
    assert ids("partners?q=mexico") == [ties["mx"]["id"]]
    assert ids("agreements?sdg=11") == [ties["agreement"]["id"]] and ids("agreements?sdg=3") == []
    assert ids("agreements?challenge=epidemics&status=active&country=CN") == [ties["agreement"]["id"]]
    assert ids("agreements?from=1980-01-01&to=1982-01-01") == [ties["agreement"]["id"]]
    assert (
        ids("agreements?field=culture") == [ties["agreement"]["id"]] and ids("agreements?field=health") == []
    )
    assert ids(f"agreements?partner_id={ties['gz']['id']}") == [ties["agreement"]["id"]]
    assert ids("engagements?sdg=8&challenge=economic_shocks") == [ties["engagement"]["id"]]
    assert ids("engagements?from=2026-12-01&to=2026-12-31&kind=incoming_delegation") == [
        ties["engagement"]["id"]
    ]
    assert ids("engagements?from=2027-01-01") == []
    assert ids(f"engagements?partner_id={ties['consulate']['id']}") == [ties["engagement"]["id"]]
    assert ids("engagements?q=trade") == [ties["engagement"]["id"]]
    r = ana.api("GET", f"{API}/engagements?from=not-a-date")
    assert r.status_code == 422 and [d["field"] for d in r.json()["error"]["details"]] == ["from"]
    r = ana.api("GET", f"{API}/engagements?sort=nope")
    assert r.status_code == 422 and [d["field"] for d in r.json()["error"]["details"]] == ["sort"]


def test_viewers_read_but_do_not_write(ana, office, ties, sys_session, make_client):
    with sys_session() as s:
        from citydip.workspaces.repository import workspace_by_slug

        viewer = make_user(s, "vera@lacity.example")
        add_member(s, viewer, workspace_by_slug(s, "la"), Role.viewer)
    vera = make_client().login("vera@lacity.example", PASSWORD)
    assert vera.api("GET", f"{API}/partners").json()["total"] == 3
    r = vera.api("POST", f"{API}/partners", json={"kind": "city", "name": "Berlin"})
    assert r.status_code == 403
    assert vera.api("DELETE", f"{API}/partners/{ties['gz']['id']}").status_code == 403


def test_openapi_describes_every_field(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    for name in (
        "PartnerIn",
        "AgreementIn",
        "EngagementIn",
        "FollowUpIn",
        "PersonIn",
        "GiftIn",
        "ParticipantIn",
    ):
        props = components[name]["properties"]
        missing = [k for k, v in props.items() if not v.get("description")]
        assert not missing, (name, missing)
    paths = schema["paths"]
    for path in (
        "/api/v1/workspaces/{ws}/partners",
        "/api/v1/workspaces/{ws}/engagements/{engagement_id}",
        "/api/v1/workspaces/{ws}/register/import/{record_kind}",
        "/api/v1/workspaces/{ws}/calendar.ics",
    ):
        assert path in paths, path
    filters = {p["name"] for p in paths["/api/v1/workspaces/{ws}/engagements"]["get"]["parameters"]}
    assert {"country", "kind", "status", "sdg", "challenge", "from", "to", "q"} <= filters


def test_challenges_are_one_shared_list(ana, client, sys_session, make_client):
    codes = [c["code"] for c in ana.api("GET", "/api/v1/register/challenges").json()]
    assert len(codes) == 12 and "extreme_heat" in codes
    assert (
        ana.api(
            "POST", "/api/v1/register/challenges", json={"code": "drought", "label": "Drought"}
        ).status_code
        == 404
    )
    with sys_session() as s:
        make_user(s, "admin@example.org", admin=True)
    admin = make_client().login("admin@example.org", PASSWORD)
    assert (
        admin.api(
            "POST", "/api/v1/register/challenges", json={"code": "drought", "label": "Drought"}
        ).status_code
        == 201
    )
    r = ana.api(
        "POST", f"{API}/agreements", json={"kind": "mou", "title": "Water", "challenges": ["Drought"]}
    )
    assert r.status_code == 201 and r.json()["challenges"] == ["drought"]
    assert admin.api("DELETE", "/api/v1/register/challenges/drought").status_code == 409
    assert admin.api("DELETE", "/api/v1/register/challenges/inequality").status_code == 204
