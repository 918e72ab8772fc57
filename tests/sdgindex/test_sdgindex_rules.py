"""The SDSN rules beyond the formulas: ranking eligibility, applicability groups, dashboard-only indicators,
indicator-level output and trends, on small cases worked out by hand in the comments.

Fixtures: tests/fixtures/sdgindex/spec_groups.csv with values_groups.csv, and values_years.csv with spec.csv.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citydip.sdgindex.cli import app
from citydip.sdgindex.compute import Bounds, IndicatorSpec, SdgIndexError, applies_to_groups, compute_index
from citydip.sdgindex.io import read_spec, read_values_file
from citydip.sdgindex.output import DETAIL_HEADER
from citydip.sdgindex.pipeline import IndexFiles, IndexOptions, compute_files
from citydip.sdgindex.trends import goal_trend, indicator_trend, nearest_arrow, start_year

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdgindex"
runner = CliRunner()


def problems_of(call) -> str:
    with pytest.raises(SdgIndexError) as info:
        call()
    return "\n".join(info.value.problems)


@pytest.fixture(scope="module")
def groups_run():
    return compute_files(
        IndexFiles(FIXTURES / "values_groups.csv", FIXTURES / "spec_groups.csv"), IndexOptions()
    )


# --- applicability ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "groups", "applies"),
    [
        ((), (), True),
        (("OECD",), ("HIC", "OECD"), True),
        (("OECD",), ("HIC",), False),
        (("HIC", "OECD"), ("UMIC", "oecd"), True),  # any of the plain terms; names compare case-insensitively
        (("!HIC", "!OECD"), ("UMIC",), True),
        (("!HIC", "!OECD"), ("UMIC", "OECD"), False),  # none of the excluded ones
        (("!landlocked",), (), True),
        (("LIC", "!landlocked"), ("LIC", "landlocked"), False),
    ],
)
def test_applies_to_rule(terms, groups, applies):
    assert applies_to_groups(terms, groups) is applies


def test_spec_columns_and_groups_are_read():
    specs = {s.indicator: s for s in read_spec(FIXTURES / "spec_groups.csv")}
    assert specs["basic_water"].applies_to == ("!HIC", "!OECD") and specs["basic_water"].in_score
    assert specs["elderly_poverty"].applies_to == ("OECD",) and not specs["elderly_poverty"].in_score
    assert specs["fish"].in_score  # blank in_score: scored
    table = read_values_file(FIXTURES / "values_groups.csv", list(specs.values()))
    assert table.groups["Dland"] == frozenset({"HIC", "OECD", "landlocked"}) and not table.has_years


def test_scores_colours_and_eligibility_use_each_units_applicable_set(groups_run):
    by_city = groups_run.result.by_city()
    aland, bland, cland, dland, eland = (by_city[c] for c in ("Aland", "Bland", "Cland", "Dland", "Eland"))
    # Aland (HIC, OECD): poverty 4 -> 90, safe water 97 -> 94, fish 90 -> 90; the OECD-only elderly poverty
    # (dashboard only) does not enter goal 1's score ...
    assert (aland.goal_scores["1"], aland.goal_scores["6"], aland.goal_scores["14"]) == pytest.approx(
        (90, 94, 90)
    )
    assert aland.index == pytest.approx((90 + 94 + 90) / 3) and aland.applicable == 3
    # ... but colours it: poverty 2.2 (green) and elderly poverty 30 -> 0.5 (red) average 1.35: orange.
    assert aland.levels["elderly_poverty"] == pytest.approx(0.5) and aland.goal_colours["1"] == "orange"
    assert aland.normalised["elderly_poverty"] == pytest.approx(25.0)
    # Bland (LMIC): its safe-water value (99) does not apply and is ignored; basic water 70 -> 40, red.
    assert "safe_water" not in bland.normalised and bland.goal_scores["6"] == pytest.approx(40.0)
    assert bland.goal_colours["6"] == "red" and bland.goal_colours["14"] == "yellow"
    # Cland (landlocked): no goal 14 indicator applies, so goal 14 has no score and a grey tile; the index
    # is the mean of the two goals it has, and it is ranked on 2 applicable indicators.
    assert cland.goal_scores["14"] is None and cland.goal_colours["14"] == "grey"
    assert cland.index == pytest.approx((75 + 80) / 2) and cland.applicable == 2 and cland.missing == 0
    # Dland (HIC, OECD, landlocked): safe water missing is 1 of its 2 scored indicators (50 % > 20 %): scored,
    # coloured, not ranked, no index. Goal 6's only applicable coloured indicator has no data: grey.
    assert (dland.status, dland.rank, dland.index) == ("not_ranked", None, None)
    assert dland.goal_scores["1"] == pytest.approx(80.0) and dland.goal_colours["6"] == "grey"
    assert dland.goal_colours["1"] == "yellow"  # 1 of its 2 coloured goal-1 indicators: not fewer than half
    assert (
        eland.status == "not_ranked" and eland.missing == 2 and eland.goal_scores["6"] == pytest.approx(10.0)
    )
    assert {c.city: c.rank for c in groups_run.result.cities if c.rank} == {
        "Aland": 1,
        "Cland": 2,
        "Bland": 3,
    }


def test_regional_means_leave_out_cities_that_are_not_ranked():
    # North: A (goal 2 = 100) is ranked; B misses 2 of 3 indicators, so its goal 2 (0) stays out of North's
    # mean; C misses goal 2 and gets A's 100, not the mean of 100 and 0.
    specs = [
        IndicatorSpec(n, g, "higher", best=100.0, worst=0.0) for n, g in (("a", "1"), ("b", "2"), ("c", "3"))
    ]
    values = {"A": {"a": 50.0, "b": 100.0, "c": 50.0}, "B": {"b": 0.0}, "C": {"a": 60.0, "c": 60.0}}
    regions = dict.fromkeys(values, "North")
    by_city = compute_index(
        values, specs, regions=regions, impute_missing_goals="region", max_missing=40.0
    ).by_city()
    assert by_city["B"].status == "not_ranked" and by_city["B"].imputed_goals == []
    assert by_city["C"].goal_scores["2"] == pytest.approx(100.0) and by_city["C"].imputed_goals == ["2"]
    loose = compute_index(values, specs, regions=regions, impute_missing_goals="region", max_missing=None)
    assert loose.by_city()["C"].goal_scores["2"] == pytest.approx(50.0)


def test_the_limit_is_inclusive_and_configurable():
    # 1 of 5 missing is exactly 20 %: ranked under "at most 20 %", not under 19.9.
    specs = [IndicatorSpec(f"i{k}", "1", "higher", best=1.0, worst=0.0) for k in range(5)]
    values = {"X": {f"i{k}": 0.5 for k in range(4)}, "Y": {f"i{k}": 0.4 for k in range(5)}}
    assert compute_index(values, specs).by_city()["X"].rank == 1
    assert compute_index(values, specs, max_missing=19.9).by_city()["X"].rank is None


def test_bounds_are_derived_from_the_units_the_indicator_applies_to():
    # Best = mean of the top five applicable values; Z's 1000 (not applicable) would otherwise dominate it.
    spec = IndicatorSpec("x", "1", "higher", worst=0.0, applies_to=("member",))
    values = {"A": {"x": 10.0}, "B": {"x": 20.0}, "Z": {"x": 1000.0}}
    groups = {"A": ["member"], "B": ["member"], "Z": []}
    result = compute_index(values, [spec], groups=groups)
    assert result.bounds["x"] == Bounds(best=15.0, worst=0.0, best_derived=True)
    assert result.by_city()["Z"].status == "no_data" and result.by_city()["Z"].applicable == 0


# --- reading groups and years ---------------------------------------------------------------------------


def test_spec_and_values_problems_name_file_row_and_field(tmp_path):
    spec = tmp_path / "s.csv"
    spec.write_text("indicator,goal,direction,applies_to,in_score\na,1,higher,!,maybe\nb,1,higher,all,no\n")
    text = problems_of(lambda: read_spec(spec))
    assert "s.csv, row 2, field 'applies_to': '!' has an empty group after '!'" in text
    assert "s.csv, row 2, field 'in_score': 'maybe' must be yes or no" in text
    spec.write_text("indicator,goal,direction,best,worst\na,1,higher,1,0\n")
    specs = read_spec(spec)
    values = tmp_path / "v.csv"
    values.write_text("city,indicator,value,group\nA,a,1,X\nA,a,2,Y\n")
    assert "v.csv, row 3: second value for 'A' / 'a'" in problems_of(lambda: read_values_file(values, specs))
    values.write_text("city,group,year,a\nA,X,2020,1\nA,Y,2021,2\nB,,20x0,1\nB,,2019,1\nB,,2019,2\n")
    text = problems_of(lambda: read_values_file(values, specs))
    assert "v.csv, row 3, field 'group': 'Y' differs from 'X' given for 'A' on row 2" in text
    assert "v.csv, row 4, field 'year': '20x0' is not a year (1900-2100)" in text
    assert "v.csv, row 6: city 'B' in 2019 already on row 5" in text


def test_values_with_years_use_each_citys_latest_value(tmp_path):
    specs = read_spec(FIXTURES / "spec.csv")
    table = read_values_file(FIXTURES / "values_years.csv", specs)
    assert table.has_years and table.values["Aland"] == {"poverty": 12.0, "water": 96.0, "obesity": 15.0}
    assert table.years["Bland"] == {"poverty": 2017, "water": 2016, "obesity": 2017}
    assert table.series["Aland"]["poverty"] == {2012: 30.0, 2015: 20.0, 2017: 12.0}
    plain = tmp_path / "h.csv"
    plain.write_text("city,indicator,value\nAland,poverty,3\n")
    files = IndexFiles(FIXTURES / "values_long.csv", FIXTURES / "spec.csv", history=plain)
    assert "h.csv: a history file needs a year column" in problems_of(
        lambda: compute_files(files, IndexOptions())
    )


# --- trends -------------------------------------------------------------------------------------------------

POVERTY = IndicatorSpec("poverty", "1", "lower", best=0.0, worst=40.0, green=5.0, red=20.0)
POVERTY_BOUNDS = Bounds(best=0.0, worst=40.0)  # green 5 normalises to 87.5


@pytest.mark.parametrize(
    ("series", "arrow", "observed", "required"),
    [
        # 30 -> 12 over 2012-2017: 25 -> 70 is +9 a year; green by 2030 needs (87.5 - 70) / 13 = 1.35.
        ({2012: 30.0, 2015: 20.0, 2017: 12.0}, "on_track", 9.0, 17.5 / 13),
        # 30 -> 28: +1 a year where 57.5 / 13 = 4.42 is needed: below half.
        ({2012: 30.0, 2017: 28.0}, "stagnating", 1.0, 57.5 / 13),
        # 30 -> 25: 25 -> 37.5 is +2.5 a year: at least half of the 50 / 13 = 3.85 needed, but below it.
        ({2012: 30.0, 2017: 25.0}, "moderately_improving", 2.5, 50 / 13),
        ({2012: 20.0, 2017: 30.0}, "decreasing", -5.0, 62.5 / 13),
        # Green now (4 <= 5) and not falling: maintaining; green but falling: decreasing.
        ({2012: 4.0, 2017: 4.0}, "maintaining", 0.0, None),
        ({2012: 2.0, 2017: 4.0}, "decreasing", -1.0, None),
    ],
)
def test_indicator_trend_arrows(series, arrow, observed, required):
    trend = indicator_trend(series, POVERTY, POVERTY_BOUNDS)
    assert trend is not None and trend.arrow == arrow
    assert trend.observed == pytest.approx(observed)
    assert (trend.required is None) if required is None else trend.required == pytest.approx(required)


def test_trend_window_and_missing_cases():
    # The window starts at the earliest year 3 to 5 years before the latest (5-year window).
    assert start_year([2010, 2012, 2013, 2016, 2017], 2017, 5) == 2012
    assert start_year([2015, 2016, 2017], 2017, 5) is None  # two years apart is too short
    assert start_year([2008, 2015], 2017, 10) == 2008
    assert indicator_trend({2016: 10.0, 2017: 9.0}, POVERTY, POVERTY_BOUNDS) is None
    no_thresholds = IndicatorSpec("x", "1", "lower", best=0.0, worst=40.0)
    assert indicator_trend({2012: 30.0, 2017: 10.0}, no_thresholds, POVERTY_BOUNDS) is None
    assert indicator_trend({2022: 30.0, 2032: 10.0}, POVERTY, POVERTY_BOUNDS, window=10) is not None


def test_goal_trend_needs_75_percent_and_rounds_to_the_nearest_arrow():
    on, stag, dec = (indicator_trend(s, POVERTY, POVERTY_BOUNDS) for s in (
        {2012: 30.0, 2017: 12.0}, {2012: 30.0, 2017: 28.0}, {2012: 20.0, 2017: 30.0}))  # fmt: skip
    assert goal_trend([on, stag, dec], 4, 75.0) is not None  # 3 of 4
    assert goal_trend([on, stag], 3, 75.0) is None  # 2 of 3
    shown = goal_trend([on, stag, dec], 3, 75.0)
    assert shown is not None and shown.score == pytest.approx((3 + 1 + 0) / 3) and shown.arrow == "stagnating"
    assert [nearest_arrow(x) for x in (0.49, 0.5, 1.5, 2.49, 3.5, 4.0)] == [
        "decreasing", "stagnating", "moderately_improving", "moderately_improving", "maintaining", "maintaining",
    ]  # fmt: skip


def test_cli_trends_and_indicator_detail(tmp_path):
    out, detail = tmp_path / "out.csv", tmp_path / "detail.csv"
    result = runner.invoke(
        app,
        ["compute", "--values", str(FIXTURES / "values_years.csv"), "--spec", str(FIXTURES / "spec.csv"),
         "--max-missing", "100", "--out", str(out), "--detail", str(detail)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {r["city"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    # Goal 1 has two coloured indicators and Aland a trend for one (50 % < 75 %): no goal trend. Goal 6's
    # water: Aland green (96) but falling from 97 (2013): decreasing; Bland 60 -> 80 (2011-2016) is +8 a
    # year where (90 - 60) / 14 is needed: on track.
    assert rows["Aland"]["goal_1_trend"] == "" and rows["Aland"]["goal_6_trend"] == "decreasing"
    assert rows["Bland"]["goal_6_trend"] == "on_track"
    lines = list(csv.DictReader(detail.open(encoding="utf-8")))
    assert list(lines[0]) == DETAIL_HEADER and len(lines) == 2 * 4  # two cities, four indicators each
    poverty = next(r for r in lines if (r["city"], r["indicator"]) == ("Aland", "poverty"))
    assert (poverty["year"], poverty["value"], poverty["normalised"]) == ("2017", "12.000000", "70.000000")
    assert (poverty["trend"], poverty["trend_from_year"], poverty["trend_to_year"]) == (
        "on_track",
        "2012",
        "2017",
    )
    assert poverty["rescaled_0_3"] == f"{1 + 8 / 15:.6f}" and poverty["colour"] == "yellow"
    income = next(r for r in lines if (r["city"], r["indicator"]) == ("Aland", "income"))
    assert income["value"] == income["normalised"] == income["colour"] == income["trend"] == ""


def test_cli_detail_lists_only_applicable_indicators(tmp_path, groups_run):
    detail = tmp_path / "d.csv"
    result = runner.invoke(
        app, ["compute", "--values", str(FIXTURES / "values_groups.csv"), "--spec", str(FIXTURES / "spec_groups.csv"),
              "--detail", str(detail)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = list(csv.DictReader(detail.open(encoding="utf-8")))
    listed = {(r["city"], r["indicator"]) for r in lines}
    assert ("Bland", "safe_water") not in listed and ("Bland", "elderly_poverty") not in listed
    assert ("Cland", "fish") not in listed and len([r for r in lines if r["city"] == "Aland"]) == 4
    elderly = next(r for r in lines if (r["city"], r["indicator"]) == ("Aland", "elderly_poverty"))
    assert (elderly["in_score"], elderly["colour"], elderly["rescaled_0_3"]) == ("no", "red", "0.500000")
    assert result.stdout.splitlines()[0].endswith("status,status_reason")
    by_city = {r["city"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert (
        by_city["Dland"]["status_reason"] == "1 of 2 applicable indicators missing (50.0 %, more than 20 %)"
    )
    assert by_city["Dland"]["goal_6_colour"] == "grey" and by_city["Cland"]["indicators_applicable"] == "2"


def test_cli_option_errors_are_messages(tmp_path):
    result = runner.invoke(
        app, ["compute", "--values", str(FIXTURES / "values_long.csv"), "--spec", str(FIXTURES / "spec.csv"),
              "--max-missing", "120", "--trend-window", "1"],
    )  # fmt: skip
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        "between 0 and 100 percent" in result.stderr
        and "trend window must be between 2 and 30" in result.stderr
    )
