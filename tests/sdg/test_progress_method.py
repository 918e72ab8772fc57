"""Open SDG / Statistics Canada progress method and the UNSD progress chart.

Expected numbers are computed here from the formulas written out independently of the library, or taken
from the worked examples in issue 5 (compared after rounding to the digits the issue prints).
"""

from __future__ import annotations

import math

import pytest

from citydip.sdgprogress.method.calculation import (
    ProgressInputError,
    aggregate_progress,
    indicator_progress,
    limit_coefficient,
    opensdg_progress,
    parse_year,
    pick_base_and_current,
    series_progress,
    status_from_score,
    unsd_progress,
)
from citydip.sdgprogress.method.types import (
    IndicatorProgressConfig,
    ProgressGroup,
    SeriesOptions,
    SeriesProgress,
    Thresholds,
)


def growth(v1: float, v0: float, years: int) -> float:
    return (v1 / v0) ** (1 / years) - 1


# --- the five worked examples of issue 5 (base year 2015, target year 2030) -----------------------------


@pytest.mark.parametrize(
    ("direction", "base", "year", "current", "target", "value", "digits", "score", "status"),
    [
        ("negative", 20.0, 2021, 16.0, 10.0, 0.8084, 4, 1.4889, "moderate_progress"),
        ("positive", 60.0, 2022, 66.0, 90.0, 0.5003, 4, -0.4153, "limited_progress"),
        ("negative", 5.0, 2020, 5.5, 2.0, -0.3248, 4, -3.8532, "deterioration"),
        ("positive", 100.0, 2021, 110.0, None, 0.01601, 5, 3.0059, "substantial_progress"),
        ("negative", 100.0, 2020, 97.0, None, 0.006073, 6, 0.2683, "moderate_progress"),
    ],
)
def test_worked_examples_of_the_issue(direction, base, year, current, target, value, digits, score, status):
    # Tolerance: the issue prints 4-6 significant digits; we compare after rounding to those digits.
    options = SeriesOptions(direction=direction, target=target)
    result = series_progress([(2015, base), (2018, (base + current) / 2), (year, current)], options)
    assert result.base_year == 2015 and result.current_year == year
    assert round(result.progress_value, digits) == value
    assert round(result.score, 4) == score
    assert result.status == status


def test_worked_example_values_match_the_formulas_to_machine_precision():
    r = opensdg_progress(2015, 20.0, 2021, 16.0, SeriesOptions(direction="negative", target=10.0))
    expected = -1 * growth(16.0, 20.0, 6) / abs(growth(10.0, 20.0, 15))
    assert r.progress_value == pytest.approx(expected, rel=1e-12)
    assert r.score == pytest.approx(7.1429 * expected - 4.2857, rel=1e-12)


# --- series selection: base year, period labels, duplicates --------------------------------------------


def test_period_labels_count_as_their_first_year():
    assert parse_year("2015-16") == 2015
    assert parse_year("2015/2016") == 2015
    assert parse_year(" 2021 ") == 2021
    assert parse_year(2019.0) == 2019
    for bad in ("15-16", "year", "20151", 2015.5, True):
        with pytest.raises(ProgressInputError):
            parse_year(bad)


def test_base_year_is_first_later_year_with_data_and_earlier_data_is_ignored():
    obs = [("2012", 50.0), ("2016-17", 40.0), ("2019", 30.0), ("2020", math.nan)]
    assert pick_base_and_current(obs, 2015) == (2016, 40.0, 2019, 30.0)
    r = series_progress(obs, SeriesOptions())
    assert r.progress_value == pytest.approx(-1 * growth(30.0, 40.0, 3))


def test_conflicting_values_for_one_year_are_an_error():
    with pytest.raises(ProgressInputError, match="two values for year 2016"):
        pick_base_and_current([("2016", 1.0), ("2016-17", 2.0)], 2015)


# --- the target-achieved test comes first, then the not_available rules --------------------------------


