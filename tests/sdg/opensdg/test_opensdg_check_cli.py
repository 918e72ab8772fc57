"""The check: report contents, the Rich summary, the Typer command and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from typer.testing import CliRunner

from citydip.sdg.opensdg import check_repository, export_inputs, read_repository
from citydip.sdg.opensdg.cli import app, render_report


def mounted() -> typer.Typer:
    """The command mounted the way the integrator will: ``citydip sdg check PATH``."""
    root = typer.Typer()

    @root.callback()
    def main() -> None:
        """CityDip."""

    root.add_typer(app, name="sdg")
    return root


def test_report_summarises_by_indicator_and_kind(mini: Path) -> None:
    report = check_repository(mini)
    assert report.with_errors == ["3-1-1", "3-2-1", "4-1-1", "5-1-1", "6-1-1", "9-1-1"]
    assert report.clean == ["1-1-1", "1-2-1", "2-1-1", "8-1-1", "11-1-1"]
    assert report.placeholders == ["1-2-1"]
    assert report.exit_code == 1
    assert report.count("error") == len([p for p in report.problems if p.severity == "error"]) >= 11
    kinds = report.by_code()
    assert kinds[0][0] == "error"  # most severe first
    assert ("warning", "placeholder-data", 1) in kinds
    as_dict = report.as_dict()
    assert as_dict["clean"] == 5 and as_dict["placeholders"] == ["1-2-1"]
    json.dumps(as_dict)  # serialisable


def test_render_report_prints_tables_and_reasons(mini: Path) -> None:
    console = Console(record=True, width=200)
    render_report(check_repository(mini), console)
    text = console.export_text()
    assert "Open SDG check" in text and "Problems by kind" in text
    assert "data/indicator_3-1-1.csv" in text and "uses a thousands separator" in text
    assert "Indicators with errors: 3-1-1, 3-2-1, 4-1-1, 5-1-1, 6-1-1, 9-1-1" in text
    assert "Placeholder data" in text and "1-2-1" in text
    # Errors are listed before warnings.
    assert text.index("thousands separator") < text.index("not in the metadata schema")


def test_cli_check_exits_1_on_errors(mini: Path) -> None:
    result = CliRunner().invoke(mounted(), ["sdg", "check", str(mini)])
    assert result.exit_code == 1, result.output
    assert "thousands separator" in result.output


def test_cli_check_exits_0_on_a_clean_repository(mini: Path, tmp_path: Path) -> None:
    repo = read_repository(mini)
    export_inputs(repo, tmp_path / "clean", [i.id for i in repo.good()])
    result = CliRunner().invoke(mounted(), ["sdg", "check", str(tmp_path / "clean")])
    assert result.exit_code == 0, result.output
    assert "Indicators with errors" not in result.output


def test_cli_json_and_missing_path(mini: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(mounted(), ["sdg", "check", str(mini), "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["with_errors"][0] == "3-1-1"
    assert any(p["code"] == "value-footnote-marker" and p["row"] == 4 for p in payload["problems"])
    missing = CliRunner().invoke(mounted(), ["sdg", "check", str(tmp_path / "absent")])
    assert missing.exit_code == 2
    assert "does not exist" in missing.output
    (tmp_path / "empty").mkdir()
    empty = CliRunner().invoke(mounted(), ["sdg", "check", str(tmp_path / "empty")])
    assert empty.exit_code == 2 and "no data or metadata files found" in empty.output
