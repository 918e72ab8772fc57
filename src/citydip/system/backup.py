"""Consistent backups while the app runs, and verified restores: the database and every stored file.

A backup is one tar archive: ``manifest.json``, the database (``database.sqlite3`` or ``database.pgdump``) and
every file the database names (agreement documents, practice attachments) under ``files/documents/...``. The
manifest holds the schema revision, the row count of every table, and the size and SHA-256 of every member, so
a restore checks the archive before it touches anything and the result after.

SQLite: the online backup API copies pages under a read lock, so the copy is a consistent snapshot even while
requests write; the stored files listed are those named in that copy. PostgreSQL: a REPEATABLE READ transaction
exports its snapshot, counts every table and lists the stored files inside it, and ``pg_dump --snapshot`` dumps
exactly that state. A file is written before the record naming it commits and removed only after the record's
deletion commits, so a file named in the snapshot exists unless it was deleted afterwards (the manifest lists
such files as ``missing``; the backup still succeeds and says so). A file whose bytes no longer match the
SHA-256 the database recorded is refused: the backup fails rather than preserve a damaged copy silently.
An older backup (a bare SQLite file, or a pg_dump with its ``.manifest.json``) still restores.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from citydip.core.database import is_sqlite
from citydip.core.errors import AppError, Conflict, ValidationFailed
from citydip.core.files import stored_files
from citydip.core.i18n import _
from citydip.system import archive

MANIFEST_SUFFIX = ".manifest.json"


@dataclass
class BackupReport:
    """What a backup or restore wrote and checked."""

    path: Path
    backend: str
    tables: dict[str, int] = field(default_factory=dict)
    revision: str | None = None
    files: int = 0
    missing: list[str] = field(default_factory=list)

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


def _dump_sqlite(engine: Engine, workdir: Path) -> archive.Dump:
    source = _sqlite_path(engine)
    copy = workdir / "database.sqlite3"
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(copy))
    try:
        src.backup(dst, pages=4096)
    finally:
        dst.close()
        src.close()
    _sqlite_integrity(copy)
    counts, revision = _sqlite_counts(copy)
    snapshot = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
    try:
        with snapshot.connect() as conn:
            files = list(stored_files(conn))
    finally:
        snapshot.dispose()
    return archive.Dump(copy, "sqlite", counts, revision, files)


def _dump_pg(engine: Engine, workdir: Path) -> archive.Dump:
    pg_dump = _pg_tool("pg_dump")
    target = workdir / "database.pgdump"
    with engine.connect() as conn:
        conn.execute(text("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = _pg_counts(conn)
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        files = list(stored_files(conn))
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
    return archive.Dump(target, "postgresql", counts, revision, files)


def backup(engine: Engine, target: Path, *, data_dir: Path, force: bool = False) -> BackupReport:
    """Write one archive with a consistent copy of the database and every file it names (see module doc)."""
    if target.exists() and not force:
        raise Conflict(f"{target} already exists; choose another path or pass --force to overwrite it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".citydip-backup-", dir=target.parent) as tmp:
        dump = _dump_sqlite(engine, Path(tmp)) if is_sqlite(str(engine.url)) else _dump_pg(engine, Path(tmp))
        manifest = archive.write(target, dump, data_dir)
    return BackupReport(
        target, dump.backend, dump.tables, dump.revision, len(manifest["files"]), list(manifest["missing"])
    )


def _has_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        for table in ("workspaces", "users"):
            if table in names and conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one():  # noqa: S608
                return True
    return False


def restore(engine: Engine, source: Path, *, data_dir: Path, force: bool = False) -> BackupReport:
    """Restore a backup (the database and its files), verified; refuses to overwrite data without ``force``."""
    if not source.exists():
        raise ValidationFailed(f"{source} does not exist.")
    if not archive.is_archive(source):  # a backup made before backups held the files
        if _has_data(engine) and not force:
            raise Conflict(_("The database already holds workspaces or users; pass --force to overwrite it."))
        return _restore_database(engine, source, None)
    with tempfile.TemporaryDirectory(prefix=".citydip-restore-", dir=data_dir.parent) as tmp:
        contents = archive.read(source, Path(tmp))  # every checksum is right before anything changes
        backend = "sqlite" if is_sqlite(str(engine.url)) else "postgresql"
        if contents.manifest["backend"] != backend:
            raise ValidationFailed(
                f"{source} is a {contents.manifest['backend']} backup; this installation uses {backend}."
            )
        if _has_data(engine) and not force:
            raise Conflict(_("The database already holds workspaces or users; pass --force to overwrite it."))
        report = _restore_database(engine, contents.database, contents.manifest)
        report.path = source
        report.files = archive.install_files(contents.files, data_dir)
        report.missing = list(contents.manifest.get("missing") or [])
    return report


def _restore_database(engine: Engine, source: Path, manifest: dict[str, Any] | None) -> BackupReport:
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
        if manifest is None and manifest_path.exists():
            manifest = json.loads(manifest_path.read_text())
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
