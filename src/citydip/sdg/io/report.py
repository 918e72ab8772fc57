"""The import report: what was stored, what was rejected and why, placeholder data; as JSON and for the
terminal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

from citydip.sdg.opensdg.model import Problem

OutcomeStatus = Literal["imported", "rejected", "not-imported"]


@dataclass
class IndicatorOutcome:
    """What happened to one indicator of the repository."""

    code: str
    status: OutcomeStatus
    rows: int = 0
    placeholder: str | None = None
    kept_previous: bool = False
    new: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stopped the import of this indicator."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems reported but not blocking."""
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class ImportReport:
    """The outcome of an import, for the terminal report, pages and tests."""

    source: str
    workspace: str
    strict: bool
    outcomes: list[IndicatorOutcome] = field(default_factory=list)
    repository_problems: list[Problem] = field(default_factory=list)
    written: bool = False
    aborted_reason: str = ""
    seconds: float = 0.0

    @property
    def imported(self) -> list[IndicatorOutcome]:
        """Indicators stored."""
        return [o for o in self.outcomes if o.status == "imported"]

    @property
    def rejected(self) -> list[IndicatorOutcome]:
        """Indicators not stored because of errors (their previous version, if any, is unchanged)."""
        return [o for o in self.outcomes if o.status == "rejected"]

    @property
    def placeholders(self) -> list[IndicatorOutcome]:
        """Imported indicators whose data is the starter template's placeholder file (not real data)."""
        return [o for o in self.imported if o.placeholder]

    @property
    def rows(self) -> int:
        """Observations stored."""
        return sum(o.rows for o in self.imported)

    @property
    def repository_errors(self) -> list[Problem]:
        """Errors that concern the repository as a whole (configuration, maps, translations)."""
        return [p for p in self.repository_problems if p.severity == "error"]

    @property
    def exit_code(self) -> int:
        """0 everything imported, 1 some indicators rejected (or repository errors), 2 nothing written."""
        if not self.written:
            return 2
        return 1 if self.rejected or self.repository_errors else 0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "source": self.source,
            "workspace": self.workspace,
            "strict": self.strict,
            "written": self.written,
            "exit_code": self.exit_code,
            "aborted_reason": self.aborted_reason,
            "imported": len(self.imported),
            "rejected": [
                {
                    "indicator": o.code,
                    "kept_previous": o.kept_previous,
                    "errors": [p.as_dict() for p in o.errors],
                }
                for o in self.rejected
            ],
            "placeholders": [o.code for o in self.placeholders],
            "rows": self.rows,
            "repository_problems": [p.as_dict() for p in self.repository_problems],
            "warnings": sum(len(o.warnings) for o in self.outcomes),
            "seconds": round(self.seconds, 3),
        }


_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def render_import_report(
    report: ImportReport, console: Console, *, details: bool = False, limit: int = 200
) -> None:
    """Summary, rejected indicators with every reason, placeholder data and warnings by kind."""
    summary = Table(title=f"Open SDG import: {report.source} -> workspace {report.workspace}")
    for name, style in (
        ("Indicators read", None),
        ("Imported", "green"),
        ("Rejected", "red"),
        ("Placeholder data", "yellow"),
        ("Rows stored", None),
        ("Warnings", "yellow"),
        ("Seconds", None),
    ):
        summary.add_column(name, justify="right", style=style)
    summary.add_row(
        str(len(report.outcomes)),
        str(len(report.imported)),
        str(len(report.rejected)),
        str(len(report.placeholders)),
        f"{report.rows:,}",
        str(sum(len(o.warnings) for o in report.outcomes)),
        f"{report.seconds:.2f}",
    )
    console.print(summary)

    if report.repository_problems:
        repo_table = Table(title="Repository-wide findings")
        repo_table.add_column("Severity")
        repo_table.add_column("File")
        repo_table.add_column("Reason", overflow="fold")
        shown = [p for p in report.repository_problems if details or p.severity != "info"]
        for p in shown[:limit]:
            repo_table.add_row(f"[{_STYLE[p.severity]}]{p.severity}[/]", p.location(), p.reason)
        if shown:
            console.print(repo_table)

    if report.rejected:
        rejected = Table(title="Rejected indicators (not imported; any previous version is unchanged)")
        rejected.add_column("Indicator")
        rejected.add_column("Previous version")
        rejected.add_column("File")
        rejected.add_column("Row", justify="right")
        rejected.add_column("Column")
        rejected.add_column("Reason", overflow="fold")
        for outcome in report.rejected:
            kept = "kept" if outcome.kept_previous else "none"
            for p in outcome.errors:
                rejected.add_row(
                    outcome.code,
                    kept,
                    p.file or "",
                    str(p.row) if p.row is not None else "",
                    p.column or "",
                    p.reason,
                )
        console.print(rejected)

    findings = [
        p
        for o in report.outcomes
        if o.status == "imported"
        for p in o.problems
        if p.severity != "error" and p.code != "placeholder-data"
    ]
    if findings:
        kinds = Table(title="Imported with findings (by kind; worth fixing at the source)")
        kinds.add_column("Severity")
        kinds.add_column("Kind")
        kinds.add_column("Count", justify="right")
        kinds.add_column("Example", overflow="fold")
        examples: dict[tuple[str, str], str] = {}
        for p in findings:
            examples.setdefault((p.severity, p.code), f"{p.location()}: {p.reason}")
        rank = {"warning": 0, "info": 1}
        counted = Counter((p.severity, p.code) for p in findings)
        for (severity, code), count in sorted(counted.items(), key=lambda x: (rank.get(x[0][0], 2), -x[1])):
            kinds.add_row(f"[{_STYLE[severity]}]{severity}[/]", code, str(count), examples[(severity, code)])
        console.print(kinds)
        if details:
            listing = Table(title="Findings")
            for col in ("Severity", "Indicator", "File", "Row", "Column", "Reason"):
                listing.add_column(col, overflow="fold")
            for p in findings[:limit]:
                listing.add_row(
                    p.severity,
                    p.indicator or "",
                    p.file or "",
                    str(p.row) if p.row is not None else "",
                    p.column or "",
                    p.reason,
                )
            console.print(listing)

    if report.placeholders:
        console.print(
            f"[yellow]Placeholder data[/] (the starter template's Year,Group,Value dummy file, stored but never "
            f"shown or exported to SDMX as real data) in {len(report.placeholders)} indicators: "
            + ", ".join(o.code for o in report.placeholders)
        )
    if report.rejected:
        console.print(
            "[red]Not imported:[/] "
            + ", ".join(o.code for o in report.rejected)
            + ". Fix the rows listed above and import again."
        )
    if report.aborted_reason:
        console.print(f"[bold red]Nothing was written:[/] {report.aborted_reason}.")
    elif report.exit_code == 0:
        console.print("[green]Every indicator was imported.[/]")
