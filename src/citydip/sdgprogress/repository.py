"""Every query of the SDG progress domain (reads the SDG data tables; each query starts from the workspace)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.reference.models import SdgGoal
from citydip.sdg.models import BASE_LANGUAGE, CityIndicator, SdgMetadata, SdgObservation

Row = dict[str, Any]


def indicators(
    session: Session, workspace_id: int, codes: Sequence[str] | None = None
) -> Sequence[CityIndicator]:
    """The workspace's indicators in Open SDG order (optionally only some codes)."""
    stmt = select(CityIndicator).where(CityIndicator.workspace_id == workspace_id)
    if codes is not None:
        stmt = stmt.where(CityIndicator.code.in_(list(codes)))
    return session.scalars(stmt.order_by(CityIndicator.sort_key, CityIndicator.code)).all()


def indicator_by_code(session: Session, workspace_id: int, code: str) -> CityIndicator | None:
    """One indicator of the workspace by its Open SDG id."""
    return session.scalar(
        select(CityIndicator).where(CityIndicator.workspace_id == workspace_id, CityIndicator.code == code)
    )


def base_metadata(
    session: Session, workspace_id: int, indicator_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Indicator -> its own (untranslated) metadata fields."""
    if not indicator_ids:
        return {}
    rows = session.execute(
        select(SdgMetadata.indicator_id, SdgMetadata.fields).where(
            SdgMetadata.workspace_id == workspace_id,
            SdgMetadata.language == BASE_LANGUAGE,
            SdgMetadata.indicator_id.in_(list(indicator_ids)),
        )
    ).all()
    return {ind_id: dict(fields or {}) for ind_id, fields in rows}


def data_rows(
    session: Session, workspace_id: int, indicator_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Row]]:
    """Indicator -> its observations as Open SDG data rows (Year, Value, disaggregations, other columns)."""
    out: dict[uuid.UUID, list[Row]] = defaultdict(list)
    if not indicator_ids:
        return out
    stmt = (
        select(
            SdgObservation.indicator_id,
            SdgObservation.year,
            SdgObservation.value,
            SdgObservation.disaggregation,
            SdgObservation.attributes,
        )
        .where(
            SdgObservation.workspace_id == workspace_id, SdgObservation.indicator_id.in_(list(indicator_ids))
        )
        .order_by(SdgObservation.indicator_id, SdgObservation.seq)
    )
    for ind_id, year, value, dis, attrs in session.execute(stmt):
        row: Row = dict(attrs or {})
        row.update(dis or {})
        row["Year"] = year
        row["Value"] = value
        out[ind_id].append(row)
    return out


def goal_titles(session: Session) -> dict[int, tuple[str, str]]:
    """SDG number -> (short label, colour)."""
    return {
        g.number: (g.short_label, g.colour) for g in session.scalars(select(SdgGoal).order_by(SdgGoal.number))
    }
