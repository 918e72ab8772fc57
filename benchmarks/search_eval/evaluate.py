"""Evaluate practice search on the shared corpus: nDCG@10 and Recall@50 for BM25, dense and hybrid.

Usage (from the repo root):
    .venv/bin/python benchmarks/search_eval/evaluate.py            # prints JSON figures
    .venv/bin/python benchmarks/search_eval/evaluate.py --pool 10  # prints unjudged pooled documents to judge
    .venv/bin/python benchmarks/search_eval/evaluate.py --database-url postgresql://...  # PostgreSQL back-end
    .venv/bin/python benchmarks/search_eval/evaluate.py --run run.jsonl   # scores the output of
        citydip practices search --batch benchmarks/search_eval/queries.tsv --workspace WS --limit 50
Queries: queries.tsv (qid<TAB>query); languages: query_languages.tsv; judgments: qrels.txt (TREC: qid 0 docid
grade, grade 0-2). Unjudged documents count as not relevant.

The queries are split for tuning (docs/search.md, "Tuning half and held-out half"): a query belongs to the tuning
half when the first byte of the SHA-256 of its id is even, to the held-out half otherwise (``half(qid)``). The
assignment is fixed by the id alone, so adding queries never moves existing ones. Queries whose id starts with
"h" (h01-h10, written after the settings were chosen) always belong to the held-out half. Every figure is
printed for all queries, for each half and for the new queries ("unseen"); settings are chosen on the tuning
half only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import load_documents, read_queries  # noqa: E402

from citydip.practices.search import PostgresSearchEngine, SqliteSearchEngine, SqlSearchEngine  # noqa: E402
from citydip.practices.search.pg_engine import TABLES as PG_TABLES  # noqa: E402

SYSTEMS = {"bm25": "keyword", "dense": "dense", "hybrid": "hybrid"}
WORDS_ONLY = "hybrid_without_concepts"  # the hybrid without the concept dictionary (list and language slots)


def half(qid: str) -> str:
    """The fixed half of a query: "held_out" for the queries written after tuning (ids starting with "h");
    otherwise "tune" when the first byte of SHA-256(qid) is even, else "held_out"."""
    if qid.startswith("h"):
        return "held_out"
    return "tune" if hashlib.sha256(qid.encode("utf-8")).digest()[0] % 2 == 0 else "held_out"


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Read TREC qrels (qid iter docid grade) into {qid: {docid: grade}}."""
    out: dict[str, dict[str, int]] = {}
    if not path.is_file():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 4:
            raise SystemExit(f"{path}: line {n}: expected 'qid 0 docid grade'")
        out.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return out


