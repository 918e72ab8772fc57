"""Importing an Open SDG data repository into a workspace.

The unit of atomicity is the indicator: each one is written inside a SAVEPOINT, so an indicator whose files
have errors (or that fails to store) keeps its previous version exactly, while the rest of the repository
imports. ``strict`` turns any error into an abort with nothing written. Rows go in with Core executemany
(no ORM object per observation); each stored indicator gets one summary audit entry.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from citydip.audit.recorder import record
from citydip.core.database import new_id, utcnow
from citydip.core.tenancy import Visibility
from citydip.reference.models import SdgGoal
from citydip.reference.models import SdgIndicator as RefIndicator
from citydip.sdg import rows as rowlib
from citydip.sdg.bulk import insert_rows
from citydip.sdg.models import (
    BASE_LANGUAGE,
    REPORTING_STATUSES,
    CityIndicator,
    SdgDimension,
    SdgLocalTarget,
    SdgMetadata,
    SdgObservation,
    SdgSeries,
    SdgSite,
    SdgTranslation,
    SdgUnit,
    table_of,
)
from citydip.sdg.opensdg.model import Indicator, IndicatorResult, Problem, Repository
from citydip.sdg.opensdg.site_export import build_meta, sort_order

OutcomeStatus = Literal["imported", "rejected", "not-imported"]
#: Child tables replaced when an indicator is imported again (staff-made local targets are kept).
_CHILDREN = (SdgObservation, SdgMetadata, SdgSeries, SdgUnit, SdgDimension)


class EditTarget(Protocol):
    """The workspace being written: a request's ``WorkspaceContext`` or the CLI's ``CliWorkspace``."""

    @property
    def id(self) -> int:
        """Workspace id."""
        ...

    def require_edit(self) -> None:
        """Raise unless the caller may change the workspace's records."""
        ...


@dataclass
class IndicatorOutcome:
    """What happened to one indicator of the repository."""

    code: str
    status: OutcomeStatus
    rows: int = 0
    placeholder: str | None = None
    kept_previous: bool = False
    new: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stopped the import of this indicator."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems reported but not blocking."""
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class ImportReport:
    """The outcome of an import, for the terminal report, pages and tests."""

    source: str
    workspace: str
    strict: bool
    outcomes: list[IndicatorOutcome] = field(default_factory=list)
    repository_problems: list[Problem] = field(default_factory=list)
    written: bool = False
    aborted_reason: str = ""
    seconds: float = 0.0

    @property
    def imported(self) -> list[IndicatorOutcome]:
        """Indicators stored."""
        return [o for o in self.outcomes if o.status == "imported"]

    @property
    def rejected(self) -> list[IndicatorOutcome]:
        """Indicators not stored because of errors (their previous version, if any, is unchanged)."""
        return [o for o in self.outcomes if o.status == "rejected"]

    @property
    def placeholders(self) -> list[IndicatorOutcome]:
        """Imported indicators whose data is the starter template's placeholder file (not real data)."""
        return [o for o in self.imported if o.placeholder]

    @property
    def rows(self) -> int:
        """Observations stored."""
        return sum(o.rows for o in self.imported)

    @property
    def repository_errors(self) -> list[Problem]:
        """Errors that concern the repository as a whole (configuration, maps, translations)."""
        return [p for p in self.repository_problems if p.severity == "error"]

    @property
    def exit_code(self) -> int:
        """0 everything imported, 1 some indicators rejected (or repository errors), 2 nothing written."""
        if not self.written:
            return 2
        return 1 if self.rejected or self.repository_errors else 0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "source": self.source,
            "workspace": self.workspace,
            "strict": self.strict,
            "written": self.written,
            "exit_code": self.exit_code,
            "aborted_reason": self.aborted_reason,
            "imported": len(self.imported),
            "rejected": [
                {
                    "indicator": o.code,
                    "kept_previous": o.kept_previous,
                    "errors": [p.as_dict() for p in o.errors],
                }
                for o in self.rejected
            ],
            "placeholders": [o.code for o in self.placeholders],
            "rows": self.rows,
            "repository_problems": [p.as_dict() for p in self.repository_problems],
            "warnings": sum(len(o.warnings) for o in self.outcomes),
            "seconds": round(self.seconds, 3),
        }


def _problem(code: str, reason: str, indicator: str) -> Problem:
    return Problem("error", code, reason, None, None, None, indicator)


