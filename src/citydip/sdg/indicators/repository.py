"""Every query of a workspace's SDG indicators, settings, metadata and targets; each starts from
``workspace_id == <workspace>``.

Reads go through the ORM so the tenancy safety net applies: on public pages (anonymous scope) only
``public`` rows come back, for indicators and for their observations, metadata and catalogues alike.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from citydip.core.listing import Filter, ListSpec
from citydip.reference.models import SdgGoal, SdgTarget
from citydip.sdg.indicators.models import (
    BASE_LANGUAGE,
    REPORTING_STATUSES,
    CityIndicator,
    SdgLocalTarget,
    SdgMetadata,
    SdgSite,
    SdgTranslation,
)

INDICATOR_LIST = ListSpec(
    filters=[
        Filter("goal", "Goal", CityIndicator.goal, type="int"),
        Filter(
            "reporting_status",
            "Reporting status",
            CityIndicator.reporting_status,
            choices=[(s, s) for s in REPORTING_STATUSES],
        ),
        Filter("kind", "Kind", CityIndicator.kind, choices=[("global", "global"), ("local", "local")]),
        Filter(
            "visibility",
            "Visibility",
            CityIndicator.visibility,
            choices=[("private", "private"), ("network", "network"), ("public", "public")],
        ),
        Filter("department", "Department", CityIndicator.department, op="contains"),
    ],
    sorts={
        "number": CityIndicator.sort_key,
        "name": CityIndicator.name,
        "status": CityIndicator.reporting_status,
        "rows": CityIndicator.observation_count,
        "updated": CityIndicator.updated_at,
    },
    default_sort="number",
    search_columns=[CityIndicator.code, CityIndicator.number, CityIndicator.name],
    per_page=50,
)


def indicators_query(workspace_id: int) -> Select[Any]:
    """The base query of a workspace's indicators."""
    return select(CityIndicator).where(CityIndicator.workspace_id == workspace_id)


def site(session: Session, workspace_id: int) -> SdgSite | None:
    """The workspace's SDG settings row, if data was ever imported."""
    return session.scalars(select(SdgSite).where(SdgSite.workspace_id == workspace_id)).first()


def indicators(session: Session, workspace_id: int, goal: int | None = None) -> Sequence[CityIndicator]:
    """Indicators in Open SDG order, optionally of one goal."""
    stmt = indicators_query(workspace_id)
    if goal is not None:
        stmt = stmt.where(CityIndicator.goal == goal)
    return session.scalars(stmt.order_by(CityIndicator.sort_key, CityIndicator.code)).all()


def indicator_by_code(session: Session, workspace_id: int, code: str) -> CityIndicator | None:
    """One indicator by its Open SDG id (``1-1-1``)."""
    return session.scalars(indicators_query(workspace_id).where(CityIndicator.code == code)).first()


def indicator_by_id(session: Session, workspace_id: int, indicator_id: uuid.UUID) -> CityIndicator | None:
    """One indicator by its id."""
    return session.scalars(indicators_query(workspace_id).where(CityIndicator.id == indicator_id)).first()


def status_counts(session: Session, workspace_id: int) -> dict[int | None, dict[str, int]]:
    """Goal -> reporting status -> number of indicators."""
    rows = session.execute(
        select(CityIndicator.goal, CityIndicator.reporting_status, func.count())
        .where(CityIndicator.workspace_id == workspace_id)
        .group_by(CityIndicator.goal, CityIndicator.reporting_status)
    ).all()
    out: dict[int | None, dict[str, int]] = defaultdict(dict)
    for goal, status, count in rows:
        out[goal][status] = int(count)
    return out


def goals(session: Session) -> Sequence[SdgGoal]:
    """The 17 goals (reference data)."""
    return session.scalars(select(SdgGoal).order_by(SdgGoal.number)).all()


def goal(session: Session, number: int) -> SdgGoal | None:
    """One goal (reference data)."""
    return session.get(SdgGoal, number)