def ndcg(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    """nDCG@k with gain = grade and log2 discount; 0 when the query has no relevant document."""
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall(ranked: list[str], judged: dict[str, int], k: int = 50) -> float:
    """Share of relevant (grade >= 1) documents found in the top k."""
    rel = {d for d, g in judged.items() if g > 0}
    return len(rel & set(ranked[:k])) / len(rel) if rel else 0.0


def judged_share(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    """Share of the top k that was judged (low values mean the figures undercount this system)."""
    top = ranked[:k]
    return sum(d in judged for d in top) / len(top) if top else 1.0


def summarise(
    runs: dict[str, list[str]], qrels: dict[str, dict[str, int]], langs: dict[str, str]
) -> dict[str, object]:
    """Mean nDCG@10 / Recall@50 overall, English and non-English (queries without judgments are skipped)."""
    groups: dict[str, list[str]] = {
        "all": [],
        "english": [],
        "non_english": [],
        "tune": [],
        "held_out": [],
        "held_out_english": [],
        "held_out_non_english": [],
        "unseen": [],
    }
    for qid in runs:
        if not any(g > 0 for g in qrels.get(qid, {}).values()):
            continue
        lang = "english" if langs.get(qid, "en") == "en" else "non_english"
        groups["all"].append(qid)
        groups[lang].append(qid)
        groups[half(qid)].append(qid)
        if half(qid) == "held_out":
            groups[f"held_out_{lang}"].append(qid)
        if qid.startswith("h"):
            groups["unseen"].append(qid)
    out: dict[str, object] = {}
    for name, qids in groups.items():
        if not qids:
            continue
        out[name] = {
            "queries": len(qids),
            "ndcg@10": round(sum(ndcg(runs[q], qrels[q]) for q in qids) / len(qids), 4),
            "recall@50": round(sum(recall(runs[q], qrels[q]) for q in qids) / len(qids), 4),
            # condensed list (Sakai 2007): unjudged documents removed before scoring, less biased against
            # systems that did not take part in the judging pool
            "ndcg@10_condensed": round(
                sum(ndcg([d for d in runs[q] if d in qrels[q]], qrels[q]) for q in qids) / len(qids), 4
            ),
            "judged@10": round(sum(judged_share(runs[q], qrels[q]) for q in qids) / len(qids), 4),
        }
    return out


def build_engine(db: Path, database_url: str = "") -> SqlSearchEngine:
    """Index the shared corpus into a fresh SQLite file, or into fresh tables of a PostgreSQL database."""
    if database_url:
        import psycopg

        plain = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(plain, autocommit=True) as conn:
            for table in PG_TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        pg = PostgresSearchEngine(plain)
        pg.index_many(load_documents())
        return pg
    engine = SqliteSearchEngine(db)
    engine.index_many(load_documents())
    return engine


def run_all(
    engine: SqlSearchEngine, queries: list[tuple[str, str]], depth: int = 50
) -> dict[str, dict[str, list[str]]]:
    """Return {system: {qid: ranked external ids}} for every system."""
    runs = {
        name: {qid: [h.external_id for h in engine.search(q, limit=depth, mode=mode)] for qid, q in queries}
        for name, mode in SYSTEMS.items()
    }
    plain = engine.with_options(concepts=False)
    runs[WORDS_ONLY] = {qid: [h.external_id for h in plain.search(q, limit=depth)] for qid, q in queries}
    return runs


def main() -> None:
    """Run the evaluation (or print the judging pool) and print JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--pool", type=int, default=0, help="print unjudged documents in the top N of each system"
    )
    ap.add_argument("--qrels", type=Path, default=HERE / "qrels.txt")
    ap.add_argument("--run", type=Path, help="score a `citydip practices search --batch` output instead")
    ap.add_argument(
        "--database-url",
        default="",
        help="evaluate the PostgreSQL back-end in this (scratch) database; its practice_search_ tables "
        "are replaced",
    )
    ap.add_argument("--save-runs", type=Path, help="also write every system's ranked ids to this JSON file")
    args = ap.parse_args()
    queries = read_queries(HERE / "queries.tsv")
    langs = dict(line.split("\t") for line in (HERE / "query_languages.tsv").read_text().split("\n") if line)
    qrels = read_qrels(args.qrels)
    if args.run:
        run = {}
        for line in args.run.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                run[str(obj["qid"])] = [str(h) for h in obj["hits"]]
        print(json.dumps({"run": str(args.run), "summary": summarise(run, qrels, langs)}, indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        engine = build_engine(Path(tmp) / "eval.db", args.database_url)
        build_s = time.perf_counter() - t0
        runs = run_all(engine, queries)
        if args.pool:
            docs = {d.external_id: d for d in load_documents()}
            for qid, q in queries:
                pool = []
                for system in runs.values():
                    pool += [d for d in system[qid][: args.pool] if d not in pool]
                todo = [d for d in pool if d not in qrels.get(qid, {})]
                if todo:
                    print(f"## {qid} {q}")
                for d in todo:
                    doc = docs[d]
                    print(f"{qid} {d} | {doc.title[:100]} | {doc.body()[:260]!r}")
            return
        engine.close()
    if args.save_runs:
        args.save_runs.write_text(json.dumps(runs), encoding="utf-8")
    result = {
        "backend": "postgresql" if args.database_url else "sqlite",
        "corpus_docs": len(load_documents()),
        "index_build_s": round(build_s, 2),
        "systems": {name: summarise(run, qrels, langs) for name, run in runs.items()},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
