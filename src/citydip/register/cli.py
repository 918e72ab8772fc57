"""Commands: ``citydip register import|export|template|feed``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from citydip.core.cli import cli_session, console, err_console, fail, group, print_json, run
from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem
from citydip.workspaces.service import operator_context


def cli_context(session: Session, slug: str) -> WorkspaceContext:
    """A workspace context for the command line (the operator acts as the workspace's owner)."""
    return operator_context(session, slug)


def _problems(problems: list[FieldProblem], limit: int = 50) -> None:
    table = Table("row", "column", "reason", title=f"{len(problems)} problem(s); nothing was imported")
    for p in problems[:limit]:
        table.add_row("" if p.row is None else str(p.row), p.field, p.message)
    err_console.print(table)
    if len(problems) > limit:
        err_console.print(f"... and {len(problems) - limit} more (use --json for all).")


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8) or XLSX file", exists=True, dir_okay=False)],
    workspace: Annotated[str, typer.Option(help="Workspace slug")],
    kind: Annotated[str, typer.Option(help="partners, people, agreements or engagements")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only check; write nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import partners, people, agreements or engagements (all rows or none; re-imports update).

    Example: citydip register import partners.csv --workspace los-angeles --kind partners --dry-run
    """
    from citydip.register.io.service import import_file

    def act() -> None:
        content = file.read_bytes()
        with cli_session() as session:
            ctx = cli_context(session, workspace)
            report = import_file(session, ctx, kind, content, file.name, dry_run=True)
            if as_json:
                print_json(report.as_dict())
            if not report.ok:
                if not as_json:
                    _problems(report.problems)
                raise typer.Exit(1)
            if not dry_run:
                report = import_file(session, ctx, kind, content, file.name, dry_run=False)
        if not as_json:
            verb = "Imported" if report.committed else "Checked (dry run, nothing written)"
            console.print(
                f"{verb} {file.name}: {report.rows} rows, {report.created} new, {report.updated} updated."
            )

    run(act)


def export_command(
    workspace: Annotated[str, typer.Option(help="Workspace slug")],
    kind: Annotated[str, typer.Option(help="partners, people, agreements, engagements or followups")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: standard output)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
    filters: Annotated[
        list[str] | None, typer.Option("--filter", help="A list filter as name=value, repeatable")
    ] = None,
) -> None:
    """Export a list with the same filters as its page (e.g. --filter country=CN --filter from=2026-01-01).

    Example: citydip register export --workspace los-angeles --kind engagements --filter country=CN -o china.csv
    """
    from starlette.datastructures import QueryParams

    from citydip.register.io.service import export_file, list_params

    def act() -> None:
        pairs: list[tuple[str, str]] = []
        for item in filters or []:
            if "=" not in item:
                fail(f"--filter wants name=value, not '{item}'")
            name, value = item.split("=", 1)
            pairs.append((name, value))
        if fmt == "xlsx" and output is None:
            fail("XLSX needs --output FILE")
        with cli_session() as session:
            ctx = cli_context(session, workspace)
            handle = export_file(session, ctx, kind, list_params(kind, QueryParams(pairs)), fmt)
            data = handle.read()
        if output is None:
            sys.stdout.write(data.decode("utf-8-sig"))
        else:
            output.write_bytes(data)
            console.print(f"Wrote {output} ({len(data):,} bytes).")

    run(act)


def template_command(
    kind: Annotated[str, typer.Option(help="partners, people, agreements or engagements")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.csv or .xlsx)")],
) -> None:
    """Write a blank import template (XLSX has a help sheet describing each column).

    Example: citydip register template --kind engagements -o engagements.xlsx
    """
    from citydip.register.io.export import template
    from citydip.register.io.service import check_kind

    def act() -> None:
        check_kind(kind)
        fmt = "csv" if output.suffix.lower() == ".csv" else "xlsx"
        output.write_bytes(template(kind, fmt))
        console.print(f"Wrote {output}.")

    run(act)


def feed_command(
    workspace: Annotated[str, typer.Option(help="Workspace slug")],
    label: Annotated[str, typer.Option(help="What the address is for")] = "Calendar",
    base_url: Annotated[str, typer.Option(help="The site's address")] = "http://127.0.0.1:8000",
) -> None:
    """Create a secret iCalendar feed address for a workspace's engagements (shown once).

    Example: citydip register feed --workspace los-angeles --label "Protocol team" --base-url https://citydip.lacity.org
    """
    from citydip.register.calendar.service import create_feed

    def act() -> None:
        with cli_session() as session:
            token, _feed = create_feed(session, cli_context(session, workspace), label)
        console.print(f"{base_url.rstrip('/')}/ical/{token}.ics")

    run(act)


def register(app: typer.Typer) -> None:
    """Add the ``register`` group."""
    sub = group("register", "The diplomacy register: import, export, templates, calendar feeds.")
    sub.command("import")(import_command)
    sub.command("export")(export_command)
    sub.command("template")(template_command)
    sub.command("feed")(feed_command)
