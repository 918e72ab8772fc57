"""Importing Open SDG repositories into a workspace: storage, per-indicator atomicity, --strict, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.audit.models import AuditEntry
from citydip.sdg.models import CityIndicator, SdgLocalTarget, SdgObservation
from citydip.sdg.opensdg import read_repository
from support.factories import make_workspace
from support.sdg_helpers import (
    CITY,
    MINI,
    REAL_REPOSITORIES,
    content,
    copy_city,
    do_import,
    indicator_rows,
    raw_rows,
    shared_repo,
)

SysSession = Callable[[], AbstractContextManager[Session]]
Cli = Callable[..., tuple[int, str]]


def _ws(sys_session: SysSession, slug: str = "sample") -> Any:
    with sys_session() as s:
        return make_workspace(s, slug)


def test_import_stores_indicators_metadata_and_observations(sys_session: SysSession) -> None:
    ws = _ws(sys_session)
    with sys_session() as s:
        report = do_import(s, ws, CITY)
    assert report.exit_code == 0 and report.written
    assert [o.code for o in report.imported] == ["1-2-1", "5-1-1", "11-6-1", "city-1"]
    assert [o.code for o in report.placeholders] == ["5-1-1"]
    assert report.rows == 14 + 5 + 6 + 6
    with sys_session() as s:
        inds = {
            i.code: i for i in s.scalars(select(CityIndicator).where(CityIndicator.workspace_id == ws.id))
        }
        poverty = inds["1-2-1"]
        assert (poverty.kind, poverty.global_code, poverty.goal, poverty.target_code) == (
            "global",
            "1.2.1",
            1,
            "1.2",
        )
        assert poverty.name == "Share of residents below the city poverty line"
        assert poverty.reporting_status == "complete" and poverty.visibility == "private"
        assert poverty.data_columns == ["Year", "Sex", "Age", "Units", "Value"]
        assert poverty.config["progress_calculation_options"][0]["target"] == 10
        assert poverty.observation_count == 14 and poverty.sort_key == "01-02-01"
        local = inds["city-1"]
        assert (local.kind, local.global_code, local.goal, local.number) == ("local", None, None, "city-1")
        assert inds["5-1-1"].placeholder == "starter-template"
        assert inds["11-6-1"].reporting_status == "inprogress"

        obs = raw_rows(s, ws.id, SdgObservation, indicator_id=poverty.id)
        by_seq = {o["seq"]: o for o in obs}
        period = by_seq[3]
        assert (period["year"], period["year_num"], period["value"], period["value_text"]) == (
            "2018-19",
            2018,
            19.1,
            "19.1",
        )
        assert period["is_headline"] and period["dis_key"] == "" and period["unit"] == "Percent"
        girls = by_seq[10]
        assert girls["disaggregation"] == {"Sex": "Female", "Age": "Under 18"}
        assert not girls["is_headline"] and json.loads(girls["dis_key"]) == [
            ["Age", "Under 18"],
            ["Sex", "Female"],
        ]
        empty = by_seq[13]
        assert empty["value"] is None and empty["value_text"] == "" and empty["unit"] == "Count"

        targets = raw_rows(s, ws.id, SdgLocalTarget, indicator_id=poverty.id)
        assert {(t["source"], t["value"], t["year"], t["unit"]) for t in targets} == {
            ("metadata", None, None, None),
            ("config", 10.0, 2030, "Percent"),
        }
        assert any("$33.00 per day" in t["text"] for t in targets)

        waste = s.scalars(select(CityIndicator).where(CityIndicator.code == "11-6-1")).one()
        series = raw_rows(s, ws.id, SdgObservation, indicator_id=waste.id)
        assert {o["series"] for o in series} == {"Waste diverted from landfill", "Municipal waste collected"}

        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.workspace_id == ws.id, AuditEntry.action == "import")
        ).all()
        assert sorted(a.summary.split(":")[0] for a in audit) == ["1-2-1", "11-6-1", "5-1-1", "city-1"]
        assert all(a.entity == "sdgloc_indicators" for a in audit)
        assert any("placeholder data" in a.summary for a in audit)
        # One summary entry per indicator, not one per stored row.
        sdg_entries = s.query(AuditEntry).filter(
            AuditEntry.workspace_id == ws.id, AuditEntry.entity.like("sdgloc%")
        )
        assert sdg_entries.count() == 4


def _break(repo: Path) -> None:
    """Make 1-2-1 invalid (a non-numeric value and a duplicate row) and change 11-6-1 validly."""
    data = repo / "data" / "indicator_1-2-1.csv"
    text = data.read_text(encoding="utf-8").replace("2016,,,Percent,20.8", "2016,,,Percent,20.8%")
    data.write_text(text + "2015,,,Percent,21.5\n", encoding="utf-8")
    waste = repo / "data" / "indicator_11-6-1.csv"
    waste.write_text(waste.read_text(encoding="utf-8") + "2021,Waste diverted from landfill,Percent,70\n")


def test_rejected_indicator_keeps_previous_version_exactly(sys_session: SysSession, tmp_path: Path) -> None:
    ws = _ws(sys_session)
    with sys_session() as s:
        do_import(s, ws, CITY)
    with sys_session() as s:
        before = indicator_rows(s, ws.id, "1-2-1")
    broken = copy_city(tmp_path)
    _break(broken)
    with sys_session() as s:
        report = do_import(s, ws, broken)
    assert report.written and report.exit_code == 1
    assert [o.code for o in report.rejected] == ["1-2-1"]
    outcome = report.rejected[0]
    assert outcome.kept_previous
    codes = {p.code for p in outcome.errors}
    assert {"value-percent-sign", "duplicate-row"} <= codes
    assert all(p.file == "data/indicator_1-2-1.csv" and p.row for p in outcome.errors)
    with sys_session() as s:
        assert indicator_rows(s, ws.id, "1-2-1") == before  # every column of every row, ids and times too
        waste = s.scalars(select(CityIndicator).where(CityIndicator.code == "11-6-1")).one()
        assert waste.observation_count == 6  # the valid change went in


def test_strict_aborts_with_nothing_written(sys_session: SysSession, tmp_path: Path) -> None:
    ws = _ws(sys_session)
    with sys_session() as s:
        do_import(s, ws, CITY)
    with sys_session() as s:
        before = content(s, ws.id)
        entries = s.query(AuditEntry).count()
    broken = copy_city(tmp_path)
    _break(broken)
    with sys_session() as s:
        report = do_import(s, ws, broken, strict=True)
    assert not report.written and report.exit_code == 2 and "--strict" in report.aborted_reason
    assert [o.code for o in report.rejected] == ["1-2-1"]
    with sys_session() as s:
        assert content(s, ws.id) == before
        assert s.query(AuditEntry).count() == entries


def test_cli_exit_codes_and_report(cli: Cli, sys_session: SysSession, tmp_path: Path) -> None:
    _ws(sys_session)
    code, out = cli("sdg", "import-opensdg", str(CITY), "--workspace", "sample")
    assert code == 0, out
    assert "Every indicator was imported" in out and "Placeholder data" in out and "5-1-1" in out

    broken = copy_city(tmp_path)
    _break(broken)
    code, out = cli("sdg", "import-opensdg", str(broken), "--workspace", "sample")
    assert code == 1, out
    assert "Rejected indicators" in out and "data/indicator_1-2-1.csv" in out and "percent sign" in out
    assert "Not imported: 1-2-1" in out

    code, out = cli("sdg", "import-opensdg", str(broken), "--workspace", "sample", "--strict")
    assert code == 2 and "Nothing was written" in out

    code, out = cli("sdg", "import-opensdg", str(broken), "--workspace", "sample", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["rejected"][0]["indicator"] == "1-2-1" and report["rejected"][0]["kept_previous"]

    code, out = cli("sdg", "import-opensdg", str(tmp_path / "nowhere"), "--workspace", "sample")
    assert code == 2 and "no indicators could be read" in out
    code, out = cli("sdg", "import-opensdg", str(CITY), "--workspace", "no-such-city")
    assert code == 2 and "no-such-city" in out
    code, out = cli("sdg", "import-opensdg", str(CITY), "--workspace", "sample", "--visibility", "everyone")
    assert code == 2 and "--visibility" in out


def test_everything_rejected_writes_nothing(sys_session: SysSession, tmp_path: Path) -> None:
    ws = _ws(sys_session)
    repo = read_repository(MINI)
    bad = [code for code, result in repo.results.items() if not result.ok]
    with sys_session() as s:
        from citydip.sdg.io.cli import CliWorkspace
        from citydip.sdg.io.service import import_repository

        report = import_repository(s, CliWorkspace(ws), repo, only=bad)
    assert not report.written and report.exit_code == 2 and len(report.rejected) == len(bad) >= 5
    with sys_session() as s:
        assert all(not rows for rows in content(s, ws.id).values())


def test_cli_check_is_mounted(cli: Cli) -> None:
    code, out = cli("sdg", "check", str(MINI))
    assert code == 1 and "Indicators with errors" in out
    code, out = cli("sdg", "check", str(CITY))
    assert code == 0, out


def test_visibility_option_and_reimport_keeps_visibility(sys_session: SysSession, cli: Cli) -> None:
    ws = _ws(sys_session)
    assert cli("sdg", "import-opensdg", str(CITY), "-w", "sample", "--visibility", "public")[0] == 0
    with sys_session() as s:
        assert {r["visibility"] for r in raw_rows(s, ws.id, SdgObservation)} == {"public"}
        ind = s.scalars(select(CityIndicator).where(CityIndicator.code == "11-6-1")).one()
        ind.visibility = "private"  # a staff member unpublished one indicator
    assert cli("sdg", "import-opensdg", str(CITY), "-w", "sample")[0] == 0
    with sys_session() as s:
        vis = {r["code"]: r["visibility"] for r in raw_rows(s, ws.id, CityIndicator)}
        assert vis == {"1-2-1": "public", "5-1-1": "public", "11-6-1": "private", "city-1": "public"}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", REAL_REPOSITORIES)
def test_real_repositories_import(name: str, cli: Cli, sys_session: SysSession) -> None:
    path = shared_repo(name)
    ws = _ws(sys_session, name)
    expected_rejected = sorted(r.indicator.id for r in read_repository(path).rejected())
    code, out = cli("sdg", "import-opensdg", str(path), "--workspace", name, "--json")
    report = json.loads(out)
    assert report["written"] and code == (1 if expected_rejected else 0)
    assert sorted(r["indicator"] for r in report["rejected"]) == expected_rejected
    assert all(r["errors"] for r in report["rejected"])  # each rejection says why
    with sys_session() as s:
        stored = raw_rows(s, ws.id, CityIndicator)
        assert len(stored) == report["imported"] > 0
        assert sum(r["observation_count"] for r in stored) == report["rows"]
        assert sorted(r["code"] for r in stored if r["placeholder"]) == sorted(report["placeholders"])
    if name == "los-angeles":
        assert len(report["placeholders"]) == 110 and report["imported"] == 243
    if name == "uk-ons":
        assert report["rows"] > 150_000


def test_an_unstorable_indicator_is_rejected_alone(sys_session: SysSession, tmp_path: Path) -> None:
    """A value no database can hold (YAML .nan) fails its group's savepoint; the group is then written one
    indicator at a time, so only that indicator is rejected, with the field named."""
    ws = _ws(sys_session)
    repo = copy_city(tmp_path)
    meta = repo / "meta" / "11-6-1.yml"
    meta.write_text(meta.read_text(encoding="utf-8") + "data_quality_score: .nan\n", encoding="utf-8")
    with sys_session() as s:
        report = do_import(s, ws, repo)
    assert [o.code for o in report.imported] == ["1-2-1", "5-1-1", "city-1"]
    assert [o.code for o in report.rejected] == ["11-6-1"] and report.exit_code == 1
    reason = report.rejected[0].errors[-1].reason
    assert "data_quality_score" in reason and "nan" in reason
    with sys_session() as s:
        assert {r["code"] for r in raw_rows(s, ws.id, CityIndicator)} == {"1-2-1", "5-1-1", "city-1"}
