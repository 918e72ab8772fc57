"""Practice search on the real shared corpus (skipped when ../shared/data is absent)."""

from __future__ import annotations

import json
import math
import re

import pytest

from citydip.practices.search import PracticeDocument, SearchFilters, SqliteSearchEngine, detect_language
from practices.search.practice_search_helpers import REPO, SHARED

EVAL = REPO / "benchmarks" / "search_eval"
pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def corpus_engine(tmp_path_factory: pytest.TempPathFactory) -> SqliteSearchEngine:
    if not SHARED.is_file():
        pytest.skip(f"../shared/data/practices/corpus.jsonl absent: {SHARED} not found")
    docs = []
    for i, line in enumerate(SHARED.read_text(encoding="utf-8").splitlines(), start=1):
        r = json.loads(line)
        docs.append(
            PracticeDocument(
                id=i,
                external_id=r["id"],
                title=r["title"],
                fields={"summary": r["text"]},
                language=detect_language(f"{r['title']} {r['text']}") or "",
                city=r["city"],
                country=r["country"],
                sdgs=r["sdgs"],
            )
        )
    eng = SqliteSearchEngine(tmp_path_factory.mktemp("corpus") / "corpus.db")
    eng.index_many(docs)
    return eng


def _qrels() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for line in (EVAL / "qrels.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        q, _, d, g = line.split()
        out.setdefault(q, {})[d] = int(g)
    return out


def _ndcg(ranked: list[str], judged: dict[str, int]) -> float:
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:10]
    return dcg / sum(g / math.log2(i + 2) for i, g in enumerate(ideal))


def test_whole_corpus_is_indexed(corpus_engine: SqliteSearchEngine) -> None:
    assert corpus_engine.count() == len(SHARED.read_text(encoding="utf-8").splitlines())


def test_german_cycling_query_finds_english_cycling_records(corpus_engine: SqliteSearchEngine) -> None:
    hits = corpus_engine.search("Radwege ausbauen", limit=10)
    texts = {h.external_id: f"{h.title} {h.snippet}" for h in hits}
    english = [i for i, t in texts.items() if detect_language(t) == "en" and "cycl" in t.lower()]
    assert len(english) >= 3, texts
    keyword_only = corpus_engine.search("Radwege ausbauen", limit=10, mode="keyword")
    assert not any("cycl" in h.title.lower() for h in keyword_only)


def test_german_cycling_query_finds_italian_cycling_records_among_italian_ones(
    corpus_engine: SqliteSearchEngine,
) -> None:
    italian = SearchFilters(languages=frozenset({"it"}))
    hits = corpus_engine.search("Fahrradwege und Radverkehr fördern", italian, limit=3)
    assert any(re.search(r"bici|cicl", f"{h.title} {h.snippet}", re.I) for h in hits), hits


def test_hybrid_beats_bm25_on_the_judged_queries(corpus_engine: SqliteSearchEngine) -> None:
    qrels = _qrels()
    lines = [ln.split("\t", 1) for ln in (EVAL / "queries.tsv").read_text(encoding="utf-8").splitlines()]
    scores = {}
    for mode in ("keyword", "hybrid"):
        vals = [
            _ndcg([h.external_id for h in corpus_engine.search(q, limit=10, mode=mode)], qrels[qid])
            for qid, q in lines
        ]
        scores[mode] = sum(vals) / len(vals)
    assert scores["hybrid"] > scores["keyword"] + 0.05, scores


def test_sdg_filter_on_real_labels(corpus_engine: SqliteSearchEngine) -> None:
    hits = corpus_engine.search("clean drinking water", SearchFilters(sdgs=frozenset({6})), limit=20)
    assert hits
    records = {json.loads(x)["id"]: json.loads(x) for x in SHARED.read_text(encoding="utf-8").splitlines()}
    assert all(6 in records[h.external_id]["sdgs"] for h in hits)


# Italian records about cycle lanes, found by their content (not by id): they say "pista/piste ciclabile/i" or
# "percorso/corsia ciclabile" ("riciclabile" does not match).
IT_CYCLE_LANE = re.compile(r"\b(?:pist[ae]|percors[oi]|corsi[ae]|ret[ei]) ciclabil[ei]\b", re.I)
EN_CYCLING = re.compile(r"\bcycl(?:e|ing|ists?|eways?)\b|\bbik(?:e|es)\b|\bbicycles?\b", re.I)


def _records() -> list[dict[str, str]]:
    return [json.loads(line) for line in SHARED.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("query", ["Radwege ausbauen", "Fahrradwege", "sichere Radwege in der Stadt"])
def test_german_cycling_queries_find_english_and_italian_cycle_lane_records(
    corpus_engine: SqliteSearchEngine, query: str
) -> None:
    records = {r["id"]: r for r in _records()}
    italian = {
        i
        for i, r in records.items()
        if detect_language(f"{r['title']} {r['text']}") == "it" and IT_CYCLE_LANE.search(r["text"])
    }
    assert italian, "the corpus should hold Italian cycle-lane records"
    hits = corpus_engine.search(query, limit=20)
    top = [h.external_id for h in hits]
    english = [
        i
        for i in top[:10]
        if detect_language(f"{records[i]['title']} {records[i]['text']}") == "en"
        and EN_CYCLING.search(f"{records[i]['title']} {records[i]['text']}")
    ]
    assert len(english) >= 5, top
    assert italian & set(top), (italian, top)
    without = corpus_engine.with_options(concepts=False).search(query, limit=20)
    assert not italian & {h.external_id for h in without}, "the concept dictionary is what finds them"


def test_concept_dictionary_lifts_non_english_queries_and_keeps_english_ones(
    corpus_engine: SqliteSearchEngine,
) -> None:
    qrels = _qrels()
    lines = [ln.split("\t", 1) for ln in (EVAL / "queries.tsv").read_text(encoding="utf-8").splitlines()]
    langs = dict(ln.split("\t") for ln in (EVAL / "query_languages.tsv").read_text().splitlines() if ln)
    plain = corpus_engine.with_options(concepts=False)
    score: dict[tuple[str, bool], list[float]] = {}
    for qid, q in lines:
        for concepts, eng in ((True, corpus_engine), (False, plain)):
            ranked = [h.external_id for h in eng.search(q, limit=10)]
            score.setdefault((langs.get(qid, "en") == "en", concepts), []).append(_ndcg(ranked, qrels[qid]))
    mean = {k: sum(v) / len(v) for k, v in score.items()}
    assert mean[(False, True)] > mean[(False, False)] + 0.1, mean  # non-English queries
    assert mean[(True, True)] >= mean[(True, False)], mean  # English queries
