"""Benchmark: the diplomacy register at scale on SQLite (issue 3).

Builds one workspace with 20,000 partners (one person each), 5,000 agreements, 200,000 engagements and 400,000
follow-ups (bulk inserts), then times list pages and API list calls (first page, filtered, sorted, free text
that matches a few rows, thousands, or every row), the partner timeline, and an import of 50,000 engagement
rows from CSV. Prints JSON. Targets: p95 < 100 ms, import < 30 s.
Usage: python benchmarks/register.py [--scale 1.0] [--runs 30] [--analyze] [--database-url URL (an empty database)]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text

from citydip.core.config import Settings
from citydip.core.context import WorkspaceContext
from citydip.core.database import make_engine, make_sessionmaker, new_id, transaction
from citydip.core.tenancy import Scope, set_scope
from citydip.reference.models import City
from citydip.register.agreements.models import Agreement, AgreementParty, AgreementSdg
from citydip.register.engagements.models import Engagement, EngagementPartner, EngagementSdg
from citydip.register.followups.models import FollowUp
from citydip.register.io.service import import_file
from citydip.register.partners.models import Partner, Person
from citydip.system.service import initialise
from citydip.web.app import create_app

PASSWORD = "benchmark-password-1"
COUNTRIES = ["CN", "MX", "CA", "JP", "KR", "DE", "FR", "GB", "BR", "IN", "NG", "KE", "AU", "IT", "ES", "PH"]
rng = random.Random(20261127)


def insert_chunks(session: Any, model: Any, rows: list[dict[str, Any]], size: int = 10_000) -> None:
    for start in range(0, len(rows), size):
        session.execute(insert(model.__table__), rows[start : start + size])


def build(factory: Any, scale: float) -> dict[str, Any]:
    """Create the user, workspace and the bulk data; returns ids used by the measurements."""
    from citydip.accounts.service import create_user, set_membership
    from citydip.core.tenancy import Role
    from citydip.workspaces.service import create_workspace

    n_partners, n_agreements = int(20_000 * scale), int(5_000 * scale)
    n_engagements, n_followups = int(200_000 * scale), int(400_000 * scale)
    started = time.perf_counter()
    with transaction(factory) as s:
        set_scope(s, Scope.system_scope("bench"))
        user = create_user(s, "bench@example.org", PASSWORD, "Bench")
        ws = create_workspace(s, "la", "Los Angeles Office", "Los Angeles, US")
        set_membership(s, user, ws.id, Role.owner)
        wid, uid = ws.id, user.id
        cities = s.execute(select(City.geonames_id, City.name, City.country_code).limit(3000)).all()
        today = date.today()
        partners = []
        for i in range(n_partners):
            gid, name, cc = cities[i % len(cities)]
            kind = "city" if i % 4 else rng.choice(["consulate", "company", "university", "civil_society"])
            partners.append(
                {
                    "workspace_id": wid,
                    "id": new_id(),
                    "kind": kind,
                    "name": f"{name} {i}",
                    "name_key": f"{name.lower()} {i}",
                    "country_code": cc,
                    "city_id": gid if kind == "city" else None,
                    "external_id": f"P{i}",
                    "visibility": "private",
                    "head_of_post": "",
                    "address": "",
                    "national_day": "",
                    "website": "",
                    "email": "",
                    "phone": "",
                    "notes": "",
                }
            )
        insert_chunks(s, Partner, partners)
        people = [
            {
                "workspace_id": wid,
                "id": new_id(),
                "partner_id": p["id"],
                "name": f"Person {i}",
                "title": rng.choice(["Consul General", "Deputy Mayor", "Director", "Professor"]),
                "email": f"person{i}@example.org",
                "notes": "",
            }
            for i, p in enumerate(partners)
        ]
        insert_chunks(s, Person, people)
        agreements, parties, asdgs = [], [], []
        for i in range(n_agreements):
            p = partners[rng.randrange(n_partners)]
            aid = new_id()
            agreements.append(
                {
                    "workspace_id": wid,
                    "id": aid,
                    "kind": rng.choice(["sister_city", "mou", "cooperation"]),
                    "title": f"Agreement {i} with {p['name']}",
                    "status": rng.choice(["active", "dormant", "proposed"]),
                    "signed_on": today - timedelta(days=rng.randrange(20_000)),
                    "fields": [],
                    "signatories": [],
                    "description": "",
                    "notes": "",
                    "parties_label": p["name"],
                    "country_code": p["country_code"],
                    "external_id": f"A{i}",
                    "visibility": "private",
                    "renews_on": today + timedelta(days=rng.randrange(-200, 2000)),
                }
            )
            parties.append({"workspace_id": wid, "agreement_id": aid, "partner_id": p["id"], "position": 0})
            asdgs.append({"workspace_id": wid, "agreement_id": aid, "goal": rng.randint(1, 17)})
        insert_chunks(s, Agreement, agreements)
        insert_chunks(s, AgreementParty, parties)
        insert_chunks(s, AgreementSdg, asdgs)
        engagements, links, esdgs = [], [], []
        kinds = [
            "incoming_delegation",
            "outgoing_mission",
            "meeting",
            "courtesy_call",
            "summit",
            "virtual_meeting",
        ]
        for i in range(n_engagements):
            p = partners[rng.randrange(n_partners)]
            eid = new_id()
            engagements.append(
                {
                    "workspace_id": wid,
                    "id": eid,
                    "kind": rng.choice(kinds),
                    "title": f"Engagement {i}",
                    "title_key": f"engagement {i}",
                    "status": "held",
                    "starts_on": today + timedelta(days=rng.randrange(-3000, 400)),
                    "place": "",
                    "country_code": p["country_code"],
                    "purpose": "",
                    "notes": "",
                    "protocol": {},
                    "outcome_text": "",
                    "investment_currency": "",
                    "partners_label": p["name"],
                    "visibility": "private",
                }
            )
            links.append({"workspace_id": wid, "engagement_id": eid, "partner_id": p["id"], "position": 0})
            esdgs.append({"workspace_id": wid, "engagement_id": eid, "goal": rng.randint(1, 17)})
        insert_chunks(s, Engagement, engagements)
        insert_chunks(s, EngagementPartner, links)
        insert_chunks(s, EngagementSdg, esdgs)
        followups = []
        for i in range(n_followups):
            e = engagements[i % n_engagements]
            followups.append(
                {
                    "workspace_id": wid,
                    "id": new_id(),
                    "task": f"Follow-up {i}",
                    "owner_id": uid,
                    "due_on": e["starts_on"] + timedelta(days=14),
                    "status": rng.choice(["open", "done", "done", "in_progress"]),
                    "notes": "",
                    "engagement_id": e["id"],
                    "partner_id": links[i % n_engagements]["partner_id"],
                }
            )
        insert_chunks(s, FollowUp, followups)
    s_build = time.perf_counter() - started
    busiest = max(range(0, n_partners, max(1, n_partners // 200)), key=lambda i: i)  # any partner
    return {
        "workspace_id": wid,
        "partners": [p["id"] for p in partners],
        "build_seconds": round(s_build, 1),
        "counts": {
            "partners": n_partners,
            "people": n_partners,
            "agreements": n_agreements,
            "engagements": n_engagements,
            "followups": n_followups,
        },
        "sample_partner": partners[busiest]["id"],
        "sample_city": cities[1234 % len(cities)][1],
    }


def search_index_bytes(engine: Any) -> int | None:
    """Bytes taken by the free-text search indexes (FTS5 tables or GIN trigram indexes); None without them."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            try:
                value = conn.execute(
                    text("SELECT sum(pgsize) FROM dbstat WHERE substr(name, 1, 4) = :prefix"),
                    {"prefix": "fts_"},
                ).scalar()
            except Exception:  # SQLite built without the dbstat table
                return None
        else:
            value = conn.execute(
                text(
                    "SELECT sum(pg_relation_size(c.oid)) FROM pg_class c "
                    "WHERE c.relkind = 'i' AND substr(c.relname, 1, 5) = :prefix"
                ),
                {"prefix": "trgm_"},
            ).scalar()
    return int(value) if value else None


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(client: TestClient, path: str, runs: int) -> dict[str, float]:
    client.get(path)  # warm caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{path} -> {r.status_code}: {r.text[:300]}")
    return {"p95_ms": round(p95(times), 1), "median_ms": round(statistics.median(times), 1)}


