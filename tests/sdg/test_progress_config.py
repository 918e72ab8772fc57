"""Progress options read from indicator-config (Open SDG keys), and series selection from data rows."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from citydip.sdgprogress.method.observations import (
    ProgressDataError,
    indicator_progress_from_rows,
    select_observations,
)
from citydip.sdgprogress.method.options import (
    ProgressConfigError,
    parse_progress_config,
    progress_config_to_dict,
)
from citydip.sdgprogress.method.types import (
    Disaggregation,
    IndicatorProgressConfig,
    ProgressGroup,
    SeriesOptions,
    Thresholds,
)

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

# The examples of Open SDG's indicator-configuration documentation, as YAML.
DOC_EXAMPLE = """
auto_progress_calculation: true
progress_calculation_options:
- series: Lost time claims
  direction: negative
- group:
  - series: Fatality claims
    disaggregation:
    - field: Geography
      value: Canada
    - field: Gender
      value: Male
    direction: negative
    unit: percentage
    limit: 0
  - series: Fatality claims
    disaggregation:
    - field: Geography
      value: Canada
    - field: Gender
      value: Female
    direction: negative
    unit: persons per thousand
    target: 85
    base_year: 2016-17
    target_year: 2035
"""


def test_open_sdg_documentation_example_parses():
    yaml = pytest.importorskip("yaml")
    config = parse_progress_config(yaml.safe_load(DOC_EXAMPLE))
    assert config.auto is True
    first, group = config.items
    assert first == SeriesOptions(series="Lost time claims", direction="negative")
    assert isinstance(group, ProgressGroup)
    male, female = group.items
    assert male.disaggregation == (Disaggregation("Geography", "Canada"), Disaggregation("Gender", "Male"))
    assert (male.unit, male.limit, male.target) == ("percentage", 0.0, None)
    assert (female.target, female.base_year, female.target_year) == (85.0, 2016, 2035)


def test_defaults_and_round_trip():
    config = parse_progress_config({"auto_progress_calculation": True})
    assert config.items == (SeriesOptions(),)
    assert config.items[0].base_year == 2015 and config.items[0].target_year == 2030
    assert config.items[0].direction == "negative"
    nested = IndicatorProgressConfig(
        auto=True,
        items=(
            SeriesOptions(unit="%", target=0.0, direction="positive", method="unsd"),
            ProgressGroup(items=(ProgressGroup(items=(SeriesOptions(limit=100.0, base_year=2014),)),)),
        ),
        manual_status="moderate_progress",
    )
    assert parse_progress_config(progress_config_to_dict(nested)) == nested


def test_partial_thresholds_are_completed_from_the_method_defaults():
    with_target = parse_progress_config(
        {"progress_calculation_options": [{"target": 5, "progress_thresholds": {"high": 0.9}}]}
    )
    assert with_target.items[0].thresholds == Thresholds(high=0.9, med=0.6, low=0.0)
    no_target = parse_progress_config(
        {"progress_calculation_options": [{"progress_thresholds": {"med": 0.01}}]}
    )
    assert no_target.items[0].thresholds == Thresholds(high=0.015, med=0.01, low=0.0)


@pytest.mark.parametrize(
    ("meta", "where"),
    [
        ({"progress_calculation_options": [{"target": "ten"}]}, "progress_calculation_options[0].target"),
        (
            {"progress_calculation_options": [{"direction": "up"}]},
            "progress_calculation_options[0].direction",
        ),
        (
            {"progress_calculation_options": [{"base_year": "soon"}]},
            "progress_calculation_options[0].base_year",
        ),
        ({"progress_calculation_options": [{"group": []}]}, "progress_calculation_options[0].group"),
        (
            {"progress_calculation_options": [{"group": [{"limit": "x"}]}]},
            "progress_calculation_options[0].group[0].limit",
        ),
        ({"progress_calculation_options": [{"disaggregation": [{"field": "Sex"}]}]}, "disaggregation[0]"),
        ({"progress_calculation_options": "yes"}, "expected a list"),
        ({"auto_progress_calculation": "maybe"}, "auto_progress_calculation"),
        ({"progress_status": "great"}, "progress_status"),
        ({"progress_calculation_options": [{"method": "sdsn"}]}, "method"),
        ({"progress_calculation_options": [{"progress_thresholds": {"high": 0.001}}]}, "high >= med"),
    ],
)
def test_bad_options_name_the_source_and_field(meta, where):
    with pytest.raises(ProgressConfigError) as info:
        parse_progress_config(meta, source="indicator-config/3-4-1.yml")
    assert str(info.value).startswith("indicator-config/3-4-1.yml: ")
    assert where in str(info.value)


@pytest.mark.shared_data
@pytest.mark.parametrize("site", ["usa", "cape-town"])
def test_real_indicator_configs_parse(site):
    yaml = pytest.importorskip("yaml")
    folder = SHARED / "opensdg" / site / "indicator-config"
    if not folder.is_dir():
        pytest.skip(
            f"../shared/data/opensdg/{site}/indicator-config absent: real Open SDG configs not available"
        )
    files = sorted(folder.glob("*.yml"))
    assert files
    for path in files:
        meta = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
        config = parse_progress_config(meta, source=path.name)
        # None of these sites turn the automatic calculation on; the manual status is carried over.
        assert config.auto is bool(meta.get("auto_progress_calculation", False))
        assert config.manual_status == (meta.get("progress_status") or None)


# --- selecting a series out of Open SDG data rows --------------------------------------------------------

ROWS = [
    {"Year": "2015", "Units": "Rate", "Sex": "", "Value": "10"},
    {"Year": "2015", "Units": "Rate", "Sex": "Female", "Value": "12"},
    {"Year": "2015", "Units": "Count", "Sex": "", "Value": "1000"},
    {"Year": "2016-17", "Units": "Rate", "Sex": "", "Value": "9", "Progress": "8.5"},
    {"Year": "2016-17", "Units": "Rate", "Sex": "Female", "Value": "11"},
    {"Year": "2016-17", "Units": "Count", "Sex": "", "Value": ""},
    {"Year": "2019", "Units": "Rate", "Sex": "", "Value": "8"},
]


def test_headline_unit_and_progress_column_are_used():
    assert select_observations(ROWS, SeriesOptions(unit="Rate")) == [(2015, 10.0), (2016, 8.5), (2019, 8.0)]
    female = SeriesOptions(unit="Rate", disaggregation=(Disaggregation("Sex", "Female"),))
    assert select_observations(ROWS, female) == [(2015, 12.0), (2016, 11.0)]
    assert select_observations(ROWS, SeriesOptions(unit="Count")) == [(2015, 1000.0)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (SeriesOptions(), "several sub-series remain (Units: Count, Rate)"),
        (SeriesOptions(unit="Percent"), "no rows with Units = 'Percent'"),
        (SeriesOptions(series="S1"), "column 'Series' not found"),
    ],
)
def test_ambiguous_or_missing_series_are_explained(options, message):
    with pytest.raises(ProgressDataError) as info:
        select_observations(ROWS, options)
    assert message in str(info.value)


def test_bad_cells_name_the_row():
    rows = [{"Year": "2015", "Value": "1"}, {"Year": "2016", "Value": "1,5"}]
    with pytest.raises(ProgressDataError, match="row 3, field 'Value'"):
        select_observations(rows, SeriesOptions())
    rows = [{"Year": "2015", "Value": "1"}, {"Year": "2015", "Value": "2"}]
    with pytest.raises(ProgressDataError, match="row 3: a second value for year 2015"):
        select_observations(rows, SeriesOptions())


def test_selection_problems_become_not_available_for_the_indicator():
    config = IndicatorProgressConfig(auto=True, items=(SeriesOptions(), SeriesOptions(unit="Rate")))
    result = indicator_progress_from_rows(config, ROWS)
    first, second = result.series()
    assert first.status == "not_available" and "several sub-series" in first.reason
    assert second.status != "not_available"
    assert result.score == second.score


@pytest.mark.shared_data
def test_real_los_angeles_air_quality_indicator_with_a_group():
    path = SHARED / "opensdg" / "los-angeles" / "data" / "indicator_11-6-2.csv"
    if not path.is_file():
        pytest.skip("../shared/data/opensdg/los-angeles absent: real LA indicator 11.6.2 not available")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    config = parse_progress_config(
        {
            "auto_progress_calculation": True,
            "progress_calculation_options": [
                {"unit": "Fine Particulates PM2.5", "direction": "negative", "target": 10},
                {"group": [{"unit": "Suspended Particulates PM10", "direction": "negative"}]},
            ],
        }
    )
    result = indicator_progress_from_rows(config, rows)
    pm25, pm10 = result.series()

    def value(unit: str, year: str) -> float:
        return next(float(r["Value"]) for r in rows if r["Units"] == unit and r["Year"] == year)

    last = max(r["Year"] for r in rows)
    years = int(last) - 2015
    a, b = value("Fine Particulates PM2.5", "2015"), value("Fine Particulates PM2.5", last)
    ratio = -1 * ((b / a) ** (1 / years) - 1) / abs((10 / a) ** (1 / 15) - 1)
    assert pm25.progress_value == pytest.approx(ratio, rel=1e-12)
    c, d = value("Suspended Particulates PM10", "2015"), value("Suspended Particulates PM10", last)
    rate = -1 * ((d / c) ** (1 / years) - 1)
    assert pm10.progress_value == pytest.approx(rate, rel=1e-12)
    assert result.score == pytest.approx((pm25.score + pm10.score) / 2)
    assert math.isfinite(result.score) and -5 <= result.score <= 5
