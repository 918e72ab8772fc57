"""Write `citydip index compute` input files for two published SDSN indices, from ../shared/data/sdg_index.

    .venv/bin/python scripts/sdsn_index_inputs.py global2018 OUT_DIR   # SDG Index and Dashboards 2018
    .venv/bin/python scripts/sdsn_index_inputs.py us2017 OUT_DIR       # U.S. Cities SDG Index 2017

Only inputs are read: the raw data, the unit attributes of the results table (region, income group, OECD
membership) and the codebook (2018: Annex 4 of the methodology as parsed from the PDF; 2017: the bounds
file). Published scores, ranks and colours are never read here: tests and benchmarks compare the command's
output with them afterwards. Rules that the codebook file does not carry are written down below from the
2018 methodology, each with its reason; nothing is copied from the expected outputs. The files are written
to OUT_DIR (a temporary folder in tests), never into the repository.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sdg_index"
GLOBAL_2018 = "global_sdg_index_2018"
US_2017 = "us_cities_2017"

# --- SDG Index and Dashboards 2018 ------------------------------------------------------------------------

# The results table holds 88 raw indicators in goal order (counts per goal), then 23 OECD-only ones.
GOAL_SIZES_2018 = (2, 6, 14, 3, 4, 6, 3, 4, 7, 1, 3, 7, 4, 6, 5, 9, 4)
FIRST_RAW, OECD_FIRST, OECD_LAST = 12, 100, 122
COUNTRY, ISO3, REGION, INCOME, OECD = 0, 1, 6, 8, 9

# Which Annex 4 row (0-based, in file order) describes each raw column: matched by name by hand, because
# the two files word the indicators differently. None: the parsed Annex 4 has no row for the indicator
# (safely managed sanitation; imported CO2 emissions); their bounds are then derived from the data as the
# methodology does for indicators without a technical optimum, and they get no colour.
ANNEX_ROW: dict[int, int | None] = {0: 0, 1: 1, **{k: k + 1 for k in range(2, 22)}}
ANNEX_ROW |= {k: k + 4 for k in range(22, 25)} | {k: k + 9 for k in range(25, 29)}
ANNEX_ROW |= {29: None, 30: 41, 31: 39, 32: 40, 33: 42, 34: 43} | {k: k + 9 for k in range(35, 38)}
ANNEX_ROW |= {k: k + 10 for k in range(38, 42)} | {k: k + 12 for k in range(42, 49)} | {49: 65}
ANNEX_ROW |= {k: k + 18 for k in range(50, 53)} | {k: k + 19 for k in range(53, 60)}
ANNEX_ROW |= {60: 80, 61: None, 62: 81, 63: 82} | {k: k + 20 for k in range(64, 84)}
ANNEX_ROW |= {84: 104, 85: 105, 86: 106, 87: 107}
OECD_ONLY_ROW = {100: 2, 101: 24, 102: 23, 103: 25, 104: 30, 105: 33, 106: 32, 107: 31, 108: 29, 109: 38,
                 110: 47, 111: 52, 112: 53, 113: 63, 114: 62, 115: 61, 116: 64, 117: 67, 118: 66, 119: 71,
                 120: 79, 121: 83, 122: 108}  # fmt: skip

# Applicability, from the wording of the Annex 4 rows ("For high-income & OECD countries", "For all other
# countries", "For high-income and all OECD DAC countries"). The results table does not say which
# countries are DAC members, so no unit carries that group; every DAC member is a high-income country.
HIC_OR_OECD, OTHERS = "HIC;OECD", "!HIC;!OECD"
HIC_OR_DAC, NOT_HIC_OR_DAC = "HIC;DAC", "!HIC;!DAC"
APPLIES_2018 = {
    29: HIC_OR_OECD,  # safely managed sanitation: the counterpart of row 41 ("for all other countries")
    30: OTHERS,
    31: HIC_OR_OECD,
    32: OTHERS,
    85: HIC_OR_DAC,
    86: NOT_HIC_OR_DAC,
}
# The methodology leaves SDG 14 (life below water) out for landlocked countries, and the OECD-only
# indicators appear on OECD members' dashboards without entering the index.
LANDLOCKED_GOAL = 14
# UN member states without a sea coast (the Caspian Sea counted as a lake), ISO 3166 alpha-3.
LANDLOCKED = frozenset(
    [
        "AFG",
        "AND",
        "ARM",
        "AUT",
        "AZE",
        "BDI",
        "BFA",
        "BLR",
        "BOL",
        "BTN",
        "BWA",
        "CAF",
        "CHE",
        "CZE",
        "ETH",
        "HUN",
        "KAZ",
        "KGZ",
        "LAO",
        "LIE",
        "LSO",
        "LUX",
        "MDA",
        "MKD",
        "MLI",
        "MNG",
        "MWI",
        "NER",
        "NPL",
        "PRY",
        "RWA",
        "SMR",
        "SRB",
        "SSD",
        "SVK",
        "SWZ",
        "TCD",
        "TJK",
        "TKM",
        "UGA",
        "UZB",
        "ZMB",
        "ZWE",
    ]
)
# Direction of the two indicators without an Annex 4 row, from what they measure.
NO_ANNEX_DIRECTION = {29: "higher", 61: "lower"}  # safely managed sanitation (%), imported CO2 (t/capita)
# Series codes of timeseries.csv that name a raw column of the results table.
TIMESERIES_CODES = {
    "sdg6_safesan": 29,
    "sdg6_safewat": 31,
    "sdg11_pm25imhe": 50,
    "sdg14_trawltime": 69,
}


def read_rows(path: Path) -> list[list[str]]:
    """All rows of a CSV file (UTF-8, with or without a byte-order mark)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: Iterable[Sequence[object]]) -> Path:
    """Write rows as CSV and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def goal_of_2018() -> list[int]:
    """Goal of each of the 88 raw columns, from their order in the table."""
    return [goal for goal, size in enumerate(GOAL_SIZES_2018, start=1) for _ in range(size)]


def _orientation(row: dict[str, str]) -> str:
    return "higher" if row["orientation"] == "higher_better" else "lower"


def spec_rows_2018(header: Sequence[str], annex: Sequence[dict[str, str]]) -> list[list[str]]:
    """The spec: Annex 4 bounds and thresholds per raw column, with applicability and dashboard-only rows."""
    goals = goal_of_2018()
    rows = [["indicator", "goal", "direction", "best", "worst", "green", "red", "applies_to", "in_score"]]
    for k, goal in enumerate(goals):
        name = header[FIRST_RAW + k].strip()
        applies = APPLIES_2018.get(k, "!landlocked" if goal == LANDLOCKED_GOAL else "")
        row_index = ANNEX_ROW[k]
        if row_index is None:  # no codebook row: bounds from the data, no colour
            rows.append([name, str(goal), NO_ANNEX_DIRECTION[k], "", "", "", "", applies, "yes"])
            continue
        a = annex[row_index]
        if int(a["sdg"]) != goal:
            raise ValueError(f"Annex 4 row {row_index} is goal {a['sdg']}, column {name!r} is goal {goal}")
        rows.append(
            [name, str(goal), _orientation(a), a["best"], a["worst"], a["green_threshold"],
             a["red_threshold"], applies, "yes"]
        )  # fmt: skip
    for column, row_index in OECD_ONLY_ROW.items():
        a = annex[row_index]
        rows.append(
            [header[column].strip(), a["sdg"], _orientation(a), a["best"], a["worst"], a["green_threshold"],
             a["red_threshold"], "OECD", "no"]
        )  # fmt: skip
    return rows


def groups_2018(row: Sequence[str]) -> str:
    """A country's groups: income group, OECD membership, landlocked."""
    groups = [row[INCOME].strip()]
    if row[OECD].strip() == "1":
        groups.append("OECD")
    if row[ISO3].strip() in LANDLOCKED:
        groups.append("landlocked")
    return ";".join(g for g in groups if g)


