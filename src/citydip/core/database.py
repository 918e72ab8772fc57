"""Engine, sessions and the declarative base.

SQLite runs in WAL mode with foreign keys on; PostgreSQL goes through psycopg 3. Callers own the transaction:
a request or a CLI command opens one session, commits on success and rolls back on any error; services only
``flush()``.

**Writers say so up front.** A SQLite transaction opened with a plain (deferred) ``BEGIN`` that reads and then
writes fails at once with "database is locked" when another connection wrote in between: SQLite cannot wait
for the lock there, whatever ``busy_timeout`` says. So a unit of work that may write opens a *writer* session
(``transaction(factory)`` or ``open_session(factory, write=True)``), whose first statement runs ``BEGIN
IMMEDIATE``: it takes the write lock before reading and waits for it (``busy_timeout``) instead of failing.
Readers keep the deferred ``BEGIN`` and, in WAL mode, run in parallel with each other and with the one writer.
On PostgreSQL both kinds are ordinary READ COMMITTED transactions. docs/architecture.md says which requests and
commands are writers.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

WRITER_OPTION = "citydip_writer"
"""Execution option marking a connection whose transactions take SQLite's write lock at BEGIN."""
READER_OPTION = "citydip_reader"
"""Execution option marking a request that only reads: its transaction refuses writes (SQLite ``query_only``,
PostgreSQL ``SET TRANSACTION READ ONLY``)."""
BUSY_TIMEOUT_MS = 10_000

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every table; constraint names are deterministic for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """A time-ordered UUID (version 7 layout) so new rows land at the end of B-tree indexes."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(secrets.token_bytes(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (needed for SAVEPOINT and for a
        # predictable BEGIN); see SQLAlchemy's "Serializable isolation / Savepoints" notes for pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        writer = options.get(WRITER_OPTION, False)
        reader = options.get(READER_OPTION, False)
        conn.exec_driver_sql(f"PRAGMA query_only={1 if reader else 0}")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


POOL_SIZE = 10
POOL_OVERFLOW = 40
"""Up to 50 connections per process: more than the server's 40 worker threads, so a request never waits for a
connection that another waiting request holds (the default 5 + 10 ran out at 32 parallel clients)."""


def make_engine(url: str, *, echo: bool = False, pool: bool = True) -> Engine:
    """Create an engine with the project's per-backend settings."""
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if is_sqlite(url):
        db_path = make_url(url).database
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            if pool:
                kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        if not pool:
            kwargs["poolclass"] = NullPool
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    kwargs["pool_pre_ping"] = True
    if pool:
        kwargs.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    else:
        kwargs["poolclass"] = NullPool
    app_name = os.environ.get("CITYDIP_PG_APPLICATION_NAME", "citydip")
    kwargs["connect_args"] = {"application_name": app_name}
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READER_OPTION, False):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory; sessions do not expire objects on commit so pages can render after it."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def writer_bind(engine: Engine) -> Engine:
    """The same engine (same pool), with transactions that take the write lock when they begin (SQLite)."""
    bind: Engine | None = engine.__dict__.get("_citydip_writer_bind")
    if bind is None:
        bind = engine.execution_options(**{WRITER_OPTION: True})
        engine.__dict__["_citydip_writer_bind"] = bind
    return bind


def reader_bind(engine: Engine) -> Engine:
    """The same engine, whose transactions may only read (any write fails at once)."""
    bind: Engine | None = engine.__dict__.get("_citydip_reader_bind")
    if bind is None:
        bind = engine.execution_options(**{READER_OPTION: True})
        engine.__dict__["_citydip_reader_bind"] = bind
    return bind


def open_session(factory: sessionmaker[Session], *, write: bool, strict: bool = False) -> Session:
    """A new session of the factory; a writer's transaction begins with the write lock (see module doc).

    ``strict`` readers refuse to write at all (SQLite), which is how a request that should only read proves it.
    """
    if not write and not strict:
        return factory()
    bind = factory.kw.get("bind")
    if not isinstance(bind, Engine):
        raise TypeError("the session factory has no engine to bind writers to")
    return factory(bind=writer_bind(bind) if write else reader_bind(bind))


def is_writer(session: Session) -> bool:
    """Whether a session was opened as a writer."""
    bind = session.bind
    return isinstance(bind, Engine) and bool(bind.get_execution_options().get(WRITER_OPTION, False))


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, always close.

    ``write=False`` is for work that only reads (it never waits for SQLite's write lock).
    """
    session = open_session(factory, write=write)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
