"""Terminal output for the check: a Rich summary table and the Typer command ``check PATH``.

The integrator mounts ``app`` as ``citydip sdg ...`` so the command reads ``citydip sdg check PATH``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from citydip.sdg.opensdg.checker import CheckReport, check_repository

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
#: Problems shown as one summary line instead of one row per indicator.
_SUMMARISED = frozenset({"placeholder-data"})

app = typer.Typer(help="Open SDG data repositories: check files before importing them.", no_args_is_help=True)


def render_report(
    report: CheckReport,
    console: Console | None = None,
    *,
    severities: tuple[str, ...] = ("error", "warning"),
    limit: int = 200,
) -> None:
    """Print the summary tables and the listed problems (``severities``, at most ``limit`` rows)."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=160)
    placeholders = set(report.placeholders)
    summary = Table(title=f"Open SDG check: {report.root}", show_lines=False)
    summary.add_column("Indicators", justify="right")
    summary.add_column("Clean", justify="right", style="green")
    summary.add_column("With errors", justify="right", style="red")
    summary.add_column("Placeholder data", justify="right", style="yellow")
    summary.add_column("Errors", justify="right", style="red")
    summary.add_column("Warnings", justify="right", style="yellow")
    summary.add_column("Notes", justify="right")
    summary.add_row(
        str(len(report.results)),
        str(len(report.clean)),
        str(len(report.with_errors)),
        str(len(placeholders)),
        str(report.count("error")),
        str(report.count("warning")),
        str(report.count("info")),
    )
    console.print(summary)

    kinds = Table(title="Problems by kind")
    kinds.add_column("Severity")
    kinds.add_column("Kind")
    kinds.add_column("Count", justify="right")
    for severity, code, count in report.by_code():
        kinds.add_row(f"[{_STYLE[severity]}]{severity}[/]", code, str(count))
    if report.by_code():
        console.print(kinds)

    rank = {s: i for i, s in enumerate(severities)}
    listed = sorted(
        (p for p in report.problems if p.severity in severities and p.code not in _SUMMARISED),
        key=lambda p: rank[p.severity],
    )
    if listed:
        details = Table(title=f"Problems ({', '.join(severities)})", show_lines=False)
        details.add_column("Severity")
        details.add_column("Indicator")
        details.add_column("File")
        details.add_column("Row", justify="right")
        details.add_column("Column")
        details.add_column("Reason", overflow="fold")
        for p in listed[:limit]:
            details.add_row(
                f"[{_STYLE[p.severity]}]{p.severity}[/]",
                p.indicator or "",
                p.file or "",
                str(p.row) if p.row is not None else "",
                p.column or "",
                p.reason,
            )
        console.print(details)
        if len(listed) > limit:
            console.print(f"... and {len(listed) - limit} more (use --limit or --json to see all)")
    if report.with_errors:
        console.print(f"[red]Indicators with errors:[/] {', '.join(report.with_errors)}")
    if placeholders:
        console.print(
            f"[yellow]Placeholder data (the starter template's dummy file, not real data) in "
            f"{len(placeholders)} indicators:[/] {', '.join(report.placeholders)}"
        )


@app.command("check")
def check(
    path: Annotated[Path, typer.Argument(help="Open SDG data repository folder or .zip")],
    config: Annotated[
        Path | None, typer.Option(help="Use this config file instead of the repository's config_data.yml")
    ] = None,
    notes: Annotated[bool, typer.Option("--notes", help="Also list informational notes")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="List errors only")] = False,
    limit: Annotated[int, typer.Option(help="List at most this many problems")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON")] = False,
) -> None:
    """Validate an Open SDG data repository without importing it; exit 1 when there are errors."""
    report = check_repository(path, config_file=config)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        severities = ("error",) if quiet else ("error", "warning", "info") if notes else ("error", "warning")
        render_report(report, severities=severities, limit=limit)
    if report.exit_code:
        raise typer.Exit(code=report.exit_code)
