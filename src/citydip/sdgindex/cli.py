"""`citydip index compute`: city SDG index, goal dashboards and ranking from CSV files."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from citydip.sdgindex.compute import SdgIndexError, compute_index
from citydip.sdgindex.io import read_regions, read_spec, read_values, write_results

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


@app.command("compute")
def compute(
    values: Annotated[
        Path, typer.Option("--values", help="V.csv: city,indicator,value or one column per indicator.")
    ],
    spec: Annotated[
        Path, typer.Option("--spec", help="S.csv: indicator,goal,direction,best,worst,green,red.")
    ],
    regions: Annotated[Path | None, typer.Option("--regions", help="R.csv: city,region.")] = None,
    goal_colour: Annotated[
        GoalColourOption, typer.Option("--goal-colour", help="Goal colour rule.")
    ] = GoalColourOption.two_worst,
    impute_missing_goals: Annotated[
        ImputeOption | None,
        typer.Option(
            "--impute-missing-goals", help="Fill a missing goal with the mean of the city's region."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output CSV (default: standard output).")] = None,
) -> None:
    """Compute goal scores, colours, index and rank for every city and write them as CSV.

    Example: citydip index compute --values values.csv --spec spec.csv --regions regions.csv --out index.csv
    """
    try:
        if impute_missing_goals is not None and regions is None:
            raise SdgIndexError("--impute-missing-goals region needs --regions R.csv")
        specs = read_spec(spec)
        table = read_values(values, specs)
        region_map = read_regions(regions) if regions is not None else None
        result = compute_index(
            table,
            specs,
            regions=region_map,
            impute_missing_goals="region" if impute_missing_goals is not None else None,
            goal_colour_rule="all-indicators"
            if goal_colour == GoalColourOption.all_indicators
            else "two-worst",
        )
    except SdgIndexError as exc:
        shown = exc.problems[:50]
        for problem in shown:
            typer.echo(f"error: {problem}", err=True)
        if len(exc.problems) > len(shown):
            typer.echo(f"error: ... and {len(exc.problems) - len(shown)} more", err=True)
        raise typer.Exit(code=1) from None
    if out is None:
        write_results(result, sys.stdout)
        return
    try:
        with out.open("w", newline="", encoding="utf-8") as handle:
            write_results(result, handle)
    except OSError as exc:
        typer.echo(f"error: {out}: cannot write ({exc.strerror})", err=True)
        raise typer.Exit(code=1) from None
    no_data = [c.city for c in result.cities if c.status == "no_data"]
    if no_data:
        typer.echo(
            f"note: {len(no_data)} city(ies) without any data, left unranked: {', '.join(no_data[:10])}",
            err=True,
        )


def register(root: typer.Typer) -> None:
    """Mount ``citydip index``."""
    root.add_typer(app, name="index")
