"""core.textsearch: the FTS5 phrase quoting, identifier checks, and ListSpec's guard on its search index."""

from __future__ import annotations

import sqlite3

import pytest

from citydip.core.listing import ListSpec
from citydip.core.textsearch import SearchIndex, fts_phrase
from citydip.register.engagements.models import Engagement


def test_a_phrase_keeps_every_character_literal_in_a_real_fts5_table():
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trigram')")
    texts = ['say "hi" NEAR (x) *y* ^z', "a OR b AND NOT c", "plain text", 'col:umn - "']
    con.executemany("INSERT INTO t (body) VALUES (?)", [(t,) for t in texts])
    for needle in ['"hi" NEAR', "(x) *y* ^", "OR b AND NOT", 'umn - "', 'y "h', "AIN TEX"]:
        rows = {r[0] for r in con.execute("SELECT body FROM t WHERE t MATCH ?", (fts_phrase(needle),))}
        assert rows == {t for t in texts if needle.lower() in t.lower()}, needle


def test_identifiers_are_checked_before_any_ddl_is_written():
    with pytest.raises(ValueError, match="identifier"):
        SearchIndex("engagements; DROP TABLE x", ("title",))
    with pytest.raises(ValueError, match="identifier"):
        SearchIndex("engagements", ("title)",))
    with pytest.raises(ValueError, match="no columns"):
        SearchIndex("engagements", ())
    assert SearchIndex.on(Engagement.title, Engagement.place) == SearchIndex(
        "engagements", ("title", "place")
    )


def test_a_list_refuses_an_index_that_does_not_cover_its_search_columns():
    with pytest.raises(ValueError, match="does not cover"):
        ListSpec(
            search_columns=[Engagement.title, Engagement.place],
            search_index=SearchIndex("engagements", ("title",)),
        )
    spec = ListSpec(
        search_columns=[Engagement.title, Engagement.place],
        search_index=SearchIndex.on(Engagement.title, Engagement.place),
    )
    assert spec.search_index is not None and spec.search_index.fts == "fts_engagements"
