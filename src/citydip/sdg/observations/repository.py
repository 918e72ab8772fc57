"""Every query of an indicator's observations and catalogues; each starts from ``workspace_id == <workspace>``.

Reads go through the ORM so the tenancy safety net applies: on public pages (anonymous scope) only
``public`` rows come back.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citydip.sdg.observations.models import SdgDimension, SdgObservation, SdgSeries, SdgUnit


def catalogue(
    session: Session, workspace_id: int, indicator_id: uuid.UUID
) -> tuple[list[str], list[str], list[tuple[str, list[str]]]]:
    """Series, units and dimensions (name, values) of an indicator."""
    series = session.scalars(
        select(SdgSeries.name)
        .where(SdgSeries.workspace_id == workspace_id, SdgSeries.indicator_id == indicator_id)
        .order_by(SdgSeries.position)
    ).all()
    units = session.scalars(
        select(SdgUnit.name)
        .where(SdgUnit.workspace_id == workspace_id, SdgUnit.indicator_id == indicator_id)
        .order_by(SdgUnit.position)
    ).all()
    dims = session.execute(
        select(SdgDimension.name, SdgDimension.values)
        .where(SdgDimension.workspace_id == workspace_id, SdgDimension.indicator_id == indicator_id)
        .order_by(SdgDimension.position)
    ).all()
    return list(series), list(units), [(n, list(v or [])) for n, v in dims]


def observations_for_keys(
    session: Session,
    workspace_id: int,
    indicator_id: uuid.UUID,
    keys: Iterable[str],
    series: str | None,
    unit: str | None,
) -> Sequence[Any]:
    """Observations of some disaggregation combinations (``dis_key``), one series and unit (for charts)."""
    stmt = select(
        SdgObservation.dis_key,
        SdgObservation.year,
        SdgObservation.year_num,
        SdgObservation.value,
        SdgObservation.observation_status,
        SdgObservation.footnote,
    ).where(
        SdgObservation.workspace_id == workspace_id,
        SdgObservation.indicator_id == indicator_id,
        SdgObservation.dis_key.in_(list(keys)),
    )
    stmt = (
        stmt.where(SdgObservation.series == series) if series else stmt.where(SdgObservation.series.is_(None))
    )
    stmt = stmt.where(SdgObservation.unit == unit) if unit else stmt.where(SdgObservation.unit.is_(None))
    return session.execute(
        stmt.order_by(SdgObservation.year_num, SdgObservation.year, SdgObservation.seq)
    ).all()


def observation_page(
    session: Session, workspace_id: int, indicator_id: uuid.UUID, offset: int, limit: int
) -> tuple[Sequence[SdgObservation], int]:
    """A page of an indicator's observations in file order, and how many there are."""
    base = select(SdgObservation).where(
        SdgObservation.workspace_id == workspace_id, SdgObservation.indicator_id == indicator_id
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(base.order_by(SdgObservation.seq).offset(offset).limit(limit)).all()
    return rows, int(total)


def observation(
    session: Session, workspace_id: int, indicator_id: uuid.UUID, observation_id: uuid.UUID
) -> SdgObservation | None:
    """One observation of an indicator."""
    return session.scalars(
        select(SdgObservation).where(
            SdgObservation.workspace_id == workspace_id,
            SdgObservation.indicator_id == indicator_id,
            SdgObservation.id == observation_id,
        )
    ).first()


def data_rows(
    session: Session, workspace_id: int, indicator_ids: Sequence[uuid.UUID] | None = None
) -> dict[uuid.UUID, list[tuple[str, str, dict[str, Any], dict[str, Any]]]]:
    """Indicator -> its observations as (year, value_text, disaggregation, attributes) in file order."""
    stmt = select(
        SdgObservation.indicator_id,
        SdgObservation.year,
        SdgObservation.value_text,
        SdgObservation.disaggregation,
        SdgObservation.attributes,
    ).where(SdgObservation.workspace_id == workspace_id)
    if indicator_ids is not None:
        stmt = stmt.where(SdgObservation.indicator_id.in_(list(indicator_ids)))
    out: dict[uuid.UUID, list[tuple[str, str, dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for ind_id, year, text, dis, attrs in session.execute(
        stmt.order_by(SdgObservation.indicator_id, SdgObservation.seq)
    ):
        out[ind_id].append((year, text, dis or {}, attrs or {}))
    return out
