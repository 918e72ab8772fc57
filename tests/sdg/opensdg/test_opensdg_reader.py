"""Reading an Open SDG repository: data, metadata in every format, maps, translations, per-indicator problems."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from citydip.sdg.opensdg import read_repository, safeio, snapshot
from citydip.sdg.opensdg.model import Problem


def codes(problems: list[Problem], severity: str | None = None) -> set[str]:
    return {p.code for p in problems if severity is None or p.severity == severity}


def find(problems: list[Problem], code: str) -> Problem:
    matches = [p for p in problems if p.code == code]
    assert matches, f"no {code} among {[p.code for p in problems]}"
    return matches[0]


def test_clean_indicator_reads_with_bom_and_crlf(mini: Path) -> None:
    repo = read_repository(mini)
    result = repo.results["1-1-1"]
    assert result.ok
    table = result.indicator.data
    assert table is not None
    assert table.columns == ["Year", "Sex", "Age", "Units", "Value"]  # no BOM glued to "Year"
    assert table.rows[0] == ["2015", "", "", "Percent", "10"]  # no stray carriage returns
    assert len(table.rows) == 10
    assert table.disaggregation_columns() == ["Sex", "Age"]
    assert table.dimensions() == {"Sex": ["Female", "Male"], "Age": ["Under 18"]}
    assert table.distinct("Units") == ["Percent", "Count"]


def test_empty_values_and_period_labels_are_notes_not_errors(mini: Path) -> None:
    problems = read_repository(mini).results["1-1-1"].problems
    empty = find(problems, "value-empty")
    assert empty.severity == "info" and empty.row == 8 and empty.column == "Value"
    periods = find(problems, "period-labels")
    assert periods.severity == "info" and "2017-18" in periods.reason


def test_observations_resolve_attributes_and_headline(mini: Path) -> None:
    table = read_repository(mini).indicators["11-1-1"].data
    assert table is not None
    obs = list(table.observations())
    assert len(obs) == 5
    first = obs[0]
    assert first.year == "2018" and first.year_start == 2018 and first.value == 12.5
    assert first.series == "Households in informal settlements" and first.unit == "Percent"
    assert first.observation_status == "Normal value" and first.is_headline
    rural = obs[2]
    assert rural.disaggregations == (("Urbanisation", "Rural"),)
    assert rural.footnote == "survey sample small" and not rural.is_headline
    assert obs[4].geocode == "E09000001"
    # Period labels keep their text and expose the start year.
    periods = [
        o for o in read_repository(mini).indicators["1-1-1"].data.observations() if o.year == "2017-18"
    ]
    assert periods[0].year_start == 2017
    # Rows without a value can be left out.
    with_values = list(read_repository(mini).indicators["1-1-1"].data.observations(include_empty=False))
    assert len(with_values) == 9


def test_broken_values_each_named_with_file_row_column(mini: Path) -> None:
    result = read_repository(mini).results["3-1-1"]
    assert not result.ok
    by_code = {p.code: p for p in result.errors}
    assert by_code["value-thousands-separator"].row == 2
    assert "write 1234" in by_code["value-thousands-separator"].reason
    assert by_code["value-footnote-marker"].row == 4 and "12.5" in by_code["value-footnote-marker"].reason
    assert by_code["value-missing-word"].row == 5
    assert by_code["stray-whitespace"].row == 3 and by_code["stray-whitespace"].column == "Sex"
    assert by_code["empty-row"].row == 6
    assert by_code["duplicate-row"].row == 8 and "row 7" in by_code["duplicate-row"].reason
    assert all(p.file == "data/indicator_3-1-1.csv" for p in result.errors)


def test_header_problems_reject_the_indicator(mini: Path) -> None:
    repo = read_repository(mini)
    assert "header-year-first" in codes(repo.results["3-2-1"].errors)
    value_last = find(repo.results["5-1-1"].errors, "header-value-last")
    assert "column 2" in value_last.reason
    assert repo.indicators["5-1-1"].data is None


def test_non_utf8_file_is_refused_with_its_name(mini: Path) -> None:
    error = find(read_repository(mini).results["4-1-1"].errors, "file-not-utf8")
    assert error.file == "data/indicator_4-1-1.csv"
    assert "0xe9" in error.reason and "line 1" in error.reason


def test_map_without_geocode_and_metadata_checks(mini: Path) -> None:
    repo = read_repository(mini)
    assert find(repo.results["6-1-1"].errors, "map-without-geocode").file == "meta/6-1-1.md"
    meta_only = repo.results["9-1-1"]
    assert find(meta_only.errors, "meta-required").column == "reporting_status"
    assert find(meta_only.errors, "meta-option").column == "graph_type"
    unknown = find(meta_only.warnings, "meta-unknown-field")
    assert unknown.column == "source_organisaton_1"
    # A field the schema lists under another source number is not "unknown".
    assert "meta-unknown-field" not in codes(repo.results["1-1-1"].problems)


def test_placeholder_is_flagged_never_real(mini: Path) -> None:
    repo = read_repository(mini)
    result = repo.results["1-2-1"]
    assert result.indicator.placeholder == "starter-template"
    assert {"placeholder-data", "placeholder-published"} <= codes(result.warnings)
    assert all(repo.indicators[i].placeholder is None for i in repo.indicators if i != "1-2-1")


def test_markdown_yaml_and_csv_metadata(mini: Path) -> None:
    repo = read_repository(mini)
    ind = repo.indicators["1-1-1"]
    assert ind.meta["indicator_name"] == "Share of people below the poverty line"
    assert ind.meta["page_content"] == "\nPoverty is measured against the national line.\n"
    assert ind.meta["tags"] == ["Poverty"]
    assert ind.meta_translations["es"]["graph_title"] == "Personas bajo la línea de pobreza"
    assert ind.meta_for("es")["indicator_name"].startswith("Proporción")
    assert ind.meta_for("es")["computation_units"] == "Percent"  # falls back to the default language
    # indicator-config is kept apart, as a dict, progress options included.
    config = repo.indicators["8-1-1"].config
    assert config["progress_calculation_options"] == [{"direction": "positive", "target": 60}]
    assert repo.indicators["8-1-1"].reporting_status == "complete"
    # label,value CSV metadata goes through the mapping; yes/no text in a checkbox becomes a boolean.
    csv_meta = repo.indicators["2-1-1"].meta
    assert csv_meta["indicator_name"] == "Hectares of protected green space per resident"
    assert csv_meta["data_non_statistical"] is False
    assert csv_meta["page_content"] == "Measured from the city's land register."
    assert "Unit of measurement" not in csv_meta
    assert find(repo.results["2-1-1"].warnings, "meta-label-unmapped").row == 7


def test_column_and_code_maps_apply(mini: Path) -> None:
    repo = read_repository(mini)
    table = repo.indicators["8-1-1"].data
    assert table is not None
    assert table.columns == ["Year", "SEX", "Value"]
    assert [r[1] for r in table.rows] == ["", "F", "M"]
    assert "column-mapped" in codes(repo.results["8-1-1"].problems, "info")


def test_translations_schema_and_settings(mini: Path) -> None:
    repo = read_repository(mini)
    assert repo.languages == ["en", "es"]
    assert repo.translations["es"]["SEX"]["F"] == "Mujer"
    assert repo.translations["es"]["data"]["Under 18"] == "Menores de 18"
    assert [f["name"] for f in repo.schema][:2] == ["reporting_status", "data_non_statistical"]
    assert repo.config_first is False  # metadata inputs come before indicator-config in the fixture
    skipped = {p.code for p in repo.problems}
    assert {"input-not-read", "translations-not-read"} <= skipped


def test_good_and_rejected_partition(mini: Path) -> None:
    repo = read_repository(mini)
    good = {i.id for i in repo.good()}
    bad = {r.indicator.id for r in repo.rejected()}
    assert good == {"1-1-1", "1-2-1", "2-1-1", "8-1-1", "11-1-1"}
    assert bad == {"3-1-1", "3-2-1", "4-1-1", "5-1-1", "6-1-1", "9-1-1"}


def test_size_limit_refuses_large_files(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(mini, copy)
    big = copy / "data" / "indicator_7-1-1.csv"
    big.write_text("Year,Value\n" + "".join(f"{2000 + i % 20},{i}\n" for i in range(2000)), encoding="utf-8")
    limit = 8000
    assert big.stat().st_size > limit
    assert all(p.stat().st_size < limit for p in copy.rglob("*") if p.is_file() and p != big)
    monkeypatch.setattr(safeio, "MAX_FILE_BYTES", limit)
    repo = read_repository(copy)
    too_large = find(repo.results["7-1-1"].errors, "file-too-large")
    assert too_large.file == "data/indicator_7-1-1.csv" and "limit" in too_large.reason
    assert repo.indicators["7-1-1"].data is None
    assert all("file-too-large" not in codes(r.problems) for i, r in repo.results.items() if i != "7-1-1")


def test_read_text_decodes_utf8_with_and_without_bom(tmp_path: Path) -> None:
    plain = tmp_path / "a.csv"
    plain.write_bytes("Year,Région\n".encode())
    marked = tmp_path / "b.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + "Year,Région\n".encode())
    assert safeio.read_text(plain, "a.csv") == safeio.read_text(marked, "b.csv") == "Year,Région\n"
    with pytest.raises(safeio.InputFileError, match=re.escape("b.csv: is 16 bytes, over the 5 bytes limit")):
        safeio.read_text(marked, "b.csv", max_bytes=5)


def test_zip_reads_like_the_folder(mini: Path, tmp_path: Path) -> None:
    archive = tmp_path / "mini.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(mini.rglob("*")):
            if path.is_file():
                zf.write(path, Path("mini-main") / path.relative_to(mini))
    assert snapshot(read_repository(archive)) == snapshot(read_repository(mini))


def test_zip_bomb_and_escaping_paths_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/indicator_1-1-1.csv", b"\0" * (8 * 1024 * 1024))
    repo = read_repository(bomb)
    assert not repo.indicators
    assert repo.problems[0].code == "zip-bomb" and "bomb.zip" in (repo.problems[0].file or "")

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../outside.csv", "Year,Value\n2015,1\n")
    repo = read_repository(evil)
    assert repo.problems[0].code == "zip-unsafe"
    assert not (tmp_path / "outside.csv").exists()


def test_missing_repository_is_a_clear_error(tmp_path: Path) -> None:
    repo = read_repository(tmp_path / "nowhere")
    assert repo.problems[0].code == "repository-missing"
    not_a_repo = tmp_path / "file.csv"
    not_a_repo.write_text("Year,Value\n2015,1\n", encoding="utf-8")
    assert read_repository(not_a_repo).problems[0].code == "repository-not-folder"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no-indicators" in codes(read_repository(empty).problems, "error")


def test_config_pattern_fallback_and_unread_files(mini: Path, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(mini, copy)
    config = (copy / "config_data.yml").read_text(encoding="utf-8")
    # As in Los Angeles' repository: the config names 2.x YAML metadata, the folder holds 1.x Markdown.
    config = config.replace(
        "class: InputYamlMdMeta\n    path_pattern: meta/*-*.md",
        "class: InputYamlMeta\n    path_pattern: meta/*-*.yml",
    )
    assert "meta/*-*.yml" in config
    (copy / "config_data.yml").write_text(config, encoding="utf-8")
    (copy / "data" / "notes.txt").write_text("not data\n", encoding="utf-8")
    repo = read_repository(copy)
    fallback = find(repo.problems, "pattern-fallback")
    assert "meta/*-*.md" in fallback.reason
    assert repo.indicators["1-1-1"].meta["indicator_name"] == "Share of people below the poverty line"
    assert find(repo.problems, "file-not-read").file == "data/notes.txt"
