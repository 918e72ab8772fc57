"""Real data, read in place from ../shared/data (skipped when absent): the shared corpus and the URBACT export
import completely, re-import changes nothing, and search through the product keeps its measured quality."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from citydip.core.context import WorkspaceContext
from citydip.core.tenancy import Visibility
from citydip.practices import searching
from citydip.practices.importing import import_practices
from practices.practice_helpers import REPO, SHARED_CORPUS, SHARED_URBACT
from support.factories import make_workspace

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
EVAL = REPO / "benchmarks" / "search_eval"


def _need(path: Path) -> None:
    if not path.is_file():
        pytest.skip(
            f"../shared/data/{path.relative_to(REPO.parent / 'shared' / 'data')} absent: real-data "
            "import test needs the shared data"
        )


def _ndcg(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def test_shared_corpus_imports_and_search_beats_keywords_alone(sys_session):
    _need(SHARED_CORPUS)
    with sys_session() as s:
        make_workspace(s, "corpus")
    started = time.perf_counter()
    with sys_session() as s:
        ctx = WorkspaceContext.for_operator(s.scalar(_ws("corpus")))
        report = import_practices(s, ctx, SHARED_CORPUS, "jsonl", default_visibility=Visibility.public)
    seconds = time.perf_counter() - started
    print(f"\nshared corpus: {report.created} practices imported in {seconds:.1f} s")
    assert (report.rows, report.created, report.rejected) == (5576, 5576, [])
    assert seconds < 300
    with sys_session() as s:
        ctx = WorkspaceContext.for_operator(s.scalar(_ws("corpus")))
        again = import_practices(s, ctx, SHARED_CORPUS, "jsonl", default_visibility=Visibility.public)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5576)
        queries = [
            line.split("\t", 1)
            for line in (EVAL / "queries.tsv").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        ]
        qrels: dict[str, dict[str, int]] = {}
        for line in (EVAL / "qrels.txt").read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                qid, _it, doc, grade = line.split()
                qrels.setdefault(qid, {})[doc] = int(grade)
        scores = {}
        for mode in ("hybrid", "keyword"):
            total = 0.0
            for qid, q in queries:
                hits = searching.search_practices(s, ctx, searching.SearchParams(q=q, limit=10, mode=mode))
                total += _ndcg([h.practice.external_id or "" for h in hits], qrels.get(qid, {}))
            scores[mode] = total / len(queries)
        print(
            f"nDCG@10 through the product: hybrid {scores['hybrid']:.3f}, keywords alone {scores['keyword']:.3f}"
        )
        assert scores["hybrid"] > scores["keyword"] + 0.05
        german = searching.search_practices(s, ctx, searching.SearchParams(q="Radwege ausbauen", limit=5))
        assert (
            sum(
                "cycl" in (h.practice.title + h.practice.summary).lower()
                or "bicycle" in (h.practice.title + h.practice.summary).lower()
                for h in german
            )
            >= 4
        )


def test_urbact_export_imports(sys_session):
    _need(SHARED_URBACT)
    with sys_session() as s:
        make_workspace(s, "urbact")
    with sys_session() as s:
        ctx = WorkspaceContext.for_operator(s.scalar(_ws("urbact")))
        report = import_practices(s, ctx, SHARED_URBACT)
        assert (report.format, report.rows, report.created, report.rejected) == ("urbact", 97, 97, [])
        hits = searching.search_practices(
            s, ctx, searching.SearchParams(q="creative hub in a disused school")
        )
        bari = next(h.practice for h in hits if h.practice.external_id == "urbact-0001")
        assert bari.city_name == "Bari" and bari.country_code == "IT" and bari.city_id is not None
        assert bari.start_year == 2014 and bari.end_year is None and bari.solution and bari.transferability
        assert bari.budget == 260000 and bari.budget_currency == "EUR"


def _ws(slug: str):
    from sqlalchemy import select

    from citydip.workspaces.models import Workspace

    return select(Workspace).where(Workspace.slug == slug)
