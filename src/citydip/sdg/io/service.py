"""Importing an Open SDG data repository into a workspace.

The unit of atomicity is the indicator: an indicator whose files have errors is never written, so its previous
version stays exactly as it was, while the rest of the repository imports. Good indicators are written in
groups (``citydip.sdg.io.store``), each group inside a SAVEPOINT; a group that fails to store is rolled back and
written again one indicator at a time, so only the indicator that cannot be stored is rejected. ``strict``
turns any error into an abort with nothing written. Rows go in with bulk inserts (no ORM object per
observation); each stored indicator gets one summary audit entry.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from citydip.core.database import new_id, utcnow
from citydip.core.tenancy import Visibility
from citydip.reference.models import SdgGoal
from citydip.reference.models import SdgIndicator as RefIndicator
from citydip.sdg.indicators.models import CityIndicator, SdgSite, SdgTranslation, table_of
from citydip.sdg.indicators.service import EditTarget
from citydip.sdg.io.report import ImportReport, IndicatorOutcome
from citydip.sdg.io.store import Batch, Context, Pending, UnstorableIndicator
from citydip.sdg.opensdg.model import IndicatorResult, Problem, Repository

#: Indicators written per statement group (and per SAVEPOINT); a failing group is retried one by one.
BATCH = 40


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
    ctx = Context(
        workspace_id=ws_id,
        ref_codes=set(session.scalars(select(RefIndicator.code))),
        goals=set(session.scalars(select(SdgGoal.number))),
        config_first=repo.config_first,
        now=utcnow(),
        source=report.source,
    )
    _store_site(session, ws_id, repo, ctx.now, ctx.source, visibility, whole_repository)
    outcomes: dict[str, IndicatorOutcome] = {}
    pending: list[Pending] = []
    for code, result in results.items():
        previous = existing.get(code)
        if not result.ok:
            outcomes[code] = IndicatorOutcome(
                code,
                "rejected",
                kept_previous=previous is not None,
                problems=list(result.problems),
                placeholder=result.indicator.placeholder,
            )
            continue
        vis = str(visibility or (previous[1] if previous else Visibility.private))
        pending.append(Pending(result, previous[0] if previous else new_id(), previous is None, vis))
    for start in range(0, len(pending), BATCH):
        group = pending[start : start + BATCH]
        if not _write(session, ctx, group, outcomes) and len(group) > 1:
            for item in group:  # find the indicator that cannot be stored; the others go in
                _write(session, ctx, [item], outcomes)
    report.outcomes.extend(outcomes[code] for code in results)


def _write(
    session: Session, ctx: Context, group: list[Pending], outcomes: dict[str, IndicatorOutcome]
) -> bool:
    """Write indicators inside one SAVEPOINT; on a database error roll back and report it (single ones)."""
    savepoint = session.begin_nested()
    batch = Batch(ctx)
    try:
        counts = [batch.add(item) for item in group]
        batch.write(session)
    except (SQLAlchemyError, UnstorableIndicator) as exc:
        savepoint.rollback()
        if len(group) == 1:
            item = group[0]
            orig = getattr(exc, "orig", None)
            reason = (str(orig or exc).splitlines() or ["database error"])[0][:300]
            problem = _problem("store-failed", f"could not be stored: {reason}", item.code)
            outcomes[item.code] = IndicatorOutcome(
                item.code, "rejected", kept_previous=not item.new, problems=[*item.result.problems, problem]
            )
        return False
    savepoint.commit()
    for item, rows in zip(group, counts, strict=True):
        outcomes[item.code] = IndicatorOutcome(
            item.code,
            "imported",
            rows=rows,
            placeholder=item.result.indicator.placeholder,
            new=item.new,
            problems=list(item.result.problems),
        )
    return True


def _store_site(
    session: Session,
    ws_id: int,
    repo: Repository,
    now: datetime,
    source: str,
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
        "source": source[:500],
        "imported_at": now,
        "updated_at": now,
    }
    if row is None:
        session.execute(insert(site), [{"workspace_id": ws_id, "id": new_id(), "created_at": now, **values}])
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
