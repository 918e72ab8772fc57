"""Benchmark: the first `citydip init` (migrations + all reference data) and a second, no-op run.

Issues 2 and 13 ask for the first run under 10 s and a second run that changes nothing. Each GeoNames place
list given with ``--places`` (default: the one ``citydip init`` loads) is measured in its own fresh database
in the same run, so lists can be compared under the same machine load. Prints JSON: wall and CPU seconds of
both runs, the time of each loading step, row counts, the database file size (SQLite) and the load average.
Usage: python benchmarks/init.py [--database-url URL] [--places 15000 1000 500]
(default: a fresh SQLite file in a temp dir; with a PostgreSQL URL each list gets its own fresh database)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from citydip.core.database import make_engine, make_sessionmaker
from citydip.core.tenancy import Scope, set_scope
from citydip.reference.loaders import DEFAULT_PLACES, PLACE_LISTS
from citydip.reference.models import City, Country, SdgIndicator, Subdivision
from citydip.system.service import initialise


class Steps:
    """Times each step that the reference loader announces."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def __call__(self, label: str, _done: int, _total: int) -> None:
        self.marks.append((label, time.perf_counter()))

    def seconds(self) -> dict[str, float]:
        """Seconds spent in each step (up to the next announcement)."""
        return {a: round(tb - ta, 2) for (a, ta), (_b, tb) in zip(self.marks, self.marks[1:], strict=False)}


def _timed(engine: Any, places: int) -> tuple[Any, float, float, dict[str, float]]:
    steps = Steps()
    wall, cpu = time.perf_counter(), time.process_time()
    report = initialise(engine, steps, places=places)
    return report, time.perf_counter() - wall, time.process_time() - cpu, steps.seconds()


def _pg_database(url: str, name: str, create: bool) -> str:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def measure(base_url: str, tmp: Path, places: int) -> dict[str, Any]:
    """Two `init` runs on a fresh database loading GeoNames' list of ``places``+ people."""
    name = f"citydip_bench_init_{places}"
    url = _pg_database(base_url, name, True) if base_url else f"sqlite:///{tmp / f'init_{places}.sqlite3'}"
    engine = make_engine(url, pool=False)
    first, first_s, first_cpu, first_steps = _timed(engine, places)
    second, second_s, second_cpu, second_steps = _timed(engine, places)
    with make_sessionmaker(engine)() as session:
        set_scope(session, Scope.system_scope())
        counts = {
            m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (Country, Subdivision, City, SdgIndicator)
        }
        major = session.scalar(select(func.count()).select_from(City).where(City.population_class == 15000))
        if engine.dialect.name == "postgresql":
            size = session.scalar(text("SELECT pg_database_size(current_database())"))
        else:
            size = Path(make_url(url).database or "").stat().st_size
    engine.dispose()
    if base_url:
        _pg_database(base_url, name, False)
    return {
        "places": places,
        "first_run_seconds": round(first_s, 2),
        "first_run_cpu_seconds": round(first_cpu, 2),
        "first_run_within_target": first_s < 10,
        "first_run_steps": first_steps,
        "second_run_seconds": round(second_s, 2),
        "second_run_cpu_seconds": round(second_cpu, 2),
        "second_run_steps": second_steps,
        "second_run_changed_anything": second.reference.changed,
        "rows": counts,
        "pickers_default_places": major,
        "inserted_first_run": sum(r.inserted for r in first.reference.results),
        "database_megabytes": round(int(size or 0) / 1e6, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (any database on it)")
    parser.add_argument("--places", type=int, nargs="+", default=[DEFAULT_PLACES], choices=PLACE_LISTS)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        runs = [measure(args.database_url, Path(tmp), places) for places in args.places]
    result = {
        "benchmark": "citydip init",
        "backend": "postgresql" if args.database_url else "sqlite",
        "target_seconds": 10,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    ok = all(r["first_run_within_target"] and not r["second_run_changed_anything"] for r in runs)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
