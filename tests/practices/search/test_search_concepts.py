"""The multilingual concept dictionary, the concept list and the language slots (practices.search.concepts,
crosslang), on the dictionary shipped with the package and a small fixture corpus of our own."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace

import pytest

from citydip.practices.search import AccessRule, PracticeDocument, SearchFilters, SqliteSearchEngine
from citydip.practices.search.access import filter_subquery
from citydip.practices.search.concepts import LANGS, ConceptDictionary, default_concepts, parse_concepts
from citydip.practices.search.crosslang import SLOT_HEAD, ConceptMatch
from practices.search.practice_search_helpers import REPO, ext_ids

FIXTURE = REPO / "tests" / "fixtures" / "practices" / "crosslang_fixture.jsonl"


def _docs() -> list[PracticeDocument]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    return [
        PracticeDocument(
            id=i,
            external_id=r["id"],
            title=r["title"],
            fields={"summary": r["text"]},
            language=r["lang"],
            country=r["lang"].upper(),
        )
        for i, r in enumerate(rows, start=1)
    ]


@pytest.fixture(scope="module")
def conn() -> Iterator[sqlite3.Connection]:
    c = sqlite3.connect(":memory:", check_same_thread=False)
    SqliteSearchEngine(c, concepts=False).index_many(_docs())
    yield c
    c.close()


def _engine(conn: sqlite3.Connection, **options: object) -> SqliteSearchEngine:
    return SqliteSearchEngine(conn, **options)  # type: ignore[arg-type]


def _keys(dictionary: ConceptDictionary, query: str) -> list[str]:
    return [c.key for c in dictionary.match(query)]


# ----- the dictionary -----


def test_shipped_dictionary_covers_five_languages_and_city_policy_domains() -> None:
    d = default_concepts()
    assert len(d) >= 100
    assert all(set(c.forms) == set(LANGS) for c in d.concepts.values())
    for key in (
        "cycle_lane",
        "heat_pump",
        "district_heating",
        "flooding",
        "affordable_housing",
        "migration",
        "composting",
        "heatwave",
        "drinking_water",
        "citizen_participation",
    ):
        assert key in d.concepts, key


@pytest.mark.parametrize(
    ("query", "concept"),
    [
        ("Radwege ausbauen", "cycle_lane"),
        ("Radwegeausbau", "cycle_lane"),
        ("Stadtradwegenetz erweitern", "cycle_lane"),  # a compound: the form is inside the word
        ("Fahrradwege", "cycle_lane"),  # longest form wins: not just "anything about bicycles"
        ("piste ciclabili sicure", "cycle_lane"),
        ("carriles bici protegidos", "cycle_lane"),
        ("pistes cyclables", "cycle_lane"),
        ("protected bike lanes", "cycle_lane"),
        ("Wärmepumpen in Wohngebäuden", "heat_pump"),
        ("pompe di calore", "heat_pump"),
        ("Schulhofbegrünung", "urban_greening"),
        ("lutte contre les îlots de chaleur", "urban_heat_island"),
        ("autopartage", "car_sharing"),
    ],
)
def test_queries_name_concepts_in_any_language(query: str, concept: str) -> None:
    assert _keys(default_concepts(), query) == [concept]


@pytest.mark.parametrize(
    "query", ["recycling of glass", "Innenstadt", "", "the of and", "ሰላም ለዓለም", "30 km/h"]
)
def test_words_that_merely_contain_a_form_name_no_concept(query: str) -> None:
    assert "cycling" not in _keys(default_concepts(), query)
    assert _keys(default_concepts(), query) in ([], ["recycling"])


def test_terms_cover_every_language_and_the_broader_concept() -> None:
    d = default_concepts()
    named = d.match("Radwege ausbauen")
    terms = d.terms(named, limit=500)
    assert {"pista ciclabile", "carril bici", "piste cyclable", "cycle lane", "radweg*"} <= set(terms)
    assert "bicicletta" in terms  # from the broader concept the cycle lane points to
    assert terms.index("pista ciclabile") < terms.index("bicicletta")
    by_lang = d.terms_by_language(named)
    assert set(by_lang) == set(LANGS) and "ciclabili" in by_lang["it"] and "bicicletta" not in by_lang["it"]
    assert "bicicletta" in d.terms_by_language(named, related=True)["it"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("en = cycle lane", "line 1: expected '[key] related...'"),
        ("[a]\nxx = word", "line 2: unknown language 'xx'"),
        ("[a]\nen = zone 30", "line 2: 'zone 30' has digits"),
        ("[a]\nde = rad weg*", "line 2: 'rad weg*' is not a stem"),
        ("[a]\nen = one\nen = two", "line 3: [a] lists 'en' twice"),
        ("[a]\nen = one\n[a]\nen = two", "concepts listed twice: a"),
        ("[a] b\nen = one", "[a] points to unknown concepts: b"),
        ("[a]\n", "concept [a] has no forms"),
    ],
)
def test_dictionary_errors_name_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"my\.txt") as err:
        parse_concepts(text, "my.txt")
    assert message in str(err.value)


# ----- the concept list in the engine -----


def test_concept_list_finds_a_record_that_shares_no_word_with_the_query(conn: sqlite3.Connection) -> None:
    with_concepts = ext_ids(_engine(conn, language_slots=False).search("Radwege ausbauen", limit=20))
    without = ext_ids(_engine(conn, concepts=False).search("Radwege ausbauen", limit=20))
    assert "cl-it-modular" in with_concepts
    assert "cl-it-modular" not in without[:10]
    assert with_concepts.index("cl-it-modular") < (
        without.index("cl-it-modular") if "cl-it-modular" in without else 99
    )
    hit = next(
        h for h in _engine(conn).search("Radwege ausbauen", limit=20) if h.external_id == "cl-it-modular"
    )
    assert hit.keyword_rank is None and "<mark>piste</mark> <mark>ciclabili</mark>" in hit.snippet_html
    assert hit.matched_words  # found through the dictionary's translation, not by meaning alone


def test_concept_list_respects_filters(conn: sqlite3.Connection) -> None:
    english_only = SearchFilters(languages=frozenset({"en"}))
    hits = _engine(conn).search("piste ciclabili", english_only, limit=20)
    assert hits and all(h.external_id.startswith("cl-en-") for h in hits)


def test_no_concept_list_outside_hybrid_mode(conn: sqlite3.Connection) -> None:
    assert "cl-it-modular" not in ext_ids(_engine(conn).search("Radwege ausbauen", limit=30, mode="keyword"))


# ----- the language slots -----


def _english_first() -> list[tuple[int, float]]:
    """A fused list whose first 20 hits are all English (as on the real corpus, where English dominates)."""
    ids = {d.external_id: d.id for d in _docs()}
    english = [ids[f"cl-en-{n:02d}"] for n in range(1, 13)] + [
        ids[k]
        for k in (
            "cl-en-bus",
            "cl-en-tram",
            "cl-en-parking",
            "cl-en-trains",
            "cl-en-cars",
            "cl-en-heat",
            "cl-en-waste",
            "cl-en-trees",
        )
    ]
    rest = [ids["cl-it-passing"], ids["cl-it-modular"], ids["cl-es-waste"]]
    return [(doc, 1.0 / (60 + rank)) for rank, doc in enumerate(english + rest, start=1)]


def test_a_missing_language_gets_its_best_match_right_after_the_first_ten(conn: sqlite3.Connection) -> None:
    eng = _engine(conn)
    ids = {d.id: d.external_id for d in _docs()}
    fused = _english_first()
    match = eng.concept_match("Radwege ausbauen", None, 100, None)
    placed_list, placed = eng.language_slots(fused, match, None, None)
    order = [ids[d] for d, _ in placed_list]
    assert [ids[d] for d in placed] == ["cl-it-modular"]
    assert order.index("cl-it-modular") == SLOT_HEAD  # the eleventh hit
    assert order[:SLOT_HEAD] == [ids[d] for d, _ in fused[:SLOT_HEAD]]  # the first ten are untouched
    modular = next(d for d, e in ids.items() if e == "cl-it-modular")
    assert dict(placed_list)[modular] == dict(fused)[modular]  # it keeps its own score
    assert sorted(placed_list) == sorted(fused)  # nothing lost, nothing added


def test_a_record_that_names_the_concept_in_passing_gets_no_slot() -> None:
    docs = [d for d in _docs() if d.external_id != "cl-it-modular"]
    with sqlite3.connect(":memory:") as c:
        eng = SqliteSearchEngine(c)
        eng.index_many(docs)
        ids = {d.external_id: d.id for d in docs}
        fused = [(d, s) for d, s in _english_first() if d in ids.values()]
        match = eng.concept_match("Radwege ausbauen", None, 100, None)
        assert ids["cl-it-passing"] in match.ids  # it is a concept match...
        assert eng.language_slots(fused, match, None, None) == (fused, set())  # ...but one "pista ciclabile"
        # in 1,200 characters does not make the record about cycle lanes


def test_slots_respect_filters(conn: sqlite3.Connection) -> None:
    eng = _engine(conn)
    ids = {d.external_id: d.id for d in _docs()}
    fused = _english_first()
    not_italian = filter_subquery(SearchFilters(countries=frozenset({"EN", "ES", "FR"})))
    match = eng.concept_match("Radwege ausbauen", not_italian, 100, None)  # the search passes both the same
    _, placed = eng.language_slots(fused, match, not_italian, None)
    assert ids["cl-it-modular"] not in placed
    hits = ext_ids(
        eng.search("Radwege ausbauen", SearchFilters(countries=frozenset({"EN", "ES", "FR"})), limit=30)
    )
    assert hits and not any(h.startswith("cl-it-") for h in hits)


def test_a_slot_searched_under_the_access_rule_stays_within_what_the_workspace_may_see(
    conn: sqlite3.Connection,
) -> None:
    eng = _engine(conn)
    docs = {d.external_id: d for d in _docs()}
    modular = docs["cl-it-modular"].id
    eng.search("Radwege", limit=1)  # a search loads the index state the in-memory rule reads
    found = eng.concept_match("Radwege ausbauen", None, 100, None)
    forced = ConceptMatch(found.named, found.terms, [])  # nothing from the list: the slot runs its own search
    rule = eng._access_rule(SearchFilters(access=AccessRule("ws-a")))
    assert modular in eng.language_slots(_english_first(), forced, None, rule)[1]
    eng.update(replace(docs["cl-it-modular"], visibility="private", workspace="ws-b"))
    eng.search("Radwege", limit=1)
    rule = eng._access_rule(SearchFilters(access=AccessRule("ws-a")))
    assert modular not in eng.language_slots(_english_first(), forced, None, rule)[1]
    own = eng._access_rule(SearchFilters(access=AccessRule("ws-b")))
    assert modular in eng.language_slots(_english_first(), forced, None, own)[1]


def test_slots_need_a_named_concept_and_a_long_enough_list(conn: sqlite3.Connection) -> None:
    eng = _engine(conn)
    fused = _english_first()
    assert eng.language_slots(fused, ConceptMatch(), None, None) == (fused, set())
    match = eng.concept_match("Radwege ausbauen", None, 100, None)
    assert eng.language_slots(fused[:SLOT_HEAD], match, None, None) == (fused[:SLOT_HEAD], set())
