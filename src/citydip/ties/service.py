"""Importing public ties and network memberships: read and check the file, match cities, write in bulk.

One import is one transaction (the caller's). Re-importing the same file changes nothing: ties are keyed by
source and city pair, memberships by source, network, member and country, review rows by a digest of their
content; and the summary audit entry is written only when something changed. Review decisions live in
``citydip.ties.decisions``.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from citydip.audit.recorder import record
from citydip.core.database import utcnow
from citydip.core.text import fold
from citydip.reference.models import City
from citydip.ties import repository as repo
from citydip.ties.importers import get as get_format
from citydip.ties.importers.base import MemberRow, SourceFormat, TieRow
from citydip.ties.models import NetworkMembership, Tie, TieReview
from citydip.ties.resolution import CityIndex, Place, Resolution, Status

BATCH = 2000
# The report lists this many ambiguous places with their candidates (the review queue holds them all).
AMBIGUOUS_LISTED = 200
# Core tables for bulk UPDATEs with a WHERE of their own (the ORM's bulk update wants primary keys only).
CITIES: Table = City.__table__  # type: ignore[assignment]
REVIEWS: Table = TieReview.__table__  # type: ignore[assignment]
MEMBERSHIPS: Table = NetworkMembership.__table__  # type: ignore[assignment]


@dataclass
class ImportReport:
    """What one import found and did."""

    file: str
    format: str
    kind: str
    source: str
    licence: str
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    resolved: int = 0
    ambiguous: int = 0
    unresolved: int = 0
    places: dict[str, int] = field(default_factory=dict)
    methods: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    reviews_added: int = 0
    reviews_updated: int = 0
    reviews_closed: int = 0
    wikidata_ids_learned: int = 0
    seconds: float = 0.0
    # Places a person has to choose for, most-named first, each with its candidates (see ``ambiguous_list``).
    ambiguous_places: list[dict[str, Any]] = field(default_factory=list)
    ambiguous_places_total: int = 0

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(
            self.created
            or self.updated
            or self.reviews_added
            or self.reviews_updated
            or self.reviews_closed
            or self.wikidata_ids_learned
        )

    @property
    def resolution_rate(self) -> float:
        """Share of rows whose cities were all matched (0 when the file had no rows)."""
        return self.resolved / self.rows if self.rows else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the audit entry leaves out ``ambiguous_places``)."""
        data = asdict(self)
        data["resolution_rate"] = round(self.resolution_rate, 4)
        data["seconds"] = round(self.seconds, 3)
        return data


def row_status(*statuses: Status) -> Status:
    """A row is resolved when every place is, unresolved when any place has no candidate at all."""
    if all(s is Status.resolved for s in statuses):
        return Status.resolved
    return Status.unresolved if Status.unresolved in statuses else Status.ambiguous


def _place_key(place: Place) -> str:
    return place.qid or f"{fold(place.name)}|{fold(place.country)}"


def row_key(kind: str, *parts: str) -> str:
    """The digest that identifies a review row across re-imports (sides of a pair in either order)."""
    ordered = sorted(parts) if kind == "tie" else list(parts)
    return hashlib.sha1("\x1f".join([kind, *ordered]).encode("utf-8"), usedforsecurity=False).hexdigest()