def test_target_achieved_beats_every_not_available_rule():
    neg = SeriesOptions(direction="negative", target=10.0)
    single = series_progress([(2020, 9.0)], neg)  # one data point, current == base year
    assert (single.status, single.score, single.target_achieved) == ("target_achieved", 5.0, True)
    flipped = opensdg_progress(2015, 12.0, 2020, -1.0, neg)  # opposite signs, but target met
    assert flipped.status == "target_achieved" and flipped.score == 5.0
    pos = opensdg_progress(2015, 50.0, 2021, 90.0, SeriesOptions(direction="positive", target=90.0))
    assert pos.status == "target_achieved"  # equality meets the target


@pytest.mark.parametrize(
    ("args", "options", "reason"),
    [
        ((2015, 10.0, 2020, -2.0), SeriesOptions(), "opposite signs"),
        ((2015, -10.0, 2020, 2.0), SeriesOptions(direction="positive"), "opposite signs"),
        ((2018, 10.0, 2018, 12.0), SeriesOptions(), "two years"),
        ((None, None, 2014, 12.0), SeriesOptions(), "base year"),
        ((2015, 10.0, 2020, 12.0), SeriesOptions(direction="negative", target=10.0), "target equals"),
        ((2015, 10.0, 2020, 12.0), SeriesOptions(direction="negative", target=-5.0), "opposite signs"),
        ((2015, 10.0, 2020, 12.0), SeriesOptions(target=1.0, target_year=2015), "target year"),
        ((None, None, None, None), SeriesOptions(), "no data"),
        ((2015, math.inf, 2020, 12.0), SeriesOptions(), "finite"),
    ],
)
def test_not_available_cases(args, options, reason):
    r = opensdg_progress(*args, options)
    assert r.status == "not_available"
    assert r.score is None and r.progress_value is None
    assert reason in (r.reason or "")


def test_single_data_point_without_target_is_not_available():
    r = series_progress([("2020", 5.0)], SeriesOptions(direction="positive"))
    assert r.status == "not_available" and "two years" in r.reason


def test_zero_base_and_zero_target_become_0_001():
    r = opensdg_progress(2015, 0.0, 2020, 2.0, SeriesOptions(direction="positive"))
    assert r.progress_value == pytest.approx(growth(2.0, 0.001, 5))
    r = opensdg_progress(2015, 4.0, 2020, 2.0, SeriesOptions(direction="negative", target=0.0))
    expected = -1 * growth(2.0, 4.0, 5) / abs(growth(0.001, 4.0, 15))
    assert r.progress_value == pytest.approx(expected)
    assert r.target == 0.0  # the configured target is reported unchanged


def test_negative_base_flips_the_sign():
    # Values -10 -> -5 with positive direction: the quantity increased, which is progress.
    r = opensdg_progress(2015, -10.0, 2020, -5.0, SeriesOptions(direction="positive"))
    assert r.sign == -1
    assert r.progress_value == pytest.approx(-1 * 1 * growth(-5.0, -10.0, 5))
    assert r.progress_value > 0 and r.status == "substantial_progress"


# --- thresholds and scores -----------------------------------------------------------------------------


def ratio_case(ratio: float) -> SeriesProgress:
    # Build base/current so that R equals `ratio` exactly enough: positive direction, base 100, target 200.
    required = growth(200.0, 100.0, 15)
    current = 100.0 * (1 + ratio * required) ** 5
    return opensdg_progress(2015, 100.0, 2020, current, SeriesOptions(direction="positive", target=200.0))


@pytest.mark.parametrize(
    ("ratio", "status", "score"),
    [
        (1.2, "substantial_progress", 7.1429 * 1.2 - 4.2857),
        (1.5, "substantial_progress", 5.0),
        (0.96, "substantial_progress", 7.1429 * 0.96 - 4.2857),
        (0.8, "moderate_progress", 7.1429 * 0.8 - 4.2857),
        (0.61, "moderate_progress", 7.1429 * 0.61 - 4.2857),
        (0.3, "limited_progress", 4.1667 * 0.3 - 2.5),
        (-0.2, "deterioration", 4.1667 * -0.2 - 2.5),
        (-3.0, "deterioration", -5.0),
    ],
)
def test_score_and_status_with_a_target(ratio, status, score):
    r = ratio_case(ratio)
    assert r.progress_value == pytest.approx(ratio, rel=1e-9)
    assert r.status == status
    assert r.score == pytest.approx(score, rel=1e-6)


