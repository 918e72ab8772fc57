"""Every query of the reports domain; each starts from the workspace."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, load_only

from citydip.core.listing import ListSpec
from citydip.reports.models import VlrDraft, VlrText
from citydip.sdg.models import SdgLocalTarget, SdgObservation

DRAFTS = ListSpec(
    sorts={"created_at": VlrDraft.created_at, "year": VlrDraft.year},
    default_sort="-created_at",
    per_page=20,
)


def texts(session: Session, workspace_id: int) -> dict[str, VlrText]:
    """The workspace's text blocks by key."""
    rows = session.scalars(select(VlrText).where(VlrText.workspace_id == workspace_id))
    return {row.key: row for row in rows}


def drafts_query(workspace_id: int) -> Select[Any]:
    """The workspace's drafts, without their documents."""
    columns = ("year", "title", "pages", "seconds", "summary", "created_by", "created_at")
    return (
        select(VlrDraft)
        .where(VlrDraft.workspace_id == workspace_id)
        .options(load_only(*(getattr(VlrDraft, c) for c in columns)))
    )


def draft(session: Session, workspace_id: int, draft_id: uuid.UUID) -> VlrDraft | None:
    """One draft of the workspace."""
    return session.scalar(
        select(VlrDraft).where(VlrDraft.workspace_id == workspace_id, VlrDraft.id == draft_id)
    )


HeadlineRow = tuple[str, int | None, float, str | None, str | None]


def headline_rows(session: Session, workspace_id: int) -> dict[uuid.UUID, list[HeadlineRow]]:
    """Indicator -> its headline observations with a value: (year label, year, value, series, unit)."""
    stmt = (
        select(
            SdgObservation.indicator_id,
            SdgObservation.year,
            SdgObservation.year_num,
            SdgObservation.value,
            SdgObservation.series,
            SdgObservation.unit,
        )
        .where(
            SdgObservation.workspace_id == workspace_id,
            SdgObservation.dis_key == "",
            SdgObservation.value.is_not(None),
        )
        .order_by(SdgObservation.indicator_id, SdgObservation.seq)
    )
    out: dict[uuid.UUID, list[HeadlineRow]] = defaultdict(list)
    for ind_id, year, year_num, value, series, unit in session.execute(stmt):
        if value is not None:
            out[ind_id].append((year, year_num, float(value), series, unit))
    return out


def numeric_targets(
    session: Session, workspace_id: int
) -> dict[uuid.UUID, list[tuple[float, int | None, str | None, str | None]]]:
    """Indicator -> its local targets with a value: (value, year, series, unit)."""
    stmt = select(
        SdgLocalTarget.indicator_id,
        SdgLocalTarget.value,
        SdgLocalTarget.year,
        SdgLocalTarget.series,
        SdgLocalTarget.unit,
    ).where(SdgLocalTarget.workspace_id == workspace_id, SdgLocalTarget.value.is_not(None))
    out: dict[uuid.UUID, list[tuple[float, int | None, str | None, str | None]]] = defaultdict(list)
    for ind_id, value, year, series, unit in session.execute(stmt):
        if value is not None:
            out[ind_id].append((float(value), year, series, unit))
    return out


def goal_rows(session: Session) -> Sequence[Any]:
    """The 17 goals (reference data)."""
    from citydip.reference.models import SdgGoal

    return session.scalars(select(SdgGoal).order_by(SdgGoal.number)).all()
