"""The five real repositories in ../shared/data/opensdg read and check (skipped when the data is absent)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from citydip.sdg.opensdg import check_repository, read_repository

REAL_REPOSITORIES = ("los-angeles", "usa", "uk-ons", "bristol", "cape-town")
TEMPLATE = b"Year,Group,Value\n2015,A,1\n2015,B,3\n2015,,2\n2016,A,1\n2016,B,3\n2016,,2\n"

pytestmark = pytest.mark.shared_data


def data_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "data").glob("*-*.csv") if p.is_file())


def csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


@pytest.mark.parametrize("name", REAL_REPOSITORIES)
def test_every_repository_reads(name: str, shared_repo: Callable[[str], Path]) -> None:
    root = shared_repo(name)
    repo = read_repository(root)
    ids_from_data = {p.stem.replace("indicator_", "") for p in data_files(root)}
    assert ids_from_data <= set(repo.indicators)
    assert set(repo.results) == set(repo.indicators)
    assert not [p for p in repo.problems if p.severity == "error"]  # configuration and schema read cleanly
    # Most indicators are importable; the rejected ones each carry at least one error with a file.
    assert len(repo.good()) > 0.9 * len(repo.indicators)
    for result in repo.rejected():
        assert result.errors and all(p.file for p in result.errors)
    # Clean data tables hold exactly the file's non-blank rows.
    for ind in repo.good():
        if ind.data is not None and ind.id in ids_from_data:
            path = root / "data" / f"indicator_{ind.id}.csv"
            if path.is_file():
                assert len(ind.data.rows) == len(csv_rows(path)) - 1, ind.id


@pytest.mark.parametrize(("name", "byte_identical"), [("los-angeles", 110), ("bristol", 150)])
def test_placeholders_found(name: str, byte_identical: int, shared_repo: Callable[[str], Path]) -> None:
    root = shared_repo(name)
    exact = {p.stem.replace("indicator_", "") for p in data_files(root) if p.read_bytes() == TEMPLATE}
    normalised = {
        p.stem.replace("indicator_", "")
        for p in data_files(root)
        if p.read_bytes().replace(b"\r\n", b"\n") == TEMPLATE
    }
    assert len(exact) == byte_identical  # the figures in the data README
    report = check_repository(root)
    # Same content with Windows line endings is the same placeholder (one such file in Bristol).
    assert set(report.placeholders) == normalised
    for ind_id in normalised:
        assert any(p.code == "placeholder-data" for p in report.results[ind_id].warnings)


def test_los_angeles_known_defects(shared_repo: Callable[[str], Path]) -> None:
    root = shared_repo("los-angeles")
    repo = read_repository(root)
    # Its config_data.yml names meta/*-*.yml files that do not exist; the Markdown metadata is read instead.
    assert any(p.code == "pattern-fallback" for p in repo.problems)
    assert repo.indicators["1-1-1"].meta["reporting_status"] == "complete"
    rows = csv_rows(root / "data" / "indicator_17-6-1.csv")
    dupes = [p for p in repo.results["17-6-1"].errors if p.code == "duplicate-row"]
    assert dupes
    for p in dupes:
        first = int(p.reason.rsplit(" ", 1)[1])
        assert p.row is not None and rows[p.row - 1][:-1] == rows[first - 1][:-1]


def test_bristol_non_numeric_values(shared_repo: Callable[[str], Path]) -> None:
    root = shared_repo("bristol")
    rows = csv_rows(root / "data" / "indicator_6-3-1.csv")
    expected = {n for n, r in enumerate(rows, start=1) if n > 1 and r[-1] == "n/a"}
    result = read_repository(root).results["6-3-1"]
    assert not result.ok
    assert {p.row for p in result.errors if p.code == "value-missing-word"} == expected


def test_uk_oddities(shared_repo: Callable[[str], Path]) -> None:
    root = shared_repo("uk-ons")
    repo = read_repository(root)
    # A data file starting with a blank line: read like Open SDG does (blank line skipped), with a note.
    assert (root / "data" / "indicator_3-3-5.csv").read_bytes().startswith((b"\r\n", b"\n"))
    assert repo.results["3-3-5"].ok
    assert any(p.code == "blank-lines" for p in repo.results["3-3-5"].problems)
    assert repo.indicators["3-3-5"].data is not None and repo.indicators["3-3-5"].data.columns[0] == "Year"
    # "There is no data for this indicator yet" rows are no-data markers, not observations.
    marker = repo.results["archived-1-a-1"]
    assert marker.ok and any(p.code == "no-data-marker" for p in marker.problems)
    assert repo.indicators["archived-1-a-1"].standalone
    total_rows = sum(len(i.data.rows) for i in repo.indicators.values() if i.data is not None)
    assert total_rows > 160_000


def test_usa_maps_and_trailing_columns(shared_repo: Callable[[str], Path]) -> None:
    root = shared_repo("usa")
    repo = read_repository(root)
    # 3-2-1 has two nameless, empty trailing columns: ignored, so Value is last.
    assert repo.indicators["3-2-1"].data is not None
    assert repo.indicators["3-2-1"].data.columns == ["Year", "Value"]
    assert any(p.code == "unnamed-empty-column" for p in repo.results["3-2-1"].warnings)
    # The column map turns "sex" into SEX and the code map turns "female" into F (4-1-1).
    table = repo.indicators["4-1-1"].data
    assert table is not None and "SEX" in table.columns and "sex" not in table.columns
    assert set(table.distinct("SEX")) <= {"F", "M"}
    assert repo.translations["en"]["SEX"]["F"] == "Female"
