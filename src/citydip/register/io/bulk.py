"""Bulk writes for imports: Core INSERT and UPDATE by id, and link tables replaced per record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.orm import Session

from citydip.core.database import utcnow
from citydip.register.io.engine import chunks


def insert_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT many rows (all with the same keys)."""
    for chunk in chunks(rows):
        session.execute(table.insert(), list(chunk))


def update_rows(session: Session, table: Any, workspace_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """UPDATE many rows by id; every row dict has ``id`` and the same other keys."""
    if not rows:
        return
    keys = [k for k in rows[0] if k != "id"]
    stmt = (
        table.update()
        .where(table.c.workspace_id == bindparam("w_ws"), table.c.id == bindparam("w_id"))
        .values({k: bindparam(f"v_{k}") for k in keys})
    )
    params = [{"w_ws": workspace_id, "w_id": r["id"], **{f"v_{k}": r[k] for k in keys}} for r in rows]
    for chunk in chunks(params):
        session.execute(stmt, list(chunk))


def replace_links(
    session: Session,
    table: Any,
    owner_column: str,
    workspace_id: int,
    owners: Sequence[uuid.UUID],
    rows: Sequence[dict[str, Any]],
) -> None:
    """Delete the link rows of these owners and insert the new ones."""
    column = table.c[owner_column]
    for chunk in chunks(list(owners), 500):
        session.execute(delete(table).where(table.c.workspace_id == workspace_id, column.in_(list(chunk))))
    insert_rows(session, table, rows)


def stamp(rows: list[dict[str, Any]], created: bool) -> list[dict[str, Any]]:
    """Set created_at/updated_at on bulk rows."""
    now = utcnow()
    for row in rows:
        row["updated_at"] = now
        if created:
            row["created_at"] = now
    return rows
