"""Bad tie and network files: a clear error naming file, row and field, and nothing written."""

from __future__ import annotations

import random

import pytest

from citydip.core.errors import ValidationFailed
from ties.ties_helpers import NAMES, TIES, run_import, snapshot

HEADER = "city1,country1,city2,country2\n"


def _fails(sys_session, path, fmt, kind="tie", names=None, blamed=None) -> ValidationFailed:
    before = snapshot(sys_session)
    with pytest.raises(ValidationFailed) as info:
        run_import(sys_session, path, fmt, kind, names)
    assert snapshot(sys_session) == before, "a failed import wrote something"
    assert info.value.details, "the error names no field"
    assert all(d.file == (blamed or path).name for d in info.value.details)
    return info.value


def test_wrong_columns(sys_session, tmp_path):
    path = tmp_path / "lists.csv"
    path.write_text("town,nation,twin,twin_nation\nLyon,France,Milan,Italy\n", encoding="utf-8")
    err = _fails(sys_session, path, "wikipedia")
    problem = err.details[0]
    assert problem.row == 1 and problem.field == "city1"
    assert "missing column" in problem.message and "town" in problem.message


def test_missing_member_columns(sys_session, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text('"Network_Name";"Full_Name"\n"Eurocities";"Lyon"\n', encoding="utf-8")
    err = _fails(sys_session, path, "etmun", "membership")
    assert err.details[0].field == "locality_siege" and err.details[0].row == 1


def test_random_bytes(sys_session, tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(random.Random(7).randbytes(10_000_000))  # the 10 MB of noise the issue names
    err = _fails(sys_session, path, "wikipedia")
    assert err.details[0].field in ("file", "encoding")
    assert err.details[0].row is not None


def test_wrong_encoding_names_the_row(sys_session, tmp_path):
    path = tmp_path / "latin1.csv"
    body = HEADER + "Lyon,France,Milan,Italy\nMünchen,Deutschland,Zürich,Schweiz\n"
    path.write_bytes(body.encode("latin-1"))
    err = _fails(sys_session, path, "wikipedia")
    problem = err.details[0]
    assert problem.field == "encoding" and problem.row == 3 and "UTF-8" in problem.message


def test_ragged_rows_and_empty_names(sys_session, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text(
        HEADER + "Lyon,France,Milan,Italy\nLyon,France,Milan\n,France,Milan,Italy\n", encoding="utf-8"
    )
    err = _fails(sys_session, path, "wikipedia")
    found = {(d.row, d.field) for d in err.details}
    assert (3, "row") in found and (4, "city1") in found
    assert "3 fields" in next(d.message for d in err.details if d.row == 3)


def test_formula_cells_are_refused(sys_session, tmp_path):
    path = tmp_path / "formula.csv"
    path.write_text(HEADER + 'Lyon,France,"=HYPERLINK(""http://x"")",Italy\n', encoding="utf-8")
    err = _fails(sys_session, path, "wikipedia")
    assert (err.details[0].row, err.details[0].field) == (2, "city2")
    assert "formula" in err.details[0].message


def test_bad_wikidata_ids_and_missing_names(sys_session, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("Q65\tQ16572\nQ65\tBerlin\n", encoding="utf-8")
    err = _fails(sys_session, path, "wikidata", names=NAMES)
    assert [(d.row, d.field) for d in err.details] == [(2, "qid_b")]
    no_labels = _fails(sys_session, TIES / "relations.tsv", "wikidata")
    assert no_labels.details[0].field == "names" and "--names" in no_labels.details[0].message


def test_bad_names_file(sys_session, tmp_path):
    names = tmp_path / "names.tsv"
    names.write_text("Q65\tLos Angeles\nBerlin\tBerlin\n", encoding="utf-8")
    err = _fails(sys_session, TIES / "relations.tsv", "wikidata", names=names, blamed=names)
    assert [(d.row, d.field) for d in err.details] == [(2, "qid")]


def test_bad_years_and_coordinates(sys_session, tmp_path):
    text = (TIES / "etmun_members.csv").read_text(encoding="utf-8")
    bad = text.replace('"1992"', '"sometime"').replace("6,9603;50,9375", "6,9603;95,5")
    path = tmp_path / "etmun.csv"
    path.write_text(bad, encoding="utf-8")
    err = _fails(sys_session, path, "etmun", "membership")
    found = {(d.row, d.field) for d in err.details}
    assert (2, "Year_of_Joining") in found and (2, "lat") in found


def test_empty_and_missing_files(sys_session, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    assert "empty" in _fails(sys_session, empty, "wikipedia").details[0].message
    with pytest.raises(ValidationFailed, match="Cannot import"):
        run_import(sys_session, tmp_path / "absent.csv", "wikipedia")


def test_a_failing_file_leaves_earlier_imports_alone(sys_session, tmp_path):
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    path = tmp_path / "twin_towns.csv"
    path.write_text(
        (TIES / "twin_towns.csv").read_text(encoding="utf-8") + "Lyon,France,Milan\n", encoding="utf-8"
    )
    err = _fails(sys_session, path, "wikipedia")
    assert err.details[0].row == 17  # the fixture has a header and 15 rows


def test_cli_shows_the_problem_without_a_traceback(cli, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "München,Deutschland,Lyon,France\n").encode("latin-1"))
    code, out = cli("reference", "import-ties", str(path), "--format", "wikipedia")
    assert code == 1
    assert "latin1.csv" in out and "row 2" in out and "UTF-8" in out
    assert "Traceback" not in out
