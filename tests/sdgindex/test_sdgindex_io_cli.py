"""CSV formats (V, S, R) and the `index compute` command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citydip.sdgindex.cli import app
from citydip.sdgindex.compute import SdgIndexError
from citydip.sdgindex.io import read_regions, read_spec, read_values

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdgindex"
runner = CliRunner()


def compute(*args: str):
    return runner.invoke(app, ["compute", *args])


def problems_of(call) -> str:
    with pytest.raises(SdgIndexError) as info:
        call()
    return "\n".join(info.value.problems)


def test_long_and_wide_values_are_detected_and_equal():
    specs = read_spec(FIXTURES / "spec.csv")
    long = read_values(FIXTURES / "values_long.csv", specs)
    wide = read_values(FIXTURES / "values_wide.csv", specs)
    assert long == wide
    assert long["Epsilon"] == {"obesity": 15.0, "water": 90.0}  # NA and missing rows are missing values
    assert long["Empty"] == {}


def test_bad_spec_rows_are_all_named():
    text = problems_of(lambda: read_spec(FIXTURES / "spec_bad.csv"))
    assert "spec_bad.csv, row 2, field 'goal': empty (indicator 'poverty' needs a goal)" in text
    assert "spec_bad.csv, row 3, field 'direction': 'upwards' must be 'higher' or 'lower'" in text
    assert "spec_bad.csv, row 4, field 'best': 'x' is not a number" in text
    assert "spec_bad.csv, row 5, field 'green': green and red thresholds must be given together" in text
    assert "spec_bad.csv, row 6, field 'indicator': 'poverty' already defined on row 2" in text


def test_bad_value_rows_are_all_named():
    specs = read_spec(FIXTURES / "spec.csv")
    text = problems_of(lambda: read_values(FIXTURES / "values_bad.csv", specs))
    assert "values_bad.csv, row 3, field 'indicator': 'literacy' is not in the spec" in text
    assert (
        "values_bad.csv, row 4, field 'value': '15,000' is not a number (remove the thousands separator)"
        in text
    )
    assert "values_bad.csv, row 5: second value for 'Alpha' / 'poverty' (first on row 2)" in text
    assert "values_bad.csv, row 6, field 'city': empty" in text


def test_wide_layout_errors(tmp_path):
    specs = read_spec(FIXTURES / "spec.csv")
    path = tmp_path / "wide.csv"
    path.write_text("city,poverty,literacy\nA,1,2\n", encoding="utf-8")
    assert "row 1, column 3: indicator 'literacy' is not in the spec" in problems_of(
        lambda: read_values(path, specs)
    )
    path.write_text("city,poverty\nA,1\nA,2\n", encoding="utf-8")
    assert "row 3: city 'A' already on row 2" in problems_of(lambda: read_values(path, specs))
    path.write_text("town,poverty\nA,1\n", encoding="utf-8")
    assert "header must be 'city,indicator,value'" in problems_of(lambda: read_values(path, specs))


def test_spec_details(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "indicator,goal,direction,green,orange,yellow\na,3,Higher,80,40,60\nb,3,lower_better,,,\n"
    )
    a, b = read_spec(path)
    assert (a.direction, a.green, a.red, a.yellow) == ("higher", 80.0, 40.0, 60.0)  # orange = red limit
    assert (b.direction, b.best, b.green) == ("lower", None, None)
    path.write_text("indicator,goal\na,1\n")
    assert "missing column(s) direction" in problems_of(lambda: read_spec(path))
    path.write_text("indicator,goal,direction\n")
    assert "no indicators" in problems_of(lambda: read_spec(path))


def test_regions(tmp_path):
    assert read_regions(FIXTURES / "regions.csv")["Zeta"] == "North"
    path = tmp_path / "r.csv"
    path.write_text("city,region\nA,North\nA,South\nB,\n")
    text = problems_of(lambda: read_regions(path))
    assert "row 3, field 'region': 'A' is in 'North' on row 2, not 'South'" in text
    assert "row 4, field 'region': empty for 'B'" in text


def test_cli_compute_writes_one_row_per_city(tmp_path):
    out = tmp_path / "out.csv"
    result = compute(
        "--values", str(FIXTURES / "values_wide.csv"), "--spec", str(FIXTURES / "spec.csv"),
        "--regions", str(FIXTURES / "regions.csv"), "--impute-missing-goals", "region", "--out", str(out),
        "--max-missing", "100",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [
        "city", "goal_1_score", "goal_1_colour", "goal_2_score", "goal_2_colour", "goal_6_score",
        "goal_6_colour", "index", "rank", "indicators_used", "indicators_applicable", "missing_percent",
        "imputed_goals", "status", "status_reason",
    ]  # fmt: skip
    by_city = {r["city"]: r for r in rows}
    assert by_city["Gamma"]["goal_6_score"] == "75.000000" and by_city["Gamma"]["imputed_goals"] == "6"
    assert by_city["Gamma"]["rank"] == "2" and by_city["Alpha"]["rank"] == "1"
    assert by_city["Gamma"]["indicators_used"] == "3" and by_city["Gamma"]["missing_percent"] == "25.0"
    assert by_city["Empty"]["index"] == "" and by_city["Empty"]["rank"] == ""
    assert by_city["Empty"]["status"] == "no_data" and by_city["Empty"]["goal_1_colour"] == "grey"
    assert by_city["Empty"]["status_reason"] == "no data for any applicable indicator"
    assert "nan" not in out.read_text().lower()
    assert "1 city(ies) without any data, left unranked: Empty" in result.stderr


def test_cli_default_ranks_only_cities_missing_at_most_20_percent(tmp_path):
    out = tmp_path / "out.csv"
    result = compute(
        "--values", str(FIXTURES / "values_wide.csv"), "--spec", str(FIXTURES / "spec.csv"), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    by_city = {r["city"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert by_city["Gamma"]["status"] == "not_ranked" and by_city["Gamma"]["rank"] == ""
    assert by_city["Gamma"]["index"] == "" and by_city["Gamma"]["goal_1_score"] == "95.000000"
    assert (
        by_city["Gamma"]["status_reason"] == "1 of 4 applicable indicators missing (25.0 %, more than 20 %)"
    )
    assert [by_city[c]["rank"] for c in ("Alpha", "Delta", "Beta", "Zeta")] == ["1", "2", "3", "4"]
    assert (
        "2 city(ies) miss more than 20 % of their applicable indicators and are not ranked" in result.stderr
    )


def test_cli_compute_to_stdout_with_the_other_colour_rule():
    result = compute(
        "--values", str(FIXTURES / "values_long.csv"), "--spec", str(FIXTURES / "spec.csv"),
        "--goal-colour", "all-indicators",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["city"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["Alpha"]["goal_1_colour"] == "green" and rows["Epsilon"]["goal_1_score"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--values", "values_bad.csv", "--spec", "spec.csv"], "values_bad.csv, row 3, field 'indicator'"),
        (["--values", "values_long.csv", "--spec", "spec_bad.csv"], "spec_bad.csv, row 2, field 'goal'"),
        (["--values", "values_long.csv", "--spec", "missing.csv"], "missing.csv: file not found"),
        (
            ["--values", "values_long.csv", "--spec", "spec.csv", "--impute-missing-goals", "region"],
            "--impute-missing-goals region needs --regions R.csv",
        ),
    ],
)
def test_cli_errors_are_messages_not_tracebacks(args, message):
    args = [str(FIXTURES / a) if a.endswith(".csv") else a for a in args]
    result = compute(*args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""
