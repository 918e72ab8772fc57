"""Import practices from a file into a workspace: one transaction, updates by external id, every rejected row
reported with its row and field.

Rows are validated like the form and the API (``PracticeIn``); valid rows are written with bulk statements
(one summary audit entry instead of one per row) and indexed in batches in the same transaction. With
``strict`` any rejected row rolls the whole import back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from citydip.audit.recorder import record
from citydip.core.context import WorkspaceContext
from citydip.core.database import new_id, utcnow
from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.tenancy import Visibility
from citydip.practices import indexing
from citydip.practices import repository as repo
from citydip.practices.importers import importer_for
from citydip.practices.models import Practice
from citydip.practices.service import Resolver, column_values, search_key_for, validate

INDEX_BATCH = 500
Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is "reading" or "indexing"."""


@dataclass
class ImportReport:
    """What an import did."""

    file: str
    format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[FieldProblem] = field(default_factory=list)
    ignored_fields: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected_rows(self) -> int:
        """How many rows were rejected."""
        return len({p.row for p in self.rejected})

    @property
    def all_rejected(self) -> bool:
        """Whether rows were read and every one of them was rejected (nothing imported: a failure)."""
        return self.rows > 0 and self.rejected_rows >= self.rows

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "file": self.file,
            "format": self.format,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected_rows": self.rejected_rows,
            "rejected": [p.as_dict() for p in self.rejected],
            "ignored_fields": self.ignored_fields,
            "seconds": round(self.seconds, 2),
        }


def _same(practice: Practice, values: dict[str, Any]) -> bool:
    return all(getattr(practice, k) == v for k, v in values.items())


def import_practices(
    session: Session,
    ctx: WorkspaceContext,
    path: Path,
    fmt: str | None = None,
    *,
    default_visibility: Visibility = Visibility.private,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a file of practices into the workspace (see docs/practices-format.md)."""
    ctx.require_edit()
    started = time.perf_counter()
    if not path.is_file():
        raise FileNotFoundError(2, "no such file", str(path))
    importer = importer_for(path, fmt)
    report = ImportReport(path.name, importer.name)
    total = importer.count()
    existing = repo.by_external_ids(session, ctx.id)
    resolver = Resolver(session)
    seen: dict[str, int] = {}
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[Practice, dict[str, Any]]] = []
    ignored: set[str] = set()
    try:
        for raw in importer.records():
            report.rows += 1
            if progress and report.rows % 100 == 0:
                progress("reading", report.rows, total)
            ignored.update(raw.ignored)
            if raw.problems:
                report.rejected += raw.problems
                continue
            raw.data.setdefault("visibility", default_visibility.value)
            own_source = "source" in raw.data
            raw.data.setdefault("source", f"import:{path.name}")
            try:
                data = validate(raw.data, raw.row, path.name)
                values = column_values(data, resolver, raw.row, path.name, strict_city_id=False)
            except ValidationFailed as exc:
                report.rejected += exc.details
                continue
            ext = str(values["external_id"])
            if ext in seen:
                report.rejected.append(
                    FieldProblem(
                        "id", f"'{ext}' is also on row {seen[ext]}; kept the first", raw.row, path.name
                    )
                )
                continue
            seen[ext] = raw.row
            current = existing.get(ext)
            if current is not None and not own_source:  # a re-import from another file keeps the origin
                values["source"] = current.source
            if current is None:
                pid = new_id()
                now = utcnow()
                inserts.append(
                    {
                        **values,
                        "workspace_id": ctx.id,
                        "id": pid,
                        "search_key": search_key_for(pid),
                        "is_sample": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            elif _same(current, values):
                report.unchanged += 1
            else:
                updates.append((current, values))
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            "The file is not UTF-8 text.",
            [
                FieldProblem(
                    "file",
                    f"byte {exc.start} cannot be read as UTF-8; save the file as UTF-8",
                    file=path.name,
                )
            ],
        ) from None
    if progress:
        progress("reading", report.rows, max(total, report.rows))
    report.ignored_fields = sorted(ignored)
    if strict and report.rejected:
        raise ValidationFailed(
            f"{report.rejected_rows} row(s) of {path.name} were rejected; nothing was "
            "imported (strict mode).",
            report.rejected,
        )
    _write(session, ctx, inserts, updates)
    report.created, report.updated = len(inserts), len(updates)
    _index(session, inserts, [p for p, _v in updates], progress)
    record(
        session,
        action="import",
        entity="practices",
        entity_id=path.name[:80],
        workspace_id=ctx.id,
        summary=(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.rejected_rows} rejected from {path.name} ({importer.label})"
        ),
    )
    report.seconds = time.perf_counter() - started
    return report


def _write(
    session: Session,
    ctx: WorkspaceContext,
    inserts: list[dict[str, Any]],
    updates: list[tuple[Practice, dict[str, Any]]],
) -> None:
    """Bulk statements (the ORM's per-row audit would cost more than the import itself)."""
    table = cast(Table, Practice.__table__)
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        # attachments are seen by whoever sees their practice: they follow a changed visibility
        moved = [
            (p.id, str(v["visibility"]))
            for p, v in updates
            if "visibility" in v and str(p.visibility) != str(v["visibility"])
        ]
        repo.set_attachment_visibility(session, ctx.id, moved)
        columns = sorted(updates[0][1])
        stmt = (
            update(table)
            .where(table.c.workspace_id == bindparam("b_workspace_id"), table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in [*columns, "updated_at"]})
        )
        now = utcnow()
        params = []
        for practice, values in updates:
            params.append(
                {
                    "b_workspace_id": ctx.id,
                    "b_id": practice.id,
                    "b_updated_at": now,
                    **{f"b_{c}": values[c] for c in columns},
                }
            )
        session.execute(stmt, params, execution_options={"synchronize_session": False})
        for practice, values in updates:  # keep the loaded objects in step for indexing, without a flush
            for key, value in values.items():
                set_committed_value(practice, key, value)


def _index(
    session: Session, inserts: list[dict[str, Any]], updated: list[Practice], progress: Progress | None
) -> None:
    regions = repo.country_regions(session)
    fresh = [Practice(**row) for row in inserts]  # transient copies: read by the indexer, never flushed
    todo = fresh + updated
    for start in range(0, len(todo), INDEX_BATCH):
        indexing.index_practices(session, todo[start : start + INDEX_BATCH], regions)
        if progress:
            progress("indexing", min(start + INDEX_BATCH, len(todo)), len(todo))
