"""How closely ONE `citydip index compute` command reproduces published SDSN indices; prints JSON.

For each data set in ../shared/data/sdg_index, scripts/sdsn_index_inputs.py writes the inputs (raw data,
unit groups and regions, and the spec written from the codebook), one command computes the index, and its
output is compared with the published index, ranks and goal colours:

* SDG Index and Dashboards 2018 (193 countries; 156 ranked; dashboards for all 193),
* U.S. Cities SDG Index 2017 (100 metro areas, all ranked; no dashboards).

Exact-match counts: index within 1e-6 and at the published table's one-decimal precision, rank identical,
goal colour identical ("gray" = "grey"), the ranked / not-ranked decision identical. Diagnostic runs
(2018 only, marked `uses_published_outputs`) replace the Annex 4 bounds with the full-precision bounds
implied by the published normalised values, to show which differences come from the rounded codebook; they
are not reproductions. `--legacy` writes inputs the command understood before issue 12 (no groups,
applicability, dashboard-only rows or history) so the same comparison can run on older code:

    PYTHONPATH=/path/to/old/src .venv/bin/python benchmarks/sdgindex_fidelity.py --legacy

Usage: .venv/bin/python benchmarks/sdgindex_fidelity.py [--legacy] [--shared PATH]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "data" / "sdg_index"
EXACT = 1e-6


def builder() -> ModuleType:
    """scripts/sdsn_index_inputs.py as a module."""
    spec = importlib.util.spec_from_file_location(
        "sdsn_index_inputs", REPO / "scripts" / "sdsn_index_inputs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_command(args: list[str]) -> tuple[float, str]:
    """Run `citydip index compute ...` with this interpreter (PYTHONPATH decides which code); time it."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "citydip", "index", "compute", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"citydip index compute failed:\n{done.stderr}")
    return time.perf_counter() - started, done.stderr