def build_global_2018(out: Path, shared: Path = SHARED) -> dict[str, Path]:
    """Write spec.csv, values.csv, regions.csv and history.csv for the 2018 index; return their paths."""
    folder = shared / GLOBAL_2018
    table = read_rows(folder / "results_raw_normalized_goal_scores_dashboards.csv")
    annex_rows = read_rows(folder / "annex4_bounds_thresholds_from_pdf.csv")
    annex = [dict(zip(annex_rows[0], r, strict=True)) for r in annex_rows[1:]]
    header, units = table[0], table[1:]
    spec = spec_rows_2018(header, annex)
    columns = [*range(FIRST_RAW, FIRST_RAW + len(goal_of_2018())), *range(OECD_FIRST, OECD_LAST + 1)]
    names = [header[c].strip() for c in columns]
    values = [["city", "group", *names]]
    values += [[u[COUNTRY], groups_2018(u), *(u[c].strip() for c in columns)] for u in units]
    regions = [["city", "region"]] + [[u[COUNTRY], u[REGION].strip()] for u in units if u[REGION].strip()]
    paths = {
        "spec": write_rows(out / "spec.csv", spec),
        "values": write_rows(out / "values.csv", values),
        "regions": write_rows(out / "regions.csv", regions),
    }
    series = folder / "timeseries.csv"
    if series.exists():
        paths["history"] = write_rows(out / "history.csv", history_rows_2018(read_rows(series), header))
    return paths