def _ids(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def _side(prefix: str, place: Place, res: Resolution) -> dict[str, Any]:
    return {
        f"{prefix}_name": place.name[:300],
        f"{prefix}_country": place.country[:120],
        f"{prefix}_qid": place.qid,
        f"{prefix}_status": res.status.value,
        f"{prefix}_city_id": res.city_id,
        # Candidates only matter while a person still has to choose (and keep re-imports identical).
        f"{prefix}_candidates": "" if res.status is Status.resolved else _ids(res.candidates)[:200],
    }


def _problem(places: list[tuple[Place, Resolution]]) -> str:
    notes = [f"{p.describe()}: {r.note}" for p, r in places if r.status is not Status.resolved and r.note]
    return " · ".join(notes)[:2000]


class Importer:
    """One run of one file through one format."""

    def __init__(self, session: Session, fmt: SourceFormat) -> None:
        self.session = session
        self.fmt = fmt
        self.report = ImportReport(fmt.path.name, fmt.name, fmt.kind, fmt.source, fmt.licence)
        self.index = CityIndex.build(session)
        self.cache: dict[Place, Resolution] = {}
        self.mentions: Counter[Place] = Counter()
        self.now = utcnow()

    def resolve(self, place: Place) -> Resolution:
        """Match a place once per import (and count the rows that name it)."""
        self.mentions[place] += 1
        res = self.cache.get(place)
        if res is None:
            res = self.index.resolve(place)
            self.cache[place] = res
        return res

    # --- Wikidata ids ------------------------------------------------------------------------------------

    def settle_wikidata(self) -> None:
        """Store Wikidata ids learnt from unique, confident name matches; send clashing ids to review.

        When two Wikidata items match one city by name (a town and its municipality, a city and its
        province), or a city already carries another id, the name match cannot say which item is the city.
        """
        claims: dict[int, list[Place]] = {}
        for place, res in self.cache.items():
            if place.qid and res.status is Status.resolved and res.method not in ("wikidata", "alias"):
                assert res.city_id is not None
                claims.setdefault(res.city_id, []).append(place)
        learn: list[dict[str, Any]] = []
        for city_id, places in claims.items():
            stored = self.index.qid_of.get(city_id)
            if len(places) == 1 and stored is None:
                res = self.cache[places[0]]
                if res.confident:
                    learn.append({"b_gid": city_id, "b_qid": places[0].qid})
                continue
            label = self.index.label(city_id)
            rivals = ", ".join(sorted(p.qid for p in places))
            note = (
                f"{label} already has Wikidata id {stored}"
                if stored
                else f"several Wikidata items match {label} by name ({rivals})"
            )
            for place in places:
                old = self.cache[place]
                self.cache[place] = Resolution(Status.ambiguous, None, old.method, (city_id,), note=note)
        for start in range(0, len(learn), BATCH):
            self.session.execute(
                update(CITIES)
                .where(CITIES.c.geonames_id == bindparam("b_gid"), CITIES.c.wikidata_id.is_(None))
                .values(wikidata_id=bindparam("b_qid")),
                learn[start : start + BATCH],
            )
        for item in learn:
            self.index.learn_qid(item["b_qid"], item["b_gid"])
        self.report.wikidata_ids_learned = len(learn)

    # --- review rows --------------------------------------------------------------------------------------

    def sync_reviews(self, wanted: dict[str, dict[str, Any]], resolved_keys: set[str]) -> None:
        """Insert new review rows, refresh changed open ones, close those the file now resolves."""
        existing = repo.review_rows(self.session, self.fmt.kind, self.fmt.source)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for key, row in wanted.items():
            current = existing.get(key)
            if current is None:
                inserts.append(row)
                continue
            review_id, status = current[0], current[1]
            if status in ("dismissed", "resolved"):
                continue  # a person decided; an import does not reopen it
            values = tuple(row[c] for c in repo.REVIEW_COLUMNS)
            if values != tuple(current[1:]):
                updates.append(
                    {
                        "b_id": review_id,
                        **{f"v_{c}": row[c] for c in repo.REVIEW_COLUMNS},
                        "v_updated_at": self.now,
                    }
                )
        closes = [
            {"b_id": existing[k][0]}
            for k in resolved_keys
            if k in existing and existing[k][1] in repo.OPEN_STATUSES
        ]
        for start in range(0, len(inserts), BATCH):
            self.session.execute(insert(TieReview), inserts[start : start + BATCH])
        if updates:
            stmt = (
                update(REVIEWS)
                .where(REVIEWS.c.id == bindparam("b_id"))
                .values({c: bindparam(f"v_{c}") for c in (*repo.REVIEW_COLUMNS, "updated_at")})
            )
            for start in range(0, len(updates), BATCH):
                self.session.execute(stmt, updates[start : start + BATCH])
        if closes:
            stmt = (
                update(REVIEWS)
                .where(REVIEWS.c.id == bindparam("b_id"))
                .values(status=Status.resolved.value, decided_by="import", updated_at=self.now)
            )
            self.session.execute(stmt, closes)
        self.report.reviews_added = len(inserts)
        self.report.reviews_updated = len(updates)
        self.report.reviews_closed = len(closes)

    def review_row(
        self, key: str, row: int, status: Status, sides: dict[str, Any], problem: str
    ) -> dict[str, Any]:
        """A review row's values."""
        base: dict[str, Any] = {
            "kind": self.fmt.kind,
            "source": self.fmt.source,
            "licence": self.fmt.licence,
            "dataset": self.fmt.path.name[:200],
            "row_number": row,
            "row_key": key,
            "status": status.value,
            "problem": problem,
            "b_name": "",
            "b_country": "",
            "b_qid": "",
            "b_status": "",
            "b_city_id": None,
            "b_candidates": "",
            "details": {},
            "decided_by": "",
            "updated_at": self.now,
        }
        base.update(sides)
        return base

    def count(self, status: Status) -> None:
        """Count one row's outcome."""
        if status is Status.resolved:
            self.report.resolved += 1
        elif status is Status.ambiguous:
            self.report.ambiguous += 1
        else:
            self.report.unresolved += 1

    def summarise_places(self) -> None:
        """Distinct places by status, resolved places by method, and the ambiguous places to choose for."""
        self.report.places = dict(Counter(r.status.value for r in self.cache.values()))
        self.report.methods = dict(
            Counter(r.method for r in self.cache.values() if r.status is Status.resolved)
        )
        ambiguous = [(p, r) for p, r in self.cache.items() if r.status is Status.ambiguous and r.candidates]
        ambiguous.sort(key=lambda pr: (-self.mentions[pr[0]], pr[0].name, pr[0].country, pr[0].qid))
        self.report.ambiguous_places_total = len(ambiguous)
        self.report.ambiguous_places = [
            {
                "name": place.name,
                "country": place.country,
                "qid": place.qid,
                "rows": self.mentions[place],
                "note": res.note,
                "candidates": [self.index.describe(i) for i in res.candidates],
            }
            for place, res in ambiguous[:AMBIGUOUS_LISTED]
        ]

    # --- ties ----------------------------------------------------------------------------------------------

    def run_ties(self, rows: list[TieRow]) -> None:
        """Match both sides of every pair, then write ties and review rows."""
        for r in rows:
            self.resolve(r.a)
            self.resolve(r.b)
        self.settle_wikidata()
        existing = repo.tie_keys(self.session, self.fmt.source)
        new: dict[tuple[int, int], dict[str, Any]] = {}
        seen: set[tuple[int, int]] = set()
        wanted: dict[str, dict[str, Any]] = {}
        resolved_keys: set[str] = set()
        for r in rows:
            ra, rb = self.cache[r.a], self.cache[r.b]
            status = row_status(ra.status, rb.status)
            key = row_key("tie", _place_key(r.a), _place_key(r.b))
            problem = _problem([(r.a, ra), (r.b, rb)])
            if status is Status.resolved and ra.city_id == rb.city_id:
                status = Status.ambiguous
                problem = f"both sides match {self.index.label(ra.city_id or 0)}"
            self.count(status)
            if status is not Status.resolved:
                sides = {**_side("a", r.a, ra), **_side("b", r.b, rb)}
                wanted[key] = self.review_row(key, r.row, status, sides, problem)
                continue
            resolved_keys.add(key)
            assert ra.city_id is not None and rb.city_id is not None
            pair = (min(ra.city_id, rb.city_id), max(ra.city_id, rb.city_id))
            if pair in seen:
                self.report.merged += 1
                continue
            seen.add(pair)
            if pair in existing:
                self.report.unchanged += 1
                continue
            new[pair] = {
                "city_a_id": pair[0],
                "city_b_id": pair[1],
                "source": self.fmt.source,
                "licence": self.fmt.licence,
                "dataset": self.fmt.path.name[:200],
                "reference": r.reference[:300],
                "imported_at": self.now,
            }
        values = list(new.values())
        for start in range(0, len(values), BATCH):
            self.session.execute(insert(Tie), values[start : start + BATCH])
        self.report.created = len(values)
        self.sync_reviews(wanted, resolved_keys)

    # --- memberships ------------------------------------------------------------------------------------

    def run_members(self, rows: list[MemberRow]) -> None:
        """Match every member's town, then write memberships and review rows."""
        existing = repo.membership_rows(self.session, self.fmt.source)
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        wanted: dict[str, dict[str, Any]] = {}
        resolved_keys: set[str] = set()
        for r in rows:
            res = self.resolve(r.place)
            status = row_status(res.status)
            key = row_key("membership", r.network, r.member, r.country_code)
            self.count(status)
            if status is not Status.resolved:
                details = membership_details(r)
                sides = _side("a", r.place, res)
                row = self.review_row(key, r.row, status, sides, _problem([(r.place, res)]))
                row["details"] = details
                wanted[key] = row
                continue
            resolved_keys.add(key)
            values = {
                "city_id": res.city_id,
                "network_code": r.network_code,
                "year_joined": r.year,
                "period": r.period,
                "member_status": r.member_status,
                "licence": self.fmt.licence,
                "dataset": self.fmt.path.name[:200],
            }
            current = existing.get((r.network, r.member, r.country_code))
            if current is None:
                inserts.append(
                    {
                        **values,
                        "network": r.network,
                        "member": r.member,
                        "country_code": r.country_code,
                        "source": self.fmt.source,
                        "imported_at": self.now,
                    }
                )
            elif tuple(values[c] for c in repo.MEMBERSHIP_COLUMNS) != tuple(current[1:]):
                updates.append({"b_id": current[0], **{f"v_{c}": v for c, v in values.items()}})
            else:
                self.report.unchanged += 1
        for start in range(0, len(inserts), BATCH):
            self.session.execute(insert(NetworkMembership), inserts[start : start + BATCH])
        if updates:
            stmt = (
                update(MEMBERSHIPS)
                .where(MEMBERSHIPS.c.id == bindparam("b_id"))
                .values({c: bindparam(f"v_{c}") for c in repo.MEMBERSHIP_COLUMNS})
            )
            self.session.execute(stmt, updates)
        self.report.created, self.report.updated = len(inserts), len(updates)
        self.sync_reviews(wanted, resolved_keys)


def membership_details(r: MemberRow) -> dict[str, Any]:
    """What a membership review row keeps besides the place."""
    return {
        "network": r.network,
        "network_code": r.network_code,
        "member": r.member,
        "country_code": r.country_code,
        "year": r.year,
        "period": r.period,
        "member_status": r.member_status,
    }


def import_file(
    session: Session, path: Path, format_name: str, kind: str, names: Path | None = None
) -> ImportReport:
    """Import a tie file (kind ``tie``) or a network file (kind ``membership``) in the given format."""
    started = time.perf_counter()
    fmt = get_format(format_name, kind)(path, names)
    data = fmt.read()
    importer = Importer(session, fmt)
    importer.report.skipped = data.skipped
    if kind == "tie":
        importer.report.rows = len(data.ties)
        importer.run_ties(data.ties)
    else:
        importer.report.rows = len(data.members)
        importer.run_members(data.members)
    importer.summarise_places()
    report = importer.report
    report.seconds = time.perf_counter() - started
    if report.changed:
        entity = "ref_ties" if kind == "tie" else "ref_network_memberships"
        record(
            session,
            action="import",
            entity=entity,
            entity_id=path.name[:200],
            workspace_id=None,
            summary=(
                f"{report.format} file {path.name}: {report.rows} rows, {report.resolved} resolved, "
                f"{report.ambiguous} ambiguous, {report.unresolved} unresolved; {report.created} new"
            ),
            after={k: v for k, v in report.as_dict().items() if k != "ambiguous_places"},
        )
    session.flush()
    return report
