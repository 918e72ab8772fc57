"""Helpers for the SDG data tests: fixture paths, importing through the service, and table dumps."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.sdg.indicators.models import table_of
from citydip.sdg.io.cli import CliWorkspace
from citydip.sdg.io.report import ImportReport
from citydip.sdg.io.service import import_repository
from citydip.sdg.models import (
    CityIndicator,
    SdgDimension,
    SdgLocalTarget,
    SdgMetadata,
    SdgObservation,
    SdgSeries,
    SdgSite,
    SdgTranslation,
    SdgUnit,
)
from citydip.sdg.opensdg import read_repository
from citydip.workspaces.models import Workspace

REPO_ROOT = Path(__file__).resolve().parents[2]
CITY = REPO_ROOT / "tests" / "fixtures" / "sdg" / "city"
MINI = REPO_ROOT / "tests" / "fixtures" / "opensdg" / "mini"
SHARED_OPENSDG = (REPO_ROOT / ".." / "shared" / "data" / "opensdg").resolve()
REAL_REPOSITORIES = ("los-angeles", "usa", "uk-ons", "bristol", "cape-town")

CHILD_MODELS = (SdgMetadata, SdgSeries, SdgUnit, SdgDimension, SdgObservation, SdgLocalTarget)
ALL_MODELS = (SdgSite, SdgTranslation, CityIndicator, *CHILD_MODELS)
VOLATILE = {"id", "workspace_id", "indicator_id", "created_at", "updated_at", "imported_at"}
VOLATILE |= {"data_updated_at", "meta_updated_at"}


def shared_repo(name: str) -> Path:
    """A real repository under ../shared/data/opensdg, or skip with the reason."""
    path = SHARED_OPENSDG / name
    if not path.is_dir():
        pytest.skip(
            f"../shared/data/opensdg/{name} absent: real Open SDG data only exists on development machines"
        )
    return path


def copy_city(dest: Path) -> Path:
    """A writable copy of the Sample City fixture repository."""
    target = dest / "city"
    shutil.copytree(CITY, target)
    return target


def do_import(session: Session, ws: Workspace, path: Path, **kwargs: Any) -> ImportReport:
    """Read a repository and import it through the service (system scope)."""
    config = kwargs.pop("config_file", None)
    return import_repository(
        session,
        CliWorkspace(ws),
        read_repository(path, config_file=config),
        workspace_label=ws.slug,
        **kwargs,
    )


def raw_rows(session: Session, ws_id: int, model: type[Any], **where: Any) -> list[dict[str, Any]]:
    """Every column of a table's rows in one workspace (optionally filtered), in a stable order."""
    t = table_of(model)
    stmt = select(t).where(t.c.workspace_id == ws_id)
    for name, value in where.items():
        stmt = stmt.where(t.c[name] == value)
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    return sorted(rows, key=lambda r: str(r["id"]))


def indicator_rows(session: Session, ws_id: int, code: str) -> dict[str, list[dict[str, Any]]]:
    """Everything stored for one indicator, every column (ids and timestamps included)."""
    found = raw_rows(session, ws_id, CityIndicator, code=code)
    assert len(found) == 1, f"indicator {code} not stored"
    ind_id = found[0]["id"]
    out = {"sdgloc_indicators": found}
    for model in CHILD_MODELS:
        out[table_of(model).name] = raw_rows(session, ws_id, model, indicator_id=ind_id)
    return out


def content(session: Session, ws_id: int, ignore: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A workspace's SDG content without ids and timestamps (children named by indicator code)."""
    codes = {r["id"]: r["code"] for r in raw_rows(session, ws_id, CityIndicator)}
    out: dict[str, Any] = {}
    for model in ALL_MODELS:
        rows = []
        for row in raw_rows(session, ws_id, model):
            item = {k: v for k, v in row.items() if k not in VOLATILE and k not in ignore}
            if "indicator_id" in row:
                item["indicator"] = codes[row["indicator_id"]]
            rows.append(item)
        out[table_of(model).name] = sorted(rows, key=repr)
    return out
