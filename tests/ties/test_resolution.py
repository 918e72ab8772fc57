"""Matching places from tie files to reference cities: names, countries, qualifiers, coordinates."""

from __future__ import annotations

import pytest

from citydip.ties.placenames import name_variants, parse_country
from citydip.ties.resolution import CityIndex, Place, Status


@pytest.fixture(scope="module")
def index(template_db) -> CityIndex:
    """One index of the migrated template database for the whole module (reading only)."""
    from sqlalchemy.orm import Session

    from citydip.core.database import make_engine

    engine = make_engine(template_db.url, pool=False)
    try:
        with Session(engine) as s:
            return CityIndex.build(s)
    finally:
        engine.dispose()


def _label(index: CityIndex, place: Place) -> tuple[str, str | None]:
    res = index.resolve(place)
    return res.status.value, (index.label(res.city_id) if res.city_id else None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Köln", "Köln, DE"),
        ("München", "Munich, DE"),
        ("Mailand", "Milan, IT"),
        ("Moskau", "Moscow, RU"),
        ("Kiew", "Kyiv, UA"),
        ("Wien", "Vienna, AT"),
        ("Lissabon", "Lisbon, PT"),
    ],
)
def test_german_labels_resolve_through_alternate_names(index, name, expected):
    assert _label(index, Place(name)) == ("resolved", expected)


def test_same_name_in_two_countries_needs_the_country(index):
    alone = index.resolve(Place("Valencia"))
    assert alone.status is Status.ambiguous and alone.city_id is None
    assert {index.country[c] for c in alone.candidates} >= {"ES", "VE"}
    # The note names each namesake's region, since namesakes often share a country.
    assert "Valencia, ES" in alone.note and "Valencia, Carabobo, VE" in alone.note
    assert _label(index, Place("Valencia", "Spain")) == ("resolved", "Valencia, ES")
    assert _label(index, Place("Valencia", "Venezuela")) == ("resolved", "Valencia, VE")
    assert _label(index, Place("Cambridge", "England, United Kingdom")) == ("resolved", "Cambridge, GB")


def test_several_namesakes_in_one_country_stay_ambiguous(index):
    res = index.resolve(Place("Springfield", "United States"))
    assert res.status is Status.ambiguous
    assert len(res.candidates) >= 3 and all(index.country[c] == "US" for c in res.candidates)


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Sao Paulo", "Brazil", "São Paulo, BR"),
        ("São Paulo", "", "São Paulo, BR"),
        ("Zurich", "Switzerland", "Zürich, CH"),
        ("Krakow", "Poland", "Kraków, PL"),
        ("Nis", "Serbia", "Niš, RS"),
        ("KÖLN", "", "Köln, DE"),
    ],
)
def test_accents_and_case_do_not_matter(index, name, country, expected):
    assert _label(index, Place(name, country)) == ("resolved", expected)


def test_small_towns_of_the_1000_list_resolve(index):
    """Most twinned towns are small: Bérat (1,589 people) is twinned with Berat, Albania."""
    assert _label(index, Place("Bérat", "France")) == ("resolved", "Bérat, FR")
    assert _label(index, Place("Oradour-sur-Glane", "France")) == ("resolved", "Oradour-sur-Glane, FR")
    # Three villages of one name in one country: a person picks, helped by the regions in the note.
    res = index.resolve(Place("Krzeszów", "Poland"))
    assert res.status is Status.ambiguous and len(res.candidates) == 3
    assert "Lesser Poland" in res.note and "Lower Silesia" in res.note and "Subcarpathia" in res.note


def test_unknown_places_and_countries_are_unresolved(index):
    small = index.resolve(Place("Lidice", "Czech Republic"))  # a village of 500, below the 1,000 list
    assert small.status is Status.unresolved and small.city_id is None
    assert index.resolve(Place("Atlantis", "Greece")).status is Status.unresolved
    typo = index.resolve(Place("Paris", "Frnace"))
    assert typo.status is Status.unresolved and "Frnace" in typo.note
    assert index.resolve(Place("   ", "France")).status is Status.unresolved


