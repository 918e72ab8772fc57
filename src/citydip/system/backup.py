"""Consistent backups while the app runs, and verified restores.

SQLite: the online backup API copies pages under a read lock, so the copy is a consistent snapshot even while
requests write. PostgreSQL: a REPEATABLE READ transaction exports its snapshot, counts every table inside it,
and ``pg_dump --snapshot`` dumps exactly that state; the counts go into a manifest beside the dump so a restore
can be verified row for row.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from citydip.core.database import is_sqlite
from citydip.core.errors import AppError, Conflict, ValidationFailed
from citydip.core.i18n import _

MANIFEST_SUFFIX = ".manifest.json"


@dataclass
class BackupReport:
    """What a backup or restore wrote and checked."""

    path: Path
    backend: str
    tables: dict[str, int] = field(default_factory=dict)
    revision: str | None = None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _sqlite_path(engine: Engine) -> Path:
    database = make_url(engine.url).database
    if not database or database == ":memory:":
        raise ValidationFailed(_("An in-memory SQLite database cannot be backed up."))
    return Path(database)


def _sqlite_counts(path: Path) -> tuple[dict[str, int], str | None]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        counts = {n: int(con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}  # noqa: S608
        revision = None
        if "alembic_version" in names:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return counts, revision
    finally:
        con.close()


def _sqlite_integrity(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationFailed(f"{path} is not a readable SQLite database ({exc}).") from None
    if result != "ok":
        raise ValidationFailed(f"{path} failed SQLite's integrity check: {result}")


def _pg_url(engine: Engine) -> str:
    url = make_url(engine.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for version in ("17", "16", "15", "14"):
        candidate = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
        if candidate.exists():
            return str(candidate)
    raise AppError(
        f"{name} was not found; install PostgreSQL's client tools (apt-get install postgresql-client)."
    )


def _pg_counts(conn: object) -> dict[str, int]:
    from sqlalchemy import Connection

    assert isinstance(conn, Connection)
    names = inspect(conn).get_table_names()
    return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one()) for n in sorted(names)}  # noqa: S608


def backup(engine: Engine, target: Path, *, force: bool = False) -> BackupReport:
    """Write a consistent backup of the database to ``target``."""
    if target.exists() and not force:
        raise Conflict(f"{target} already exists; choose another path or pass --force to overwrite it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite(str(engine.url)):
        source = _sqlite_path(engine)
        tmp = target.with_name(target.name + ".partial")
        tmp.unlink(missing_ok=True)
        src = sqlite3.connect(str(source))
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst, pages=4096)
        finally:
            dst.close()
            src.close()
        _sqlite_integrity(tmp)
        os.replace(tmp, target)
        counts, revision = _sqlite_counts(target)
        return BackupReport(target, "sqlite", counts, revision)
    pg_dump = _pg_tool("pg_dump")
    with engine.connect() as conn:
        conn.execute(text("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = _pg_counts(conn)
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        result = subprocess.run(  # noqa: S603
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--file",
                str(target),
                "--dbname",
                _pg_url(engine),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        conn.execute(text("COMMIT"))
    if result.returncode != 0:
        raise AppError(f"pg_dump failed: {result.stderr.strip()[:500]}")
    manifest = {"backend": "postgresql", "revision": revision, "tables": counts}
    Path(str(target) + MANIFEST_SUFFIX).write_text(json.dumps(manifest, indent=2))
    return BackupReport(target, "postgresql", counts, revision)


def _has_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        for table in ("workspaces", "users"):
            if table in names and conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one():  # noqa: S608
                return True
    return False


def restore(engine: Engine, source: Path, *, force: bool = False) -> BackupReport:
    """Restore a backup into the configured database, refusing to overwrite data without ``force``."""
    if not source.exists():
        raise ValidationFailed(f"{source} does not exist.")
    if _has_data(engine) and not force:
        raise Conflict(_("The database already holds workspaces or users; pass --force to overwrite it."))
    if is_sqlite(str(engine.url)):
        _sqlite_integrity(source)
        expected, revision = _sqlite_counts(source)
        if revision is None:
            raise ValidationFailed(f"{source} is not a CityDip backup (no schema version).")
        target = _sqlite_path(engine)
        engine.dispose()
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        _sqlite_integrity(target)
        actual, actual_rev = _sqlite_counts(target)
    else:
        manifest_path = Path(str(source) + MANIFEST_SUFFIX)
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
        pg_restore = _pg_tool("pg_restore")
        listing = subprocess.run(  # noqa: S603
            [pg_restore, "--list", str(source)], capture_output=True, text=True, check=False
        )
        if listing.returncode != 0:
            raise ValidationFailed(
                f"{source} is not a readable pg_dump archive: {listing.stderr.strip()[:300]}"
            )
        engine.dispose()
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        result = subprocess.run(  # noqa: S603
            [
                pg_restore,
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                _pg_url(engine),
                str(source),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise AppError(f"pg_restore failed: {result.stderr.strip()[:500]}")
        with engine.connect() as conn:
            actual = _pg_counts(conn)
            actual_rev = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        expected = manifest["tables"] if manifest else actual
        revision = manifest["revision"] if manifest else actual_rev
    if actual != expected or actual_rev != revision:
        diff = {
            t: (expected.get(t), actual.get(t))
            for t in set(expected) | set(actual)
            if expected.get(t) != actual.get(t)
        }
        raise AppError(f"The restored database does not match the backup: {diff}")
    return BackupReport(source, "sqlite" if is_sqlite(str(engine.url)) else "postgresql", actual, actual_rev)