def import_repository(
    session: Session,
    target: EditTarget,
    repo: Repository,
    *,
    strict: bool = False,
    visibility: Visibility | None = None,
    source: str = "",
    workspace_label: str = "",
    only: Sequence[str] | None = None,
) -> ImportReport:
    """Store a repository read by :func:`citydip.sdg.opensdg.read_repository` in the target workspace.

    ``visibility`` applies to new indicators (default private) and, when given, to re-imported ones too;
    ``only`` limits the import to some indicator ids (the data upload page imports one).
    """
    target.require_edit()
    started = time.perf_counter()
    report = ImportReport(source=source or repo.root, workspace=workspace_label, strict=strict)
    report.repository_problems = list(repo.problems)
    results = {k: v for k, v in repo.results.items() if only is None or k in only}
    if not results:
        report.aborted_reason = "no indicators could be read from this repository"
        report.seconds = time.perf_counter() - started
        return report
    if strict and (report.repository_errors or any(not r.ok for r in results.values())):
        report.aborted_reason = "--strict: the repository has errors, so nothing was imported"
        for code, result in results.items():
            report.outcomes.append(
                IndicatorOutcome(
                    code, "rejected" if not result.ok else "not-imported", problems=list(result.problems)
                )
            )
        report.seconds = time.perf_counter() - started
        return report

    previous_cache = _large_cache(session)
    outer = session.begin_nested()
    try:
        _store_all(session, target.id, repo, results, report, visibility, only is None)
    except BaseException:
        outer.rollback()
        raise
    finally:
        _restore_cache(session, previous_cache)
    if report.imported:
        outer.commit()
        report.written = True
    else:
        outer.rollback()
        report.aborted_reason = "every indicator was rejected, so nothing was written"
    session.expire_all()
    report.seconds = time.perf_counter() - started
    return report


#: SQLite page cache during an import (KiB, as a negative number): index updates of a large import then stay in
#: memory instead of going back and forth to disk (about twice as fast on a slow disk).
IMPORT_CACHE_KIB = 65536


def _large_cache(session: Session) -> int | None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    return int(previous) if previous is not None else None


def _restore_cache(session: Session, previous: int | None) -> None:
    if previous is not None:
        session.connection().exec_driver_sql(f"PRAGMA cache_size={int(previous)}")


@dataclass
class _Known:
    """Lookups made once per import."""

    existing: dict[str, tuple[uuid.UUID, str]]
    ref_codes: set[str]
    goals: set[int]
    config_first: bool
    now: datetime
    source: str


def _store_all(
    session: Session,
    ws_id: int,
    repo: Repository,
    results: Mapping[str, IndicatorResult],
    report: ImportReport,
    visibility: Visibility | None,
    whole_repository: bool,
) -> None:
    table = table_of(CityIndicator)
    existing = {
        code: (ind_id, vis)
        for code, ind_id, vis in session.execute(
            select(table.c.code, table.c.id, table.c.visibility).where(table.c.workspace_id == ws_id)
        )
    }
    known = _Known(
        existing=existing,
        ref_codes=set(session.scalars(select(RefIndicator.code))),
        goals=set(session.scalars(select(SdgGoal.number))),
        config_first=repo.config_first,
        now=utcnow(),
        source=report.source,
    )
    _store_site(session, ws_id, repo, known, visibility, whole_repository)
    for code, result in results.items():
        previous = existing.get(code)
        if not result.ok:
            report.outcomes.append(
                IndicatorOutcome(
                    code,
                    "rejected",
                    kept_previous=previous is not None,
                    problems=list(result.problems),
                    placeholder=result.indicator.placeholder,
                )
            )
            continue
        vis = str(visibility or (previous[1] if previous else Visibility.private))
        savepoint = session.begin_nested()
        try:
            rows = _store_indicator(session, ws_id, result, previous[0] if previous else None, vis, known)
        except SQLAlchemyError as exc:
            savepoint.rollback()
            orig = getattr(exc, "orig", None)
            reason = (str(orig or exc).splitlines() or ["database error"])[0][:300]
            problems = [*result.problems, _problem("store-failed", f"could not be stored: {reason}", code)]
            report.outcomes.append(
                IndicatorOutcome(code, "rejected", kept_previous=previous is not None, problems=problems)
            )
            continue
        savepoint.commit()
        report.outcomes.append(
            IndicatorOutcome(
                code,
                "imported",
                rows=rows,
                placeholder=result.indicator.placeholder,
                new=previous is None,
                problems=list(result.problems),
            )
        )