def test_a_close_spelling_is_only_a_suggestion_without_coordinates(index):
    res = index.resolve(Place("Wroclawek", "Poland"))  # Włocławek or Wrocław? Not for a machine to say.
    assert res.status is Status.unresolved and res.city_id is None
    assert [index.label(c) for c in res.candidates][:2] == ["Włocławek, PL", "Wrocław, PL"]
    assert "closest spelling" in res.note


def test_bracketed_parent_city_must_be_near(index):
    assert _label(index, Place("Mitte (Berlin)", "Germany")) == ("resolved", "Mitte, DE")
    far = index.resolve(Place("Binhai (Tianjin)", "China"))
    assert far.status is Status.unresolved and "Tianjin" in far.note
    assert _label(index, Place("Halle (Saale)", "Germany")) == ("resolved", "Halle (Saale), DE")


def test_a_dropped_region_qualifier_asks_a_person(index):
    res = index.resolve(Place("Suzhou, Jiangsu", "China"))
    assert res.status is Status.ambiguous and "Jiangsu" in res.note
    assert all(index.names[c] == "Suzhou" for c in res.candidates)


def test_country_cells_as_the_lists_write_them():
    assert parse_country("England, United Kingdom").codes == ("GB",)
    assert parse_country("Georgia (country)").codes == ("GE",)
    assert parse_country("Réunion, France").codes == ("RE", "FR")
    assert parse_country("Republic of Ireland").codes == ("IE",)
    assert parse_country("Madagaskar").codes == ("MG",)
    assert parse_country("").known and parse_country("").codes == ()
    assert not parse_country("Atlantis").known


def test_most_specific_country_wins(index):
    assert _label(index, Place("Saint-Denis", "Réunion, France")) == ("resolved", "Saint-Denis, RE")
    assert _label(index, Place("Saint-Denis", "France")) == ("resolved", "Saint-Denis, FR")


def test_coordinates_pick_the_namesake_and_reject_far_ones(index):
    near_minsk_border = Place("Brest", "", lat=52.1, lon=23.7)
    assert _label(index, near_minsk_border) == ("resolved", "Brest, BY")
    brittany = Place("Brest", "", lat=48.39, lon=-4.49)
    assert _label(index, brittany) == ("resolved", "Brest, FR")
    cantabria = index.resolve(Place("Comillas", "ES", lat=43.386, lon=-4.29))  # the one in Cantabria
    assert cantabria.status is Status.resolved and cantabria.method == "exact+coordinates"
    assert index.regions[cantabria.city_id] == "Cantabria"
    elsewhere = index.resolve(Place("Brest", "", lat=10.0, lon=10.0))  # no Brest near Nigeria
    assert elsewhere.status is Status.ambiguous and "km" in elsewhere.note


def test_airport_codes_are_not_names(index):
    res = index.resolve(Place("CAN", "China"))  # Guangzhou's airport code is among its GeoNames alternates
    assert res.city_id is None or index.label(res.city_id) != "Guangzhou, CN"


def test_wikidata_id_wins_over_the_name(sys_session):
    with sys_session() as s:
        index = CityIndex.build(s)
    guangzhou = next(i for i, n in index.names.items() if n == "Guangzhou" and index.country[i] == "CN")
    index.learn_qid("Q16572", guangzhou)
    res = index.resolve(Place("Kanton-Stadt", qid="Q16572"))
    assert (res.status, res.city_id, res.method) == (Status.resolved, guangzhou, "wikidata")


def test_name_variants():
    assert [v.text for v in name_variants("Mitte (Berlin)")] == ["Mitte (Berlin)", "Mitte"]
    assert [v.kind for v in name_variants("Suzhou, Jiangsu")] == ["full", "comma"]
    assert [v.text for v in name_variants("Renaix/Ronse")] == ["Renaix/Ronse", "Renaix", "Ronse"]
