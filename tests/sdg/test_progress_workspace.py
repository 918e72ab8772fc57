"""`citydip sdg progress --workspace`: progress of a workspace's configured indicators after an Open SDG import.

The fixture repository (tests/fixtures/sdg_progress_repo) carries the issue's five worked examples as
indicator-config options, a group, the UNSD method, a manual status, unusable options and the bad inputs.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from support.factories import make_user, make_workspace

REPO = Path(__file__).resolve().parents[1] / "fixtures" / "sdg_progress_repo"


@pytest.fixture
def imported(cli, sys_session):
    with sys_session() as s:
        owner = make_user(s, "ana@example.org")
        make_workspace(s, "pc", owner=owner)
    code, output = cli("sdg", "import-opensdg", str(REPO), "--workspace", "pc", "--visibility", "public")
    assert code == 0, output
    return cli


def _progress(cli, tmp_path: Path, *extra: str) -> tuple[int, str, dict[str, list[dict[str, str]]]]:
    out = tmp_path / f"progress{len(extra)}.csv"
    code, output = cli("sdg", "progress", "--workspace", "pc", "--out", str(out), *extra)
    rows: dict[str, list[dict[str, str]]] = {}
    with out.open(newline="", encoding="utf-8") as handle:
        text = handle.read()
    assert not re.search(r"\bnan\b|\binf\b", text, re.IGNORECASE)  # never NaN in the CSV
    for row in csv.DictReader(text.splitlines()):
        rows.setdefault(row["indicator"], []).append(row)
    return code, output, rows


def _indicator(rows: dict[str, list[dict[str, str]]], code: str) -> dict[str, str]:
    return next(r for r in rows[code] if r["level"] == "indicator")


def _series(rows: dict[str, list[dict[str, str]]], code: str) -> list[dict[str, str]]:
    return [r for r in rows[code] if r["level"] == "series"]


# The worked examples (base year 2015, target year 2030): (indicator, progress value, score, status).
WORKED = [
    ("1-2-1", 0.8084, 1.4889, "moderate_progress"),
    ("3-2-1", 0.5003, -0.4153, "limited_progress"),
    ("11-6-1", -0.3248, -3.8532, "deterioration"),
    ("4-1-1", 0.01601, 3.0059, "substantial_progress"),
    ("4-2-1", 0.006073, 0.2683, "moderate_progress"),
]


@pytest.mark.parametrize(("code", "value", "score", "status"), WORKED)
def test_worked_examples_from_imported_indicator_config(imported, tmp_path, code, value, score, status):
    _exit, _output, rows = _progress(imported, tmp_path)
    (series,) = _series(rows, code)
    digits = len(str(value).split(".")[1])
    assert round(float(series["progress_value"]), digits) == pytest.approx(value, abs=10**-digits / 2)
    assert round(float(series["score"]), 4) == pytest.approx(score, abs=5e-5)
    assert series["status"] == status
    assert series["base_year"] == "2015" and series["target_year"] == "2030"
    indicator = _indicator(rows, code)
    assert indicator["status"] == status and indicator["options"] == "auto"


def test_groups_unsd_manual_and_unconfigured(imported, tmp_path):
    _code, _output, rows = _progress(imported, tmp_path)
    # 5-1-1: one series and a group of two; the group is averaged first.
    council, board, managers = _series(rows, "5-1-1")
    assert (council["series_id"], board["series_id"]) == (
        "5-1-1:Council seats / Percent",
        "5-1-1:Board seats",
    )
    expected = (float(council["score"]) + (float(board["score"]) + float(managers["score"])) / 2) / 2
    assert float(_indicator(rows, "5-1-1")["score"]) == pytest.approx(expected, rel=1e-9)
    assert _indicator(rows, "5-1-1")["status"] == "limited_progress"  # score in [-2.5, 0)
    # UNSD progress chart: ratio (expected 2030 - base) / (target - base), no score.
    (unsd,) = _series(rows, "6-1-1")
    cagr = (84 / 80) ** (1 / 5) - 1
    ratio = (84 * (1 + cagr) ** 10 - 80) / (95 - 80)
    assert float(unsd["progress_value"]) == pytest.approx(ratio, rel=1e-9)
    assert unsd["method"] == "unsd" and unsd["score"] == "" and unsd["status"] == "fair_progress"
    assert _indicator(rows, "6-1-1")["status"] == "fair_progress"
    # A manual status when the calculation is off.
    manual = _indicator(rows, "8-5-2")
    assert (manual["status"], manual["options"], manual["score"]) == ("moderate_progress", "manual", "")
    # Not configured: left out unless --all, then assessed with the defaults and marked so.
    assert "15-1-1" not in rows
    _code, _out, all_rows = _progress(imported, tmp_path, "--all")
    assert _indicator(all_rows, "15-1-1")["options"] == "default"
    assert _series(all_rows, "15-1-1")[0]["direction"] == "negative"


def test_bad_input_gives_not_available_or_a_named_error(imported, tmp_path):
    code, output, rows = _progress(imported, tmp_path)
    reasons = {
        "10-1-1": "undefined for a zero base value",
        "10-2-1": "opposite signs",
        "10-3-1": "no data in or after the base year",
        "10-4-1": "target equals the base value",
        "10-5-1": "at least two years of data are needed",
    }
    for indicator, reason in reasons.items():
        (series,) = _series(rows, indicator)
        assert series["status"] == "not_available", indicator
        assert reason in series["note"], (indicator, series["note"])
        assert series["score"] == "" and series["progress_value"] == ""
        assert _indicator(rows, indicator)["status"] == "not_available"
    # A single data point already past its target: the target test comes first.
    (single,) = _series(rows, "10-6-1")
    assert (single["status"], single["score"]) == ("target_achieved", "5")
    # Unusable options: the indicator is listed with the field named, the command says so and exits 1.
    bad = _indicator(rows, "9-1-1")
    assert bad["status"] == "not_available"
    assert "progress_calculation_options[0].target: 'ninety' is not a number" in bad["note"]
    assert code == 1 and "9-1-1" in output
    for indicator_rows in rows.values():
        for row in indicator_rows:
            for column in ("progress_value", "score", "base_value", "current_value"):
                if row[column]:
                    assert math.isfinite(float(row[column]))


def test_unknown_workspace_is_a_clear_error(imported):
    code, output = imported("sdg", "progress", "--workspace", "nowhere")
    assert code == 1 and "No workspace 'nowhere'" in output