@pytest.mark.parametrize(
    ("rate", "status", "score"),
    [
        (0.03, "substantial_progress", 5.0),
        (0.016, "substantial_progress", 500 * 0.016 - 5),
        (0.01, "moderate_progress", 250 * 0.01 - 1.25),
        (0.002, "limited_progress", 500 * 0.002 - 2.5),
        (-0.01, "deterioration", 125 * -0.01 - 2.5),
        (-0.5, "deterioration", -5.0),
    ],
)
def test_score_and_status_without_a_target(rate, status, score):
    current = 100.0 * (1 + rate) ** 4
    r = opensdg_progress(2016, 100.0, 2020, current, SeriesOptions(direction="positive"))
    assert r.progress_value == pytest.approx(rate, rel=1e-9)
    assert r.status == status
    assert r.score == pytest.approx(score, rel=1e-6)


def test_limit_coefficient_regimes():
    a = 4.44
    assert limit_coefficient(250.0, 100.0) == 1.0  # b >= 2l
    assert limit_coefficient(-60.0, 100.0) == pytest.approx(1 - (60 / 100) ** a)  # b <= l, |b| used
    assert limit_coefficient(150.0, 100.0) == pytest.approx(1 - ((200 - 150) / 100) ** a)  # l < b < 2l
    assert limit_coefficient(100.0, 100.0) == 0.0
    assert limit_coefficient(0.0, 0.0) == 1.0


def test_natural_limit_scales_thresholds_and_score():
    # Share of population covered (natural limit 100, increase desired); base 90 <= limit so C = 1 - 0.9^4.44.
    c = 1 - 0.9**4.44
    rate = 0.004  # below the unreduced med threshold 0.005 but above 0.005 * C
    current = 90.0 * (1 + rate) ** 5
    r = opensdg_progress(2015, 90.0, 2020, current, SeriesOptions(direction="positive", limit=100.0))
    assert r.coefficient == pytest.approx(c)
    assert 0.005 * c <= rate < 0.015 * c
    assert r.status == "moderate_progress"
    assert r.score == pytest.approx(250 * rate / c - 1.25, rel=1e-6)


def test_base_at_the_limit_gives_full_score_unless_deteriorating():
    up = opensdg_progress(2015, 100.0, 2020, 100.0, SeriesOptions(direction="positive", limit=100.0))
    assert (up.coefficient, up.status, up.score) == (0.0, "substantial_progress", 5.0)
    down = opensdg_progress(2015, 100.0, 2020, 95.0, SeriesOptions(direction="positive", limit=100.0))
    assert down.status == "deterioration"
    assert down.score == pytest.approx(max(125 * growth(95.0, 100.0, 5) - 2.5, -5))


def test_limit_is_ignored_when_a_target_is_set():
    with_limit = opensdg_progress(2015, 20.0, 2021, 16.0, SeriesOptions(target=10.0, limit=0.0))
    without = opensdg_progress(2015, 20.0, 2021, 16.0, SeriesOptions(target=10.0))
    assert with_limit.score == without.score and with_limit.coefficient is None


def test_custom_thresholds():
    opts = SeriesOptions(direction="positive", thresholds=Thresholds(high=0.05, med=0.02, low=0.0))
    r = opensdg_progress(2015, 100.0, 2020, 100.0 * 1.03**5, opts)
    assert r.status == "moderate_progress"


# --- indicator aggregation -----------------------------------------------------------------------------


def fixed(score: float | None, achieved: bool = False) -> SeriesProgress:
    status = "target_achieved" if achieved else ("not_available" if score is None else "x")
    return SeriesProgress(method="opensdg", status=status, score=score, target_achieved=achieved)


