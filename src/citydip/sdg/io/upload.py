"""Per-indicator data upload: a CSV in Open SDG's layout is checked with the same reader and checks as a
repository import, previewed, and on request stored through the importer (one indicator, one savepoint)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from citydip.core.errors import PayloadTooLarge
from citydip.core.i18n import _
from citydip.sdg.indicators.models import CityIndicator
from citydip.sdg.indicators.service import EditTarget
from citydip.sdg.io import export as export_service
from citydip.sdg.io.report import ImportReport
from citydip.sdg.io.service import import_repository
from citydip.sdg.opensdg.csvdata import is_placeholder, read_data_csv
from citydip.sdg.opensdg.metadata import Schema
from citydip.sdg.opensdg.model import Indicator, IndicatorResult, Problem, Repository
from citydip.sdg.opensdg.validate import check_indicator

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PREVIEW_ROWS = 25


@dataclass
class UploadResult:
    """What the checked file holds, what is wrong with it, and whether it was stored."""

    filename: str
    columns: list[str] = field(default_factory=list)
    preview: list[list[str]] = field(default_factory=list)
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    placeholder: bool = False
    report: ImportReport | None = None

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop the upload."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def saved(self) -> bool:
        """True when the data replaced the indicator's previous data."""
        return self.report is not None and self.report.written


def check_upload(
    session: Session, ctx: EditTarget, ind: CityIndicator, filename: str, raw: bytes, *, save: bool
) -> UploadResult:
    """Check an uploaded data file for one indicator; with ``save`` and no errors, replace its data."""
    if save:
        ctx.require_edit()
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(_("The file is larger than 20 MB."))
    shown = Path(filename or "upload.csv").name[:200] or "upload.csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_bytes(raw)
        csv_result = read_data_csv(path, shown, ind.code)
    out = UploadResult(filename=shown, problems=list(csv_result.problems))
    table = csv_result.table
    model = export_service.load_repository(session, ctx.id, [ind.code])
    current = model.indicators[ind.code]
    if table is not None:
        out.columns = list(table.columns)
        out.preview = [list(r) for r in table.rows[:PREVIEW_ROWS]]
        out.rows = len(table.rows)
        out.placeholder = is_placeholder(table)
    candidate = Indicator(
        id=ind.code,
        data=table,
        meta=current.meta,
        meta_translations=current.meta_translations,
        config=current.config,
        placeholder="starter-template" if out.placeholder else None,
        sources=[shown],
    )
    if table is not None:
        schema = Schema(list(model.schema)) if model.schema else None
        merged = candidate.merged_meta(model.config_first)
        # Cross checks between the data and the indicator's metadata; metadata-only findings belong to the
        # metadata page, not to this file.
        out.problems += [
            p
            for p in check_indicator(candidate, merged, {}, schema, shown)
            if not p.code.startswith("meta-") and p.code != "indicator-id"
        ]
    if save and table is not None and not out.errors:
        single = Repository(
            root=shown,
            languages=list(model.languages),
            indicators={ind.code: candidate},
            results={ind.code: IndicatorResult(candidate, out.problems)},
            translations=model.translations,
            schema=list(model.schema),
            settings=dict(model.settings),
        )
        out.report = import_repository(session, ctx, single, only=[ind.code], source=f"upload {shown}")
    return out
