"""Imports that must fail loudly: a JSON line nested 100,000 deep, a CSV with a quote never closed, and a
non-strict import where every row was rejected (issue 11)."""

from __future__ import annotations

import json

import pytest

from citydip.core.context import WorkspaceContext
from citydip.core.errors import ValidationFailed
from citydip.practices.importing import import_practices
from practices.practice_helpers import FIXTURES
from support.factories import make_workspace

IMPORT = FIXTURES / "import"


def _import(sys_session, path, **kw):
    from citydip.workspaces.repository import workspace_by_slug

    with sys_session() as s:
        if workspace_by_slug(s, "limits") is None:
            make_workspace(s, "limits")
    with sys_session() as s:
        return import_practices(s, WorkspaceContext.for_operator(workspace_by_slug(s, "limits")), path, **kw)


def test_a_line_nested_100000_deep_is_a_rejected_row_naming_the_line(sys_session, tmp_path):
    good = (IMPORT / "practices.jsonl").read_text().splitlines()[0]
    path = tmp_path / "deep.jsonl"
    path.write_text(good + "\n" + '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    report = _import(sys_session, path)
    assert report.created == 1
    [problem] = report.rejected
    assert (problem.row, problem.field, problem.file) == (2, "line", "deep.jsonl")
    assert "nested too deep" in problem.message


def test_a_csv_quote_never_closed_is_refused_naming_its_line(sys_session, tmp_path):
    lines = (IMPORT / "practices.csv").read_text().splitlines()
    # Row 3 opens a quoted summary and never closes it: leniently read, rows 3 and 4 become one long row.
    lines[2] = (
        lines[2]
        .replace('"A randomly selected', '"A randomly selected, and never closed', 1)
        .replace('actions."', "actions.", 1)
    )
    path = tmp_path / "unclosed.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationFailed) as err:
        _import(sys_session, path)
    [problem] = err.value.details
    assert problem.file == "unclosed.csv" and problem.row == 3
    assert 'quoted value starting on line 3 runs on to line 4: its closing " is missing' in problem.message
    # The same on the last row: the quote swallows the rest of the file.
    path.write_text("\n".join([lines[0], lines[1], lines[2]]) + "\n")
    with pytest.raises(ValidationFailed) as err:
        _import(sys_session, path)
    [problem] = err.value.details
    assert problem.row == 3 and "quoted value starting on line 3 is never closed" in problem.message


def test_a_non_strict_import_that_rejects_every_row_exits_non_zero(cli, sys_session, tmp_path):
    with sys_session() as s:
        make_workspace(s, "allbad")
    path = tmp_path / "all-bad.jsonl"
    path.write_text('{"title": ""}\n[1, 2]\n{"title": ' + "[" * 50_000 + "]" * 50_000 + "}\n")
    code, out = cli("practices", "import", str(path), "--workspace", "allbad")
    assert code == 1, out
    assert "every one of the 3 rows was rejected" in out and "Traceback" not in out
    code, out = cli("practices", "import", str(path), "--workspace", "allbad", "--json")
    assert code == 1 and json.loads(out)["rejected_rows"] == 3
    # One good row among them: a partial import is still a success (exit 0), as before.
    path.write_text((IMPORT / "practices.jsonl").read_text().splitlines()[0] + "\n" + path.read_text())
    code, out = cli("practices", "import", str(path), "--workspace", "allbad")
    assert code == 0 and "1 created" in out and "3 rejected" in out
