"""Bulk inserts: PostgreSQL ``COPY`` through psycopg, the sqlite3 cursor's executemany on SQLite.

Both write inside the session's current transaction (and SAVEPOINT), so a failed indicator rolls back
with everything else it wrote. Only services that checked the caller's edit rights call this, and they set
``workspace_id`` on every row themselves (bulk writes bypass the ORM's tenancy hooks).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Column, MetaData, Table, Text, insert
from sqlalchemy.orm import Session

#: Rows per executemany call on SQLite.
CHUNK = 5000


class _JsonCache:
    """Serialises JSON values once per object (bulk rows share identical dicts)."""

    def __init__(self) -> None:
        self.done: dict[int, tuple[Any, str]] = {}

    def __call__(self, value: Any) -> str | None:
        if value is None:
            return None
        hit = self.done.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        self.done[id(value)] = (value, text)
        return text


_TEXT_TABLES: dict[str, Table] = {}


def _getter(keys: list[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function returning a row dict's values for some keys as a tuple (itemgetter, also for one key)."""
    if len(keys) == 1:
        only = keys[0]
        return lambda row: (row[only],)
    getter = operator.itemgetter(*keys)
    return lambda row: getter(row)


def _text_table(table: Table) -> Table:
    """A copy of a table whose JSON columns take ready-made JSON text (same storage on SQLite)."""
    if table.name not in _TEXT_TABLES:
        columns = [Column(c.name, Text if isinstance(c.type, JSON) else c.type) for c in table.columns]
        _TEXT_TABLES[table.name] = Table(table.name, MetaData(), *columns)
    return _TEXT_TABLES[table.name]


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows (dicts with the same keys) into a table."""
    if not rows:
        return
    connection = session.connection()
    columns = list(rows[0].keys())
    json_cols = {name for name in columns if isinstance(table.c[name].type, JSON)}
    as_json = _JsonCache()
    if connection.dialect.name == "sqlite":
        # The DBAPI cursor directly, with each column's own bind processing (UUID as hex, JSON as text):
        # the same stored values as a Core insert, without building a parameter dict per row.
        target = _text_table(table) if json_cols else table
        dialect = connection.dialect
        compiled = insert(target).compile(dialect=dialect, column_keys=columns)
        order = list(compiled.positiontup or [])
        assert sorted(order) == sorted(columns), "unexpected insert parameters"
        getter = _getter(order)
        # Only the columns that need converting are touched per row (UUIDs, JSON, booleans ...).
        convert = []
        for i, c in enumerate(order):
            proc = target.c[c].type.bind_processor(dialect)
            if c in json_cols or proc is not None:
                convert.append((i, c in json_cols, proc))
        sql = str(compiled)
        sqlite_driver = connection.connection.driver_connection
        assert sqlite_driver is not None
        cur = sqlite_driver.cursor()
        try:
            for start in range(0, len(rows), CHUNK):
                batch = []
                for r in rows[start : start + CHUNK]:
                    values = list(getter(r))
                    for i, is_json, proc in convert:
                        v = values[i]
                        if v is None:
                            continue
                        if is_json:
                            v = as_json(v)
                        values[i] = proc(v) if proc is not None else v
                    batch.append(values)
                cur.executemany(sql, batch)
        finally:
            cur.close()
        return
    if connection.dialect.name != "postgresql":
        target = _text_table(table) if json_cols else table
        for start in range(0, len(rows), CHUNK):
            chunk = [
                {c: as_json(r[c]) if c in json_cols else r[c] for c in columns}
                for r in rows[start : start + CHUNK]
            ]
            session.execute(insert(target), chunk)
        return
    quoted = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in columns)
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    try:
        getter = _getter(columns)
        json_positions = [i for i, c in enumerate(columns) if c in json_cols]
        with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                values = list(getter(row))
                for i in json_positions:
                    values[i] = as_json(values[i])
                copy.write_row(values)
    finally:
        cursor.close()
