"""Exports from the database: Los Angeles against sdg-build 2.3.0, round trips, SDMX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import sdmx
from sqlalchemy.orm import Session

from citydip.sdg.io import export as export_service
from citydip.sdg.opensdg import read_repository, snapshot
from citydip.sdg.opensdg.model import NON_DISAGGREGATION_COLUMNS
from citydip.sdg.opensdg.stats import disaggregation_stats, reporting_stats
from support.factories import make_workspace
from support.sdg_helpers import CITY, MINI, content, do_import, shared_repo

SysSession = Callable[[], AbstractContextManager[Session]]
Cli = Callable[..., tuple[int, str]]

PER_INDICATOR = ["data/{}.csv", "data/{}.json", "headline/{}.csv", "headline/{}.json", "edges/{}.csv"]
PER_INDICATOR += ["edges/{}.json", "comb/{}.json", "meta/{}.json"]
GIT_DATE_FIELDS = ("national_metadata_updated_date", "national_data_updated_date")

#: Every way the database export of Los Angeles deliberately differs from what sdg-build 2.3.0 published.
DELIBERATE_DIFFERENCES = {
    "rejected indicators": (
        "3-3-2, 4-1-2, 17-6-1 and 17-8-1 repeat a Year + disaggregation row (Open SDG's own data check fails "
        "on that too), so the import rejects them and they are not in the database: their 8 files per "
        "indicator are absent, and meta/all.json, headline/all.json, stats/reporting.json and "
        "stats/disaggregation.json lack them. The test checks those four site-wide files equal the "
        "reference with exactly these indicators taken out."
    ),
    "git dates": (
        "sdg-build fills national_metadata_updated_date and national_data_updated_date from each file's git "
        "history; the shared copy has no git history, so meta/*.json leave both fields out."
    ),
}


def typed(value: Any) -> Any:
    """JSON value with its number type explicit, so 10 and 10.0 compare as different."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", value)
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    return value


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _no_git(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if k not in GIT_DATE_FIELDS}


@pytest.mark.shared_data
def test_los_angeles_database_export_matches_sdg_build(sys_session: SysSession, tmp_path: Path) -> None:
    la = shared_repo("los-angeles")
    build = la / "_sdg-build-2.3.0-output"
    reference = build / "en"
    with sys_session() as s:
        ws = make_workspace(s, "la")
    with sys_session() as s:
        report = do_import(s, ws, la, config_file=build / "config_used.yml")
    rejected = sorted(o.code for o in report.rejected)
    assert rejected == ["17-6-1", "17-8-1", "3-3-2", "4-1-2"]
    with sys_session() as s:
        export_service.export_site(s, ws.id, tmp_path, ["en"])
    ours = tmp_path / "en"

    ref_files = {p.relative_to(reference).as_posix() for p in reference.rglob("*") if p.is_file()}
    our_files = {p.relative_to(ours).as_posix() for p in ours.rglob("*") if p.is_file()}
    missing = {p.format(code) for code in rejected for p in PER_INDICATOR}
    assert ref_files - our_files == missing and not our_files - ref_files

    differences = []
    compared = 0
    for rel in sorted(our_files):
        ref_path, our_path = reference / rel, ours / rel
        if rel.endswith(".csv"):
            same = read_csv(ref_path) == read_csv(our_path)
        else:
            expected = read_json(ref_path)
            if rel == "meta/all.json":
                expected = {k: _no_git(m) for k, m in expected.items() if k not in rejected}
            elif rel == "headline/all.json":
                expected = {k: v for k, v in expected.items() if k not in rejected}
            elif rel.startswith("meta/") and rel != "meta/schema.json":
                expected = _no_git(expected)
            elif rel == "stats/reporting.json":
                expected = _reporting_without(reference, rejected)
            elif rel == "stats/disaggregation.json":
                expected = _disaggregation_without(reference, rejected)
            same = typed(expected) == typed(read_json(our_path))
        compared += 1
        if not same:
            differences.append(rel)
    assert differences == [], f"unexplained differences: {differences[:20]}"
    assert compared == 243 * len(PER_INDICATOR) + 5
    assert len(DELIBERATE_DIFFERENCES) == 2


def _reference_meta(reference: Path) -> dict[str, Any]:
    meta: dict[str, Any] = read_json(reference / "meta" / "all.json")
    return meta


def _reporting_without(reference: Path, rejected: list[str]) -> Any:
    """The reference reporting stats recomputed without the rejected indicators (after checking that the
    same computation over all indicators gives the reference file exactly)."""
    meta = _reference_meta(reference)
    assert typed(reporting_stats(meta)) == typed(read_json(reference / "stats" / "reporting.json"))
    return reporting_stats({k: v for k, v in meta.items() if k not in rejected})


