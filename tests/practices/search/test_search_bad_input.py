"""Queries that must never raise: empty, huge, unknown scripts, FTS5 syntax characters."""

from __future__ import annotations

import pytest

from citydip.practices.search import SqliteSearchEngine

MODES = ("hybrid", "keyword", "dense")
NASTY = [
    "",
    "   ",
    "\n\t",
    '"',
    '""',
    "'",
    "*",
    "^",
    "(",
    ")",
    "()",
    "(((",
    "NEAR",
    "NEAR(",
    "NEAR(cycle lanes, 5)",
    "cycle NEAR/3 lanes",
    "AND",
    "OR",
    "NOT",
    "cycle AND",
    "OR lanes",
    "-",
    "title:cycle",
    "body : x",
    "^cycle",
    "cycl*",
    "* OR *",
    '"unterminated',
    "{col1 col2}: x",
    "+",
    "\x00\x01",
    "💥🚲",
    "ሰላም ዓለም",
    "ꦲꦏ꧀ꦱꦫ",
    "SELECT * FROM practice_search_docs; --",
    "a" * 500,
    "trees " * 3000,
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("query", NASTY)
def test_never_raises_and_returns_a_list(engine: SqliteSearchEngine, query: str, mode: str) -> None:
    hits = engine.search(query, limit=10, mode=mode)
    assert isinstance(hits, list) and len(hits) <= 10
    for h in hits:
        assert h.score == h.score  # not NaN


def test_empty_query_gives_empty_list(engine: SqliteSearchEngine) -> None:
    assert engine.search("", limit=10) == []
    assert engine.search("cycle lanes", limit=0) == []


def test_ten_thousand_character_query_still_finds_the_topic(engine: SqliteSearchEngine) -> None:
    query = ("street trees against heat " * 400)[:10_000]
    assert len(query) == 10_000
    hits = engine.search(query, limit=3)
    assert {"fx-en-trees", "fx-fr-trees"} & {h.external_id for h in hits}


def test_unknown_script_gives_no_dense_hits(engine: SqliteSearchEngine) -> None:
    assert engine.search("ሰላም ዓለም", limit=5, mode="dense") == []


def test_syntax_characters_are_searched_as_words(engine: SqliteSearchEngine) -> None:
    hits = engine.search('"citizens" (assembly) NEAR climate*', limit=3, mode="keyword")
    assert hits and hits[0].external_id == "fx-en-assembly"


def test_unknown_mode_is_a_clear_error(engine: SqliteSearchEngine) -> None:
    with pytest.raises(ValueError, match="unknown search mode"):
        engine.search("x", mode="fuzzy")
