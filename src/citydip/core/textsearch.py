"""Index-backed free-text search for lists: "any of these columns contains the text", case-insensitive.

A ``SearchIndex`` names a table and the columns a list searches. Its DDL is created by a migration:

- **SQLite**: an FTS5 table ``fts_<table>`` with the ``trigram`` tokenizer over the columns, external content
  (the text stays in the table itself; the index holds trigrams and positions), kept in step by three triggers
  on the table, so every write (ORM, bulk Core INSERT/UPDATE, raw SQL) updates it in the same transaction.
  A needle of three or more characters becomes the FTS5 phrase ``"needle"`` (quotes doubled, so no query
  syntax ever reaches the parser), which matches exactly the rows where a column contains the needle as a
  substring, with Unicode case folding (``LIKE`` folds ASCII only). The list asks
  ``rowid IN (SELECT rowid FROM fts_<table> WHERE fts_<table> MATCH :phrase)`` next to its workspace filter.
- **PostgreSQL**: ``pg_trgm`` and one GIN trigram index per column (``trgm_<table>_<column>``); the list's
  ``ILIKE`` uses them as it is. When the extension cannot be installed the migration goes on without the
  indexes and search keeps working by scanning.

Shorter needles (one or two characters) cannot be served by trigrams and keep ``LIKE``. A needle so common
that it matches tens of thousands of rows is also answered faster by ``LIKE`` walking the list's sort index
(it stops after a page) than by collecting every match first, so on SQLite an ASCII needle whose probe of the
index reaches ``SearchIndex.common`` matches takes ``LIKE``; both paths find the same rows for ASCII needles.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    bindparam,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy import column as sql_column
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Join

log = logging.getLogger(__name__)

FTS_PREFIX = "fts_"  # SQLite FTS5 tables and their shadow tables (fts_<table>_data, _idx, _config)
TRGM_PREFIX = "trgm_"  # PostgreSQL GIN trigram indexes
MIN_CHARS = 3  # trigrams need three characters; shorter needles use LIKE
COMMON_MATCHES = 50_000
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def fts_phrase(text_: str) -> str:
    """The FTS5 query for a literal substring: one quoted phrase, inner double quotes doubled."""
    return '"' + text_.replace('"', '""') + '"'


@dataclass(frozen=True)
class SearchIndex:
    """A trigram index over the columns a list searches in one table."""

    table: str
    columns: tuple[str, ...]
    common: int = (
        COMMON_MATCHES  # from this many matches (all workspaces) an ASCII needle uses LIKE on SQLite
    )

    def __post_init__(self) -> None:
        for name in (self.table, *self.columns):
            if not _IDENTIFIER.match(name):
                raise ValueError(f"search index: '{name}' is not a plain lower-case SQL identifier")
        if not self.columns:
            raise ValueError("search index: no columns")

    @classmethod
    def on(cls, *columns: Any, common: int = COMMON_MATCHES) -> SearchIndex:
        """The index over these ORM attributes (all of one table), e.g. ``SearchIndex.on(Partner.name, ...)``."""
        cols = [getattr(c, "expression", c) for c in columns]
        tables = {c.table.name for c in cols}
        if len(tables) != 1:
            raise ValueError(f"search index: columns come from {len(tables)} tables")
        names = tuple(str(c.name) for c in cols)
        return cls(tables.pop(), names, common)

    @property
    def fts(self) -> str:
        """The SQLite FTS5 table's name."""
        return f"{FTS_PREFIX}{self.table}"

    def trgm_index(self, column: str) -> str:
        """The PostgreSQL index name for one column."""
        return f"{TRGM_PREFIX}{self.table}_{column}"

    # -- DDL -------------------------------------------------------------------------------------------------

    def sqlite_triggers(self) -> list[str]:
        """The triggers that keep the FTS5 table in step with every insert, delete and update of the table."""
        cols = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        fts, tbl = self.fts, self.table
        # Names are checked identifiers (__post_init__); values are never spliced into SQL here.
        add = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"  # noqa: S608
        remove = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"  # noqa: S608
        return [
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {tbl} BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {tbl} BEGIN {remove} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {tbl} BEGIN {remove} {add} END",
        ]

    def sqlite_create(self) -> list[str]:
        """The FTS5 table, its triggers, and a rebuild that indexes the rows already there."""
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.fts} USING fts5({', '.join(self.columns)}, "
            f"content='{self.table}', content_rowid='rowid', columnsize=0, tokenize='trigram')",
            *self.sqlite_triggers(),
            self.sqlite_rebuild(),
        ]

    def sqlite_rebuild(self) -> str:
        """Re-read every row of the table into the FTS5 index."""
        return f"INSERT INTO {self.fts} ({self.fts}) VALUES ('rebuild')"  # noqa: S608

    def sqlite_drop(self) -> list[str]:
        """Remove the triggers and the FTS5 table."""
        return [
            *(f"DROP TRIGGER IF EXISTS {self.fts}_{s}" for s in ("ai", "ad", "au")),
            f"DROP TABLE IF EXISTS {self.fts}",
        ]

    def postgresql_create(self) -> list[str]:
        """One GIN trigram index per column (needs the pg_trgm extension)."""
        return [
            f"CREATE INDEX IF NOT EXISTS {self.trgm_index(c)} ON {self.table} USING gin ({c} gin_trgm_ops)"
            for c in self.columns
        ]

    def postgresql_drop(self) -> list[str]:
        """Remove the trigram indexes (the extension stays: other tables may use it)."""
        return [f"DROP INDEX IF EXISTS {self.trgm_index(c)}" for c in self.columns]

    # -- queries ---------------------------------------------------------------------------------------------

    def serves(self, text_: str) -> bool:
        """Whether the index can answer this needle (three characters or more, no NUL)."""
        return len(text_) >= MIN_CHARS and "\x00" not in text_

    def _matches(self, text_: str) -> ColumnElement[bool]:
        return literal_column(self.fts).op("MATCH", is_comparison=True)(bindparam(None, fts_phrase(text_)))

    def match(self, text_: str) -> ColumnElement[bool]:
        """``<table>.rowid IN (SELECT rowid FROM fts_<table> WHERE fts_<table> MATCH '"needle"')`` (SQLite).

        The subquery spans every workspace; the list's own ``workspace_id`` condition keeps the answer to one.
        """
        fts = table(self.fts, sql_column("rowid", Integer))
        matching = select(fts.c.rowid).where(self._matches(text_))
        rowid: ColumnElement[int] = literal_column(f"{self.table}.rowid", Integer)
        return rowid.in_(matching)

    def narrow(self, stmt: Select[Any], text_: str) -> Select[Any]:
        """The statement keeping only rows that match the needle (SQLite).

        When the statement reads just this table, SQLite is made to read the FTS5 matches first and look each
        row up by rowid (``fts CROSS JOIN table``): without it, and without ``ANALYZE`` statistics, SQLite
        prefers walking the list's workspace index and testing every row against the match list (~25 ms per
        400,000 rows, twice per page for the count). Otherwise the ``rowid IN (...)`` condition is added.
        """
        froms = stmt.get_final_froms()
        if len(froms) == 1 and isinstance(froms[0], Table) and froms[0].name == self.table:
            fts = table(self.fts, sql_column("rowid", Integer))
            on = literal_column(f"{self.table}.rowid", Integer) == fts.c.rowid
            return stmt.select_from(FtsFirst(fts, froms[0], on)).where(self._matches(text_))
        return stmt.where(self.match(text_))

    def is_common(self, session: Session, text_: str) -> bool:
        """Whether the needle matches at least ``common`` rows (a probe that stops there; SQLite)."""
        found = session.execute(
            text(f"SELECT count(*) FROM (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH :q LIMIT :n)"),  # noqa: S608
            {"q": fts_phrase(text_), "n": self.common},
        ).scalar_one()
        return int(found) >= self.common


