"""Test databases: one migrated template per run, a fresh copy per test (SQLite file copy or PG TEMPLATE).

Set CITYDIP_TEST_DATABASE_URL to a PostgreSQL server URL (any database on it) to run on PostgreSQL; `.ci/run`
does this for the second pass of the suite.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from citydip.core.database import make_engine
from citydip.system.service import initialise

PG_URL = os.environ.get("CITYDIP_TEST_DATABASE_URL", "")


def backend() -> str:
    """``postgresql`` or ``sqlite``."""
    return "postgresql" if PG_URL else "sqlite"


def _pg_admin_url() -> str:
    url = make_url(PG_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.set(database="postgres").render_as_string(hide_password=False)


def _pg_db_url(name: str) -> str:
    url = make_url(_pg_admin_url()).set(database=name)
    return url.render_as_string(hide_password=False)


@contextmanager
def _pg_admin() -> Iterator[object]:
    engine = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


class TemplateDatabase:
    """A migrated database with reference data, cloned for each test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.name = f"citydip_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        if PG_URL:
            with _pg_admin() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.name}"'))  # type: ignore[attr-defined]
            self.url = _pg_db_url(self.name)
        else:
            self.path = workdir / "template.sqlite3"
            self.url = f"sqlite:///{self.path}"
        engine = make_engine(self.url, pool=False)
        initialise(engine)
        engine.dispose()
        if not PG_URL:
            # Fold the WAL into the main file so a plain file copy is complete.
            import sqlite3

            con = sqlite3.connect(self.path)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.execute("PRAGMA journal_mode=DELETE")
            con.close()

    def clone(self) -> str:
        """A new database with the template's content; returns its URL."""
        if PG_URL:
            name = f"citydip_t_{uuid.uuid4().hex[:12]}"
            with _pg_admin() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"'))  # type: ignore[attr-defined]
            return _pg_db_url(name)
        target = self.workdir / f"t_{uuid.uuid4().hex[:12]}.sqlite3"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"

    def drop_clone(self, url: str) -> None:
        """Remove a clone."""
        if PG_URL:
            name = make_url(url).database
            with _pg_admin() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # type: ignore[attr-defined]
        else:
            path = Path(make_url(url).database or "")
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)

    def drop(self) -> None:
        """Remove the template."""
        if PG_URL:
            with _pg_admin() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))  # type: ignore[attr-defined]
