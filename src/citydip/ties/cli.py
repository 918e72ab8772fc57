"""Commands: ``citydip reference import-ties`` and ``citydip reference import-networks``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from citydip.core.cli import cli_session, console, group, print_json, run
from citydip.ties.service import ImportReport, import_file


def _show(report: ImportReport, as_json: bool) -> None:
    if as_json:
        print_json(report.as_dict())
        return
    rows = max(report.rows, 1)
    table = Table("", "rows", "share", title=f"{report.file} ({report.format}, {report.licence})")
    for label, value in (
        ("resolved", report.resolved),
        ("ambiguous", report.ambiguous),
        ("unresolved", report.unresolved),
    ):
        table.add_row(label, f"{value:,}", f"{100 * value / rows:.1f}%")
    console.print(table)
    noun = "ties" if report.kind == "tie" else "memberships"
    skipped = ", ".join(f"{n:,} {why}" for why, n in report.skipped.items()) or "none"
    console.print(
        f"{report.rows:,} rows read (skipped: {skipped}). {report.created:,} new {noun}, "
        f"{report.updated:,} updated, {report.unchanged:,} already present"
        + (f", {report.merged:,} rows named a pair already counted" if report.merged else "")
        + "."
    )
    console.print(
        f"Review queue: {report.reviews_added:,} added, {report.reviews_updated:,} updated, "
        f"{report.reviews_closed:,} settled by this file."
        + (
            f" Wikidata ids stored on {report.wikidata_ids_learned:,} cities."
            if report.wikidata_ids_learned
            else ""
        )
        + f" {report.seconds:.1f} s."
    )
    if report.ambiguous_places:
        _show_ambiguous(report)
    if not report.changed:
        console.print("Nothing changed (this file was imported before).")


def _show_ambiguous(report: ImportReport, limit: int = 15) -> None:
    """The most-named ambiguous places with their candidates (all of them wait in the review queue)."""
    table = Table("place as written", "rows", "candidates (region, country, population)")
    for item in report.ambiguous_places[:limit]:
        where = f" ({item['country']})" if item["country"] else ""
        candidates = "; ".join(
            f"{c['name']}, {c['region'] + ', ' if c['region'] else ''}{c['country_code']}, {c['population']:,}"
            for c in item["candidates"][:4]
        )
        more = len(item["candidates"]) - 4
        table.add_row(
            item["name"] + where, f"{item['rows']:,}", candidates + (f"; +{more}" if more > 0 else "")
        )
    shown = min(limit, len(report.ambiguous_places))
    table.title = (
        f"Ambiguous places: {shown} of {report.ambiguous_places_total:,} (choose at /reference/ties/review)"
    )
    console.print(table)


def import_ties(
    path: Annotated[Path, typer.Argument(help="The pairs file")],
    fmt: Annotated[str, typer.Option("--format", help="wikidata or wikipedia")],
    names: Annotated[
        Path | None, typer.Option("--names", help="Wikidata only: labels file, one 'Q64<TAB>Berlin' a line")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Load public twin-town pairs into the reference data and report how many cities matched.

    Example: citydip reference import-ties relations.tsv --format wikidata --names names.tsv
    """

    def act() -> None:
        with cli_session() as session:
            report = import_file(session, path, fmt, "tie", names)
        _show(report, as_json)

    run(act)


def import_networks(
    path: Annotated[Path, typer.Argument(help="The memberships file")],
    fmt: Annotated[str, typer.Option("--format", help="etmun")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Load city-network memberships (network, member, year joined) into the reference data.

    Example: citydip reference import-networks MembersETMUNGeocode.csv --format etmun
    """

    def act() -> None:
        with cli_session() as session:
            report = import_file(session, path, fmt, "membership")
        _show(report, as_json)

    run(act)


def register(app: typer.Typer) -> None:
    """Add the import commands to ``citydip reference``."""
    reference = group("reference", "Reference data: cities, ties, networks.")
    reference.command("import-ties")(import_ties)
    reference.command("import-networks")(import_networks)