def engagement_csv(partner_refs: list[str], rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "external_id",
            "kind",
            "title",
            "status",
            "starts_on",
            "ends_on",
            "place",
            "partners",
            "sdgs",
            "purpose",
            "jobs",
        ]
    )
    start = date(2027, 1, 1)
    for i in range(rows):
        day = start + timedelta(days=i % 700)
        writer.writerow(
            [
                f"IMP-{i}",
                "meeting",
                f"Imported meeting {i}",
                "planned",
                day.isoformat(),
                (day + timedelta(days=1)).isoformat(),
                "City Hall",
                rng.choice(partner_refs),
                f"{rng.randint(1, 17)}; 17",
                "Imported for the benchmark",
                i % 50,
            ]
        )
    return out.getvalue().encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the issue's sizes")
    parser.add_argument("--runs", type=int, default=30, help="requests per measured address")
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--database-url", default="", help="an empty database (default: a new SQLite file)")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE after the build (the app never does, so by default the planner has no statistics)",
    )
    parser.add_argument("--only", default="", help="measure only addresses whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        initialise(engine)
        factory = make_sessionmaker(engine)
        data = build(factory, args.scale)
        if args.analyze:
            with (
                engine.begin() as conn
            ):  # committed: ANALYZE in a rolled-back transaction leaves no statistics
                conn.exec_driver_sql("ANALYZE")
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            database_bytes = Path(url.removeprefix("sqlite:///")).stat().st_size
            search_bytes = search_index_bytes(engine)
        else:
            with engine.connect() as conn:
                database_bytes = int(
                    conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
                )
            search_bytes = search_index_bytes(engine)
        app = create_app(Settings(database_url=url, data_dir=Path(tmp) / "data", secret_key="bench"), engine)
        results: dict[str, Any] = {}
        with TestClient(app) as client:
            token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/login", data={"email": "bench@example.org", "password": PASSWORD, "csrf_token": token}
            )
            year_ago = (date.today() - timedelta(days=365)).isoformat()
            city = data["sample_city"]
            cases = {
                "engagements_page_first": "/w/la/engagements",
                "engagements_page_filtered_country": "/w/la/engagements?country=CN",
                "engagements_page_filtered_sdg_dates": f"/w/la/engagements?sdg=11&from={year_ago}",
                "engagements_page_sorted_title": "/w/la/engagements?sort=title",
                "engagements_page_search_q": "/w/la/engagements?q=Engagement%2019999",
                "engagements_page_search_thousands": "/w/la/engagements?q=Engagement%2012",
                "engagements_page_search_every_row": "/w/la/engagements?q=Engagement",
                "engagements_page_search_partner_city": f"/w/la/engagements?q={quote(city)}",
                "engagements_page_search_short": "/w/la/engagements?q=12",
                "partners_page_first": "/w/la/partners",
                "partners_page_filtered": "/w/la/partners?kind=consulate&country=DE",
                "partners_page_sorted_country": "/w/la/partners?sort=-country",
                "partners_page_search_q": f"/w/la/partners?q={quote(city)}%2012",
                "partners_page_search_city": f"/w/la/partners?q={quote(city)}",
                "people_page_first": "/w/la/people",
                "people_page_search_q": "/w/la/people?q=Person%2012345",
                "people_page_search_every_row": "/w/la/people?q=Person",
                "agreements_page_first": "/w/la/agreements",
                "agreements_page_filtered": "/w/la/agreements?status=active&sdg=11",
                "agreements_page_sorted_renewal": "/w/la/agreements?sort=renews",
                "agreements_page_search_q": "/w/la/agreements?q=Agreement%204321",
                "agreements_page_search_every_row": "/w/la/agreements?q=Agreement",
                "followups_page_first": "/w/la/followups",
                "followups_page_overdue": "/w/la/followups?overdue=true",
                "followups_page_sorted_task": "/w/la/followups?sort=task",
                "followups_page_search_q": "/w/la/followups?q=Follow-up%20123456",
                "followups_page_search_thousands": "/w/la/followups?q=Follow-up%2012",
                "followups_page_search_every_row": "/w/la/followups?q=Follow-up",
                "api_engagements_first": "/api/v1/workspaces/la/engagements",
                "api_engagements_filtered": "/api/v1/workspaces/la/engagements?country=MX&kind=meeting",
                "api_engagements_sorted": "/api/v1/workspaces/la/engagements?sort=-starts&per_page=100",
                "api_engagements_search_q": "/api/v1/workspaces/la/engagements?q=Engagement%2019999",
                "api_partners_first": "/api/v1/workspaces/la/partners",
                "api_partners_filtered": "/api/v1/workspaces/la/partners?country=JP",
                "api_agreements_first": "/api/v1/workspaces/la/agreements",
                "api_followups_first": "/api/v1/workspaces/la/followups",
                "api_followups_filtered": "/api/v1/workspaces/la/followups?open=true&sort=due",
                "api_followups_search_q": "/api/v1/workspaces/la/followups?q=Follow-up%20123456",
                "api_people_search_q": "/api/v1/workspaces/la/people?q=Person%2012345",
                "export_engagements_csv_search_q": "/w/la/register/export/engagements?format=csv&q=Engagement%2019999",
                "dashboard": "/w/la/",
            }
            for name, path in cases.items():
                if args.only and args.only not in name:
                    continue
                results[name] = measure(client, path, args.runs)
            partner_ids = rng.sample(data["partners"], 50)
            times = []
            for pid in partner_ids:
                started = time.perf_counter()
                r = client.get(f"/w/la/partners/{pid}")
                times.append((time.perf_counter() - started) * 1000)
                assert r.status_code == 200
            results["partner_timeline_page"] = {
                "p95_ms": round(p95(times), 1),
                "median_ms": round(statistics.median(times), 1),
            }
        content = engagement_csv([f"P{i}" for i in range(0, len(data["partners"]), 7)], args.import_rows)
        with transaction(factory) as s:
            set_scope(s, Scope.system_scope("bench"))
            from citydip.workspaces.repository import workspace_by_slug

            ctx = WorkspaceContext.for_operator(workspace_by_slug(s, "la"))  # type: ignore[arg-type]
            started = time.perf_counter()
            report = import_file(s, ctx, "engagements", content, "bench.csv", dry_run=False)
            s.flush()
        import_s = time.perf_counter() - started
        engine.dispose()
    timed = dict(results.items())
    slow = sorted(k for k, v in timed.items() if v["p95_ms"] >= 100)
    out = {
        "benchmark": "diplomacy register (issue 3)",
        "backend": engine.dialect.name,
        "analyze": args.analyze,
        "database_bytes": database_bytes,
        "search_index_bytes": search_bytes,
        "rows": data["counts"],
        "build_seconds": data["build_seconds"],
        "runs_per_address": args.runs,
        "latency": timed,
        "p95_target_ms": 100,
        "over_target": slow,
        "import_engagements_csv": {
            "rows": args.import_rows,
            "bytes": len(content),
            "seconds": round(import_s, 2),
            "created": report.created,
            "target_seconds": 30,
        },
        "tie_file_imports": "measured by benchmarks/ties.py (Wikidata and Wikipedia sister-city files)",
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
