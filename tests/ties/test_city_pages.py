"""City pages and API: a city's public twins with their sources, and its network memberships."""

from __future__ import annotations

import pytest

from support.factories import PASSWORD, add_member, make_user, make_workspace
from ties.ties_helpers import NAMES, TIES, city_named, run_import

ETMUN = TIES / "etmun_members.csv"


@pytest.fixture
def loaded(sys_session):
    run_import(sys_session, TIES / "relations.tsv", "wikidata", names=NAMES)
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    run_import(sys_session, ETMUN, "etmun", "membership")
    with sys_session() as s:
        return {
            "guangzhou": city_named(s, "Guangzhou", "CN").geonames_id,
            "la": city_named(s, "Los Angeles", "US").geonames_id,
            "vienna": city_named(s, "Vienna", "AT").geonames_id,
            "aalborg": city_named(s, "Aalborg", "DK").geonames_id,
            "tbilisi": city_named(s, "Tbilisi", "GE").geonames_id,
        }


def test_who_else_is_twinned_with_guangzhou(client, loaded):
    page = client.get(f"/reference/cities/{loaded['guangzhou']}")
    assert page.status_code == 200
    text = page.text
    assert "Twin towns and sister cities" in text
    assert "Los Angeles" in text and "Vienna" in text
    assert "Wikidata · CC0" in text and "Wikipedia · CC BY-SA 4.0" in text
    assert f'href="/reference/cities/{loaded["la"]}"' in text
    assert "Adopt as agreement" not in text  # nobody signed in


def test_twins_api_lists_every_source(client, loaded):
    r = client.get(f"/api/v1/reference/cities/{loaded['guangzhou']}/twins")
    assert r.status_code == 200
    twins = {t["city"]["name"]: t for t in r.json()}
    assert set(twins) == {"Los Angeles", "Vienna"}
    la_sources = sorted((s["source"], s["licence"]) for s in twins["Los Angeles"]["sources"])
    assert la_sources == [("wikidata", "CC0-1.0"), ("wikipedia", "CC-BY-SA-4.0")]
    assert twins["Vienna"]["sources"][0]["reference"].startswith("Kanton")
    assert client.get("/api/v1/reference/cities/1/twins").status_code == 404


def test_networks_on_the_city_page_and_api(client, loaded):
    page = client.get(f"/reference/cities/{loaded['aalborg']}")
    assert "City networks" in page.text and "CIVITAS" in page.text and "2002" in page.text
    r = client.get(f"/api/v1/reference/cities/{loaded['aalborg']}/networks")
    assert r.status_code == 200
    (m,) = r.json()
    assert (m["network"], m["year_joined"], m["source"]) == ("CIVITAS", 2002, "etmun")


def test_empty_sections_say_so(client, loaded):
    page = client.get(f"/reference/cities/{loaded['tbilisi']}")
    assert "No network membership of Tbilisi is known yet." in page.text
    assert client.get(f"/api/v1/reference/cities/{loaded['tbilisi']}/networks").json() == []


def test_adopt_button_only_for_editors_of_a_city_on_one_side(sys_session, make_client, loaded):
    with sys_session() as s:
        owner = make_user(s, "la.owner@example.org")
        ws = make_workspace(s, "la-office", city="Los Angeles, US", owner=owner, name="LA Office")
        viewer = make_user(s, "la.viewer@example.org")
        from citydip.core.tenancy import Role

        add_member(s, viewer, ws, Role.viewer)
        other = make_user(s, "paris.owner@example.org")
        make_workspace(s, "paris-office", city="Paris, FR", owner=other)
    editor = make_client().login("la.owner@example.org", PASSWORD)
    gz = editor.get(f"/reference/cities/{loaded['guangzhou']}").text
    assert gz.count("Adopt as agreement of LA Office") == 1  # Los Angeles-Guangzhou, not Vienna-Guangzhou
    assert "/w/la-office/ties/" in gz
    la = editor.get(f"/reference/cities/{loaded['la']}").text
    assert la.count("Adopt as agreement of LA Office") == 1
    for email in ("la.viewer@example.org", "paris.owner@example.org"):
        other_client = make_client().login(email, PASSWORD)
        assert "Adopt as agreement" not in other_client.get(f"/reference/cities/{loaded['guangzhou']}").text
