"""Commands: ``citydip sdg framework import`` and ``citydip reference city``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from citydip.audit.recorder import record
from citydip.core.cli import cli_session, console, group, run
from citydip.reference.cities import resolve_city
from citydip.reference.sdg_framework import apply_framework, parse_framework_file


def framework_import(
    path: Annotated[Path, typer.Argument(help="UNSD .xlsx or a CSV of goal,target,indicator")],
) -> None:
    """Load official SDG titles from the UN indicator list.

    Example: citydip sdg framework import Global-Indicator-Framework-after-2025-review-English.xlsx
    """

    def act() -> None:
        fw = parse_framework_file(path)
        with cli_session() as session:
            report = apply_framework(session, fw)
            record(
                session,
                action="import",
                entity="sdg_framework",
                entity_id=path.name,
                workspace_id=None,
                summary=f"{len(fw.indicators)} indicators from {path.name}",
            )
        console.print(
            f"Read {len(fw.goals)} goals, {len(fw.targets)} targets, {len(fw.indicators)} indicators. "
            f"Updated {report.goals} goal and {report.targets} target titles, "
            f"{report.indicators_updated} indicators; added {report.indicators_added} indicators."
        )

    run(act)


def city_lookup(
    name: Annotated[str, typer.Argument(help='A city name, optionally with a country: "Sao Paulo, BR"')],
    country: Annotated[str | None, typer.Option(help="Country code or name")] = None,
    include_smaller: Annotated[
        bool, typer.Option("--include-smaller", help="Also look among places outside the 15,000+ list")
    ] = False,
) -> None:
    """Resolve a city name against the reference places, listing the candidates.

    Example: citydip reference city "Springfield" --country US
    """
    with cli_session() as session:
        match = resolve_city(session, name, country, include_smaller=include_smaller)
        if match.city is None:
            hint = "" if include_smaller else " (add --include-smaller to search towns and villages too)"
            console.print(f"No reference city matches '{name}'{hint}.")
            raise typer.Exit(1)
        table = Table("geonames id", "name", "region", "country", "population", title=f"{match.method} match")
        for c in match.candidates[:10]:
            table.add_row(str(c.geonames_id), c.name, c.region, c.country_code, f"{c.population:,}")
    console.print(table)
    if match.ambiguous:
        console.print("[yellow]Ambiguous: several places fit; add the country or pick by GeoNames id.[/]")


def register(app: typer.Typer) -> None:
    """Add ``sdg framework`` and ``reference`` commands."""
    sdg = group("sdg", "SDG data: framework, Open SDG import/export, checks, progress.")
    framework = typer.Typer(help="The UN SDG indicator framework.", no_args_is_help=True)
    framework.command("import")(framework_import)
    sdg.add_typer(framework, name="framework")
    reference = group("reference", "Reference data: cities, ties, networks.")
    reference.command("city")(city_lookup)
