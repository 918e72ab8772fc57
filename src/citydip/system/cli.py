"""Commands: init, serve, demo, doctor, backup, restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from citydip.core.cli import cli_session, console, engine_for, fail, progress, run
from citydip.core.config import get_settings


def init() -> None:
    """Create or upgrade the database and load reference data (safe to run again).

    Example: citydip init
    """
    from citydip.system.service import initialise

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.resolved_secret_key()
    with progress() as bar:
        task = bar.add_task("Reference data", total=6)

        def step(label: str, done: int, total: int) -> None:
            bar.update(task, description=f"Loading {label}", completed=done, total=total)

        report = run(lambda: initialise(engine_for(settings), step))
    console.print(
        f"Database schema at [bold]{report.revision_after}[/]"
        + (" (was empty)" if report.revision_before is None else "")
    )
    table = Table("table", "inserted", "updated", "unchanged", title="Reference data")
    for r in report.reference.results:
        table.add_row(r.table, f"{r.inserted:,}", f"{r.updated:,}", f"{r.unchanged:,}")
    console.print(table)
    console.print(
        f"Done in {report.seconds:.1f} s." + ("" if report.reference.changed else " Nothing changed.")
    )


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Run the web app.

    Example: citydip serve --port 8000
    """
    import uvicorn

    from citydip.web.app import create_app

    settings = get_settings()
    app = create_app(settings, engine_for(settings))
    host = host or settings.host
    port = port or settings.port
    console.print(f"CityDip is running at [bold]http://{host}:{port}/[/]  (Ctrl+C to stop)")
    # X-Forwarded-For / -Proto are believed only from the configured proxies (CITYDIP_TRUSTED_PROXIES).
    proxies = ",".join(str(n) for n in settings.proxy_networks())
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )


def demo(
    serve_after: Annotated[bool, typer.Option("--serve", help="Start the web app afterwards")] = False,
    port: Annotated[int | None, typer.Option(help="Port for --serve")] = None,
) -> None:
    """Create (or reset) the demo workspaces with sample records, then optionally serve.

    Example: citydip demo --serve
    """
    from citydip.system.demo_workspaces import create_demo

    init()
    with cli_session() as session:
        info = run(lambda: create_demo(session))
    console.print(f"Demo workspaces ready: {', '.join(info.workspaces)} (sample data).")
    settings = get_settings()
    url = f"http://{settings.host}:{port or settings.port}/"
    console.print(f"Sign in at [bold]{url}login[/]")
    console.print(f"  email:    [bold]{info.email}[/]")
    console.print(f"  password: [bold]{info.password}[/]")
    if serve_after:
        serve(None, port)


def doctor() -> None:
    """Check configuration, database, versions; say what is missing and how to fix it.

    Example: citydip doctor
    """
    from citydip.system.doctor import run_checks

    checks = run_checks(get_settings())
    table = Table("check", "status", "detail", "how to fix", title="CityDip doctor")
    colours = {"ok": "green", "warn": "yellow", "fail": "red"}
    for c in checks:
        table.add_row(c.name, f"[{colours[c.status]}]{c.status}[/]", c.detail, c.fix)
    console.print(table)
    if any(c.status == "fail" for c in checks):
        raise typer.Exit(1)


def backup(
    path: Annotated[Path, typer.Argument(help="Archive to write (a .tar file)")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing file")] = False,
) -> None:
    """Write one archive of the database and every stored file, checksummed, while the app keeps running.

    Example: citydip backup /var/backups/citydip-2026-11-27.tar
    """
    from citydip.system.backup import backup as do_backup

    settings = get_settings()
    report = run(lambda: do_backup(engine_for(), path, data_dir=settings.data_dir, force=force))
    console.print(
        f"Backup written to [bold]{report.path}[/] ({report.backend}, schema {report.revision}, "
        f"{report.rows:,} rows in {len(report.tables)} tables, {report.files:,} stored files)."
    )
    if report.missing:
        console.print(
            f"[yellow]{len(report.missing)} stored file(s) were deleted while the backup ran and are not in it.[/]"
        )


def restore(
    path: Annotated[Path, typer.Argument(help="Backup archive to restore")],
    force: Annotated[bool, typer.Option(help="Overwrite a database that already holds data")] = False,
) -> None:
    """Restore a backup (database and stored files) and verify it: checksums first, then row for row.

    Example: citydip restore /var/backups/citydip-2026-11-27.tar --force
    """
    from citydip.system.backup import restore as do_restore

    if not path.exists():
        fail(f"{path} does not exist.")
    settings = get_settings()
    report = run(lambda: do_restore(engine_for(), path, data_dir=settings.data_dir, force=force))
    console.print(
        f"Restored {report.rows:,} rows in {len(report.tables)} tables and {report.files:,} stored files "
        f"from {path}; verified."
    )


def register(app: typer.Typer) -> None:
    """Add the system commands to the root app."""
    for command in (init, serve, demo, doctor, backup, restore):
        app.command(command.__name__)(command)
