"""Open SDG import, check and export commands (added to ``citydip sdg`` by the domain's ``cli`` room)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from citydip.core.cli import cli_session, console, fail
from citydip.core.errors import AppError
from citydip.core.tenancy import Visibility
from citydip.sdg.io import export as export_service
from citydip.sdg.io.report import render_import_report
from citydip.sdg.io.service import import_repository
from citydip.sdg.opensdg import read_repository
from citydip.sdg.opensdg.cli import check as check_command
from citydip.workspaces.models import Workspace
from citydip.workspaces.service import require_workspace

WorkspaceOption = Annotated[str, typer.Option("--workspace", "-w", help="Workspace slug, e.g. los-angeles")]


@dataclass(frozen=True)
class CliWorkspace:
    """A workspace written from the command line (the CLI runs with system scope)."""

    workspace: Workspace

    @property
    def id(self) -> int:
        """Workspace id."""
        return self.workspace.id

    def require_edit(self) -> None:
        """The operator of the command line may edit every workspace."""


def _visibility(value: str | None) -> Visibility | None:
    if value is None:
        return None
    try:
        return Visibility(value)
    except ValueError:
        fail(f"--visibility must be private, network or public, not {value!r}", 2)


def import_opensdg(
    path: Annotated[Path, typer.Argument(help="Open SDG data repository folder or .zip")],
    workspace: WorkspaceOption,
    strict: Annotated[
        bool, typer.Option("--strict", help="Any error aborts the import; nothing is written")
    ] = False,
    config: Annotated[
        Path | None, typer.Option(help="Use this config file instead of the repository's config_data.yml")
    ] = None,
    visibility: Annotated[
        str | None,
        typer.Option(
            help="private, network or public: for new indicators (default private) and, when given, for "
            "re-imported ones"
        ),
    ] = None,
    details: Annotated[bool, typer.Option("--details", help="List every warning, not only counts")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Import an Open SDG data repository into a workspace, indicator by indicator.

    An indicator with errors is not imported and keeps its previous version; the rest imports. Exit status:
    0 everything imported, 1 some indicators rejected (listed with every reason), 2 nothing written.

    Example: citydip sdg import-opensdg ./open-sdg-data --workspace los-angeles --visibility public
    """
    vis = _visibility(visibility)
    model = read_repository(path, config_file=config)
    try:
        with cli_session() as session:
            ws = require_workspace(session, workspace)
            report = import_repository(
                session,
                CliWorkspace(ws),
                model,
                strict=strict,
                visibility=vis,
                source=str(path),
                workspace_label=ws.slug,
            )
    except AppError as exc:
        fail(str(exc), 2)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        out = console if console.is_terminal else Console(width=160)
        render_import_report(report, out, details=details)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def export_opensdg(
    out: Annotated[Path, typer.Argument(help="Folder to write (one sub-folder per language)")],
    workspace: WorkspaceOption,
    language: Annotated[
        list[str] | None, typer.Option("--language", help="Only these languages (repeat the option)")
    ] = None,
    no_placeholder: Annotated[
        bool, typer.Option("--no-placeholder", help="Leave the starter template's placeholder data out")
    ] = False,
) -> None:
    """Write the files an Open SDG site reads (data/, headline/, edges/, comb/, meta/, stats/) per language.

    Example: citydip sdg export-opensdg ./site-data --workspace los-angeles
    """
    try:
        with cli_session() as session:
            ws = require_workspace(session, workspace)
            summary = export_service.export_site(
                session, ws.id, out, language or None, include_placeholder_data=not no_placeholder
            )
    except AppError as exc:
        fail(str(exc), 2)
    langs = ", ".join(summary.languages) or "untranslated"
    console.print(f"Wrote {summary.files} files for {summary.indicators} indicators ({langs}) to {out}.")


def export_inputs(
    out: Annotated[Path, typer.Argument(help="Folder to write the repository into")],
    workspace: WorkspaceOption,
) -> None:
    """Write the workspace's SDG data as an Open SDG data repository (config, data/, meta/, translations/).

    Example: citydip sdg export-inputs ./open-sdg-data --workspace los-angeles
    """
    try:
        with cli_session() as session:
            ws = require_workspace(session, workspace)
            summary = export_service.export_repository_inputs(session, ws.id, out)
    except AppError as exc:
        fail(str(exc), 2)
    console.print(f"Wrote {summary.files} files for {summary.indicators} indicators to {out}.")


def export_sdmx(
    out: Annotated[Path, typer.Argument(help="Folder for structure.xml, data.xml and data.csv")],
    workspace: WorkspaceOption,
    ref_area: Annotated[
        str | None,
        typer.Option(help="Reference area code for rows without GeoCode (default: the workspace slug)"),
    ] = None,
) -> None:
    """Write the workspace's indicator data as SDMX (SDMX-ML through sdmx1, and SDMX-CSV) with the UN global
    SDG dimensions; placeholder data is left out.

    Example: citydip sdg export-sdmx ./sdmx --workspace los-angeles --ref-area US_LAX
    """
    try:
        with cli_session() as session:
            ws = require_workspace(session, workspace)
            summary = export_service.export_sdmx_files(session, ws.id, out, ref_area or ws.slug.upper())
    except AppError as exc:
        fail(str(exc), 2)
    skipped = ", ".join(f"{k}: {v}" for k, v in summary.skipped.items()) or "none"
    console.print(
        f"Wrote {', '.join(summary.files)} to {out}: {summary.observations:,} observations in "
        f"{summary.series} series (left out: {skipped})."
    )


@functools.wraps(check_command)
def check(*args: Any, **kwargs: Any) -> None:
    """The file layer's check command, with an example in its help."""
    check_command(*args, **kwargs)


check.__doc__ = (check_command.__doc__ or "") + "\n\nExample: citydip sdg check ./open-sdg-data --notes"


def register(sdg: typer.Typer) -> None:
    """Add the import, check and export commands to the ``sdg`` group."""
    sdg.command("check")(check)
    sdg.command("import-opensdg")(import_opensdg)
    sdg.command("export-opensdg")(export_opensdg)
    sdg.command("export-inputs")(export_inputs)
    sdg.command("export-sdmx")(export_sdmx)
