"""Every query on the audit log; always within one workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from citydip.audit.models import AuditEntry
from citydip.core.listing import Filter, ListSpec


def _from(stmt: Select[Any], value: dt.date) -> Select[Any]:
    return stmt.where(AuditEntry.at >= dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC))


def _to(stmt: Select[Any], value: dt.date) -> Select[Any]:
    return stmt.where(
        AuditEntry.at < dt.datetime.combine(value + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    )


AUDIT_LIST = ListSpec(
    filters=[
        Filter("entity", "Record type", AuditEntry.entity),
        Filter("entity_id", "Record id", AuditEntry.entity_id),
        Filter(
            "action",
            "Action",
            AuditEntry.action,
            choices=[("create", "create"), ("update", "update"), ("delete", "delete"), ("import", "import")],
        ),
        Filter("actor", "Who", AuditEntry.actor, op="contains"),
        Filter("from", "From", type="date", apply=_from),
        Filter("to", "To", type="date", apply=_to),
    ],
    sorts={"at": AuditEntry.at, "entity": AuditEntry.entity, "actor": AuditEntry.actor},
    default_sort="-at",
    search_columns=[AuditEntry.summary, AuditEntry.entity_id],
    per_page=50,
)


def entries_of_workspace(workspace_id: int) -> Select[Any]:
    """The base query of one workspace's audit log."""
    return select(AuditEntry).where(AuditEntry.workspace_id == workspace_id)


def history(session: Session, workspace_id: int, entity: str, entity_id: str) -> Sequence[AuditEntry]:
    """The change history of one record, newest first."""
    return session.scalars(
        entries_of_workspace(workspace_id)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()
