"""`citydip report vlr --workspace SLUG --year 2026 --out DIR`: write the Voluntary Local Review draft."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from citydip.core.cli import cli_session, console, group, run
from citydip.reports.service import parse_year, write_vlr
from citydip.workspaces.service import operator_context


def vlr(
    workspace: Annotated[str, typer.Option("--workspace", help="Workspace slug, e.g. los-angeles")],
    year: Annotated[int, typer.Option("--year", help="The year the review reports on")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write vlr-<slug>-<year>.html and .pdf into")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary instead of text")] = False,
) -> None:
    """Write the Voluntary Local Review draft of a workspace as HTML and PDF.

    Example: citydip report vlr --workspace los-angeles --year 2026 --out ./vlr
    """

    def act() -> None:
        parse_year(year)
        with cli_session() as session:
            document = write_vlr(session, operator_context(session, workspace), year)
        out.mkdir(parents=True, exist_ok=True)
        stem = "vlr-" + re.sub(r"[^a-z0-9-]+", "-", workspace.lower()) + f"-{year}"
        html_path, pdf_path = out / f"{stem}.html", out / f"{stem}.pdf"
        html_path.write_text(document.html, encoding="utf-8")
        pdf_path.write_bytes(document.pdf)
        summary = {
            **document.summary,
            "seconds": document.seconds,
            "html": str(html_path),
            "pdf": str(pdf_path),
        }
        for package in document.summary.get("failed_providers", []):
            typer.echo(
                f"warning: the records of {package} could not be read; they are missing from the draft",
                err=True,
            )
        if as_json:
            typer.echo(json.dumps(summary))
            return
        console.print(
            f"Wrote [bold]{html_path}[/] and [bold]{pdf_path}[/] ({document.pages} pages, "
            f"{summary['indicators']} indicators, {summary['charts']} charts) in {document.seconds:.1f} s."
        )

    run(act)


def register(app: typer.Typer) -> None:
    """Add ``citydip report vlr``."""
    report = group("report", "Reports: the Voluntary Local Review draft (HTML and PDF).")
    report.command("vlr")(vlr)