def _store_site(
    session: Session,
    ws_id: int,
    repo: Repository,
    known: _Known,
    visibility: Visibility | None,
    whole_repository: bool,
) -> None:
    """Languages, schema, settings and translations (only when a whole repository is imported)."""
    site = table_of(SdgSite)
    row = session.execute(select(site.c.id, site.c.visibility).where(site.c.workspace_id == ws_id)).first()
    if row is not None and not whole_repository:
        return
    vis = str(visibility or (row.visibility if row is not None else Visibility.private))
    values = {
        "visibility": vis,
        "languages": list(repo.languages),
        "schema": list(repo.schema),
        "settings": dict(repo.settings),
        "source": known.source[:500],
        "imported_at": known.now,
        "updated_at": known.now,
    }
    if row is None:
        session.execute(
            insert(site), [{"workspace_id": ws_id, "id": new_id(), "created_at": known.now, **values}]
        )
    else:
        session.execute(
            update(site).where(site.c.workspace_id == ws_id, site.c.id == row.id).values(**values)
        )
    if not whole_repository:
        return
    tr = table_of(SdgTranslation)
    session.execute(delete(tr).where(tr.c.workspace_id == ws_id))
    entries = [
        {
            "workspace_id": ws_id,
            "id": new_id(),
            "visibility": vis,
            "language": language,
            "group": group,
            "entries": dict(texts),
        }
        for language, groups in repo.translations.items()
        for group, texts in groups.items()
    ]
    if entries:
        session.execute(insert(tr), entries)


def indicator_values(
    ind: Indicator, config_first: bool, known_codes: set[str], goals: set[int]
) -> dict[str, Any]:
    """The indicator row's descriptive columns, derived the way Open SDG publishes the indicator."""
    has_data = ind.has_data()
    meta = build_meta(ind, config_first, has_data)
    number = str(meta.get("indicator_number") or ind.number)
    status = str(meta.get("reporting_status") or "notstarted")
    if status not in REPORTING_STATUSES:
        status = "notstarted"
    goal_text = str(meta.get("goal_number") or ind.goal)
    goal = int(goal_text) if goal_text.isdigit() and int(goal_text) in goals else None
    name = meta.get("indicator_name") or meta.get("graph_title") or ""
    global_code = ind.number if not ind.standalone and ind.number in known_codes else None
    return {
        "number": number[:60],
        "kind": "global" if global_code else "local",
        "global_code": global_code,
        "goal": goal,
        "target_code": str(meta.get("target_number") or ind.target)[:60],
        "name": name if isinstance(name, str) else str(name),
        "reporting_status": status,
        "placeholder": ind.placeholder,
        "data_columns": list(ind.data.columns) if ind.data is not None else None,
        "config": ind.config,
        "sources": list(ind.sources),
        "sort_key": str(meta.get("indicator_sort_order") or sort_order(number))[:80],
    }


def _store_indicator(
    session: Session,
    ws_id: int,
    result: IndicatorResult,
    previous: uuid.UUID | None,
    visibility: str,
    known: _Known,
) -> int:
    ind = result.indicator
    table = table_of(CityIndicator)
    values = indicator_values(ind, known.config_first, known.ref_codes, known.goals)
    notes = [p.as_dict() for p in result.problems]
    obs_rows: list[dict[str, Any]] = []
    common = {
        **values,
        "visibility": visibility,
        "import_notes": notes,
        "data_updated_at": known.now,
        "meta_updated_at": known.now,
        "updated_at": known.now,
    }
    if previous is None:
        ind_id = new_id()
        common["observation_count"] = len(ind.data.rows) if ind.data is not None else 0
        session.execute(
            insert(table),
            [{"workspace_id": ws_id, "id": ind_id, "code": ind.id, "created_at": known.now, **common}],
        )
    else:
        ind_id = previous
        for child in (*_CHILDREN, SdgLocalTarget):
            t = table_of(child)
            stmt = delete(t).where(t.c.workspace_id == ws_id, t.c.indicator_id == ind_id)
            if child is SdgLocalTarget:
                stmt = stmt.where(t.c.source != "staff")
            session.execute(stmt)
        common["observation_count"] = len(ind.data.rows) if ind.data is not None else 0
        session.execute(
            update(table).where(table.c.workspace_id == ws_id, table.c.id == ind_id).values(**common)
        )
    write_children(session, ws_id, ind_id, ind, visibility)
    if ind.data is not None:
        obs_rows = rowlib.observation_rows(
            ind.data, workspace_id=ws_id, indicator_id=ind_id, visibility=visibility
        )
        insert_rows(session, table_of(SdgObservation), obs_rows)
    warnings = sum(1 for p in result.problems if p.severity == "warning")
    record(
        session,
        action="import",
        entity="sdgloc_indicators",
        entity_id=str(ind_id),
        workspace_id=ws_id,
        summary=(
            f"{ind.id}: imported {len(obs_rows)} rows from {known.source}"
            + (" (placeholder data)" if ind.placeholder else "")
            + (f", {warnings} warnings" if warnings else "")
        ),
        after={
            "code": ind.id,
            "rows": len(obs_rows),
            "languages": sorted(ind.meta_translations),
            "placeholder": ind.placeholder,
            "source": known.source,
            "warnings": warnings,
        },
    )
    return len(obs_rows)