class FtsFirst(Join):
    """An inner join that SQLite must run with its left side (the FTS5 table) as the outer loop."""

    inherit_cache = True


@compiles(FtsFirst, "sqlite")
def _cross_join(element: FtsFirst, compiler: Any, **kw: Any) -> str:
    # SQLite never reorders the tables of a CROSS JOIN; otherwise this is the plain join (same linting).
    plain = str(compiler.visit_join(element, **kw))
    left = str(element.left._compiler_dispatch(compiler, asfrom=True))
    prefix = left + " JOIN "
    return left + " CROSS JOIN " + plain[len(prefix) :] if plain.startswith(prefix) else plain


def install(conn: Connection, indexes: Sequence[SearchIndex]) -> bool:
    """Create the indexes on this connection's database; False when PostgreSQL lacks pg_trgm (search scans)."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        for index in indexes:
            for stmt in index.sqlite_create():
                conn.exec_driver_sql(stmt)
        return True
    if dialect != "postgresql":
        return False
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        log.warning(
            "pg_trgm could not be installed (%s); free-text search will scan instead of using trigram "
            "indexes. Install it (CREATE EXTENSION pg_trgm) and run the migration again to add them.",
            str(exc.orig).strip().splitlines()[0] if exc.orig else exc,
        )
        return False
    for index in indexes:
        for stmt in index.postgresql_create():
            conn.exec_driver_sql(stmt)
    return True


def uninstall(conn: Connection, indexes: Sequence[SearchIndex]) -> None:
    """Drop the indexes (a migration's downgrade)."""
    for index in indexes:
        stmts = index.sqlite_drop() if conn.dialect.name == "sqlite" else index.postgresql_drop()
        if conn.dialect.name in ("sqlite", "postgresql"):
            for stmt in stmts:
                conn.exec_driver_sql(stmt)


def _sqlite_indexes(conn: Connection) -> list[SearchIndex]:
    """The FTS5 search indexes present in a SQLite database, read back from their definitions."""
    found = []
    rows = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'fts\\_%' ESCAPE '\\' "
        "AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).all()
    for name, sql in rows:
        content = re.search(r"content='([a-z0-9_]+)'", sql or "")
        if content is None or name != f"{FTS_PREFIX}{content.group(1)}":
            continue
        columns = [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({name})").all()]
        found.append(SearchIndex(content.group(1), tuple(columns)))
    return found


def repair(conn: Connection) -> list[str]:
    """Recreate missing triggers of SQLite search indexes and rebuild those indexes; returns their tables.

    A migration that recreates a table (Alembic's batch mode on SQLite copies it to a new table and renames
    it) drops the table's triggers and may renumber its rowids; this puts the triggers back and re-reads the
    rows, so the index is right again. Runs after every migration; a no-op when nothing is missing.
    """
    if conn.dialect.name != "sqlite":
        return []
    repaired = []
    for index in _sqlite_indexes(conn):
        present = {
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (index.table,)
            ).all()
        }
        table_exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (index.table,)
        ).first()
        if table_exists is None or {f"{index.fts}_{s}" for s in ("ai", "ad", "au")} <= present:
            continue
        for stmt in index.sqlite_triggers():
            conn.exec_driver_sql(stmt)
        conn.exec_driver_sql(index.sqlite_rebuild())
        repaired.append(index.table)
    return repaired


def rebuild(conn: Connection) -> list[str]:
    """Re-read every SQLite search index from its table (after restoring a dump that renumbered rows)."""
    if conn.dialect.name != "sqlite":
        return []
    names = []
    for index in _sqlite_indexes(conn):
        conn.exec_driver_sql(index.sqlite_rebuild())
        names.append(index.table)
    return names
