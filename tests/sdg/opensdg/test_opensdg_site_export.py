"""Publishing Open SDG site files: our fixture in two languages, and Los Angeles against sdg-build 2.3.0."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from citydip.sdg.opensdg import export_opensdg, read_repository

PER_INDICATOR = [
    "data/{}.csv",
    "data/{}.json",
    "headline/{}.csv",
    "headline/{}.json",
    "edges/{}.csv",
    "edges/{}.json",
    "comb/{}.json",
    "meta/{}.json",
]
SITE_WIDE = [
    "meta/all.json",
    "meta/schema.json",
    "headline/all.json",
    "stats/reporting.json",
    "stats/disaggregation.json",
]


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def typed(value: Any) -> Any:
    """JSON value with its number type made explicit, so 10 and 10.0 compare as different."""
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


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory: pytest.TempPathFactory, mini: Path) -> Path:
    out = tmp_path_factory.mktemp("site")
    summary = export_opensdg(read_repository(mini), out)
    assert summary.languages == ["en", "es"]
    assert summary.files == 2 * (11 * len(PER_INDICATOR) + len(SITE_WIDE))
    return out


def test_every_file_an_open_sdg_site_reads(mini_site: Path) -> None:
    ids = ["1-1-1", "1-2-1", "2-1-1", "3-1-1", "3-2-1", "4-1-1", "5-1-1", "6-1-1", "8-1-1", "9-1-1", "11-1-1"]
    for language in ("en", "es"):
        expected = {p.format(i) for i in ids for p in PER_INDICATOR} | set(SITE_WIDE)
        found = {
            p.relative_to(mini_site / language).as_posix()
            for p in (mini_site / language).rglob("*")
            if p.is_file()
        }
        assert found == expected


def test_data_typed_like_open_sdg(mini_site: Path) -> None:
    rows = read_csv(mini_site / "en" / "data" / "1-1-1.csv")
    assert rows[0] == ["Year", "Sex", "Age", "Units", "Value"]
    # A column with an empty cell is decimal, so 10 is written 10.0; Year holds a period label so it is text.
    assert rows[1] == ["2015", "", "", "Percent", "10.0"]
    data = read_json(mini_site / "en" / "data" / "1-1-1.json")
    assert data["Year"][0] == "2015" and data["Value"][0] == 10.0 and data["Sex"][0] is None
    assert data["Value"][6] is None
    whole = read_json(mini_site / "en" / "data" / "2-1-1.json")
    assert whole == {"Year": [2019, 2020], "Value": [3.5, 3.25]}
    assert read_json(mini_site / "en" / "data" / "4-1-1.json") == []  # unreadable file: no data


def test_headline_edges_and_comb(mini_site: Path) -> None:
    en = mini_site / "en"
    assert read_json(en / "headline" / "1-1-1.json") == [
        {"Year": "2015", "Value": 10.0, "Units": "Percent"},
        {"Year": "2016", "Value": 9.8, "Units": "Percent"},
        {"Year": "2017-18", "Value": 9.1, "Units": "Percent"},
        {"Year": "2016", "Value": 1200.0, "Units": "Count"},
    ]
    # Sex and Age each appear without the other, so neither is the other's parent.
    assert read_csv(en / "edges" / "1-1-1.csv") == [["From", "To"]]
    assert read_json(en / "edges" / "1-1-1.json") == []
    comb = read_json(en / "comb" / "1-1-1.json")
    assert comb == {
        "data": read_json(en / "data" / "1-1-1.json"),
        "edges": read_json(en / "edges" / "1-1-1.json"),
    }
    assert read_json(en / "headline" / "all.json")["1-1-1"] == read_json(en / "headline" / "1-1-1.json")


def test_translated_build(mini_site: Path) -> None:
    es, en = mini_site / "es", mini_site / "en"
    assert read_csv(es / "data" / "1-1-1.csv")[0] == ["Year", "Sexo", "Edad", "Units", "Value"]
    assert read_csv(es / "data" / "1-1-1.csv")[2] == ["2015", "Mujer", "", "Porcentaje", "11.5"]
    # Codes from the code map are shown through their translation group (SEX.F).
    assert read_json(en / "data" / "8-1-1.json")["Sex"] == [None, "Female", "Male"]
    assert read_json(es / "data" / "8-1-1.json")["Sexo"] == [None, "Mujer", "Hombre"]
    meta_es = read_json(es / "meta" / "1-1-1.json")
    assert meta_es["indicator_name"] == "Proporción de personas bajo la línea de pobreza"
    # Metadata values are looked up in the "data" translation group, as Open SDG's builder does.
    assert meta_es["computation_units"] == "Porcentaje"
    assert meta_es["national_geographical_coverage"] == "Mini City"
    assert read_json(en / "meta" / "1-1-1.json")["indicator_name"] == "Share of people below the poverty line"


def test_meta_gets_open_sdg_defaults(mini_site: Path) -> None:
    meta = read_json(mini_site / "en" / "meta" / "9-1-1.json")
    assert meta["indicator"] == "9.1.1" and meta["target_id"] == "9.1" and meta["sdg_goal"] == "9"
    assert meta["indicator_number"] == "9.1.1" and meta["goal_number"] == "9"
    assert meta["reporting_status"] == "notstarted"  # no data, statistical
    assert meta["data_non_statistical"] is True  # the builder's default when there is no data
    assert meta["graph_title"] == "Metadata only, status missing"
    assert meta["indicator_sort_order"] == "09-01-01"
    assert meta["page_content"] == "Nothing measured yet.\n"
    assert read_json(mini_site / "en" / "meta" / "11-1-1.json")["indicator_sort_order"] == "11-01-01"
    config_meta = read_json(mini_site / "en" / "meta" / "8-1-1.json")
    assert config_meta["progress_calculation_options"] == [{"direction": "positive", "target": 60}]


def test_reporting_and_disaggregation_stats(mini_site: Path) -> None:
    report = read_json(mini_site / "en" / "stats" / "reporting.json")
    assert report["statuses"] == [{"value": "complete"}, {"value": "inprogress"}, {"value": "notstarted"}]
    overall = {s["status"]: s["count"] for s in report["overall"]["statuses"]}
    # complete: 1-1-1 1-2-1 2-1-1 3-1-1 6-1-1 8-1-1 11-1-1; inprogress: 3-2-1; notstarted: 4-1-1 5-1-1 9-1-1
    assert overall == {"complete": 7, "inprogress": 1, "notstarted": 3}
    assert report["overall"]["totals"] == {"total": 11}
    goals = {g["goal"]: {s["status"]: s["count"] for s in g["statuses"]} for g in report["goals"]}
    assert list(goals) == [1, 2, 3, 4, 5, 6, 8, 9, 11]
    assert goals[3] == {"complete": 1, "inprogress": 1, "notstarted": 0}
    assert report["goals"][2]["statuses"][0]["percentage"] == 50.0
    dis = read_json(mini_site / "en" / "stats" / "disaggregation.json")
    counts = {s["status"]: s["count"] for s in dis["overall"]["statuses"]}
    # Only 11-1-1 expects disaggregations (Urbanisation, Sex) and it has one of them.
    assert counts == {"complete": 0, "inprogress": 1, "notstarted": 0, "notapplicable": 10}
    assert [g["goal"] for g in dis["goals"]] == ["1", "2", "3", "4", "5", "6", "8", "9", "11"]


def test_placeholder_data_can_be_left_out(tmp_path: Path, mini: Path) -> None:
    export_opensdg(read_repository(mini), tmp_path, ["en"], include_placeholder_data=False)
    assert read_json(tmp_path / "en" / "data" / "1-2-1.json") == []
    assert read_json(tmp_path / "en" / "meta" / "1-2-1.json")["reporting_status"] == "complete"


# --------------------------------------------------------------------------------- Los Angeles vs sdg-build

#: Every way our export deliberately differs from what sdg-build 2.3.0 published, with the reason.
DELIBERATE_DIFFERENCES = {
    "meta: national_metadata_updated_date, national_data_updated_date": (
        "sdg-build fills these from the git history of each meta/ and data/ file; the shared copy of the "
        "repository has no git history and the model does not invent dates (storage will record its own "
        "'last updated'), so our meta/*.json and meta/all.json leave them out."
    ),
}
GIT_DATE_FIELDS = ("national_metadata_updated_date", "national_data_updated_date")


def _without_git_dates(rel: str, value: Any) -> Any:
    if rel == "meta/all.json":
        return {k: {f: v for f, v in m.items() if f not in GIT_DATE_FIELDS} for k, m in value.items()}
    if rel.startswith("meta/") and rel != "meta/schema.json":
        return {f: v for f, v in value.items() if f not in GIT_DATE_FIELDS}
    return value


@pytest.mark.shared_data
def test_los_angeles_export_matches_sdg_build(tmp_path: Path, shared_repo: Callable[[str], Path]) -> None:
    la = shared_repo("los-angeles")
    reference = la / "_sdg-build-2.3.0-output" / "en"
    # Read with the configuration sdg-build ran with (metadata from meta/*.md).
    repo = read_repository(la, config_file=la / "_sdg-build-2.3.0-output" / "config_used.yml")
    export_opensdg(repo, tmp_path, ["en"])
    ours = tmp_path / "en"

    ref_files = {p.relative_to(reference).as_posix() for p in reference.rglob("*") if p.is_file()}
    our_files = {p.relative_to(ours).as_posix() for p in ours.rglob("*") if p.is_file()}
    assert our_files == ref_files
    assert len(ref_files) == 247 * len(PER_INDICATOR) + len(SITE_WIDE)

    differences: list[str] = []
    git_dates_seen = 0
    for rel in sorted(ref_files):
        if rel.endswith(".json"):
            expected = read_json(reference / rel)
            if rel.startswith("meta/") and rel != "meta/schema.json":
                git_dates_seen += sum(
                    1
                    for m in (expected.values() if rel == "meta/all.json" else [expected])
                    for f in GIT_DATE_FIELDS
                    if f in m
                )
            if typed(_without_git_dates(rel, expected)) != typed(read_json(ours / rel)):
                differences.append(rel)
        elif read_csv(reference / rel) != read_csv(ours / rel):
            differences.append(rel)
    assert differences == [], f"unexplained differences: {differences[:20]}"
    # The deliberate difference is real (the reference carries the git dates we leave out).
    assert git_dates_seen == 2 * 2 * 247
    assert len(DELIBERATE_DIFFERENCES) == 1