def write_children(session: Session, ws_id: int, ind_id: uuid.UUID, ind: Indicator, visibility: str) -> None:
    """Metadata per language, series/unit/dimension catalogues and imported local targets."""
    base = {"workspace_id": ws_id, "indicator_id": ind_id, "visibility": visibility}
    meta_rows = [{**base, "id": new_id(), "language": BASE_LANGUAGE, "fields": ind.meta}]
    meta_rows += [
        {**base, "id": new_id(), "language": lang, "fields": fields}
        for lang, fields in ind.meta_translations.items()
    ]
    session.execute(insert(table_of(SdgMetadata)), meta_rows)
    write_catalogue(session, ws_id, ind_id, ind, visibility)
    targets = imported_targets(ind)
    if targets:
        blank = {"value": None, "year": None, "series": None, "unit": None, "created_at": utcnow()}
        blank["updated_at"] = blank["created_at"]
        session.execute(
            insert(table_of(SdgLocalTarget)), [{**base, **blank, "id": new_id(), **t} for t in targets]
        )


def write_catalogue(session: Session, ws_id: int, ind_id: uuid.UUID, ind: Indicator, visibility: str) -> None:
    """Series, units and dimensions of the indicator's data."""
    if ind.data is None:
        return
    base = {"workspace_id": ws_id, "indicator_id": ind_id, "visibility": visibility}
    series, units, dims = rowlib.catalogue(ind.data)
    if series:
        session.execute(
            insert(table_of(SdgSeries)),
            [{**base, "id": new_id(), "name": s, "position": i} for i, s in enumerate(series)],
        )
    if units:
        session.execute(
            insert(table_of(SdgUnit)),
            [{**base, "id": new_id(), "name": u, "position": i} for i, u in enumerate(units)],
        )
    if dims:
        session.execute(
            insert(table_of(SdgDimension)),
            [
                {**base, "id": new_id(), "name": name, "position": i, "values": values}
                for i, (name, values) in enumerate(dims.items())
            ],
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _year(value: Any, default: int | None) -> int | None:
    number = _number(value)
    return int(number) if number is not None and 1900 <= number <= 2200 else default


def imported_targets(ind: Indicator) -> list[dict[str, Any]]:
    """Local targets found in an indicator's inputs: ``national_target_line`` text, numeric targets of the
    progress options and ``target_line`` graph annotations."""
    out: list[dict[str, Any]] = []
    target_code = ind.target
    for language, fields in [(BASE_LANGUAGE, ind.meta), *ind.meta_translations.items()]:
        text = fields.get("national_target_line")
        if isinstance(text, str) and text.strip():
            out.append(
                {"target_code": target_code, "language": language, "text": text.strip(), "source": "metadata"}
            )
    merged = ind.merged_meta()
    options = merged.get("progress_calculation_options")
    for item in options if isinstance(options, list) else []:
        if isinstance(item, Mapping) and _number(item.get("target")) is not None:
            series = item.get("series")
            unit = item.get("unit")
            out.append(
                {
                    "target_code": target_code,
                    "language": BASE_LANGUAGE,
                    "text": "",
                    "value": _number(item.get("target")),
                    "year": _year(item.get("target_year"), 2030),
                    "series": series if isinstance(series, str) and series else None,
                    "unit": unit if isinstance(unit, str) and unit else None,
                    "source": "config",
                }
            )
    annotations = merged.get("graph_annotations")
    for item in annotations if isinstance(annotations, list) else []:
        if not isinstance(item, Mapping) or item.get("preset") != "target_line":
            continue
        value = _number(item.get("value"))
        if value is None:
            continue
        label = item.get("label")
        label_text = label.get("content") if isinstance(label, Mapping) else label
        series = item.get("series")
        unit = item.get("unit")
        out.append(
            {
                "target_code": target_code,
                "language": BASE_LANGUAGE,
                "text": label_text if isinstance(label_text, str) else "",
                "value": value,
                "year": None,
                "series": series if isinstance(series, str) and series else None,
                "unit": unit if isinstance(unit, str) and unit else None,
                "source": "config",
            }
        )
    return out
