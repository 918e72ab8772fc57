"""Reproduce the published SDG Index and Dashboards 2018 (SDSN / Bertelsmann; 193 countries, 88 indicators).

Data: ../shared/data/sdg_index/global_sdg_index_2018 (raw values, normalised values, goal scores, goal
dashboards; Annex 4 bounds and colour thresholds parsed from the methodology PDF; time series).
scripts/sdsn_index_inputs.py writes the command's inputs from the raw data and the codebook only (spec
with applicability and dashboard-only rows, values with each country's groups, regions, history); ONE
call of the library computes scores, ranks, colours and trends, and the tests compare it with what was
published. Measured agreement is printed with `pytest -s`, produced in full by
benchmarks/sdgindex_fidelity.py and summarised in docs/methods.md.
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from citydip.sdgindex.compute import (
    STATUS_RANKED,
    Bounds,
    IndicatorSpec,
    compute_index,
    derive_worst,
    normalise,
)
from citydip.sdgindex.io import read_spec
from citydip.sdgindex.pipeline import IndexFiles, IndexOptions, compute_files
from citydip.sdgindex.trends import ARROW_SCORE, GOAL_TREND_MIN_SHARE, indicator_trend
from sdgindex.sdgindex_shared_data import load_global_2018, sdsn_inputs

pytestmark = pytest.mark.shared_data

EXACT = 1e-9
BUILDER = sdsn_inputs()
ANNEX_ROW, OECD_ONLY_ROW = BUILDER.ANNEX_ROW, BUILDER.OECD_ONLY_ROW
UNEMPLOYMENT, MUNICIPAL_WASTE, SAFE_SANITATION, IMPORTED_CO2, ARMS_EXPORTS, TAX_HAVEN = 41, 53, 29, 61, 83, 87


@pytest.fixture(scope="module")
def g18():
    data = load_global_2018()
    for k, row in ANNEX_ROW.items():
        if row is not None:
            assert int(data.annex[row]["sdg"]) == data.goal_of[k], (k, data.annex[row]["indicator"])
    for column, row in OECD_ONLY_ROW.items():
        assert data.header[column].startswith("OECD only"), column
        assert data.annex[row]["indicator"]
    return data


@pytest.fixture(scope="module")
def files(g18, tmp_path_factory):
    return BUILDER.build_global_2018(tmp_path_factory.mktemp("global2018"))


@pytest.fixture(scope="module")
def one_run(files):
    """The whole index in one call: scores, applicability, eligibility, imputation, colours and trends."""
    return compute_files(
        IndexFiles(files["values"], files["spec"], files["regions"], files["history"]),
        IndexOptions(impute="region"),
    )


def countries(g18) -> list[int]:
    return [i for i in range(len(g18.rows)) if g18.in_index(i)]


# --- ranking eligibility ----------------------------------------------------------------------------------


def test_ranking_eligibility_from_raw_data_and_applicability(g18, one_run):
    # A country is ranked when at most 20 % of the scored indicators that apply to it are missing (85 for
    # most: of the 88, two water/sanitation alternatives and ODA or tax revenue do not apply; 79 for the
    # landlocked, without SDG 14). 190 of 193 decisions equal SDSN's; the other three miss exactly 20.0 %
    # (17 of 85) and were left out by SDSN, so the 2018 cut was strict. The default is not tuned to that:
    # --max-missing below 20 reproduces all 193 (measured here, not used elsewhere).
    mine = one_run.result.by_city()
    differ = {
        g18.country(i)
        for i in range(len(g18.rows))
        if (mine[g18.country(i)].rank is not None) != g18.in_index(i)
    }
    print(
        f"\n2018 ranked or not: {len(g18.rows) - len(differ)}/{len(g18.rows)} as published; differ: {sorted(differ)}"
    )
    assert differ == {"Brunei Darussalam", "Maldives", "Sao Tome and Principe"}
    for name in differ:
        assert (mine[name].missing, mine[name].applicable) == (17, 85)
    assert {c.applicable for c in one_run.result.cities} == {79, 85}
    assert mine["Turkmenistan"].applicable == 79 and mine["Turkmenistan"].rank is not None  # landlocked
    not_ranked = [c for c in one_run.result.cities if c.status != STATUS_RANKED]
    assert all(c.index is None and c.rank is None and not c.imputed_goals for c in not_ranked)


def test_strict_cut_reproduces_every_published_decision(g18, files):
    strict = compute_files(
        IndexFiles(files["values"], files["spec"], files["regions"]),
        IndexOptions(impute="region", max_missing=19.9),
    ).result.by_city()
    assert all((strict[g18.country(i)].rank is not None) == g18.in_index(i) for i in range(len(g18.rows)))


# --- goal scores, regional imputation, index and rank -----------------------------------------------------


def test_goal_scores_from_published_normalised_values_with_regional_imputation(g18, files):
    # The spec's applicability and the countries' groups, with SDSN's own normalised values in place of the
    # raw ones (bounds 100 and 0 leave them unchanged): tolerance 1e-9 on every goal score of the 156 ranked
    # countries, imputed ones included. Deliberate exceptions: goals 8 and 12 of the 35 OECD members, whose
    # published scores use unemployment and municipal-waste values from OECD sources that this table leaves
    # blank (checked below), so they cannot be recomputed from it.
    annex_spec = read_spec(files["spec"])[:88]
    specs = [
        IndicatorSpec(s.indicator, s.goal, "higher", best=100.0, worst=0.0, applies_to=s.applies_to)
        for s in annex_spec
    ]
    values = {
        g18.country(i): {specs[k].indicator: g18.normalised(i, k) for k in range(88)}
        for i in range(len(g18.rows))
    }
    groups = {g18.country(i): BUILDER.groups_2018(g18.rows[i]).split(";") for i in range(len(g18.rows))}
    regions = {g18.country(i): g18.region(i) for i in range(len(g18.rows))}
    result = compute_index(
        values, specs, regions=regions, groups=groups, impute_missing_goals="region"
    ).by_city()
    worst = 0.0
    compared = 0
    imputed: dict[str, int] = {}
    for i in countries(g18):
        mine = result[g18.country(i)]
        assert mine.rank is not None
        for goal_label in mine.imputed_goals:
            imputed[goal_label] = imputed.get(goal_label, 0) + 1
        for goal in range(1, 18):
            if g18.oecd(i) and goal in (8, 12):
                assert g18.normalised(i, UNEMPLOYMENT) is None and g18.raw(i, UNEMPLOYMENT) is None
                assert g18.normalised(i, MUNICIPAL_WASTE) is None and g18.raw(i, MUNICIPAL_WASTE) is None
                continue
            compared += 1
            worst = max(worst, abs(mine.goal_scores[str(goal)] - g18.goal_score(i, goal)))
        if not g18.oecd(i):
            assert mine.index == pytest.approx(float(g18.rows[i][2]), abs=EXACT)
    print(
        f"\n2018 goal scores: {compared} compared (70 OECD goal 8/12 cells excepted), "
        f"max |diff| {worst:.2e}, imputed from regional means: {imputed}"
    )
    assert worst <= EXACT
    # Imputed: goal 10 where Gini is missing, goal 14 for landlocked countries (no SDG 14 indicator applies),
    # goal 1 for Syria.
    assert imputed == {"1": 1, "10": 27, "14": 39}


def test_index_and_rank_from_published_goal_scores(g18):
    # Tolerance 1e-9 on the index; ranks identical for all 156 countries; the other 37 stay unranked.
    specs = [IndicatorSpec(f"G{g}", str(g), "higher", best=100.0, worst=0.0) for g in range(1, 18)]
    values = {
        g18.country(i): {f"G{g}": g18.goal_score(i, g) for g in range(1, 18)} for i in range(len(g18.rows))
    }
    result = compute_index(values, specs).by_city()
    ranked = 0
    for i in range(len(g18.rows)):
        mine = result[g18.country(i)]
        if not g18.in_index(i):
            assert mine.index is None and mine.rank is None and mine.status == "no_data"
            continue
        ranked += 1
        assert mine.index == pytest.approx(float(g18.rows[i][2]), abs=EXACT)
        assert mine.rank == int(float(g18.rows[i][3]))
    assert ranked == 156


def test_scores_from_raw_data_are_measured(g18, one_run):
    # From the raw data with the Annex 4 bounds as printed (one decimal), the index cannot equal SDSN's: the
    # rounding moves normalised values (by up to 11.7 points, see below), and OECD members' goals 8 and 12
    # use data absent from the table. Measured only; benchmarks/sdgindex_fidelity.py reports the same
    # figures with diagnostics. Non-OECD goal scores stay within 1.7 points.
    mine = one_run.result.by_city()
    diffs = [
        abs(mine[g18.country(i)].index - float(g18.rows[i][2]))
        for i in countries(g18)
        if mine[g18.country(i)].index is not None
    ]
    ranks = sum(mine[g18.country(i)].rank == int(float(g18.rows[i][3])) for i in countries(g18))
    print(f"\n2018 from raw data: max |index diff| {max(diffs):.3f}, ranks equal {ranks}/156")
    for i in countries(g18):
        if g18.oecd(i):
            continue
        for goal in (1, 3, 5, 9, 11, 16):  # goals whose indicators all have Annex 4 rows and thresholds
            assert abs(mine[g18.country(i)].goal_scores[str(goal)] - g18.goal_score(i, goal)) < 1.0


# --- normalisation with the Annex 4 bounds --------------------------------------------------------------

HALF_UNIT = 0.05  # Annex 4 prints bounds with one decimal


def test_normalised_values_lie_within_the_rounding_of_the_annex_bounds(g18):
    # Annex 4 prints rounded bounds, so the exact published value must lie between the normalised values
    # obtained with every bound moved by +-0.05 (plus 1e-9). Two indicators have no Annex 4 row.
    inside = outside = 0
    point_diff = 0.0
    for k, row in ANNEX_ROW.items():
        if row is None:
            continue
        best, worst = float(g18.annex[row]["best"]), float(g18.annex[row]["worst"])
        for i in range(len(g18.rows)):
            x, published = g18.raw(i, k), g18.normalised(i, k)
            if x is None or published is None:
                continue
            corners = [
                normalise(x, Bounds(best=best + db, worst=worst + dw))
                for db in (-HALF_UNIT, HALF_UNIT)
                for dw in (-HALF_UNIT, HALF_UNIT)
            ]
            point_diff = max(point_diff, abs(normalise(x, Bounds(best=best, worst=worst)) - published))
            if min(corners) - EXACT <= published <= max(corners) + EXACT:
                inside += 1
            else:
                outside += 1
    print(
        f"\n2018 normalisation: {inside}/{inside + outside} cells inside the rounding interval; "
        f"max |diff| with the printed bounds {point_diff:.3f}"
    )
    assert outside == 0 and inside > 12000


# SDSN's worst bound for these indicators is the 2.5th (97.5th) percentile of all countries' values by the
# averaged-inverted-CDF quantile. The others use technical or historical bounds (e.g. 0 % or 100 %).
PERCENTILE_BOUNDS = (4, 7, 30, 32, 49, 52, 54, 56, 57, 59, 63)


def implied_bounds(g18, k: int) -> tuple[float, float]:
    """Best and worst bound implied by the published (raw, normalised) pairs strictly inside (0, 100)."""
    pairs = [(x, n) for i in range(len(g18.rows)) if (x := g18.raw(i, k)) is not None
             and (n := g18.normalised(i, k)) is not None and 1e-6 < n < 100 - 1e-6]  # fmt: skip
    slope, intercept = np.polyfit([p[0] for p in pairs], [p[1] for p in pairs], 1)
    worst = -intercept / slope
    return worst + 100 / slope, worst


def test_derived_worst_bound_uses_the_averaged_inverted_cdf(g18):
    # Relative tolerance 1e-6 (the implied bound comes from a least-squares fit of the published values).
    linear_differs = 0
    for k in PERCENTILE_BOUNDS:
        best, worst = implied_bounds(g18, k)
        sample = [x for i in range(len(g18.rows)) if (x := g18.raw(i, k)) is not None]
        derived = derive_worst(sample, best > worst)
        assert derived == pytest.approx(worst, rel=1e-6, abs=1e-9), g18.raw_name(k)
        linear = derive_worst(sample, best > worst, method="linear")
        linear_differs += abs(linear - worst) > 1e-6 * max(1.0, abs(worst))
    assert linear_differs == len(PERCENTILE_BOUNDS)  # linear interpolation would not reproduce any of them


# --- goal dashboards, from the same single run --------------------------------------------------------------

# Published goal colours that the one run does not reproduce, by reason; every reason is checked below.
G1_RULE = "goal 1 colour departs from the two-worst rule (see test_goal1_exceptions_follow_the_projection)"
NO_SANITATION_THRESHOLDS = "Annex 4 as parsed has no thresholds for safely managed sanitation (goal 6)"
SANITATION_NOT_IN_RAW = "SDSN coloured safely managed services the table's raw columns leave blank (goal 6)"
GREY_COUNTS_ALTERNATIVES = (
    "SDSN's 2018 grey rule counted every water and sanitation indicator of goal 6, whether it applies to the "
    "country or not; ours counts the applicable ones (as the issue asks), so half of them with data is "
    "coloured here and grey there"
)
NO_IMPORTED_CO2_THRESHOLDS = "Annex 4 as parsed has no thresholds for imported CO2 emissions (goal 13)"
ARMS_THRESHOLDS = (
    "Annex 4 arms-export thresholds are inconsistent (red threshold 50 beyond the worst bound 3.4)"
)
TAX_HAVEN_ON_THRESHOLD = "tax haven score exactly on the red threshold (4) was coloured red by SDSN"
DASHBOARD_EXCEPTIONS: dict[tuple[str, int], str] = {
    **{(c, 1): G1_RULE for c in (
        "Afghanistan", "Algeria", "Azerbaijan", "Burkina Faso", "Cabo Verde", "Cote d'Ivoire", "Djibouti",
        "Guinea", "Kenya", "Liberia", "New Zealand", "Rwanda", "Sao Tome and Principe", "Senegal",
        "Sierra Leone", "Switzerland", "Tanzania", "Uganda", "Yemen, Rep.", "Zimbabwe")},
    **{(c, 6): NO_SANITATION_THRESHOLDS for c in (
        "Australia", "Canada", "Chile", "Croatia", "Cyprus", "Hungary", "Iceland", "Ireland", "Latvia",
        "Lithuania", "Portugal", "Uruguay")},
    **{(c, 6): SANITATION_NOT_IN_RAW for c in ("Mexico", "Turkey")},
    **{(c, 6): GREY_COUNTS_ALTERNATIVES for c in (
        "Albania", "Argentina", "Bahamas, The", "Barbados", "Belarus", "Brunei Darussalam", "Bulgaria",
        "Colombia", "Congo, Rep.", "Ecuador", "Jordan", "Lebanon", "Malaysia", "Marshall Islands",
        "Micronesia, Fed. Sts.", "Montenegro", "Morocco", "Peru", "Romania", "Serbia", "Tonga",
        "Trinidad and Tobago", "Tunisia")},
    **{(c, 13): NO_IMPORTED_CO2_THRESHOLDS for c in (
        "Andorra", "Antigua and Barbuda", "Bahamas, The", "Barbados", "Botswana", "Bulgaria", "Cabo Verde",
        "Cyprus", "El Salvador", "Finland", "Former Yugoslav Republic of Macedonia (FYROM)", "Jamaica",
        "Kenya", "Korea, Dem. Rep.", "Latvia", "Lebanon", "Lesotho", "Liechtenstein", "Lithuania", "Maldives",
        "Mauritius", "Montenegro", "Morocco", "Namibia", "Sao Tome and Principe", "Serbia", "Seychelles",
        "Singapore", "South Sudan", "Swaziland", "Sweden", "Tunisia", "Turkmenistan", "Uruguay")},
    **{(c, 16): ARMS_THRESHOLDS for c in ("Israel", "Norway")},
    **{(c, 17): TAX_HAVEN_ON_THRESHOLD for c in ("Cyprus", "Luxembourg", "Netherlands")},
}  # fmt: skip


def test_goal_dashboards_of_all_193_countries(g18, one_run):
    # Exact colour match required for every (country, goal) except the listed exceptions, and every listed
    # exception must still differ (the list is exact). Published "gray" is our "grey". Dashboards are
    # published for all 193 countries, ranked or not; OECD members' dashboards include the OECD-only
    # indicators (dashboard-only rows of the spec).
    mine = one_run.result.by_city()
    differ = set()
    total = 0
    for i in range(len(g18.rows)):
        for goal in range(1, 18):
            total += 1
            published = g18.dashboard(i, goal).replace("gray", "grey")
            if mine[g18.country(i)].goal_colours[str(goal)] != published:
                differ.add((g18.country(i), goal))
    ranked = {g18.country(i) for i in countries(g18)}
    ranked_equal = 17 * len(ranked) - sum(1 for c, _g in differ if c in ranked)
    print(
        f"\n2018 goal dashboards (one run): {total - len(differ)}/{total} colours identical "
        f"({1 - len(differ) / total:.1%}); ranked countries {ranked_equal}/{17 * len(ranked)}; "
        f"{len(DASHBOARD_EXCEPTIONS)} listed exceptions"
    )
    assert differ == set(DASHBOARD_EXCEPTIONS)


def test_dashboard_exception_reasons_hold(g18, one_run):
    index_of = {g18.country(i): i for i in range(len(g18.rows))}
    mine = one_run.result.by_city()
    goal6 = [s for s in one_run.specs if s.goal == "6" and s.green is not None]
    for (country, goal), reason in DASHBOARD_EXCEPTIONS.items():
        i = index_of[country]
        if reason == NO_SANITATION_THRESHOLDS:
            assert g18.raw(i, SAFE_SANITATION) is not None, country
        elif reason == SANITATION_NOT_IN_RAW:
            assert g18.raw(i, SAFE_SANITATION) is None and g18.normalised(i, SAFE_SANITATION) is not None
        elif reason == GREY_COUNTS_ALTERNATIVES:
            city = mine[country]
            applicable = [s for s in goal6 if s.applies(city.groups)]
            with_data = [s for s in applicable if s.indicator in city.levels]
            assert g18.dashboard(i, 6) == "gray" and 2 * len(with_data) >= len(applicable), country
            assert 2 * len(with_data) < len(goal6), country  # below half of all five coloured rows
        elif reason == NO_IMPORTED_CO2_THRESHOLDS:
            assert g18.raw(i, IMPORTED_CO2) is not None, country
        elif reason == ARMS_THRESHOLDS:
            assert g18.raw(i, ARMS_EXPORTS) > 3.4, country
        elif reason == TAX_HAVEN_ON_THRESHOLD:
            assert g18.raw(i, TAX_HAVEN) == 4.0, country


def test_goal1_exceptions_follow_the_projection(g18):
    # Evidence for G1_RULE: among non-OECD countries whose two poverty indicators are both red, SDSN shows
    # orange exactly where the 2030 projection is at most half of today's rate, and for both-green countries
    # it shows yellow where the projection rises. New Zealand and Switzerland (OECD) stay unexplained.
    index_of = {g18.country(i): i for i in range(len(g18.rows))}
    for (country, _goal), reason in DASHBOARD_EXCEPTIONS.items():
        if reason != G1_RULE or country in ("New Zealand", "Switzerland"):
            continue
        i = index_of[country]
        now, projected = g18.raw(i, 0), g18.raw(i, 1)
        if g18.dashboard(i, 1) == "orange":
            assert projected <= now / 2, country
        else:
            assert g18.dashboard(i, 1) == "yellow" and projected > now, country


# --- trends on the published time series ------------------------------------------------------------------


def test_trends_from_the_time_series(files, one_run):
    # The shared 2018 files publish no trend arrows, so there is nothing to compare with; this checks the
    # rule on real series: one indicator recomputed by hand from history.csv, and the 75 % rule per goal.
    with files["history"].open(encoding="utf-8") as handle:
        history = list(csv.DictReader(handle))
    name = "Adolescent fertility (births per 1,000)"
    series = {int(r["year"]): float(r[name]) for r in history if r["city"] == "Kenya" and r[name]}
    spec = next(s for s in one_run.specs if s.indicator == name)
    bounds = one_run.result.bounds[name]
    end = max(series)
    begin = min(y for y in series if end - 5 <= y <= end - 3)
    now, then = normalise(series[end], bounds), normalise(series[begin], bounds)
    required = (normalise(spec.green, bounds) - now) / (2030 - end)
    trend = one_run.result.by_city()["Kenya"].trends[name]
    assert (trend.from_year, trend.to_year) == (begin, end)
    assert math.isclose(trend.observed, (now - then) / (end - begin)) and math.isclose(
        trend.required, required
    )
    assert trend == indicator_trend(series, spec, bounds)
    counts: dict[str, int] = {}
    goals_with_trend = 0
    for city in one_run.result.cities:
        for arrow in (t.arrow for t in city.trends.values()):
            counts[arrow] = counts.get(arrow, 0) + 1
        for goal, gt in city.goal_trends.items():
            if gt is None:
                continue
            goals_with_trend += 1
            assert 100 * gt.indicators >= GOAL_TREND_MIN_SHARE * gt.of
            own = [
                city.trends[s.indicator]
                for s in one_run.specs
                if s.goal == goal and s.indicator in city.trends
            ]
            assert gt.score == pytest.approx(sum(ARROW_SCORE[t.arrow] for t in own) / len(own))
    print(
        f"\n2018 trends from timeseries.csv: indicator arrows {counts}; goal trends shown {goals_with_trend}"
    )
    assert sum(counts.values()) > 5000 and goals_with_trend > 100
