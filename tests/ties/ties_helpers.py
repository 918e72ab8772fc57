"""Shared helpers for the ties tests: fixture paths, imports through the service, table snapshots."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from citydip.core.database import Base
from citydip.ties.service import ImportReport, import_file
from support.paths import FIXTURES

TIES = FIXTURES / "ties"
NAMES = TIES / "names.tsv"


def run_import(
    sys_session, path: Path, fmt: str, kind: str = "tie", names: Path | None = None
) -> ImportReport:
    """Import one file in its own committed transaction."""
    with sys_session() as s:
        return import_file(s, path, fmt, kind, names)


def snapshot(sys_session) -> dict[str, int]:
    """Row count of every table (to prove that something wrote nothing)."""
    with sys_session() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def city_named(s, name: str, country: str):
    """The reference city with this primary name in this country (the largest, if several)."""
    from citydip.reference.models import City

    return s.scalars(
        select(City).where(City.name == name, City.country_code == country).order_by(City.population.desc())
    ).first()
