"""Imports of our own fixtures in every format: mapping, updates by external id, rejected rows, atomicity."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from citydip.audit.models import AuditEntry
from citydip.core.context import WorkspaceContext
from citydip.core.errors import ValidationFailed
from citydip.practices import searching
from citydip.practices.importers import IMPORTERS, importer_for
from citydip.practices.importing import import_practices
from citydip.practices.models import Practice
from practices.practice_helpers import FIXTURES
from support.factories import make_workspace

IMPORT = FIXTURES / "import"


def _import(sys_session, slug, path, **kw):
    if slug not in _made:
        with sys_session() as s:
            make_workspace(s, slug)
        _made.add(slug)
    with sys_session() as s:
        return import_practices(s, WorkspaceContext.for_operator(_ws(s, slug)), path, **kw)


_made: set[str] = set()


@pytest.fixture(autouse=True)
def _fresh():
    _made.clear()


def _ws(s, slug):
    from citydip.workspaces.repository import workspace_by_slug

    return workspace_by_slug(s, slug)


def _practices(sys_session, slug):
    with sys_session() as s:
        ws = _ws(s, slug)
        rows = s.scalars(select(Practice).where(Practice.workspace_id == ws.id)).all()
        return {p.external_id: p for p in rows}


def _search(sys_session, slug, q, **kw):
    with sys_session() as s:
        params, _ = searching.parse_params({"q": q, **kw})
        return [
            h.practice.external_id
            for h in searching.search_practices(s, WorkspaceContext.for_operator(_ws(s, slug)), params)
        ]


def test_registry_and_format_detection():
    assert {"jsonl", "csv", "urbact"} <= set(IMPORTERS)
    assert importer_for(IMPORT / "practices.jsonl").name == "jsonl"
    assert importer_for(IMPORT / "practices.csv").name == "csv"
    assert importer_for(IMPORT / "urbact_sample.csv").name == "urbact"
    with pytest.raises(ValidationFailed) as err:
        importer_for(IMPORT / "practices.csv", "xml")
    assert err.value.details[0].field == "format"


def test_jsonl_fields_are_mapped(sys_session):
    report = _import(sys_session, "leeds", IMPORT / "practices.jsonl")
    assert (report.rows, report.created, report.updated, report.rejected) == (5, 5, 0, [])
    assert report.ignored_fields == ["unknown_column"]
    got = _practices(sys_session, "leeds")
    one = got["fx-1"]
    assert one.outcome_figures == [{"label": "Protected lanes built", "value": 25.0, "unit": "km"}]
    assert one.contacts[0]["email"] == "ruth@example.org" and one.links == [
        {"url": "https://example.org/cycle-lanes", "label": ""}
    ]
    assert (one.start_year, one.end_year, str(one.visibility), one.city_id is not None) == (
        2019,
        2021,
        "public",
        True,
    )
    two = got["fx-2"]
    assert two.summary.startswith("Il comune") and two.sdgs == [11, 13] and two.language == "it"
    assert str(two.visibility) == "network" and two.country_code == "IT"  # from the linked city
    assert got["fx-3"].challenges == ["heatwaves", "ageing population"] and got["fx-3"].language == "de"
    four = got["fx-4"]
    assert four.source_ref == "Plan municipal 2022, p. 14" and four.budget == 120000 and four.language == "es"
    assert str(four.visibility) == "private"  # the default
    assert got["fx-5"].source == "own survey" and got["fx-3"].source == "import:practices.jsonl"
    assert "fx-3" in _search(sys_session, "leeds", "heatwave plan for older people")


def test_reimport_updates_by_external_id(sys_session, tmp_path):
    _import(sys_session, "leeds", IMPORT / "practices.jsonl")
    again = _import(sys_session, "leeds", IMPORT / "practices.jsonl")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    changed = tmp_path / "changed.jsonl"
    lines = (IMPORT / "practices.jsonl").read_text().splitlines()
    lines[1] = json.dumps(
        {"id": "fx-2", "title": "Zone 30 in tutta la città", "summary": "Limite di 30 km/h."}
    )
    changed.write_text("\n".join(lines) + "\n")
    before = _practices(sys_session, "leeds")["fx-2"].id
    report = _import(sys_session, "leeds", changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    after = _practices(sys_session, "leeds")
    assert (
        len(after) == 5 and after["fx-2"].id == before and after["fx-2"].title == "Zone 30 in tutta la città"
    )
    assert _search(sys_session, "leeds", "zone 30", mode="keyword") == ["fx-2"]
    assert "fx-2" not in _search(sys_session, "leeds", "piste ciclabili", mode="keyword")


def test_csv_lists_and_numbers(sys_session):
    report = _import(sys_session, "turin", IMPORT / "practices.csv")
    assert (report.created, report.rejected) == (3, [])
    got = _practices(sys_session, "turin")
    assert got["csv-1"].sdgs == [7, 11, 13] and got["csv-1"].sectors == ["energy", "education"]
    assert got["csv-1"].contacts == [
        {"name": "Marco Bianchi", "email": "marco@example.org", "role": "", "organisation": ""}
    ]
    assert got["csv-1"].budget == 450000 and got["csv-1"].end_year is None
    assert got["csv-3"].sdgs == [3, 11] and len(got["csv-3"].links) == 2
    assert got["csv-3"].challenges == ["air pollution", "heatwaves"]


def test_urbact_export_is_mapped(sys_session):
    report = _import(sys_session, "ghent", IMPORT / "urbact_sample.csv")
    assert (report.format, report.created, report.rejected) == ("urbact", 2, [])
    got = _practices(sys_session, "ghent")
    ghent = got["urbact-0007"]
    assert ghent.title == "Shared kitchens for newcomers" and ghent.country_code == "BE"
    assert ghent.solution.startswith("Newcomers") and ghent.transferability.startswith("Any city")
    assert (ghent.start_year, ghent.end_year, ghent.budget, ghent.budget_currency) == (
        2017,
        None,
        85000,
        "EUR",
    )
    assert ghent.sectors == ["social inclusion", "migrants"] and ghent.city_size == "medium"
    tartu = got["urbact-0012"]
    assert tartu.budget is None and tartu.end_year == 2019 and tartu.source == "URBACT good practices"
    assert "urbact-0012" in _search(sys_session, "ghent", "repair broken household items")


def test_each_rejected_row_is_reported_with_row_and_field(sys_session):
    report = _import(sys_session, "bad", IMPORT / "bad.jsonl")
    assert report.created == 2
    where = {(p.row, p.field.split(".")[0]) for p in report.rejected}
    assert where == {
        (2, "title"),
        (3, "sdgs"),
        (4, "line"),
        (5, "id"),
        (6, "end_year"),
        (7, "links"),
        (8, "country"),
        (9, "line"),
        (10, "id"),
        (11, "visibility"),
    }
    assert all(p.file == "bad.jsonl" for p in report.rejected)
    assert report.rejected_rows == 10
    assert set(_practices(sys_session, "bad")) == {"ok-1", "ok-2"}
    assert _practices(sys_session, "bad")["ok-1"].title == "A valid practice"  # the first of a duplicate id


def test_strict_mode_imports_nothing(sys_session):
    with pytest.raises(ValidationFailed) as err:
        _import(sys_session, "strict", IMPORT / "bad.jsonl", strict=True)
    assert len(err.value.details) == 10
    assert _practices(sys_session, "strict") == {}
    assert _search(sys_session, "strict", "valid practice") == []


def test_not_utf8_and_missing_files(sys_session, tmp_path):
    with pytest.raises(ValidationFailed) as err:
        _import(sys_session, "enc", IMPORT / "notutf8.jsonl")
    assert err.value.details[0].field == "file" and "UTF-8" in err.value.message
    with pytest.raises(FileNotFoundError):
        _import(sys_session, "enc", tmp_path / "missing.jsonl")


def test_import_writes_one_summary_audit_entry(sys_session):
    _import(sys_session, "audited", IMPORT / "practices.csv")
    with sys_session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "practices")).all()
        assert len(entries) == 1 and "3 created" in entries[0].summary


def test_cli_import_reports_counts_and_rejected_rows(cli, sys_session, tmp_path):
    with sys_session() as s:
        make_workspace(s, "clicity")
    code, out = cli("practices", "import", str(IMPORT / "bad.jsonl"), "--workspace", "clicity")
    assert code == 0, out
    assert "2 created" in out and "10 rejected" in out
    assert (
        "bad.jsonl, row 3, sdgs: goals are numbered 1 to 17, not 0, 18" in out
        and "bad.jsonl, row 4, line: not valid JSON" in out
    )
    code, out = cli("practices", "import", str(IMPORT / "practices.csv"), "--workspace", "clicity", "--json")
    assert code == 0 and json.loads(out)["created"] == 3
    code, out = cli("practices", "import", str(IMPORT / "bad.jsonl"), "--workspace", "clicity", "--strict")
    assert code == 1 and "nothing was imported" in out
    code, out = cli("practices", "import", str(tmp_path / "nope.jsonl"), "--workspace", "clicity")
    assert code == 1 and "file not found" in out and "Traceback" not in out
    code, out = cli("practices", "import", str(IMPORT / "practices.csv"), "--workspace", "no-such-city")
    assert code == 1 and "No workspace 'no-such-city'" in out
    copy = tmp_path / "data.txt"
    shutil.copy(IMPORT / "practices.csv", copy)
    code, out = cli("practices", "import", str(copy), "--workspace", "clicity")
    assert code == 1 and "--format" in out
    code, out = cli("practices", "import", str(copy), "--workspace", "clicity", "--format", "csv")
    assert code == 0 and "3 unchanged" in out
