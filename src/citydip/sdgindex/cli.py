"""`citydip index compute`: city SDG index, goal dashboards, ranking and trends from CSV files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer

from citydip.sdgindex.compute import DEFAULT_MAX_MISSING, STATUS_NO_DATA, STATUS_NOT_RANKED, SdgIndexError
from citydip.sdgindex.output import write_detail, write_results
from citydip.sdgindex.pipeline import Computed, IndexFiles, IndexOptions, compute_files
from citydip.sdgindex.trends import DEFAULT_TARGET_YEAR, DEFAULT_WINDOW

app = typer.Typer(no_args_is_help=True, help="City SDG index and dashboards (SDSN method).")


class GoalColourOption(StrEnum):
    """Goal colour rules."""

    two_worst = "two-worst"
    all_indicators = "all-indicators"


class ImputeOption(StrEnum):
    """Ways to fill a missing goal score."""

    region = "region"


@app.callback()
def _main() -> None:
    """City SDG index and dashboards (SDSN method)."""


def _fail(problems: list[str]) -> None:
    shown = problems[:50]
    for problem in shown:
        typer.echo(f"error: {problem}", err=True)
    if len(problems) > len(shown):
        typer.echo(f"error: ... and {len(problems) - len(shown)} more", err=True)
    raise typer.Exit(code=1)


def _write(path: Path | None, writer: Callable[[TextIO], None]) -> None:
    if path is None:
        writer(sys.stdout)
        return
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer(handle)
    except OSError as exc:
        typer.echo(f"error: {path}: cannot write ({exc.strerror})", err=True)
        raise typer.Exit(code=1) from None


def _notes(computed: Computed) -> None:
    cities = computed.result.cities
    no_data = [c.city for c in cities if c.status == STATUS_NO_DATA]
    if no_data:
        typer.echo(
            f"note: {len(no_data)} city(ies) without any data, left unranked: {', '.join(no_data[:10])}",
            err=True,
        )
    sparse = [c.city for c in cities if c.status == STATUS_NOT_RANKED]
    if sparse:
        typer.echo(
            f"note: {len(sparse)} city(ies) miss more than {computed.result.max_missing:g} % of their "
            f"applicable indicators and are not ranked: {', '.join(sparse[:10])}",
            err=True,
        )


@app.command("compute")
def compute(
    values: Annotated[
        Path,
        typer.Option(
            "--values",
            help="V.csv: city,indicator,value or one column per indicator; optional group and year columns.",
        ),
    ],
    spec: Annotated[
        Path,
        typer.Option(
            "--spec", help="S.csv: indicator,goal,direction,best,worst,green,red[,applies_to,in_score]."
        ),
    ],
    regions: Annotated[Path | None, typer.Option("--regions", help="R.csv: city,region.")] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="Values with a year column, for trends (default: V.csv's years)."),
    ] = None,
    goal_colour: Annotated[
        GoalColourOption, typer.Option("--goal-colour", help="Goal colour rule.")
    ] = GoalColourOption.two_worst,
    impute_missing_goals: Annotated[
        ImputeOption | None,
        typer.Option(
            "--impute-missing-goals",
            help="Fill a missing goal with the mean of the ranked cities of its region.",
        ),
    ] = None,
    max_missing: Annotated[
        float,
        typer.Option(
            "--max-missing",
            help="Rank only cities missing at most this percent of their applicable indicators (100: all).",
        ),
    ] = DEFAULT_MAX_MISSING,
    trend_window: Annotated[
        int, typer.Option("--trend-window", help="Years between the two points a trend compares.")
    ] = DEFAULT_WINDOW,
    target_year: Annotated[
        int, typer.Option("--target-year", help="Year by which the green threshold should be reached.")
    ] = DEFAULT_TARGET_YEAR,
    detail: Annotated[
        Path | None,
        typer.Option(
            "--detail", help="Also write every indicator's score, 0-3 value, colour and trend here."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output CSV (default: standard output).")] = None,
) -> None:
    """Compute goal scores, colours, trends, index and rank for every city and write them as CSV.

    Example: citydip index compute --values values.csv --spec spec.csv --regions regions.csv --out index.csv
    """
    options = IndexOptions(
        goal_colour_rule="all-indicators" if goal_colour == GoalColourOption.all_indicators else "two-worst",
        impute="region" if impute_missing_goals is not None else "",
        max_missing=max_missing,
        trend_window=trend_window,
        target_year=target_year,
    )
    if impute_missing_goals is not None and regions is None:
        _fail(["--impute-missing-goals region needs --regions R.csv"])
    try:
        computed = compute_files(IndexFiles(values, spec, regions, history), options)
    except SdgIndexError as exc:
        _fail(exc.problems)
        return
    result = computed.result
    _write(out, lambda handle: write_results(result, handle))
    if detail is not None:
        _write(
            detail, lambda handle: write_detail(result, computed.table.values, handle, computed.table.years)
        )
    if out is not None:
        _notes(computed)


def register(root: typer.Typer) -> None:
    """Mount ``citydip index``."""
    root.add_typer(app, name="index")
