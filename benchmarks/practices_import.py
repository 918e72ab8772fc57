"""Import the shared practice corpus and the URBACT export into a fresh database, then again; print JSON.

Reads ../shared/data/practices/corpus.jsonl and ../shared/data/cities/practices/urbact_gourdon/
GoodPracticesURBACT_Corpus.csv in place. Usage:
    .venv/bin/python benchmarks/practices_import.py [--database-url postgresql://.../scratch_db]
(without --database-url a temporary SQLite file is used; the PostgreSQL database given is emptied first, so
its name must contain bench, scratch or tmp).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from citydip.core.actor import Actor, set_actor
from citydip.core.database import make_engine, make_sessionmaker, transaction
from citydip.core.tenancy import Scope, Visibility, set_scope
from citydip.practices import searching
from citydip.practices.importing import import_practices
from citydip.system.service import initialise
from citydip.workspaces import service as workspaces

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
CORPUS = SHARED / "practices" / "corpus.jsonl"
URBACT = SHARED / "cities" / "practices" / "urbact_gourdon" / "GoodPracticesURBACT_Corpus.csv"


def _reset_pg(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if not any(word in name for word in ("bench", "scratch", "tmp")):
        raise SystemExit(
            f"refusing to empty database '{name}': use a scratch database whose name contains "
            "bench, scratch or tmp"
        )
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def main() -> None:
    """Run the imports and print timings and counts as JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    for path in (CORPUS, URBACT):
        if not path.is_file():
            raise SystemExit(f"{path} absent: this benchmark needs the shared data")
    result: dict[str, object] = {
        "backend": "postgresql" if args.database_url else "sqlite",
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        if args.database_url:
            _reset_pg(url)
        engine = make_engine(url)
        initialise(engine)
        factory = make_sessionmaker(engine)
        with transaction(factory) as s:
            set_scope(s, Scope.system_scope("bench"))
            workspaces.create_workspace(s, "bench", "Bench", "Bologna, IT")
        runs = [
            ("corpus_first", CORPUS),
            ("corpus_again", CORPUS),
            ("urbact_first", URBACT),
            ("urbact_again", URBACT),
        ]
        for name, path in runs:
            started = time.perf_counter()
            with transaction(factory) as s:
                set_scope(s, Scope.system_scope("bench"))
                set_actor(s, Actor("bench"))
                ctx = workspaces.operator_context(s, "bench")
                report = import_practices(s, ctx, path, default_visibility=Visibility.public)
            result[name] = {
                "seconds": round(time.perf_counter() - started, 2),
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected_rows": report.rejected_rows,
            }
        with transaction(factory) as s:
            set_scope(s, Scope.system_scope("bench"))
            ctx = workspaces.operator_context(s, "bench")
            started = time.perf_counter()
            hits = searching.search_practices(s, ctx, searching.SearchParams(q="Radwege ausbauen", limit=10))
            result["first_search_s"] = round(time.perf_counter() - started, 3)
            result["first_search_top3"] = [h.practice.title for h in hits[:3]]
        engine.dispose()
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
