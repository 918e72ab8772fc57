"""`citydip practices search` (table, --json, --batch), `reindex` and `suggest-sdgs`."""

from __future__ import annotations

import json

import pytest

from citydip.practices import indexing
from citydip.workspaces.repository import workspace_by_slug
from practices.practice_helpers import FIXTURES
from support.factories import make_workspace


@pytest.fixture
def leeds(cli, sys_session):
    with sys_session() as s:
        make_workspace(s, "leeds")
    code, out = cli(
        "practices", "import", str(FIXTURES / "import" / "practices.jsonl"), "--workspace", "leeds"
    )
    assert code == 0, out
    return "leeds"


def test_search_json_gives_external_id_title_city_score(cli, leeds):
    code, out = cli("practices", "search", "cycle lanes", "--workspace", leeds, "--json", "--limit", "3")
    assert code == 0, out
    hits = json.loads(out)
    assert len(hits) == 3 and hits[0]["external_id"] == "fx-1"
    assert {"external_id", "title", "city", "score"} <= set(hits[0])
    assert hits[0]["city"] == "Leeds" and hits[0]["score"] >= hits[1]["score"] > 0
    assert hits[0]["matched_words"] is True
    assert "fx-2" in [h["external_id"] for h in hits]  # the Italian record, by meaning


def test_search_table_and_filters(cli, leeds):
    code, out = cli("practices", "search", "Radwege", "--workspace", leeds, "--limit", "5")
    assert code == 0 and "fx-1" in out and "Practices for 'Radwege'" in out
    code, out = cli("practices", "search", "heat", "--workspace", leeds, "--sdg", "3", "--json")
    assert [h["external_id"] for h in json.loads(out)] == ["fx-3"]
    code, out = cli("practices", "search", "anything", "--workspace", leeds, "--sdg", "42", "--json")
    assert code == 0 and "ignored sdg" in out


def test_a_filter_without_a_query_lists_every_match(cli, leeds):
    code, out = cli("practices", "search", "--workspace", leeds, "--sdg", "3")
    assert code == 0, out
    assert "1 practice matches these filters (page 1 of 1" in out and "fx-3" in out and "filters" in out
    code, out = cli("practices", "search", "--workspace", leeds, "--sdg", "3", "--json")
    assert [h["external_id"] for h in json.loads(out)] == ["fx-3"]


def test_batch_prints_one_json_object_per_query(cli, leeds, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text(
        '# comment\nq1\tcycle lanes\nq2\tbanco de alimentos\nq3\t\nnot a query line\nq4\t"NEAR( ^*\n',
        encoding="utf-8",
    )
    code, out = cli("practices", "search", "--batch", str(queries), "--workspace", leeds, "--limit", "2")
    assert code == 0, out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [d["qid"] for d in lines] == ["q1", "q2", "q3", "q4"]
    assert lines[0]["hits"][0] == "fx-1" and lines[1]["hits"][0] == "fx-4"
    assert lines[2]["hits"] == [] and all(len(d["hits"]) <= 2 for d in lines)
    assert "line 5: expected qid<TAB>query; skipped" in out


def test_search_needs_workspace_and_query(cli, leeds):
    code, out = cli("practices", "search", "x")
    assert code == 1 and "--workspace" in out
    code, out = cli("practices", "search", "--workspace", leeds)
    assert code == 1 and "QUERY" in out
    code, out = cli("practices", "search", "x", "--workspace", "nowhere")
    assert code == 1 and "No workspace 'nowhere'" in out


@pytest.mark.parametrize("q", ["", "x" * 10_000, "ሰላም ለዓለም", '"a" NEAR(b c) * ^ OR'])
def test_bad_queries_never_error(cli, leeds, q):
    code, out = cli("practices", "search", q, "--workspace", leeds, "--json")
    assert code == 0 and isinstance(json.loads(out), list)


def test_reindex_restores_missing_and_drops_stale_entries(cli, leeds, sys_session):
    with sys_session() as s:
        engine = indexing.engine_for(s)
        ws = workspace_by_slug(s, leeds)
        keys = sorted(engine.doc_ids(indexing.workspace_key(ws.id)))
        engine.remove_many(keys[:2])
        from citydip.practices.search import PracticeDocument

        engine.add(
            PracticeDocument(id=123456789, external_id="ghost", title="Ghost practice", workspace=str(ws.id))
        )
    code, out = cli("practices", "reindex")
    assert code == 0 and "Indexed 5 practices; removed 1 stale" in out
    with sys_session() as s:
        assert indexing.engine_for(s).doc_ids(indexing.workspace_key(ws.id)) == set(keys)


def test_suggest_sdgs_command(cli):
    code, out = cli(
        "practices", "suggest-sdgs", "Rooftop solar on schools", "Panels produce renewable energy."
    )
    assert code == 0 and len(out.strip().splitlines()) == 3 and "%" in out
