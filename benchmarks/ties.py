"""Benchmark: import the whole Wikidata P190 file, the Wikipedia twin-town lists and the ETMUN memberships.

Issue 3 asks for both tie files under 60 s. Each file is imported in its own transaction into a fresh database
(created with ``citydip.system.service.initialise``), then imported again to show the second run changes
nothing. Prints JSON with timings and resolution counts.
Usage: python benchmarks/ties.py [--database-url URL]   (default: a fresh SQLite file in a temp dir)
Reads ../shared/data in place; exits with status 2 when it is absent.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from citydip.audit.recorder import install_audit
from citydip.core.actor import Actor, set_actor
from citydip.core.database import make_engine, make_sessionmaker, transaction
from citydip.core.tenancy import Scope, install_tenancy, set_scope
from citydip.system.service import initialise
from citydip.ties.models import NetworkMembership, Tie, TieReview
from citydip.ties.service import ImportReport, import_file

DATA = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cities").resolve()
JOBS: list[tuple[str, Path, str, str, Path | None]] = [
    (
        "wikidata",
        DATA / "sister_cities/wikidata_p190_L3viathan_2016/relations.tsv",
        "wikidata",
        "tie",
        DATA / "sister_cities/wikidata_p190_L3viathan_2016/names.tsv",
    ),
    ("wikipedia", DATA / "sister_cities/twin_cities_raw.csv", "wikipedia", "tie", None),
    ("etmun", DATA / "networks/etmun_urbact_gourdon/MembersETMUNGeocode.csv", "etmun", "membership", None),
]
KEYS = (
    "rows",
    "resolved",
    "ambiguous",
    "unresolved",
    "resolution_rate",
    "created",
    "merged",
    "reviews_added",
    "wikidata_ids_learned",
    "places",
    "methods",
    "skipped",
)


def _run(factory: Any, path: Path, fmt: str, kind: str, names: Path | None) -> tuple[ImportReport, float]:
    started = time.perf_counter()
    with transaction(factory) as session:
        set_scope(session, Scope.system_scope("benchmark"))
        set_actor(session, Actor("benchmark"))
        report = import_file(session, path, fmt, kind, names)
    return report, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    missing = [str(p) for _n, p, *_ in JOBS if not p.exists()]
    if missing:
        print(json.dumps({"error": "../shared/data is absent", "missing": missing}))
        return 2
    install_tenancy()
    install_audit()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'ties.sqlite3'}"
        engine = make_engine(url, pool=False)
        init = initialise(engine)
        factory = make_sessionmaker(engine)
        results: dict[str, Any] = {}
        for name, path, fmt, kind, names in JOBS:
            report, seconds = _run(factory, path, fmt, kind, names)
            data = report.as_dict()
            results[name] = {"file": path.name, "seconds": round(seconds, 2), **{k: data[k] for k in KEYS}}
        for name, path, fmt, kind, names in JOBS:
            report, seconds = _run(factory, path, fmt, kind, names)
            results[name]["second_run_seconds"] = round(seconds, 2)
            results[name]["second_run_changed_anything"] = report.changed
        with factory() as session:
            set_scope(session, Scope.system_scope("benchmark"))
            rows = {
                m.__tablename__: session.scalar(select(func.count()).select_from(m))
                for m in (Tie, NetworkMembership, TieReview)
            }
        engine.dispose()
    both = results["wikidata"]["seconds"] + results["wikipedia"]["seconds"]
    print(
        json.dumps(
            {
                "benchmark": "public ties and network memberships import",
                "backend": url.split(":", 1)[0],
                "python": platform.python_version(),
                "init_seconds": round(init.seconds, 2),
                "both_tie_files_seconds": round(both, 2),
                "both_tie_files_target_seconds": 60,
                "within_target": both < 60,
                "files": results,
                "rows": rows,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