def test_groups_are_averaged_first_and_nest_to_any_depth():
    # a=4; group(b=2, group(c=-1, d=-3)) -> inner -2, middle (2 + -2)/2 = 0 -> indicator (4 + 0)/2 = 2.
    a, b, c, d = (SeriesOptions(series=s) for s in "abcd")
    config = IndicatorProgressConfig(
        auto=True,
        items=(a, ProgressGroup(items=(b, ProgressGroup(items=(c, d))))),
    )
    scores = {"a": 4.0, "b": 2.0, "c": -1.0, "d": -3.0}
    result = indicator_progress(config, lambda o: fixed(scores[o.series]))
    assert result.score == pytest.approx(2.0)
    assert result.status == "moderate_progress"
    assert [s.score for s in result.series()] == [4.0, 2.0, -1.0, -3.0]


def test_series_without_score_are_left_out_of_the_mean():
    result = aggregate_progress([fixed(3.0), fixed(None), fixed(1.0)])
    assert result.score == pytest.approx(2.0)
    assert aggregate_progress([fixed(None)]).status == "not_available"


def test_target_achieved_only_when_every_series_achieved():
    assert aggregate_progress([fixed(5.0, True), fixed(5.0, True)]).status == "target_achieved"
    assert aggregate_progress([fixed(5.0, True), fixed(4.0)]).status == "substantial_progress"


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (5.0, "substantial_progress"),
        (2.5, "substantial_progress"),
        (2.4999, "moderate_progress"),
        (0.0, "moderate_progress"),
        (-0.0001, "limited_progress"),
        (-2.5, "limited_progress"),
        (-2.5001, "deterioration"),
        (-5.0, "deterioration"),
        (None, "not_available"),
    ],
)
def test_indicator_status_bands(score, status):
    assert status_from_score(score) == status


def test_manual_status_when_automatic_calculation_is_off():
    config = IndicatorProgressConfig(auto=False, manual_status="limited_progress")
    assert indicator_progress(config, lambda o: fixed(5.0)).status == "limited_progress"
    assert indicator_progress(IndicatorProgressConfig(), lambda o: fixed(5.0)).status == "not_available"


# --- UNSD progress chart -------------------------------------------------------------------------------


def test_unsd_with_target_uses_projected_2030_value():
    r = unsd_progress(2015, 20.0, 2021, 16.0, SeriesOptions(direction="negative", target=10.0, method="unsd"))
    rate = growth(16.0, 20.0, 6)
    expected_2030 = 16.0 * (1 + rate) ** 9
    assert r.progress_value == pytest.approx((expected_2030 - 20.0) / (10.0 - 20.0))
    assert r.status == "fair_progress" and r.score is None


@pytest.mark.parametrize(
    ("current", "status"),
    [(50.0, "substantial_progress"), (90.0, "fair_progress"), (99.0, "limited_or_no_progress")],
)
def test_unsd_ratio_levels(current, status):
    # Decrease desired from 100 to 40 by 2030; the 2015-2020 trend is projected to 2030.
    r = unsd_progress(2015, 100.0, 2020, current, SeriesOptions(direction="negative", target=40.0))
    rate = growth(current, 100.0, 5)
    ratio = (current * (1 + rate) ** 10 - 100.0) / (40.0 - 100.0)
    assert r.progress_value == pytest.approx(ratio)
    assert r.status == status


@pytest.mark.parametrize(
    ("rate", "direction", "status"),
    [
        (0.025, "positive", "substantial_progress"),
        (0.01, "positive", "fair_progress"),
        (0.001, "positive", "limited_or_no_progress"),
        (-0.025, "negative", "substantial_progress"),
        (-0.01, "negative", "fair_progress"),
        (0.01, "negative", "limited_or_no_progress"),
    ],
)
def test_unsd_without_target_is_mirrored_for_decreases(rate, direction, status):
    r = unsd_progress(2015, 100.0, 2020, 100.0 * (1 + rate) ** 5, SeriesOptions(direction=direction))
    assert r.status == status


def test_unsd_not_available_cases():
    opts = SeriesOptions(target=5.0)
    assert unsd_progress(2015, 0.0, 2020, 3.0, opts).status == "not_available"
    assert unsd_progress(2015, 5.0, 2020, 3.0, opts).reason == "target equals the base value"
    assert unsd_progress(2015, 5.0, 2015, 3.0, opts).status == "not_available"
    assert unsd_progress(2015, 5.0, 2020, -3.0, opts).status == "not_available"
