"""SQLite practice search on the fixture corpus: indexing, filters, snippets, edits, more-like-this."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from citydip.practices.search import AccessRule, PracticeDocument, SearchFilters, SqliteSearchEngine
from practices.search.practice_search_helpers import ext_ids


def test_index_counts_and_keyword_hit(engine: SqliteSearchEngine) -> None:
    assert engine.count() == 16
    hits = engine.search("citizens assembly", limit=5, mode="keyword")
    assert ext_ids(hits)[0] == "fx-en-assembly"
    assert hits[0].keyword_rank == 1


def test_hybrid_hits_carry_scores_ranks_and_marked_snippets(engine: SqliteSearchEngine) -> None:
    hits = engine.search("heat pumps in residential buildings", limit=5)
    assert ext_ids(hits)[0] == "fx-en-heatpump"
    top = hits[0]
    assert top.keyword_rank is not None and top.dense_rank is not None
    assert "<mark>" in top.snippet_html and "<mark>" not in top.snippet
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.id for h in hits}) == len(hits)


def test_hits_say_whether_the_query_words_occur(tmp_path: Path) -> None:
    eng = SqliteSearchEngine(tmp_path / "m.db")
    eng.add(
        PracticeDocument(
            id=1,
            external_id="bike",
            title="Protected bike lanes",
            fields={"s": "Painted bike lanes became protected lanes with kerbs."},
        )
    )
    eng.add(
        PracticeDocument(
            id=2,
            external_id="pavement",
            title="Cool pavement",
            fields={"s": "Reflective coating lowers street temperatures in summer."},
        )
    )
    hits = {h.external_id: h for h in eng.search("bike", limit=5)}
    assert hits["bike"].matched_words
    assert "pavement" not in hits or not hits["pavement"].matched_words
    assert all(h.matched_words for h in eng.search("bike", limit=5, mode="keyword"))


def test_a_hit_found_by_meaning_shows_a_sentence_not_a_tag_list(tmp_path: Path) -> None:
    eng = SqliteSearchEngine(tmp_path / "t.db")
    eng.add(
        PracticeDocument(
            id=1,
            external_id="pavement",
            title="Cool pavement",
            fields={
                "tags": "energy; heat; streets",
                "summary": "A reflective coating lowers street temperatures in summer.",
            },
        )
    )
    hit = eng.search("bicycle parking", limit=1)[0]
    assert hit.snippet == "A reflective coating lowers street temperatures in summer."


def test_snippet_html_is_escaped(tmp_path: Path) -> None:
    eng = SqliteSearchEngine(tmp_path / "s.db")
    eng.add(
        PracticeDocument(id=1, external_id="x", title="Bike <script>", fields={"s": "bike lanes <b>& more"})
    )
    hit = eng.search("bike", limit=1)[0]
    assert "<script>" not in hit.snippet_html and "&lt;b&gt;" in hit.snippet_html


def test_sdg_filter_restricts_candidates(engine: SqliteSearchEngine) -> None:
    hits = engine.search("cycling lanes", SearchFilters(sdgs=frozenset({3})), limit=10)
    assert ext_ids(hits) == ["fx-en-cycle"]
    hits = engine.search("energy", SearchFilters(sdgs=frozenset({7})), limit=20)
    assert hits and all(
        h.external_id
        in {"fx-en-heatpump", "fx-de-heatpump", "fx-it-solar", "fx-en-solar", "fx-fr-lighting", "fx-en-water"}
        for h in hits
    )


def test_language_country_and_combined_filters(engine: SqliteSearchEngine) -> None:
    hits = engine.search("bicycle", SearchFilters(languages=frozenset({"IT"})), limit=10)
    assert ext_ids(hits)[0] == "fx-it-cycle"
    assert set(ext_ids(hits)) <= {"fx-it-cycle", "fx-it-solar"}
    both = SearchFilters(countries=frozenset({"de"}), sdgs=frozenset({13}))
    assert ext_ids(engine.search("heating", both, limit=10)) == ["fx-de-heatpump"]
    assert engine.search("heating", SearchFilters(countries=frozenset({"zz"})), limit=10) == []


def test_access_rule_hides_other_workspaces_private_practices(engine: SqliteSearchEngine) -> None:
    outsider = SearchFilters(access=AccessRule(own_workspace="leeds"))
    assert "fx-de-heatpump" not in ext_ids(engine.search("Wärmepumpen", outsider, limit=20))
    owner = SearchFilters(access=AccessRule(own_workspace="munich"))
    assert "fx-de-heatpump" in ext_ids(engine.search("Wärmepumpen", owner, limit=20))
    public_only = SearchFilters(
        access=AccessRule(own_workspace="leeds", other_visibilities=frozenset({"public"}))
    )
    found = ext_ids(engine.search("piste ciclabili", public_only, limit=20))
    assert "fx-it-cycle" not in found and "fx-en-cycle" in found


def test_update_and_remove(engine: SqliteSearchEngine, docs: list[PracticeDocument]) -> None:
    parking = next(d for d in docs if d.external_id == "fx-en-parking")
    engine.update(replace(parking, title="Superblocks with fewer cars", fields={"s": "superblock pilot"}))
    assert ext_ids(engine.search("superblock", limit=3, mode="keyword")) == ["fx-en-parking"]
    assert engine.search("playgrounds benches", limit=3, mode="keyword") == []
    assert engine.remove(parking.id) is True
    assert engine.remove(parking.id) is False
    assert engine.search("superblock", limit=3) == [] or "fx-en-parking" not in ext_ids(
        engine.search("superblock", limit=3)
    )
    assert engine.count() == 15


def test_more_like_this_excludes_itself_and_finds_same_topic(
    engine: SqliteSearchEngine, docs: list[PracticeDocument]
) -> None:
    cycle = next(d for d in docs if d.external_id == "fx-en-cycle")
    similar = ext_ids(engine.more_like_this(cycle.id, limit=3))
    assert "fx-en-cycle" not in similar
    assert {"fx-it-cycle", "fx-de-cycle"} & set(similar[:2])
    assert engine.more_like_this(9999) == []


def test_second_connection_sees_changes(tmp_path: Path, docs: list[PracticeDocument]) -> None:
    a = SqliteSearchEngine(tmp_path / "shared.db")
    a.index_many(docs[:3])
    b = SqliteSearchEngine(tmp_path / "shared.db")
    assert b.count() == 3
    a.add(docs[5])
    assert "fx-fr-trees" in ext_ids(b.search("arbres chaleur", limit=5, mode="dense"))


def test_engine_accepts_an_existing_connection(docs: list[PracticeDocument]) -> None:
    conn = sqlite3.connect(":memory:")
    eng = SqliteSearchEngine(conn)
    eng.index_many(docs)
    assert eng.count() == len(docs)
    assert conn.execute("SELECT COUNT(*) FROM practice_search_docs").fetchone()[0] == len(docs)


@pytest.mark.parametrize(
    "rule",
    [
        AccessRule(own_workspace="leeds"),
        AccessRule(own_workspace="munich", network_workspaces=frozenset({"bologna"})),
        AccessRule(own_workspace="nowhere", other_visibilities=frozenset({"public"})),
        AccessRule(own_workspace="freiburg", network_workspaces=frozenset()),
    ],
)
@pytest.mark.parametrize("query", ["cycle lanes", "Wärmepumpen", "energie", "food"])
def test_in_memory_access_check_matches_sql_filtering(
    engine: SqliteSearchEngine, rule: AccessRule, query: str
) -> None:
    fast = SearchFilters(access=rule)  # the access rule alone is checked in memory
    every = frozenset({"private", "network", "public"})  # a facet that excludes nothing forces SQL filtering
    slow = SearchFilters(access=rule, visibilities=every)
    for mode in ("keyword", "dense", "hybrid"):
        assert ext_ids(engine.search(query, fast, limit=20, mode=mode)) == ext_ids(
            engine.search(query, slow, limit=20, mode=mode)
        ), (mode, rule)
    first = engine.search(query, limit=1)
    if first:
        assert ext_ids(engine.more_like_this(first[0].id, fast, limit=20)) == ext_ids(
            engine.more_like_this(first[0].id, slow, limit=20)
        )
