"""``citydip doctor``: what is configured, what works, what is missing and how to fix it."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from citydip.core.config import Settings, config_file_path
from citydip.core.database import is_sqlite, make_engine
from citydip.core.migrate import current_revision, head_revision


@dataclass
class Check:
    """One line of the doctor's report."""

    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def masked_url(url: str) -> str:
    """A database URL with its password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def _stored_files_check(engine: Engine, settings: Settings) -> Check:
    """Every file the database names (agreement documents, practice attachments) is in the data directory."""
    from citydip.core.files import missing_files
    from citydip.domains import load_models

    load_models()
    with engine.connect() as conn:
        total, missing = missing_files(conn, settings.data_dir)
    if not missing:
        return Check("Stored files", "ok", f"all {total:,} files the database names are present")
    examples = ", ".join(m.relative_path for m in missing[:3])
    return Check(
        "Stored files",
        "fail",
        f"{len(missing):,} of {total:,} files the database names are missing (e.g. {examples})",
        "Restore them from a backup archive (`citydip restore`), or copy the documents/ folder back "
        f"into {settings.data_dir}.",
    )


def run_checks(settings: Settings) -> list[Check]:
    """Every check, in order; never raises."""
    checks: list[Check] = []
    py = sys.version_info
    checks.append(
        Check(
            "Python",
            "ok" if py >= (3, 11) else "fail",
            sys.version.split()[0],
            "" if py >= (3, 11) else "Install Python 3.11 or newer.",
        )
    )
    versions = ", ".join(
        f"{p} {_version(p)}"
        for p in ("citydip", "fastapi", "sqlalchemy", "alembic", "pydantic", "psycopg", "typer")
    )
    checks.append(Check("Packages", "ok", versions))
    cfg = config_file_path()
    checks.append(Check("Configuration file", "ok", str(cfg) if cfg else "none (environment variables only)"))
    data_dir = settings.data_dir
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        writable = os.access(data_dir, os.W_OK)
    except OSError:
        writable = False
    checks.append(
        Check(
            "Data directory",
            "ok" if writable else "fail",
            str(data_dir),
            "" if writable else "Set CITYDIP_DATA_DIR to a writable directory.",
        )
    )
    secret_ok = bool(settings.secret_key) or (data_dir / "secret_key").exists()
    checks.append(
        Check(
            "Secret key",
            "ok" if secret_ok else "warn",
            "configured"
            if settings.secret_key
            else ("kept in the data directory" if secret_ok else "not created yet"),
            "" if secret_ok else "Run `citydip init` (or set CITYDIP_SECRET_KEY).",
        )
    )
    url = settings.resolved_database_url()
    checks.append(Check("Database URL", "ok", masked_url(url)))
    try:
        engine = make_engine(url, pool=False)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current, head = current_revision(engine), head_revision()
        if current == head:
            checks.append(Check("Schema", "ok", f"at {current}"))
        else:
            checks.append(
                Check(
                    "Schema",
                    "fail",
                    f"at {current or 'nothing'}, newest is {head}",
                    "Run `citydip init` to create or upgrade the database.",
                )
            )
        if current is not None:
            with engine.connect() as conn:
                counts = {
                    t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
                    for t in ("ref_countries", "ref_cities", "sdg_goals", "sdg_indicators")
                }
            ok = counts["ref_cities"] > 30000 and counts["sdg_goals"] == 17
            checks.append(
                Check(
                    "Reference data",
                    "ok" if ok else "fail",
                    ", ".join(f"{k} {v:,}" for k, v in counts.items()),
                    "" if ok else "Run `citydip init` to load reference data.",
                )
            )
            checks.append(_stored_files_check(engine, settings))
        engine.dispose()
    except Exception as exc:  # report, do not crash
        checks.append(
            Check(
                "Database",
                "fail",
                f"cannot connect ({exc.__class__.__name__})",
                "Check CITYDIP_DATABASE_URL, that the server runs, and the credentials.",
            )
        )
    if not is_sqlite(url):
        has_dump = bool(shutil.which("pg_dump")) or any(
            os.path.exists(f"/usr/lib/postgresql/{v}/bin/pg_dump") for v in ("17", "16", "15")
        )
        checks.append(
            Check(
                "pg_dump (backups)",
                "ok" if has_dump else "warn",
                "found" if has_dump else "missing",
                "" if has_dump else "apt-get install postgresql-client",
            )
        )
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    checks.append(
        Check(
            "Chromium (browser tests only)",
            "ok" if chromium else "warn",
            chromium or "missing",
            "" if chromium else "apt-get install chromium (only needed to run the test suite)",
        )
    )
    return checks