def read_dicts(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dictionaries."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def number(text: str | None) -> float | None:
    """A cell as a float, None when empty."""
    return float(text) if text not in (None, "") else None


# --- 2018 ------------------------------------------------------------------------------------------------


def legacy_2018(paths: dict[str, Path], out: Path) -> dict[str, Path]:
    """The 2018 inputs without what the pre-issue-12 command could not read."""
    spec = read_dicts(paths["spec"])
    keep = [r for r in spec if r["in_score"] == "yes"]
    columns = ["indicator", "goal", "direction", "best", "worst", "green", "red"]
    with (out / "spec_legacy.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([r[c] for c in columns] for r in keep)
    names = {r["indicator"] for r in keep}
    with paths["values"].open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    index = [i for i, h in enumerate(rows[0]) if h == "city" or h in names]
    with (out / "values_legacy.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([[r[i] for i in index] for r in rows])
    return {"spec": out / "spec_legacy.csv", "values": out / "values_legacy.csv", "regions": paths["regions"]}


def published_2018(shared: Path) -> dict[str, dict[str, Any]]:
    """Country -> published index, rank, goal colours, OECD flag and normalised values (for diagnostics)."""
    rows = list(
        csv.reader(
            (shared / "global_sdg_index_2018" / "results_raw_normalized_goal_scores_dashboards.csv").open(
                encoding="utf-8-sig"
            )
        )
    )
    header = rows[0]
    dash = header.index("Goal 1 Dashboard")
    out = {}
    for r in rows[1:]:
        out[r[0]] = {
            "index": number(r[2]),
            "rank": int(float(r[3])) if r[3].strip() else None,
            "oecd": r[9].strip() == "1",
            "colours": {str(g): r[dash + g - 1].strip().replace("gray", "grey") for g in range(1, 18)},
            "raw": [number(x) for x in r[12:100]],
            "normalised": [number(x) for x in r[123:211]],
        }
    return out


def implied_bounds(published: dict[str, dict[str, Any]], k: int) -> tuple[float, float] | None:
    """Best and worst bounds implied by published (raw, normalised) pairs strictly inside (0, 100)."""
    pairs = [
        (p["raw"][k], p["normalised"][k])
        for p in published.values()
        if p["raw"][k] is not None
        and p["normalised"][k] is not None
        and 1e-6 < p["normalised"][k] < 100 - 1e-6
    ]
    if len({x for x, _n in pairs}) < 2:
        return None
    slope, intercept = np.polyfit([x for x, _n in pairs], [n for _x, n in pairs], 1)
    worst = -intercept / slope
    return float(worst + 100 / slope), float(worst)


def implied_spec(paths: dict[str, Path], published: dict[str, dict[str, Any]], out: Path) -> Path:
    """The 2018 spec with the 88 scored indicators' bounds implied by the published normalised values."""
    with paths["spec"].open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for k, row in enumerate(rows[1:89]):
        bounds = implied_bounds(published, k)
        if bounds is not None:
            row[3], row[4] = repr(bounds[0]), repr(bounds[1])
    path = out / "spec_implied_bounds.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def compare_2018(output: Path, published: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Exact-match counts of one output CSV against the published 2018 table."""
    mine = {r["city"]: r for r in read_dicts(output)}
    ranked = [c for c, p in published.items() if p["rank"] is not None]
    index_exact = index_decimal = rank_equal = 0
    non_oecd_exact = sum(
        1
        for c in ranked
        if not published[c]["oecd"]
        and (i := number(mine[c]["index"])) is not None
        and abs(i - published[c]["index"]) <= EXACT
    )
    for c in ranked:
        value = number(mine[c]["index"])
        if value is not None:
            index_exact += abs(value - published[c]["index"]) <= EXACT
            index_decimal += round(value, 1) == round(published[c]["index"], 1)
        rank_equal += mine[c]["rank"] == str(published[c]["rank"])
    eligibility = [c for c, p in published.items() if (p["rank"] is not None) != (mine[c]["rank"] != "")]
    colours = [(c, g) for c, p in published.items() for g in p["colours"]]
    colour_equal = [(c, g) for c, g in colours if mine[c][f"goal_{g}_colour"] == published[c]["colours"][g]]
    ranked_set = set(ranked)
    return {
        "units": len(published),
        "ranked_published": len(ranked),
        "ranked_decision_equal": len(published) - len(eligibility),
        "ranked_decision_differs": sorted(eligibility),
        "index_equal_1e-6": index_exact,
        "index_equal_1e-6_non_oecd": f"{non_oecd_exact}/{sum(1 for c in ranked if not published[c]['oecd'])}",
        "index_equal_at_one_decimal": index_decimal,
        "rank_equal": rank_equal,
        "goal_colours_equal": len(colour_equal),
        "goal_colours": len(colours),
        "goal_colours_equal_ranked_countries": sum(1 for c, _g in colour_equal if c in ranked_set),
        "goal_colours_ranked_countries": 17 * len(ranked),
    }


def trend_summary(detail: Path, output: Path) -> dict[str, Any]:
    """How many indicator and goal trends the history gave, by arrow."""
    indicator = Counter(r["trend"] for r in read_dicts(detail) if r["trend"])
    rows = read_dicts(output)
    goal = Counter(r[k] for r in rows for k in r if k.endswith("_trend") and r[k])
    return {
        "indicator_trends": dict(sorted(indicator.items())),
        "goal_trends": dict(sorted(goal.items())),
        "published_trend_arrows_in_shared_files": 0,
    }


def global_2018(shared: Path, tmp: Path, legacy: bool) -> dict[str, Any]:
    """Build, run and compare the 2018 index (and its diagnostics unless legacy)."""
    paths = builder().build_global_2018(tmp, shared)
    published = published_2018(shared)
    base = ["--regions", str(paths["regions"]), "--impute-missing-goals", "region"]
    if legacy:
        files = legacy_2018(paths, tmp)
        seconds, _notes = run_command(
            [
                "--values",
                str(files["values"]),
                "--spec",
                str(files["spec"]),
                *base,
                "--out",
                str(tmp / "out.csv"),
            ]
        )
        return {"one_command_seconds": round(seconds, 2), **compare_2018(tmp / "out.csv", published)}
    command = ["--values", str(paths["values"]), "--spec", str(paths["spec"]), *base]
    command += ["--history", str(paths["history"]), "--detail", str(tmp / "detail.csv")]
    seconds, _notes = run_command([*command, "--out", str(tmp / "out.csv")])
    report: dict[str, Any] = {
        "one_command_seconds": round(seconds, 2),
        **compare_2018(tmp / "out.csv", published),
    }
    report["trends"] = trend_summary(tmp / "detail.csv", tmp / "out.csv")
    implied = implied_spec(paths, published, tmp)
    values = ["--values", str(paths["values"]), *base]
    diagnostics = {}
    for name, extra in (
        (
            "annex4_bounds_rank_below_20_percent_missing",
            ["--spec", str(paths["spec"]), "--max-missing", "19.9"],
        ),
        ("implied_bounds", ["--spec", str(implied)]),
        ("implied_bounds_rank_below_20_percent_missing", ["--spec", str(implied), "--max-missing", "19.9"]),
    ):
        out = tmp / f"out_{name}.csv"
        run_command([*values, *extra, "--out", str(out)])
        diagnostics[name] = {
            "uses_published_outputs": name.startswith("implied"),
            **compare_2018(out, published),
        }
    report["diagnostics"] = diagnostics
    return report


# --- U.S. cities 2017 ------------------------------------------------------------------------------------


def us_2017(shared: Path, tmp: Path) -> dict[str, Any]:
    """Build, run and compare the U.S. Cities index 2017."""
    paths = builder().build_us_2017(tmp, shared)
    seconds, _notes = run_command(
        ["--values", str(paths["values"]), "--spec", str(paths["spec"]), "--out", str(tmp / "us.csv")]
    )
    mine = {r["city"]: r for r in read_dicts(tmp / "us.csv")}
    table = read_dicts(shared / "us_cities_2017" / "index_normalized_goal_scores.csv")
    index_exact = index_decimal = rank_equal = ranked = 0
    for row in table:
        m = mine[row["MSA Geo ID"]]
        published_index, value = float(row["OVERALL INDEX"]), number(m["index"])
        ranked += m["rank"] != ""
        if value is not None:
            index_exact += abs(value - published_index) <= EXACT
            index_decimal += round(value, 1) == round(published_index, 1)
        rank_equal += m["rank"] == row["OVERALL RANK"].strip()
    return {
        "one_command_seconds": round(seconds, 2),
        "units": len(table),
        "ranked_published": len(table),
        "ranked_decision_equal": ranked,
        "index_equal_1e-6": index_exact,
        "index_equal_at_one_decimal": index_decimal,
        "rank_equal": rank_equal,
    }


def main() -> None:
    """Run both data sets and print the figures as JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--legacy", action="store_true", help="inputs the pre-issue-12 command understands")
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    if not (args.shared / "global_sdg_index_2018").exists():
        raise SystemExit(f"{args.shared} is absent: the benchmark needs ../shared/data/sdg_index")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "g18").mkdir()
        (tmp / "us17").mkdir()
        report = {
            "mode": "legacy inputs" if args.legacy else "current",
            "global_2018": global_2018(args.shared, tmp / "g18", args.legacy),
            "us_cities_2017": us_2017(args.shared, tmp / "us17"),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