def targets_of_goal(session: Session, number: int) -> Sequence[SdgTarget]:
    """A goal's targets (reference data) in order."""
    return session.scalars(
        select(SdgTarget).where(SdgTarget.goal == number).order_by(SdgTarget.sort_key, SdgTarget.code)
    ).all()


def search(session: Session, workspace_id: int, text: str, limit: int = 50) -> Sequence[CityIndicator]:
    """Indicators whose id, number, name or department contain the text (case-insensitive)."""
    words = [w for w in text.split() if w][:8]
    stmt = indicators_query(workspace_id)
    for word in words:
        pattern = f"%{word.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(CityIndicator.code).like(pattern),
                func.lower(CityIndicator.number).like(pattern),
                func.lower(CityIndicator.name).like(pattern),
                func.lower(CityIndicator.department).like(pattern),
            )
        )
    return session.scalars(stmt.order_by(CityIndicator.sort_key).limit(limit)).all()


def metadata(session: Session, workspace_id: int, indicator_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """Language -> metadata fields of one indicator (``""``: the repository's own fields)."""
    rows = session.scalars(
        select(SdgMetadata).where(
            SdgMetadata.workspace_id == workspace_id, SdgMetadata.indicator_id == indicator_id
        )
    ).all()
    return {r.language: dict(r.fields) for r in rows}


def metadata_row(
    session: Session, workspace_id: int, indicator_id: uuid.UUID, language: str = BASE_LANGUAGE
) -> SdgMetadata | None:
    """The metadata row of one indicator in one language."""
    return session.scalars(
        select(SdgMetadata).where(
            SdgMetadata.workspace_id == workspace_id,
            SdgMetadata.indicator_id == indicator_id,
            SdgMetadata.language == language,
        )
    ).first()


def local_targets(session: Session, workspace_id: int, indicator_id: uuid.UUID) -> Sequence[SdgLocalTarget]:
    """An indicator's local targets."""
    return session.scalars(
        select(SdgLocalTarget)
        .where(SdgLocalTarget.workspace_id == workspace_id, SdgLocalTarget.indicator_id == indicator_id)
        .order_by(SdgLocalTarget.source, SdgLocalTarget.created_at)
    ).all()


def local_target(
    session: Session, workspace_id: int, indicator_id: uuid.UUID, target_id: uuid.UUID
) -> SdgLocalTarget | None:
    """One local target of an indicator."""
    return session.scalars(
        select(SdgLocalTarget).where(
            SdgLocalTarget.workspace_id == workspace_id,
            SdgLocalTarget.indicator_id == indicator_id,
            SdgLocalTarget.id == target_id,
        )
    ).first()


def all_metadata(
    session: Session, workspace_id: int, indicator_ids: Sequence[uuid.UUID] | None = None
) -> dict[uuid.UUID, dict[str, dict[str, Any]]]:
    """Indicator -> language -> metadata fields."""
    stmt = select(SdgMetadata.indicator_id, SdgMetadata.language, SdgMetadata.fields).where(
        SdgMetadata.workspace_id == workspace_id
    )
    if indicator_ids is not None:
        stmt = stmt.where(SdgMetadata.indicator_id.in_(list(indicator_ids)))
    out: dict[uuid.UUID, dict[str, dict[str, Any]]] = defaultdict(dict)
    for ind_id, language, fields in session.execute(stmt):
        out[ind_id][language] = dict(fields or {})
    return out


def translations(session: Session, workspace_id: int) -> dict[str, dict[str, dict[str, str]]]:
    """language -> group -> key -> text."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for language, group, entries in session.execute(
        select(SdgTranslation.language, SdgTranslation.group, SdgTranslation.entries).where(
            SdgTranslation.workspace_id == workspace_id
        )
    ):
        out.setdefault(language, {})[group] = {str(k): str(v) for k, v in (entries or {}).items()}
    return out
