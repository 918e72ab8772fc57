"""City SDG index: bounds, normalisation, goal scores, imputation, ranking and colours on small cases.

Expected numbers are worked out by hand in the comments (fixture: tests/fixtures/sdgindex).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citydip.sdgindex.colours import (
    goal_colour_all_indicators,
    goal_colour_two_worst,
    indicator_colour,
    make_scale,
    rescale,
)
from citydip.sdgindex.compute import (
    Bounds,
    IndicatorSpec,
    SdgIndexError,
    compute_index,
    derive_best,
    derive_worst,
    normalise,
    rank_desc,
    resolve_bounds,
)
from citydip.sdgindex.io import read_regions, read_spec, read_values

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdgindex"


@pytest.fixture(scope="module")
def fixture_inputs():
    specs = read_spec(FIXTURES / "spec.csv")
    return specs, read_values(FIXTURES / "values_long.csv", specs), read_regions(FIXTURES / "regions.csv")


# --- bounds and normalisation ---------------------------------------------------------------------------


def test_normalise_clips_and_handles_lower_is_better():
    assert normalise(75.0, Bounds(best=100.0, worst=50.0)) == 50.0
    assert normalise(120.0, Bounds(best=100.0, worst=50.0)) == 100.0
    assert normalise(10.0, Bounds(best=100.0, worst=50.0)) == 0.0
    assert normalise(10.0, Bounds(best=0.0, worst=40.0)) == 75.0  # lower is better: best < worst
    assert normalise(45.0, Bounds(best=0.0, worst=40.0)) == 0.0


def test_worst_bound_uses_the_averaged_inverted_cdf_not_linear_interpolation():
    values = [float(v) for v in range(1, 41)]  # n = 40, so n * 2.5 % = 1 is a discontinuity
    assert derive_worst(values, higher_is_better=True) == 1.5  # mean of the 1st and 2nd values
    assert derive_worst(values, higher_is_better=False) == 39.5  # 97.5th: mean of the 39th and 40th
    assert derive_worst(values, higher_is_better=True, method="linear") == pytest.approx(1.975)
    with pytest.raises(ValueError, match="unknown quantile method"):
        derive_worst(values, True, method="excel")


def test_best_bound_is_the_mean_of_the_top_five():
    values = [3.0, 9.0, 1.0, 7.0, 5.0, 8.0, 2.0]
    assert derive_best(values, higher_is_better=True) == (9 + 8 + 7 + 5 + 3) / 5
    assert derive_best(values, higher_is_better=False) == (1 + 2 + 3 + 5 + 7) / 5
    assert derive_best([4.0, 6.0], higher_is_better=True) == 5.0  # fewer than five: all of them


def test_unusable_bounds_are_explained():
    spec = IndicatorSpec("x", "1", "higher", best=10.0, worst=20.0)
    with pytest.raises(ValueError, match=r"best \(10\) must be above worst \(20\)"):
        resolve_bounds(spec, [])
    with pytest.raises(ValueError, match="equal"):
        resolve_bounds(IndicatorSpec("x", "1", "higher"), [5.0, 5.0, 5.0])
    with pytest.raises(ValueError, match="no values"):
        resolve_bounds(IndicatorSpec("x", "1", "higher", best=1.0), [])


# --- the fixture, worked by hand -------------------------------------------------------------------------
# obesity bounds are derived: best = mean of the five lowest (8, 12, 15, 20, 30) = 17; worst = 97.5th
# percentile of six values: 6 * 0.975 = 5.85 is not a discontinuity, so the 6th value, 35.
# Normalised: poverty 2.5 (40 - x); income (x - 10000) / 400; obesity 100 (35 - x) / 18; water 2 (x - 50).
EXPECTED_GOALS = {
    "Alpha": {"1": (75 + 87.5) / 2, "2": 100.0, "6": 98.0},
    "Beta": {"1": (25 + 12.5) / 2, "2": 100 * 5 / 18, "6": 40.0},
    "Gamma": {"1": (90 + 100) / 2, "2": 100.0, "6": None},
    "Delta": {"1": 50.0, "2": 100 * 15 / 18, "6": 70.0},
    "Epsilon": {"1": None, "2": 100.0, "6": 80.0},
    "Zeta": {"1": 0.0, "2": 0.0, "6": 0.0},
    "Empty": {"1": None, "2": None, "6": None},
}


def test_fixture_goal_scores_index_and_rank(fixture_inputs):
    # No ranking eligibility limit here (max_missing=None): every city with data is ranked, so the hand-worked
    # ranks cover all of them. The 20 % rule is tested in test_sdgindex_rules.py.
    specs, values, _ = fixture_inputs
    result = compute_index(values, specs, max_missing=None)
    assert result.goals == ["1", "2", "6"]
    assert result.bounds["obesity"] == Bounds(best=17.0, worst=35.0, best_derived=True, worst_derived=True)
    by_city = result.by_city()
    for city, goals in EXPECTED_GOALS.items():
        for goal, expected in goals.items():
            assert by_city[city].goal_scores[goal] == pytest.approx(expected), (city, goal)
    expected_index = {
        "Alpha": (81.25 + 100 + 98) / 3,
        "Beta": (18.75 + 500 / 18 + 40) / 3,
        "Gamma": 97.5,
        "Delta": (50 + 1500 / 18 + 70) / 3,
        "Epsilon": 90.0,
        "Zeta": 0.0,
    }
    for city, index in expected_index.items():
        assert by_city[city].index == pytest.approx(index)
    assert {c: by_city[c].rank for c in expected_index} == {
        "Gamma": 1, "Alpha": 2, "Epsilon": 3, "Delta": 4, "Beta": 5, "Zeta": 6,
    }  # fmt: skip
    assert [by_city[c].indicators_used for c in EXPECTED_GOALS] == [4, 4, 3, 4, 2, 4, 0]
    empty = by_city["Empty"]
    assert (empty.index, empty.rank, empty.status) == (None, None, "no_data")


def test_regional_imputation_uses_own_scores_only(fixture_inputs):
    specs, values, regions = fixture_inputs
    by_city = compute_index(
        values, specs, regions=regions, impute_missing_goals="region", max_missing=None
    ).by_city()
    # South: Gamma, Delta, Epsilon (Empty has no data). Epsilon's goal 1 = mean(95, 50); Gamma's goal 6 =
    # mean(70, 80). Empty stays without data and unranked.
    assert by_city["Epsilon"].goal_scores["1"] == pytest.approx(72.5)
    assert by_city["Gamma"].goal_scores["6"] == pytest.approx(75.0)
    assert by_city["Epsilon"].imputed_goals == ["1"] and by_city["Gamma"].imputed_goals == ["6"]
    assert by_city["Gamma"].index == pytest.approx(90.0)
    assert by_city["Empty"].goal_scores == {"1": None, "2": None, "6": None}
    assert by_city["Empty"].rank is None
    # Index with imputation: Alpha 93.08, Gamma (95 + 100 + 75) / 3 = 90, Epsilon (72.5 + 100 + 80) / 3 = 84.17.
    ranks = {city: r.rank for city, r in by_city.items() if r.rank is not None}
    assert ranks == {"Alpha": 1, "Gamma": 2, "Epsilon": 3, "Delta": 4, "Beta": 5, "Zeta": 6}
    # Imputed goals keep the grey colour: there is no indicator data behind them.
    assert by_city["Gamma"].goal_colours["6"] == "grey"


def test_fixture_goal_colours_two_worst(fixture_inputs):
    specs, values, _ = fixture_inputs
    by_city = compute_index(values, specs).by_city()
    # 0-3 levels: poverty Alpha 1.667, Beta 0.5, Gamma 2.2, Delta 1.0 (on the red threshold), Zeta 0;
    # income Alpha 2.5, Beta 0.5, Gamma 3 (clamped), Delta 1.5, Zeta 0.
    assert by_city["Delta"].levels["poverty"] == pytest.approx(1.0)
    colours = {city: [by_city[city].goal_colours[g] for g in ("1", "2", "6")] for city in EXPECTED_GOALS}
    assert colours == {
        "Alpha": ["yellow", "green", "green"],
        "Beta": ["red", "orange", "red"],
        "Gamma": ["green", "green", "grey"],
        "Delta": ["orange", "green", "orange"],
        "Epsilon": ["grey", "green", "yellow"],
        "Zeta": ["red", "red", "red"],
        "Empty": ["grey", "grey", "grey"],
    }


def test_fixture_goal_colours_all_indicators(fixture_inputs):
    specs, values, _ = fixture_inputs
    by_city = compute_index(values, specs, goal_colour_rule="all-indicators").by_city()
    assert by_city["Alpha"].goal_colours["1"] == "green"  # mean of 1.667 and 2.5 is 2.08
    assert by_city["Delta"].goal_colours["1"] == "orange"  # mean 1.25, no red
    assert by_city["Beta"].goal_colours["1"] == "red"


def test_unknown_indicators_and_bad_specs_are_reported_together():
    specs = [IndicatorSpec("a", "1", "higher", best=1.0, worst=1.0), IndicatorSpec("b", "1", "higher")]
    with pytest.raises(SdgIndexError) as info:
        compute_index({"X": {"a": 1.0, "c": 2.0}}, specs)
    problems = "\n".join(info.value.problems)
    assert "city 'X': indicator(s) not in the spec: c" in problems
    assert "indicator 'a': best and worst bounds are equal" in problems
    assert "indicator 'b': no values to derive" in problems


def test_ties_share_the_best_rank():
    assert rank_desc({"a": 50.0, "b": 70.0, "c": 70.0, "d": 10.0}) == {"b": 1, "c": 1, "a": 3, "d": 4}
    assert rank_desc({"a": 1 / 3, "b": 0.1 + 0.2 + 1 / 3 - 0.3}) == {"a": 1, "b": 1}  # rounding noise


# --- colours ---------------------------------------------------------------------------------------------


def test_rescale_knots_clamping_and_direction():
    up = make_scale(True, best=100.0, worst=0.0, green=80.0, red=40.0)
    assert [rescale(x, up) for x in (-5.0, 0.0, 20.0, 40.0, 60.0, 80.0, 90.0, 100.0, 120.0)] == pytest.approx(
        [0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.0]
    )
    down = make_scale(False, best=0.0, worst=40.0, green=5.0, red=20.0)
    assert [rescale(x, down) for x in (0.0, 5.0, 12.5, 20.0, 30.0, 50.0)] == pytest.approx(
        [3.0, 2.0, 1.5, 1.0, 0.5, 0.0]
    )
    with_yellow = make_scale(True, best=100.0, worst=0.0, green=80.0, red=40.0, yellow=70.0)
    assert rescale(70.0, with_yellow) == 1.5 and rescale(75.0, with_yellow) == pytest.approx(1.75)


def test_thresholds_beyond_the_bounds_take_the_end_of_the_scale():
    # Published SDSN rows sometimes have a red threshold below the worst bound (PISA: red 400, worst 415.7).
    scale = make_scale(True, best=525.6, worst=415.7, green=493.0, red=400.0)
    assert rescale(399.0, scale) == 0.0 and rescale(400.0, scale) == 1.0
    with pytest.raises(ValueError, match=r"red threshold .* better than the green"):
        make_scale(True, best=100.0, worst=0.0, green=40.0, red=80.0)
    with pytest.raises(ValueError, match="yellow threshold"):
        make_scale(True, best=100.0, worst=0.0, green=80.0, red=40.0, yellow=90.0)


@pytest.mark.parametrize(
    ("level", "colour"), [(3.0, "green"), (2.0, "green"), (1.99, "yellow"), (1.5, "yellow"), (1.0, "orange"),
                          (0.99, "red"), (0.0, "red")],
)  # fmt: skip
def test_indicator_colour_bands(level, colour):
    assert indicator_colour(level) == colour


@pytest.mark.parametrize(
    ("levels", "n", "colour"),
    [
        ([2.5, 2.0, 3.0], 3, "green"),  # two worst both green
        ([2.5, 1.9, 3.0], 3, "yellow"),  # average 2.2 but not both green
        ([0.5, 0.9, 3.0], 3, "red"),  # both red
        ([0.5, 1.4, 3.0], 3, "orange"),  # average 0.95 but not both red
        ([1.2, 2.0], 2, "yellow"),  # average 1.6
        ([1.2, 1.6], 2, "orange"),  # average 1.4
        ([1.7], 1, "yellow"),  # one indicator takes its colour
        ([0.4], 2, "red"),  # one of two has data: half is enough, takes its colour
        ([2.5], 3, "grey"),  # fewer than half of three
        ([], 2, "grey"),
    ],
)
def test_two_worst_rule(levels, n, colour):
    assert goal_colour_two_worst(levels, n) == colour


@pytest.mark.parametrize(
    ("levels", "n", "colour"),
    [
        ([2.5, 2.0, 1.7], 3, "green"),  # mean 2.07
        ([2.5, 0.5, 2.5], 3, "yellow"),  # mean 1.83, one red of three is not more than a third
        ([2.9, 0.5, 0.5, 2.9], 4, "red"),  # half red
        ([1.2, 1.0], 2, "orange"),
        ([1.0], 3, "grey"),
    ],
)
def test_all_indicators_rule(levels, n, colour):
    assert goal_colour_all_indicators(levels, n) == colour


def test_goal_without_thresholds_has_no_colour():
    specs = [IndicatorSpec("a", "1", "higher", best=1.0, worst=0.0)]
    result = compute_index({"X": {"a": 0.5}}, specs).by_city()["X"]
    assert result.goal_colours == {"1": None} and result.goal_scores == {"1": 50.0}
