"""Property tests: whatever the inputs, progress results are finite numbers or empty, never NaN or inf."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from citydip.sdgprogress.method.calculation import (
    aggregate_progress,
    opensdg_progress,
    series_progress,
    unsd_progress,
)
from citydip.sdgprogress.method.types import OPENSDG_STATUSES, UNSD_STATUSES, SeriesOptions

values = st.one_of(
    st.floats(),  # includes NaN and +-inf, which must come out as not_available, never as output
    st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 5e-324, 1e308, 0.001]),
)
maybe_values = st.one_of(st.none(), values)
years = st.integers(min_value=1990, max_value=2040)
options = st.builds(
    SeriesOptions,
    base_year=years,
    target_year=years,
    target=maybe_values,
    direction=st.sampled_from(["positive", "negative"]),
    limit=maybe_values,
)


def finite_or_none(x: float | None) -> bool:
    return x is None or math.isfinite(x)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.none(), years), maybe_values, st.one_of(st.none(), years), maybe_values, options)
def test_opensdg_results_are_finite(base_year, base_value, current_year, current_value, opts):
    r = opensdg_progress(base_year, base_value, current_year, current_value, opts)
    assert r.status in OPENSDG_STATUSES
    assert finite_or_none(r.progress_value) and finite_or_none(r.score)
    if r.score is not None:
        assert -5.0 <= r.score <= 5.0
    assert (r.score is None) == (r.status == "not_available")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.none(), years), maybe_values, st.one_of(st.none(), years), maybe_values, options)
def test_unsd_results_are_finite(base_year, base_value, current_year, current_value, opts):
    r = unsd_progress(base_year, base_value, current_year, current_value, opts)
    assert r.status in UNSD_STATUSES
    assert finite_or_none(r.progress_value) and r.score is None
    assert (r.progress_value is None) == (r.status == "not_available")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(years, values), max_size=8, unique_by=lambda t: t[0]), options)
def test_series_and_indicator_results_are_finite(observations, opts):
    r = series_progress(observations, opts)
    assert finite_or_none(r.progress_value) and finite_or_none(r.score)
    indicator = aggregate_progress([r, r])
    assert finite_or_none(indicator.score)
    assert indicator.status in OPENSDG_STATUSES
