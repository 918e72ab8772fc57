"""Benchmark the Open SDG file layer; prints JSON.

* read + validate ../shared/data/opensdg/uk-ons (264 data files, ~171,000 rows): the issue's budget for import and
  validate is 10 s *including* database storage, which is not part of this layer;
* read ../shared/data/opensdg/los-angeles and export it as Open SDG site files (budget 5 s for the export);
* for reference: raw ``csv`` parsing of the UK files, the LA inputs round trip and the LA SDMX export.

Usage: ``.venv/bin/python benchmarks/sdg_files.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from citydip.sdg.opensdg import check_repository, export_inputs, export_opensdg, export_sdmx, read_repository

SHARED = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "opensdg").resolve()


def timed(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    """Run ``fn`` ``repeat`` times; return min/median/max seconds and the last result."""
    times: list[float] = []
    user: list[float] = []
    system: list[float] = []
    result: Any = None
    for _ in range(repeat):
        start, before = time.perf_counter(), os.times()
        result = fn()
        after = os.times()
        times.append(time.perf_counter() - start)
        user.append(after.user - before.user)
        system.append(after.system - before.system)
    return {
        "min_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        # Python work vs kernel work (file creation on the shared disk varies a lot from run to run).
        "user_cpu_median_s": round(statistics.median(user), 3),
        "system_cpu_median_s": round(statistics.median(system), 3),
    }, result


def raw_csv(root: Path) -> int:
    rows = 0
    for path in sorted((root / "data").glob("*-*.csv")):
        text = path.read_bytes().decode("utf-8-sig")
        rows += sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    uk, la = SHARED / "uk-ons", SHARED / "los-angeles"
    if not uk.is_dir() or not la.is_dir():
        print(
            json.dumps(
                {"error": f"{SHARED} is absent: real Open SDG data only exists on development machines"}
            )
        )
        return 2

    out: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "repeat": args.repeat,
    }
    raw_t, raw_rows = timed(lambda: raw_csv(uk), args.repeat)
    out["uk_raw_csv_parse"] = {**raw_t, "rows_incl_headers": raw_rows}

    uk_t, report = timed(lambda: check_repository(uk), args.repeat)
    repo = report.repository
    out["uk_read_and_validate"] = {
        **uk_t,
        "budget_s": 10.0,
        "budget_note": "the issue's 10 s also covers storage, which this layer does not do",
        "data_files": len(list((uk / "data").glob("*-*.csv"))),
        "indicators": len(report.results),
        "rows": sum(len(i.data.rows) for i in repo.indicators.values() if i.data is not None)
        if repo
        else None,
        "clean": len(report.clean),
        "with_errors": len(report.with_errors),
        "problems": {s: report.count(s) for s in ("error", "warning", "info")},
    }

    read_t, la_repo = timed(lambda: read_repository(la), args.repeat)
    out["la_read_and_validate"] = {**read_t, "indicators": len(la_repo.indicators)}
    tmp = Path(tempfile.mkdtemp(prefix="citydip-bench-"))
    try:
        runs = iter(range(10_000))

        def site() -> Any:
            # A fresh folder each run: deleting the previous output is not part of the export.
            return export_opensdg(la_repo, tmp / f"site-{next(runs)}")

        site_t, summary = timed(site, args.repeat)
        out["la_export_opensdg"] = {
            **site_t,
            "budget_s": 5.0,
            "languages": summary.languages,
            "files": summary.files,
            "indicators": summary.indicators,
        }

        def inputs() -> Any:
            return export_inputs(la_repo, tmp / f"inputs-{next(runs)}")

        inputs_t, inputs_summary = timed(inputs, args.repeat)
        out["la_export_inputs"] = {**inputs_t, "files": inputs_summary.files}

        sdmx_t, sdmx_summary = timed(
            lambda: export_sdmx(
                la_repo, tmp / "sdmx", ref_area="Los Angeles", indicator_ids=[i.id for i in la_repo.good()]
            ),
            args.repeat,
        )
        out["la_export_sdmx"] = {**sdmx_t, "observations": sdmx_summary.observations}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
