"""Loaders for the published SDSN tables in ../shared/data/sdg_index (read in place, never copied)."""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "sdg_index"
US_DIR = SHARED / "us_cities_2017"
GLOBAL_DIR = SHARED / "global_sdg_index_2018"


def sdsn_inputs() -> ModuleType:
    """scripts/sdsn_index_inputs.py (writes the command's input files from the shared data) as a module."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "sdsn_index_inputs.py"
    spec = importlib.util.spec_from_file_location("sdsn_index_inputs", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"../shared/data/sdg_index/{path.parent.name}/{path.name} absent: {what} not available")
    return path


def number(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


# --- U.S. Cities SDG Index 2017 -------------------------------------------------------------------------


@dataclass
class UsCities:
    ids: list[str]  # MSA Geo IDs, in the order of the published index table
    names: dict[str, str]  # geo id -> MSA name (as in the index table)
    indicators: list[str]  # indicator names of the index table
    goal_of: dict[str, str]  # indicator -> "G1".."G17" (from row 3 of the raw file)
    raw: dict[str, dict[str, float | None]]  # geo id -> indicator -> raw value
    normalised: dict[str, dict[str, float | None]]  # geo id -> indicator -> published normalised value
    goal_average: dict[str, dict[str, float | None]]  # geo id -> goal -> published goal average
    index: dict[str, float]
    rank: dict[str, int]
    best: dict[str, float]  # bounds from inferred_bounds_from_data.csv
    worst: dict[str, float]
    units: dict[str, str]  # indicator -> unit (row 2 of the raw file)


def load_us_cities() -> UsCities:
    raw_rows = read_csv(need(US_DIR / "raw_data_with_units_rows.csv", "US cities 2017 raw data"))
    table = read_csv(need(US_DIR / "index_normalized_goal_scores.csv", "US cities 2017 index table"))
    bounds = read_csv(need(US_DIR / "inferred_bounds_from_data.csv", "US cities 2017 bounds"))
    raw_header = [h.strip() for h in raw_rows[0]]
    units_row, goals_row = raw_rows[1], raw_rows[2]
    assert units_row[1] == "Units" and goals_row[1] == "SDG Goal", "rows 2-3 of the raw file changed"
    raw_by_id = {r[0]: r for r in raw_rows[3:]}
    header = [h.strip() for h in table[0]]
    goal_columns: dict[str, int] = {}
    indicator_goal_by_position: dict[str, str] = {}
    current = ""
    for position, name in enumerate(header[4:], start=4):
        match = re.fullmatch(r"goal (\d+) average", name, flags=re.IGNORECASE)
        if match:
            current = f"G{match.group(1)}"
            goal_columns[current] = position
        else:
            indicator_goal_by_position[name] = current
    bound_rows = [dict(zip(bounds[0], row, strict=True)) for row in bounds[1:]]
    raw_column = {b["indicator"].strip(): raw_header.index(b["raw_col"].strip()) for b in bound_rows}
    goal_of = {name: goals_row[column].strip() for name, column in raw_column.items()}
    indicators = list(indicator_goal_by_position)
    data = UsCities([], {}, indicators, goal_of, {}, {}, {}, {}, {}, {}, {}, {})
    data.best = {b["indicator"].strip(): float(b["best"]) for b in bound_rows}
    data.worst = {b["indicator"].strip(): float(b["worst"]) for b in bound_rows}
    data.units = {name: units_row[column].strip() for name, column in raw_column.items()}
    # The position of each indicator under its "GOAL k AVERAGE" column must agree with row 3 of the raw file.
    assert goal_of == indicator_goal_by_position
    for row in table[1:]:
        geo = row[0]
        data.ids.append(geo)
        data.names[geo] = row[1].strip()
        data.index[geo] = float(row[3])
        data.rank[geo] = int(row[2])
        data.normalised[geo] = {name: number(row[header.index(name)]) for name in indicators}
        data.goal_average[geo] = {goal: number(row[col]) for goal, col in goal_columns.items()}
        data.raw[geo] = {name: number(raw_by_id[geo][col]) for name, col in raw_column.items()}
    return data


# --- SDG Index 2018 (193 countries) ---------------------------------------------------------------------

# The 88 normalised indicators of the 2018 table are ordered by goal; these are the counts per goal.
GOAL_SIZES_2018 = (2, 6, 14, 3, 4, 6, 3, 4, 7, 1, 3, 7, 4, 6, 5, 9, 4)
FIRST_RAW_2018, FIRST_NORM_2018 = 12, 123
FIRST_DASHBOARD_2018, FIRST_GOAL_SCORE_2018 = 211, 228
OECD_ONLY_FIRST, OECD_ONLY_LAST = 100, 122


@dataclass
class Global2018:
    header: list[str]
    rows: list[list[str]]
    annex: list[dict[str, str]]
    goal_of: list[int]  # goal of each of the 88 indicators

    def country(self, i: int) -> str:
        return self.rows[i][0]

    def in_index(self, i: int) -> bool:
        return self.rows[i][2].strip() != ""

    def raw(self, i: int, k: int) -> float | None:
        return number(self.rows[i][FIRST_RAW_2018 + k])

    def normalised(self, i: int, k: int) -> float | None:
        return number(self.rows[i][FIRST_NORM_2018 + k])

    def goal_score(self, i: int, goal: int) -> float | None:
        return number(self.rows[i][FIRST_GOAL_SCORE_2018 + goal - 1])

    def dashboard(self, i: int, goal: int) -> str:
        return self.rows[i][FIRST_DASHBOARD_2018 + goal - 1].strip()

    def raw_name(self, k: int) -> str:
        return self.header[FIRST_RAW_2018 + k].strip()

    def region(self, i: int) -> str:
        return self.rows[i][6].strip()

    def income(self, i: int) -> str:
        return self.rows[i][8].strip()

    def oecd(self, i: int) -> bool:
        return self.rows[i][9].strip() == "1"


def load_global_2018() -> Global2018:
    table = read_csv(
        need(GLOBAL_DIR / "results_raw_normalized_goal_scores_dashboards.csv", "SDG Index 2018 results table")
    )
    annex_rows = read_csv(
        need(GLOBAL_DIR / "annex4_bounds_thresholds_from_pdf.csv", "SDG Index 2018 Annex 4")
    )
    header = table[0]
    assert (
        header[FIRST_DASHBOARD_2018] == "Goal 1 Dashboard" and header[FIRST_GOAL_SCORE_2018] == "Goal 1 Score"
    )
    assert header[FIRST_NORM_2018].startswith("Normalised (0-100): ")
    goal_of = [goal for goal, size in enumerate(GOAL_SIZES_2018, start=1) for _ in range(size)]
    annex = [dict(zip(annex_rows[0], row, strict=True)) for row in annex_rows[1:]]
    data = Global2018(header, table[1:], annex, goal_of)
    # Each normalised column names the raw column it was computed from.
    for k in range(88):
        norm_name = header[FIRST_NORM_2018 + k].removeprefix("Normalised (0-100): ").strip()
        assert data.raw_name(k)[:40].strip() == norm_name[:40].strip(), (k, norm_name)
    return data