def history_rows_2018(rows: Sequence[Sequence[str]], table_header: Sequence[str]) -> list[list[str]]:
    """timeseries.csv restricted to the columns that name an indicator of the spec, as city,year,...."""
    wanted = {
        table_header[c].strip()
        for c in [*range(FIRST_RAW, FIRST_RAW + 88), *range(OECD_FIRST, OECD_LAST + 1)]
    }
    header = [h.strip() for h in rows[0]]
    keep = []
    for i, name in enumerate(header):
        code = TIMESERIES_CODES.get(name)
        target = table_header[FIRST_RAW + code].strip() if code is not None else name
        if target in wanted:
            keep.append((i, target))
    country, year = header.index("country"), header.index("year")
    out = [["city", "year", *(name for _i, name in keep)]]
    out += [[r[country], r[year], *(r[i].strip() for i, _name in keep)] for r in rows[1:]]
    return out


# --- U.S. Cities SDG Index 2017 -------------------------------------------------------------------------


def build_us_2017(out: Path, shared: Path = SHARED) -> dict[str, Path]:
    """Write spec.csv and values.csv for the U.S. Cities index 2017 (no groups, regions or thresholds)."""
    folder = shared / US_2017
    raw = read_rows(folder / "raw_data_with_units_rows.csv")
    bounds = read_rows(folder / "inferred_bounds_from_data.csv")
    raw_header = [h.strip() for h in raw[0]]
    goal_row = raw[2]
    spec = [["indicator", "goal", "direction", "best", "worst"]]
    columns = []
    for b in (dict(zip(bounds[0], r, strict=True)) for r in bounds[1:]):
        column = raw_header.index(b["raw_col"].strip())
        best, worst = float(b["best"]), float(b["worst"])
        spec.append(
            [
                b["indicator"].strip(),
                goal_row[column].strip(),
                "higher" if best > worst else "lower",
                b["best"],
                b["worst"],
            ]
        )
        columns.append(column)
    values = [["city", *(row[0] for row in spec[1:])]]
    values += [[r[0], *(r[c].strip() for c in columns)] for r in raw[3:]]
    return {"spec": write_rows(out / "spec.csv", spec), "values": write_rows(out / "values.csv", values)}


BUILDERS = {"global2018": build_global_2018, "us2017": build_us_2017}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the input files of one index and print the matching `citydip index compute` command."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("index", choices=sorted(BUILDERS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the sdg_index folder of the shared data")
    args = parser.parse_args(argv)
    paths = BUILDERS[args.index](args.out, args.shared)
    command = ["citydip", "index", "compute", "--values", str(paths["values"]), "--spec", str(paths["spec"])]
    if "regions" in paths:
        command += ["--regions", str(paths["regions"]), "--impute-missing-goals", "region"]
    if "history" in paths:
        command += ["--history", str(paths["history"])]
    print(" ".join(command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
