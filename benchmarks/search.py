"""Speed benchmark for practice search with 100,000 practices (real corpus + generated variants), on SQLite and,
in the same run, on PostgreSQL.

Prints one JSON object: model load, then per back-end the full index build, query latency (p50/p95 after the
first query) for hybrid (with and without the concept dictionary, 10 and 20 hits), dense and BM25-only
(keyword) search on the same index, adding one practice; the ratio of PostgreSQL's p95 to SQLite's for every
kind of search; and the machine load. Queries alternate between the back-ends (each query on SQLite, then on
PostgreSQL) so both see the same load. Reads ../shared/data/practices/corpus.jsonl in place.

Usage: .venv/bin/python benchmarks/search.py [--docs N] [--database-url postgresql://.../scratch] [--no-sqlite]
(without --database-url only SQLite is measured; PostgreSQL's practice_search_ tables in that database are
replaced). A throwaway server: read -r D U < <(bash scripts/pg-throwaway.sh start); ... --database-url $U;
bash scripts/pg-throwaway.sh stop $D. "with_access" timings add the rule every product search carries (own
workspace + network peers' network practices + public ones), as the web app, API and CLI do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "search_eval"))

from corpus import load_documents, read_queries

from citydip.practices.search import (
    AccessRule,
    PostgresSearchEngine,
    PracticeDocument,
    SearchFilters,
    SqliteSearchEngine,
    SqlSearchEngine,
    load_embedder,
)
from citydip.practices.search.pg_engine import TABLES as PG_TABLES

SEED = 7


def variants(base: list[PracticeDocument], total: int) -> list[PracticeDocument]:
    """The real documents plus generated variants (sentences shuffled, other city) up to `total`."""
    rng = random.Random(SEED)
    cities = sorted({d.city for d in base if d.city})
    out = list(base)
    next_id = max(d.id for d in base) + 1
    while len(out) < total:
        src = base[rng.randrange(len(base))]
        parts = re.split(r"(?<=[.!?])\s+", src.body())
        rng.shuffle(parts)
        city = rng.choice(cities)
        out.append(
            PracticeDocument(
                id=next_id,
                external_id=f"variant-{next_id}",
                title=f"{src.title} ({city})",
                fields={"summary": " ".join(parts)},
                language=src.language,
                city=city,
                country=src.country,
                sdgs=src.sdgs,
                sectors=src.sectors,
                visibility=rng.choice(["public", "network", "private"]),
                workspace=f"ws{rng.randrange(50)}",
            )
        )
        next_id += 1
    return out


def open_engine(db: Path, database_url: str, emb: object, fresh: bool = False) -> SqlSearchEngine:
    """A standalone engine on a SQLite file or on a PostgreSQL scratch database (tables dropped if fresh)."""
    if not database_url:
        return SqliteSearchEngine(db, embedder=emb)  # type: ignore[arg-type]
    import psycopg

    plain = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    if fresh:
        with psycopg.connect(plain, autocommit=True) as conn:
            for table in PG_TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
    return PostgresSearchEngine(plain, embedder=emb)  # type: ignore[arg-type]


def db_size(db: Path, engine: SqlSearchEngine, database_url: str) -> float:
    """Size of the index in MB (the SQLite file, or the PostgreSQL tables with indexes and TOAST)."""
    if not database_url:
        return round(db.stat().st_size / 1e6, 1)
    row = engine._execute(
        "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
        "WHERE c.relname LIKE ? AND c.relkind = 'r'",
        ["practice_search_%"],
    ).fetchone()
    return round(int(row[0] or 0) / 1e6, 1)


def pct(values: list[float], q: float) -> float:
    """Percentile (nearest rank) in milliseconds, rounded."""
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))] * 1000, 2)


RUNS = (
    ("bm25_only", "keyword", False, 10, True),
    ("dense", "dense", False, 10, True),
    ("hybrid_without_concepts", "hybrid", False, 10, False),
    ("hybrid", "hybrid", False, 10, True),
    ("hybrid_with_access", "hybrid", True, 10, True),
    # the product's page size: language slots (after the first ten hits) only run when limit > 10
    ("hybrid_limit20", "hybrid", False, 20, True),
    ("hybrid_limit20_with_access", "hybrid", True, 20, True),
)


def build(
    name: str, database_url: str, db: Path, emb: object, docs: list[PracticeDocument]
) -> dict[str, object]:
    """Index every document into a fresh index of one back-end; return its build figures."""
    engine = open_engine(db, database_url, emb, fresh=True)
    t0 = time.perf_counter()
    engine.index_many(docs)
    out: dict[str, object] = {"backend": name, "index_build_s": round(time.perf_counter() - t0, 2)}
    out["db_mb"] = db_size(db, engine, database_url)
    engine.close()
    return out


def time_queries(
    engines: dict[str, SqlSearchEngine], queries: list[str], results: dict[str, dict[str, object]]
) -> None:
    """Time every kind of search on every back-end, each query on one back-end right after the other, so
    that both see the same machine load."""
    access = SearchFilters(
        access=AccessRule("ws7", network_workspaces=frozenset(f"ws{i}" for i in range(10)))
    )
    words_only = {name: e.with_options(concepts=False) for name, e in engines.items()}
    for run_name, mode, with_access, limit, concepts in RUNS:
        times: dict[str, list[float]] = {name: [] for name in engines}
        for q in queries:
            for name, engine in engines.items():
                eng = engine if concepts else words_only[name]
                t0 = time.perf_counter()
                eng.search(q, access if with_access else None, limit=limit, mode=mode)
                times[name].append(time.perf_counter() - t0)
        for name, values in times.items():
            results[name][f"query_{run_name}_ms"] = {
                "p50": pct(values, 0.5),
                "p95": pct(values, 0.95),
                "mean": round(statistics.mean(values) * 1000, 2),
                "n": len(values),
            }


def time_adds(engine: SqlSearchEngine, docs: list[PracticeDocument], result: dict[str, object]) -> None:
    """Time adding single practices to the big index, then one search after them."""
    times = []
    for i in range(20):
        doc = PracticeDocument(
            id=10_000_000 + i,
            external_id=f"bench-add-{i}",
            title=f"New practice {i}",
            fields={"summary": docs[i].body()},
            language="en",
            visibility="public",
        )
        t0 = time.perf_counter()
        engine.add(doc)
        times.append(time.perf_counter() - t0)
    result["add_one_ms"] = {"p50": pct(times, 0.5), "p95": pct(times, 0.95), "max": pct(times, 1.0)}
    t0 = time.perf_counter()
    engine.search(docs[1].title, limit=10)
    result["query_after_add_ms"] = round((time.perf_counter() - t0) * 1000, 2)
    result["count"] = engine.count()


def main() -> None:
    """Run the benchmark and print JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument(
        "--database-url",
        default="",
        help="also measure PostgreSQL in this scratch database (its practice_search_ tables are replaced), "
        "in the same run as SQLite",
    )
    ap.add_argument("--no-sqlite", action="store_true", help="measure PostgreSQL only")
    args = ap.parse_args()
    result: dict[str, object] = {
        "docs": args.docs,
        "cpu_count": os.cpu_count(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }
    t0 = time.perf_counter()
    emb = load_embedder()
    result["model_load_s"] = round(time.perf_counter() - t0, 3)
    docs = variants(load_documents(), args.docs)
    queries = [q for _, q in read_queries()]
    rng = random.Random(SEED)
    queries += [d.title for d in rng.sample(docs, 62)]
    backends = ([] if args.no_sqlite else [("sqlite", "")]) + (
        [("postgresql", args.database_url)] if args.database_url else []
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        per: dict[str, dict[str, object]] = {name: build(name, url, db, emb, docs) for name, url in backends}
        engines: dict[str, SqlSearchEngine] = {}
        for name, url in backends:
            # a fresh process would open the database like this; the first query loads the vectors
            engines[name] = open_engine(db, url, emb)
            t0 = time.perf_counter()
            engines[name].search(queries[0], limit=10)
            per[name]["first_query_after_open_s"] = round(time.perf_counter() - t0, 3)
        time_queries(engines, queries, per)
        for name, engine in engines.items():
            time_adds(engine, docs, per[name])
            engine.close()
    result.update(per)
    if "sqlite" in per and "postgresql" in per:
        result["postgresql_over_sqlite_p95"] = {
            run_name: round(
                per["postgresql"][f"query_{run_name}_ms"]["p95"]  # type: ignore[index]
                / max(per["sqlite"][f"query_{run_name}_ms"]["p95"], 1e-6),  # type: ignore[index]
                2,
            )
            for run_name, *_rest in RUNS
        }
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
