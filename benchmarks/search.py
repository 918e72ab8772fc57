"""Speed benchmark for practice search on SQLite with 100,000 practices (real corpus + generated variants).

Prints one JSON object: model load, full index build, query latency (p50/p95 after the first query) for
hybrid, dense and BM25-only (keyword) search on the same index, adding one practice, and the machine load.
Reads ../shared/data/practices/corpus.jsonl in place. Usage: .venv/bin/python benchmarks/search.py [--docs N]
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

from citydip.practices.search import PracticeDocument, SqliteSearchEngine, load_embedder

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
        out.append(PracticeDocument(
            id=next_id, external_id=f"variant-{next_id}", title=f"{src.title} ({city})",
            fields={"summary": " ".join(parts)}, language=src.language, city=city, country=src.country,
            sdgs=src.sdgs, sectors=src.sectors, visibility=rng.choice(["public", "network", "private"]),
            workspace=f"ws{rng.randrange(50)}"))
        next_id += 1
    return out


def pct(values: list[float], q: float) -> float:
    """Percentile (nearest rank) in milliseconds, rounded."""
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))] * 1000, 2)


def main() -> None:
    """Run the benchmark and print JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    args = ap.parse_args()
    result: dict[str, object] = {"docs": args.docs, "cpu_count": os.cpu_count(),
                                 "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    t0 = time.perf_counter()
    emb = load_embedder()
    result["model_load_s"] = round(time.perf_counter() - t0, 3)
    docs = variants(load_documents(), args.docs)
    queries = [q for _, q in read_queries()]
    rng = random.Random(SEED)
    queries += [d.title for d in rng.sample(docs, 62)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        engine = SqliteSearchEngine(db, embedder=emb)
        t0 = time.perf_counter()
        engine.index_many(docs)
        result["index_build_s"] = round(time.perf_counter() - t0, 2)
        result["db_mb"] = round(db.stat().st_size / 1e6, 1)
        engine.close()
        # a fresh process would open the file like this; the first query loads the vectors
        engine = SqliteSearchEngine(db, embedder=emb)
        t0 = time.perf_counter()
        engine.search(queries[0], limit=10)
        result["first_query_after_open_s"] = round(time.perf_counter() - t0, 3)
        for mode in ("keyword", "dense", "hybrid"):
            times = []
            for q in queries:
                t0 = time.perf_counter()
                engine.search(q, limit=10, mode=mode)
                times.append(time.perf_counter() - t0)
            name = "bm25_only" if mode == "keyword" else mode
            result[f"query_{name}_ms"] = {"p50": pct(times, 0.5), "p95": pct(times, 0.95),
                                          "mean": round(statistics.mean(times) * 1000, 2), "n": len(times)}
        times = []
        for i in range(20):
            doc = PracticeDocument(id=10_000_000 + i, external_id=f"bench-add-{i}", title=f"New practice {i}",
                                   fields={"summary": docs[i].body()}, language="en", visibility="public")
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
