"""Keeping a reference table equal to its source: insert missing rows, update changed ones, never delete.

Reference tables hold only plain values (text, integers, floats), so new rows go in through the driver
directly: the sqlite3 cursor's ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Going through the ORM's
bulk insert cost about 3x more per row, which mattered once the place list grew from 34,006 to 170,000+ rows
(docs/performance.md). Everything runs inside the caller's transaction.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

CHUNK = 5000


@dataclass
class SyncResult:
    """Rows inserted and updated in one reference table."""

    table: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: bool = False  # the source was already loaded unchanged (see ``citydip.reference.places``)

    @property
    def changed(self) -> bool:
        """Whether any row was written."""
        return bool(self.inserted or self.updated)


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows of plain values (in ``columns`` order) with the driver's fastest bulk path."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
    driver = connection.connection.driver_connection
    if dialect.name == "sqlite" and driver is not None:
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608 (names from the model)
        cursor = driver.cursor()
        try:
            for start in range(0, len(rows), CHUNK):
                cursor.executemany(sql, rows[start : start + CHUNK])
        finally:
            cursor.close()
        return
    if dialect.name == "postgresql" and driver is not None:
        cursor = driver.cursor()
        try:
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    for start in range(0, len(rows), CHUNK):
        session.execute(
            insert(table), [dict(zip(columns, r, strict=True)) for r in rows[start : start + CHUNK]]
        )


def sync_table(
    session: Session,
    model: Any,
    key: str,
    rows: Sequence[dict[str, Any]],
    *,
    preserve: Iterable[str] = (),
    batch: int = CHUNK,
) -> SyncResult:
    """Insert missing rows and update changed ones by primary key; never deletes, keeps ``preserve`` columns."""
    keep = set(preserve)
    result = SyncResult(model.__tablename__)
    if not rows:
        return result
    columns = [c for c in rows[0] if c != key and c not in keep]
    values_of = operator.itemgetter(*columns) if len(columns) > 1 else (lambda r: (r[columns[0]],))
    key_col = getattr(model, key)
    existing: dict[Any, tuple[Any, ...]] = {
        r[0]: tuple(r[1:])
        for r in session.execute(select(key_col, *(getattr(model, c) for c in columns))).all()
    }
    to_insert: list[tuple[Any, ...]] = []
    to_update: list[dict[str, Any]] = []
    for row in rows:
        values = values_of(row)
        current = existing.get(row[key])
        if current is None:
            to_insert.append((row[key], *values))
        elif current != values:
            to_update.append({key: row[key], **dict(zip(columns, values, strict=True))})
        else:
            result.unchanged += 1
    table: Table = model.__table__
    given = {key, *columns}
    # Columns the rows leave out (preserved ones) get their model defaults, as an ORM insert would give them.
    defaults = {
        c.name: c.default.arg
        for c in table.columns
        if c.name not in given and isinstance(c.default, ScalarElementColumnDefault)
    }
    if defaults:
        extra = tuple(defaults.values())
        to_insert = [(*r, *extra) for r in to_insert]
    insert_rows(session, table, [key, *columns, *defaults], to_insert)
    for start in range(0, len(to_update), batch):
        session.execute(update(model), to_update[start : start + batch])
    result.inserted, result.updated = len(to_insert), len(to_update)
    return result
