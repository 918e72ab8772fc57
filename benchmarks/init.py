"""Benchmark: the first `citydip init` (migrations + all reference data) and a second, no-op run.

Issue 2 asks for the first run under 10 s and a second run that changes nothing. Prints JSON.
Usage: python benchmarks/init.py [--database-url URL]   (default: a fresh SQLite file in a temp dir)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from citydip.core.database import make_engine, make_sessionmaker
from citydip.core.tenancy import Scope, set_scope
from citydip.reference.models import City, Country, SdgIndicator, Subdivision
from citydip.system.service import initialise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url, pool=False)
        started = time.perf_counter()
        first = initialise(engine)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = initialise(engine)
        second_s = time.perf_counter() - started
        with make_sessionmaker(engine)() as session:
            set_scope(session, Scope.system_scope())
            counts = {
                m.__tablename__: session.scalar(select(func.count()).select_from(m))
                for m in (Country, Subdivision, City, SdgIndicator)
            }
        engine.dispose()
    result = {
        "benchmark": "citydip init",
        "backend": url.split(":", 1)[0],
        "first_run_seconds": round(first_s, 2),
        "first_run_target_seconds": 10,
        "first_run_within_target": first_s < 10,
        "second_run_seconds": round(second_s, 2),
        "second_run_changed_anything": second.reference.changed,
        "rows": counts,
        "inserted_first_run": sum(r.inserted for r in first.reference.results),
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0 if result["first_run_within_target"] and not result["second_run_changed_anything"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
