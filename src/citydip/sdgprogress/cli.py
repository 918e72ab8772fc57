"""Progress commands: ``citydip sdg progress --workspace SLUG`` (every configured indicator of a workspace, as
CSV) and ``citydip sdg progress-calc IN.csv`` (one series per CSV row, no database)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from citydip.core.cli import cli_session, group, run
from citydip.sdgprogress.export import write_progress_csv
from citydip.sdgprogress.method.table import ProgressCsvError, read_and_compute, write_rows
from citydip.sdgprogress.service import workspace_progress
from citydip.workspaces.service import require_workspace


def progress(
    workspace: Annotated[str, typer.Option("--workspace", help="Workspace slug, e.g. los-angeles")],
    all_indicators: Annotated[
        bool,
        typer.Option("--all", help="Also assess indicators without progress options (default options)."),
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Output CSV (default: standard output).")] = None,
) -> None:
    """Compute progress for every configured indicator of a workspace and write CSV.

    Options come from each indicator's config (auto_progress_calculation, progress_calculation_options,
    progress_status), as imported from Open SDG's indicator-config or edited on the progress pages.

    Example: citydip sdg progress --workspace los-angeles --out progress.csv
    """

    def act() -> None:
        with cli_session() as session:
            ws = require_workspace(session, workspace)
            results = workspace_progress(session, ws.id, include_unconfigured=all_indicators)
        if out is None:
            write_progress_csv(results, sys.stdout)
        else:
            try:
                with out.open("w", newline="", encoding="utf-8") as handle:
                    write_progress_csv(results, handle)
            except OSError as exc:
                typer.echo(f"error: {out}: cannot write ({exc.strerror})", err=True)
                raise typer.Exit(code=1) from None
        for r in results:
            if r.error:
                typer.echo(f"error: {r.error}", err=True)
        counts = Counter(r.status for r in results)
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        typer.echo(f"{len(results)} indicator(s) assessed: {summary or 'none configured'}", err=True)
        if not results and not all_indicators:
            typer.echo(
                "note: no indicator has progress options; use --all to assess all with defaults", err=True
            )
        if any(r.error for r in results):
            raise typer.Exit(code=1)

    run(act)


def progress_calc(
    in_csv: Annotated[Path, typer.Argument(help="CSV with one series per row (see docs/methods.md).")],
) -> None:
    """Compute progress (value, score, status) for each series row of IN.csv and print CSV to stdout.

    Example: citydip sdg progress-calc series.csv > progress.csv
    """
    try:
        header, results = read_and_compute(in_csv)
    except ProgressCsvError as exc:
        shown = exc.problems[:50]
        for problem in shown:
            typer.echo(f"error: {problem}", err=True)
        if len(exc.problems) > len(shown):
            typer.echo(f"error: ... and {len(exc.problems) - len(shown)} more", err=True)
        raise typer.Exit(code=1) from None
    for number, result in enumerate(results, start=2):
        if result.note:
            series_id = result.row.get("series_id", "")
            typer.echo(f"note: {in_csv}, row {number} ({series_id}): not_available: {result.note}", err=True)
    write_rows(header, results, sys.stdout)


def register(app: typer.Typer) -> None:
    """Add ``citydip sdg progress-calc`` and ``citydip sdg progress`` to the shared ``sdg`` group."""
    sdg = group("sdg", "SDG data: framework, Open SDG import/export, checks, progress.")
    sdg.command("progress-calc")(progress_calc)
    sdg.command("progress")(progress)