def _disaggregation_without(reference: Path, rejected: list[str]) -> Any:
    meta = _reference_meta(reference)
    non_dis = set(NON_DISAGGREGATION_COLUMNS)

    def stats(keep: Callable[[str], bool]) -> Any:
        expected, actual, goals = {}, {}, {}
        for code, m in meta.items():
            if not keep(code) or m.get("standalone"):
                continue
            data = read_json(reference / "data" / f"{code}.json")
            expected[code] = list(m.get("expected_disaggregations") or [])
            actual[code] = [c for c in data if c not in non_dis] if data else []
            goals[code] = code.split("-")[0]
        return disaggregation_stats(expected, actual, goals, {})

    assert typed(stats(lambda _: True)) == typed(read_json(reference / "stats" / "disaggregation.json"))
    return stats(lambda code: code not in rejected)


def test_database_model_equals_file_model(sys_session: SysSession) -> None:
    """What the exporters receive from the database is exactly what the reader produced from the files."""
    with sys_session() as s:
        ws = make_workspace(s, "mini")
    with sys_session() as s:
        report = do_import(s, ws, MINI)
    files = read_repository(MINI)
    with sys_session() as s:
        model = export_service.load_repository(s, ws.id)
    want = snapshot(files)
    good = {o.code for o in report.imported}
    want["indicators"] = {k: v for k, v in want["indicators"].items() if k in good}
    assert snapshot(model) == want and len(good) == 5


def test_round_trip_import_export_import(sys_session: SysSession, tmp_path: Path) -> None:
    with sys_session() as s:
        first = make_workspace(s, "first")
        second = make_workspace(s, "second")
    with sys_session() as s:
        do_import(s, first, CITY)
    with sys_session() as s:
        export_service.export_repository_inputs(s, first.id, tmp_path / "again")
    with sys_session() as s:
        report = do_import(s, second, tmp_path / "again")
        assert report.exit_code == 0
    ignore = frozenset({"sources", "import_notes", "source"})  # file names of the copy, not content
    with sys_session() as s:
        original = content(s, first.id, ignore)
        assert content(s, second.id, ignore) == original
        assert sum(len(rows) for rows in original.values()) > 40
    # Importing the export into the same workspace changes nothing either.
    with sys_session() as s:
        do_import(s, first, tmp_path / "again")
    with sys_session() as s:
        assert content(s, first.id, ignore) == original


@pytest.mark.shared_data
def test_round_trip_los_angeles(sys_session: SysSession, tmp_path: Path) -> None:
    la = shared_repo("los-angeles")
    with sys_session() as s:
        first = make_workspace(s, "la1")
        second = make_workspace(s, "la2")
    with sys_session() as s:
        do_import(s, first, la)
        export_service.export_repository_inputs(s, first.id, tmp_path / "la")
    with sys_session() as s:
        do_import(s, second, tmp_path / "la")
    ignore = frozenset({"sources", "import_notes", "source"})
    with sys_session() as s:
        assert content(s, second.id, ignore) == content(s, first.id, ignore)


def test_sdmx_from_database(sys_session: SysSession, tmp_path: Path, cli: Cli) -> None:
    with sys_session() as s:
        ws = make_workspace(s, "sample")
    with sys_session() as s:
        do_import(s, ws, CITY)
    code, out = cli("sdg", "export-sdmx", str(tmp_path), "--workspace", "sample", "--ref-area", "SAMPLE")
    assert code == 0, out
    structure = sdmx.read_sdmx(tmp_path / "structure.xml")
    flow = structure.dataflow["DF_SDG_LOCAL"]
    xml = sdmx.read_sdmx(tmp_path / "data.xml", structure=flow.structure)
    observations = list(xml.data[0].obs)
    # 1-2-1: 13 values (one row is empty); 11-6-1: 5; city-1: 6; the placeholder 5-1-1 is left out.
    assert len(observations) == 24
    keys = [{k: str(v.value) for k, v in o.dimension.values.items()} for o in observations]
    assert {k["REF_AREA"] for k in keys} == {"SAMPLE"}
    women = sorted(float(o.value) for o, k in zip(observations, keys, strict=True) if k["SEX"] == "F")
    assert women == [21.0, 22.1, 23.0, 27.5, 28.2]
    csv_data = sdmx.read_sdmx(tmp_path / "data.csv", structure=flow)
    assert sum(len(ds.obs) for ds in csv_data.data) == 24


def test_export_cli_from_database(sys_session: SysSession, tmp_path: Path, cli: Cli) -> None:
    with sys_session() as s:
        make_workspace(s, "sample")
        make_workspace(s, "empty")
    assert cli("sdg", "import-opensdg", str(CITY), "-w", "sample")[0] == 0
    code, out = cli("sdg", "export-opensdg", str(tmp_path / "site"), "-w", "sample")
    assert code == 0 and "4 indicators" in out
    es = tmp_path / "site" / "es"
    assert read_csv(es / "data" / "1-2-1.csv")[0] == ["Year", "Sexo", "Edad", "Units", "Value"]
    assert (
        read_json(es / "meta" / "city-1.json")["indicator_name"]
        == "Residentes que confían en el ayuntamiento"
    )
    assert read_json(tmp_path / "site" / "en" / "headline" / "1-2-1.json")[0] == {
        "Year": "2015",
        "Units": "Percent",
        "Value": 21.5,
    }
    code, out = cli("sdg", "export-opensdg", str(tmp_path / "none"), "-w", "empty")
    assert code == 2 and "no SDG indicators" in out
