"""Speed benchmark for practice search on SQLite with 100,000 practices (real corpus + generated variants).

Prints one JSON object: model load, full index build, query latency (p50/p95 after the first query) for
hybrid (with and without the concept dictionary, 10 and 20 hits), dense and BM25-only (keyword) search on the same
index, adding one practice, and the machine load.
Reads ../shared/data/practices/corpus.jsonl in place. Usage: .venv/bin/python benchmarks/search.py [--docs N]
[--database-url postgresql://...]  (the second form measures the PostgreSQL back-end in that scratch database;
its practice_search_ tables are replaced). "with_access" timings add the rule every product search carries
(own workspace + network peers' network practices + public ones), as the web app, API and CLI do.
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


def main() -> None:
    """Run the benchmark and print JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--database-url", default="", help="measure PostgreSQL in this scratch database")
    args = ap.parse_args()
    result: dict[str, object] = {
        "backend": "postgresql" if args.database_url else "sqlite",
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
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        engine = open_engine(db, args.database_url, emb, fresh=True)
        t0 = time.perf_counter()
        engine.index_many(docs)
        result["index_build_s"] = round(time.perf_counter() - t0, 2)
        result["db_mb"] = db_size(db, engine, args.database_url)
        engine.close()
        # a fresh process would open the database like this; the first query loads the vectors
        engine = open_engine(db, args.database_url, emb)
        t0 = time.perf_counter()
        engine.search(queries[0], limit=10)
        result["first_query_after_open_s"] = round(time.perf_counter() - t0, 3)
        access = SearchFilters(
            access=AccessRule("ws7", network_workspaces=frozenset(f"ws{i}" for i in range(10)))
        )
        words_only = engine.with_options(concepts=False)  # the hybrid without the concept dictionary
        runs: list[tuple[str, SqlSearchEngine, str, SearchFilters | None, int]] = [
            ("bm25_only", engine, "keyword", None, 10),
            ("dense", engine, "dense", None, 10),
            ("hybrid_without_concepts", words_only, "hybrid", None, 10),
            ("hybrid", engine, "hybrid", None, 10),
            ("hybrid_with_access", engine, "hybrid", access, 10),
            # the product's page size: language slots (after the first ten hits) only run when limit > 10
            ("hybrid_limit20", engine, "hybrid", None, 20),
            ("hybrid_limit20_with_access", engine, "hybrid", access, 20),
        ]
        for name, eng, mode, filters, limit in runs:
            times = []
            for q in queries:
                t0 = time.perf_counter()
                eng.search(q, filters, limit=limit, mode=mode)
                times.append(time.perf_counter() - t0)
            result[f"query_{name}_ms"] = {
                "p50": pct(times, 0.5),
                "p95": pct(times, 0.95),
                "mean": round(statistics.mean(times) * 1000, 2),
                "n": len(times),
            }
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
        engine.search(queries[1], limit=10)
        result["query_after_add_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        result["count"] = engine.count()
        engine.close()
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
