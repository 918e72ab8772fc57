"""`progress-calc`: CSV in, the same rows plus progress_value, score and status out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citydip.cli import build
from citydip.core.cli import app
from citydip.sdgprogress.cli import progress_calc

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdg_progress"
runner = CliRunner()


def run(path: Path):
    build()
    return runner.invoke(app, ["sdg", "progress-calc", str(path)])


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_series_fixture_reproduces_the_worked_examples():
    result = run(FIXTURES / "series.csv")
    assert result.exit_code == 0, result.output
    out = rows_of(result.stdout)
    by_id = {r["series_id"]: r for r in out}
    # Worked examples of issue 5, to the printed digits.
    assert round(float(by_id["ex1"]["progress_value"]), 4) == 0.8084
    assert round(float(by_id["ex1"]["score"]), 4) == 1.4889
    assert by_id["ex1"]["status"] == "moderate_progress"
    assert round(float(by_id["ex2"]["score"]), 4) == -0.4153
    assert round(float(by_id["ex3"]["score"]), 4) == -3.8532
    assert round(float(by_id["ex4"]["progress_value"]), 5) == 0.01601
    assert round(float(by_id["ex5"]["score"]), 4) == 0.2683
    # Period labels, UNSD method, and pass-through columns.
    assert by_id["period"]["status"] == "limited_progress"
    assert by_id["unsd"]["status"] == "fair_progress" and by_id["unsd"]["score"] == ""
    assert by_id["ex1"]["note_col"] == "kept"
    # The natural limit (100) reduces the thresholds: 0.4 %/year counts as moderate, not limited, progress.
    assert by_id["limit"]["status"] == "moderate_progress"
    assert list(out[0])[-3:] == ["progress_value", "score", "status"]


def test_unassessable_rows_are_not_available_with_a_note():
    result = run(FIXTURES / "series.csv")
    by_id = {r["series_id"]: r for r in rows_of(result.stdout)}
    for series_id in ("no_base_year", "single_point", "sign_change", "target_is_base", "zero_base_unsd"):
        assert by_id[series_id]["status"] == "not_available", series_id
        assert by_id[series_id]["score"] == "" and by_id[series_id]["progress_value"] == ""
    assert by_id["achieved_single"]["status"] == "target_achieved"
    assert "row 8 (sign_change): not_available: base and current values have opposite signs" in result.stderr
    for cell in ("nan", "inf"):
        assert cell not in result.stdout.lower()


def test_bad_cells_stop_the_run_naming_row_and_field():
    result = run(FIXTURES / "series_bad.csv")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "series_bad.csv, row 2, field 'base_value': 'twenty' is not a number" in result.stderr
    assert (
        "series_bad.csv, row 3, field 'direction': 'down' must be 'positive' or 'negative'" in result.stderr
    )
    assert "series_bad.csv, row 4, field 'current_year': '21' is not a year" in result.stderr
    assert "series_bad.csv, row 5, field 'method': 'sdsn' must be 'opensdg' or 'unsd'" in result.stderr
    assert "Traceback" not in result.output


def test_missing_columns_and_missing_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("series_id,base_year,base_value\na,2015,1\n", encoding="utf-8")
    result = run(path)
    assert result.exit_code == 1
    assert "missing column(s) current_year, current_value, direction" in result.stderr
    result = run(tmp_path / "absent.csv")
    assert result.exit_code == 1 and "file not found" in result.stderr


def test_progress_calc_is_a_plain_function_too(tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text(
        "series_id,base_year,base_value,current_year,current_value,direction\nx,2015,100,2021,110,positive\n",
        encoding="utf-8",
    )
    progress_calc(path)
    out = rows_of(capsys.readouterr().out)
    assert out[0]["status"] == "substantial_progress"
    assert float(out[0]["score"]) == pytest.approx(3.0059, abs=5e-5)
