"""Benchmark: city lookups before and after the place list grew from GeoNames' 15,000 list to the 1,000 list.

Issue 13 asks that city lookups stay fast. One run builds two fresh databases, one holding the 15,000 list
(34,006 places, what CityDip loaded before) and one holding the list ``citydip init`` loads now, and times,
on the same machine load, the same queries through:

- ``before``: the lookup code as it was before issue 13 (its SQL is kept below: exact name on the index,
  alternate names by a ``LIKE`` scan, prefix and word search by a ``LIKE`` scan, rapidfuzz over all names)
  on the 15,000 list: the baseline;
- ``before_code_after_data``: that same code on the longer list, to show what the longer list alone costs;
- ``after``: ``citydip.reference.cities`` on the longer list as pickers call it (15,000 list by default);
- ``after_include_smaller``: the same with ``include_smaller=True`` (every loaded place).

Queries: 300 place names (seeded sample) from the Wikipedia twin-town lists in ../shared/data, typed as a
person would: resolve with the country, resolve without it, and search as you type with the first 3 and the
first 5 characters. The first call of each variant (which builds the in-memory index) is reported apart.
Prints JSON with p50/p95/max in milliseconds and the load average.
Usage: python benchmarks/lookup.py [--queries 300]     (SQLite; exits with status 2 when ../shared is absent)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from citydip.core.database import make_engine, make_sessionmaker
from citydip.core.tenancy import Scope, install_tenancy, set_scope
from citydip.core.text import fold
from citydip.reference import cities as lookup
from citydip.reference.cities import split_label
from citydip.reference.models import City
from citydip.reference.places import DEFAULT_PLACES
from citydip.system.service import initialise

WIKIPEDIA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cities" / "sister_cities"
).resolve()
SEED = 13


# --- the lookup as it was before issue 13 (src/citydip/reference/cities.py and repository.py at d4615e6) ---

_before_index: dict[str, dict[str, list[tuple[str, int]]]] = {}


def _before_fuzzy(session: Session) -> dict[str, list[tuple[str, int]]]:
    key = str(session.get_bind().engine.url)
    if key not in _before_index:
        by_country: dict[str, list[tuple[str, int]]] = {"*": []}
        for gid, name_key, cc in session.execute(select(City.geonames_id, City.ascii_key, City.country_code)):
            by_country.setdefault(cc, []).append((name_key, gid))
            by_country["*"].append((name_key, gid))
        _before_index[key] = by_country
    return _before_index[key]


def before_resolve(session: Session, text: str, country: str | None) -> City | None:
    """The old ``resolve_city``: exact key, then a LIKE scan of alternate names, then rapidfuzz."""
    name, code = split_label(text)
    if country:
        code = lookup.country_code_for(country) or code
    key = fold(name)
    if not key:
        return None
    stmt = select(City).where(City.ascii_key == key)
    if code:
        stmt = stmt.where(City.country_code == code)
    exact = session.scalars(stmt.order_by(City.population.desc())).first()
    if exact is not None:
        return exact
    pattern = f"%|{name.strip()}|%".lower()
    stmt = select(City).where(func.lower("|" + City.alternate_names + "|").like(pattern))
    if code:
        stmt = stmt.where(City.country_code == code)
    alternate = session.scalars(stmt.order_by(City.population.desc()).limit(20)).first()
    if alternate is not None:
        return alternate
    index = _before_fuzzy(session).get(code or "*", [])
    hits = process.extract(key, [k for k, _ in index], scorer=fuzz.WRatio, score_cutoff=88.0, limit=5)
    return session.get(City, index[hits[0][2]][1]) if hits else None


def before_search(session: Session, text: str, country: str | None, limit: int = 20) -> list[City]:
    """The old city search: a LIKE scan for names starting with, or with a word starting with, the text."""
    key = fold(text)
    stmt = select(City).where(or_(City.ascii_key.like(f"{key}%"), City.ascii_key.like(f"% {key}%")))
    code = lookup.country_code_for(country) if country else None
    if code:
        stmt = stmt.where(City.country_code == code)
    found = list(session.scalars(stmt.order_by(City.population.desc()).limit(limit)))
    if not found:
        city = before_resolve(session, text, code)
        found = [city] if city else []
    return found


# --- measuring -------------------------------------------------------------------------------------------


def sample_queries(count: int) -> list[tuple[str, str]]:
    """(name, country) pairs from the Wikipedia lists, seeded."""
    names: set[tuple[str, str]] = set()
    with (WIKIPEDIA / "twin_cities_raw.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for side in "12":
                if row[f"city{side}"].strip():
                    names.add((row[f"city{side}"].strip(), row[f"country{side}"].strip()))
    return random.Random(SEED).sample(sorted(names), count)


def _stats(times: Sequence[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
        "n": len(ordered),
    }


def _time(
    session: Session, call: Callable[[str, str | None], Any], inputs: list[tuple[str, str | None]]
) -> dict[str, Any]:
    started = time.perf_counter()
    call(*inputs[0])
    first = (time.perf_counter() - started) * 1000
    times = []
    for text, country in inputs:
        started = time.perf_counter()
        call(text, country)
        times.append((time.perf_counter() - started) * 1000)
        session.expunge_all()
    return {"first_call_ms": round(first, 1), **_stats(times)}


def measure(session: Session, variant: str, queries: list[tuple[str, str]]) -> dict[str, Any]:
    """Every operation of one variant."""
    smaller = variant == "after_include_smaller"
    if variant.startswith("before"):
        resolve: Callable[[str, str | None], Any] = lambda t, c: before_resolve(session, t, c)  # noqa: E731
        search: Callable[[str, str | None], Any] = lambda t, c: before_search(session, t, c)  # noqa: E731
    else:
        resolve = lambda t, c: lookup.resolve_city(session, t, c, include_smaller=smaller)  # noqa: E731
        search = lambda t, c: lookup.search_cities(session, t, c, 20, include_smaller=smaller)  # noqa: E731
    with_country = [(n, c or None) for n, c in queries]
    return {
        "resolve_with_country": _time(session, resolve, with_country),
        "resolve_name_only": _time(session, resolve, [(n, None) for n, _c in queries]),
        "search_3_characters": _time(session, search, [(n[:3], None) for n, _c in queries]),
        "search_5_characters_with_country": _time(session, search, [(n[:5], c) for n, c in with_country]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    if not (WIKIPEDIA / "twin_cities_raw.csv").exists():
        print(json.dumps({"error": "../shared/data is absent", "missing": str(WIKIPEDIA)}))
        return 2
    queries = sample_queries(args.queries)
    install_tenancy()
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for places, variants in (
            (15000, ["before"]),
            (DEFAULT_PLACES, ["before_code_after_data", "after", "after_include_smaller"]),
        ):
            engine = make_engine(f"sqlite:///{Path(tmp) / f'lookup_{places}.sqlite3'}", pool=False)
            initialise(engine, places=places)
            with make_sessionmaker(engine)() as session:
                set_scope(session, Scope.system_scope("benchmark"))
                count = session.scalar(select(func.count()).select_from(City))
                for variant in variants:
                    results[variant] = {"places_loaded": count, **measure(session, variant, queries)}
            lookup.forget_name_index()
            engine.dispose()
    print(
        json.dumps(
            {
                "benchmark": "city lookups before and after the longer place list",
                "backend": "sqlite",
                "queries": len(queries),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "variants": results,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
