"""Exports from the database: the file layer's model is rebuilt from the tables, then the file layer's
exporters write Open SDG site files, repository inputs or SDMX, so database and file exports cannot drift."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.errors import NotFound
from citydip.core.i18n import _
from citydip.sdg.indicators import repository as repo
from citydip.sdg.indicators.models import BASE_LANGUAGE, CityIndicator
from citydip.sdg.observations import repository as obs_repo
from citydip.sdg.observations.rows import rebuild_rows
from citydip.sdg.opensdg.inputs_export import InputsSummary, export_inputs
from citydip.sdg.opensdg.model import DataTable, Indicator, Repository
from citydip.sdg.opensdg.sdmx_export import SdmxSummary, export_sdmx
from citydip.sdg.opensdg.site_export import ExportSummary, export_opensdg


def _indicator(row: CityIndicator, meta: dict[str, dict[str, Any]], data: Sequence[Any] | None) -> Indicator:
    table = None
    if row.data_columns is not None:
        columns = [str(c) for c in row.data_columns]
        table = DataTable(columns, rebuild_rows(columns, data or []))
    return Indicator(
        id=row.code,
        data=table,
        meta=dict(meta.get(BASE_LANGUAGE, {})),
        meta_translations={k: dict(v) for k, v in sorted(meta.items()) if k != BASE_LANGUAGE},
        config=dict(row.config or {}),
        placeholder=row.placeholder,
        sources=[str(s) for s in row.sources or []],
    )


def load_repository(session: Session, workspace_id: int, codes: Sequence[str] | None = None) -> Repository:
    """The workspace's SDG data as a :class:`Repository` (what the caller's scope may read)."""
    site = repo.site(session, workspace_id)
    rows = list(repo.indicators(session, workspace_id))
    if codes is not None:
        wanted = set(codes)
        rows = [r for r in rows if r.code in wanted]
    ids = [r.id for r in rows] if codes is not None else None
    meta = repo.all_metadata(session, workspace_id, ids)
    data = obs_repo.data_rows(session, workspace_id, ids)
    out = Repository(
        root=f"workspace:{workspace_id}",
        languages=list(site.languages) if site else [],
        schema=list(site.schema) if site else [],
        settings=dict(site.settings)
        if site
        else {"config_first": False, "reporting_status_extra_fields": []},
        translations=repo.translations(session, workspace_id),
    )
    out.settings.setdefault("reporting_status_extra_fields", [])
    for row in rows:
        out.indicators[row.code] = _indicator(row, meta.get(row.id, {}), data.get(row.id))
    return out


def _require_data(model: Repository) -> None:
    if not model.indicators:
        raise NotFound(_("This workspace has no SDG indicators to export."))


def export_site(
    session: Session,
    workspace_id: int,
    out_dir: str | Path,
    languages: Sequence[str] | None = None,
    *,
    include_placeholder_data: bool = True,
) -> ExportSummary:
    """Write the Open SDG site files (data/, headline/, edges/, comb/, meta/, stats/) per language."""
    model = load_repository(session, workspace_id)
    _require_data(model)
    return export_opensdg(model, out_dir, languages, include_placeholder_data=include_placeholder_data)


def export_repository_inputs(session: Session, workspace_id: int, out_dir: str | Path) -> InputsSummary:
    """Write the workspace's data back as an Open SDG data repository (config, data/, meta/ ...)."""
    model = load_repository(session, workspace_id)
    _require_data(model)
    return export_inputs(model, out_dir)


def export_sdmx_files(session: Session, workspace_id: int, out_dir: str | Path, ref_area: str) -> SdmxSummary:
    """Write SDMX-ML and SDMX-CSV; placeholder data is left out (it is not real data)."""
    model = load_repository(session, workspace_id)
    _require_data(model)
    ids = [i.id for i in model.indicators.values() if not i.placeholder]
    return export_sdmx(model, out_dir, ref_area=ref_area, indicator_ids=ids)
