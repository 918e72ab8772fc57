"""The import engine: check every row (dry run), then write all rows or none.

A kind (partners, people, agreements, engagements) declares its columns, how a row is recognised again
(``id`` column, then the office's ``external_id``, then a natural key) and how rows are written. Writing uses
bulk Core statements inside the caller's transaction, so a failure anywhere leaves the database as it was;
one audit entry summarises the import.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from citydip.audit.recorder import record
from citydip.core.context import WorkspaceContext
from citydip.core.database import new_id
from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.register.io.columns import Column, Vocab
from citydip.register.io.tabular import Table, read_table

MAX_LISTED_PROBLEMS = 1000


@dataclass
class RowPlan:
    """What one row will do."""

    row: int
    action: str  # create | update
    record_id: uuid.UUID
    values: dict[str, Any]


@dataclass
class ImportReport:
    """The outcome of a dry run or an import."""

    kind: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[FieldProblem] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "kind": self.kind,
            "file": self.filename,
            "rows": self.rows,
            "create": self.created,
            "update": self.updated,
            "committed": self.committed,
            "ok": self.ok,
            "problems": [p.as_dict() for p in self.problems[:MAX_LISTED_PROBLEMS]],
            "problem_count": len(self.problems),
        }


def normalise(name: str) -> str:
    """Header names match case- and space-insensitively ("Starts on" == "starts_on")."""
    return name.strip().lower().replace(" ", "_").replace("-", "_")


class Kind:
    """One importable record type."""

    name: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    key_help: ClassVar[str]

    def column(self, name: str) -> Column | None:
        """The column with this name."""
        return next((c for c in self.columns if c.name == name), None)

    # -- to be provided by each kind --------------------------------------------------------------------
    def prepare(self, session: Session, ctx: WorkspaceContext) -> None:
        """Load what matching and checking need (existing keys, references)."""
        raise NotImplementedError

    def check(self, values: dict[str, Any], present: set[str]) -> list[tuple[str, str]]:
        """Cross-field checks and reference resolution for one row: (column, message) problems."""
        raise NotImplementedError

    def key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """The natural key of a row (used when it has no id or external id)."""
        raise NotImplementedError

    def existing(self, values: dict[str, Any]) -> uuid.UUID | None:
        """The id of the record this row updates, if any."""
        raise NotImplementedError

    def has_id(self, record_id: uuid.UUID) -> bool:
        """Whether a record with this id exists in the workspace."""
        raise NotImplementedError

    def write(
        self, session: Session, ctx: WorkspaceContext, plans: Sequence[RowPlan], present: set[str]
    ) -> None:
        """Insert and update the planned rows."""
        raise NotImplementedError


def _header(kind: Kind, table: Table, filename: str) -> tuple[list[str | None], list[FieldProblem]]:
    problems: list[FieldProblem] = []
    names: list[str | None] = []
    seen: set[str] = set()
    known = {c.name for c in kind.columns}
    for raw in table.header:
        name = normalise(raw)
        if not name:
            names.append(None)
            continue
        if name not in known:
            problems.append(
                FieldProblem(
                    raw or "(blank)",
                    f"unknown column; the {kind.name} columns are: "
                    + ", ".join(c.name for c in kind.columns),
                    1,
                    filename,
                )
            )
        elif name in seen:
            problems.append(FieldProblem(raw, "this column appears twice", 1, filename))
        seen.add(name)
        names.append(name if name in known else None)
    for column in kind.columns:
        if column.required and column.name not in seen:
            problems.append(FieldProblem(column.name, "required column is missing", 1, filename))
    return names, problems


def plan_import(
    session: Session, ctx: WorkspaceContext, kind: Kind, content: bytes, filename: str
) -> tuple[ImportReport, list[RowPlan], set[str]]:
    """Read and check a whole file; nothing is written."""
    report = ImportReport(kind.name, filename)
    try:
        table = read_table(content, filename)
    except ValidationFailed as exc:
        report.problems = exc.details
        return report, [], set()
    names, problems = _header(kind, table, filename)
    report.rows = len(table.rows)
    if problems:
        report.problems = problems + table.problems
        return report, [], set()
    present = {n for n in names if n}
    vocab = Vocab.load(session)
    kind.prepare(session, ctx)
    plans: list[RowPlan] = []
    keys: dict[tuple[Any, ...], int] = {}
    problems = list(table.problems)
    for number, cells in table.rows:
        row_problems: list[FieldProblem] = []
        values: dict[str, Any] = {}
        for index, raw in enumerate(cells):
            name = names[index] if index < len(names) else None
            if name is None:
                if raw.strip():
                    label = (
                        table.header[index]
                        if index < len(table.header) and table.header[index]
                        else f"column {index + 1}"
                    )
                    row_problems.append(
                        FieldProblem(label, "a value outside the named columns", number, filename)
                    )
                continue
            column = kind.column(name)
            assert column is not None
            if not raw.strip():
                values[name] = None
                continue
            try:
                values[name] = column.parse(raw, vocab)
            except ValueError as exc:
                row_problems.append(FieldProblem(name, str(exc), number, filename))
        for column in kind.columns:
            if (
                column.required
                and values.get(column.name) in (None, "", [])
                and not any(p.field == column.name for p in row_problems)
            ):
                row_problems.append(FieldProblem(column.name, "is required", number, filename))
        if not row_problems:
            row_problems += [FieldProblem(c, m, number, filename) for c, m in kind.check(values, present)]
        if not row_problems:
            record_id, action, key_problem = _match(kind, values)
            if key_problem:
                row_problems.append(FieldProblem(key_problem[0], key_problem[1], number, filename))
            else:
                key = ("id", record_id) if action == "update" else kind.key(values)
                if key in keys:
                    row_problems.append(
                        FieldProblem(
                            "row", f"duplicate of row {keys[key]} (same {kind.key_help})", number, filename
                        )
                    )
                else:
                    keys[key] = number
                    plans.append(RowPlan(number, action, record_id, values))
        problems += row_problems
    report.problems = problems
    report.created = sum(1 for p in plans if p.action == "create")
    report.updated = sum(1 for p in plans if p.action == "update")
    return report, plans, present


def _match(kind: Kind, values: dict[str, Any]) -> tuple[uuid.UUID, str, tuple[str, str] | None]:
    raw_id = values.get("id")
    if raw_id:
        record_id = uuid.UUID(raw_id)
        if not kind.has_id(record_id):
            return (
                record_id,
                "update",
                ("id", "no record with this id in this workspace; leave it empty for new rows"),
            )
        return record_id, "update", None
    found = kind.existing(values)
    if found is not None:
        return found, "update", None
    return new_id(), "create", None


def run_import(
    session: Session, ctx: WorkspaceContext, kind: Kind, content: bytes, filename: str, *, dry_run: bool
) -> ImportReport:
    """Dry run (report only) or import all rows; with any problem nothing is written and ValidationFailed
    is raised by the commit."""
    ctx.require_edit()
    report, plans, present = plan_import(session, ctx, kind, content, filename)
    if dry_run:
        return report
    if not report.ok:
        raise ValidationFailed(
            f"{len(report.problems)} problem(s) in {filename}; nothing was imported.",
            report.problems[:MAX_LISTED_PROBLEMS],
        )
    kind.write(session, ctx, plans, present)
    record(
        session,
        action="import",
        entity=kind.name,
        entity_id="",
        workspace_id=ctx.id,
        summary=f"Imported {filename}: {report.created} created, {report.updated} updated",
        after={"file": filename, "rows": report.rows, "created": report.created, "updated": report.updated},
    )
    session.flush()
    report.committed = True
    return report


def chunks(items: Sequence[Any], size: int = 2000) -> Iterable[Sequence[Any]]:
    """Slices of a sequence."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
