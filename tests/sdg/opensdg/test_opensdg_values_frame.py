"""Cell reading (numbers, near-numbers, period labels) and the typed frame, headline and edges rules."""

from __future__ import annotations

import pytest

from citydip.sdg.opensdg.frame import Frame, edges, format_csv_cell, headline, type_column
from citydip.sdg.opensdg.values import classify_value, classify_year, parse_number, period_start_year


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("12.5", "number", 12.5),
        ("-3", "number", -3.0),
        ("1e3", "number", 1000.0),
        ("", "empty", None),
        (" 7 ", "number-with-spaces", 7.0),
        ("n/a", "missing-word", None),
        ("NA", "missing-word", None),
        ("1,234", "thousands-separator", 1234.0),
        ("1,234,567.5", "thousands-separator", 1234567.5),
        ("12 345", "thousands-separator", 12345.0),
        ("12.5*", "footnote-marker", 12.5),
        ("40 (p)", "footnote-marker", 40.0),
        ("40[x]", "footnote-marker", 40.0),
        ("45%", "percent-sign", 45.0),
        ("<5", "censored", 5.0),
        ("lots", "text", None),
        ("1_000", "text", None),
        ("nan", "missing-word", None),
        ("inf", "text", None),
    ],
)
def test_classify_value(text: str, kind: str, number: float | None) -> None:
    assert classify_value(text) == (kind, number)


def test_parse_number_rejects_non_finite_and_underscores() -> None:
    assert parse_number("3.25") == 3.25
    assert parse_number("Infinity") is None
    assert parse_number("1_0") is None
    assert parse_number("") is None


@pytest.mark.parametrize(
    ("label", "kind", "start"),
    [
        ("2015", "year", 2015),
        ("2015-16", "period", 2015),
        ("2009\u20132010", "period", 2009),
        ("2013 Q1", "period", 2013),
        ("2000/01", "period", 2000),
        ("17 May to 11 June 2023", "period", 2023),
        ("2010-06-28", "date", 2010),
        ("There is no data for this indicator yet", "text", None),
        ("", "empty", None),
    ],
)
def test_year_labels(label: str, kind: str, start: int | None) -> None:
    assert classify_year(label) == kind
    assert period_start_year(label) == start


def test_type_column_follows_pandas_rules() -> None:
    assert type_column(["1", "2"]) == [1, 2]
    ints_with_gap = type_column(["1", "", "3"])
    assert ints_with_gap == [1.0, None, 3.0] and all(
        isinstance(v, float) for v in ints_with_gap if v is not None
    )
    assert type_column(["1", "2.5"]) == [1.0, 2.5]
    assert type_column(["2015", "2015-16"]) == ["2015", "2015-16"]
    assert type_column(["A", "NA", "n/a", ""]) == ["A", None, None, None]
    assert type_column(["", ""]) == [None, None]
    assert type_column(["True", "false"]) == [True, False]
    assert format_csv_cell(10.0) == "10.0" and format_csv_cell(None) == "" and format_csv_cell(7) == "7"


def test_headline_keeps_rows_without_disaggregation() -> None:
    frame = Frame(
        ["Year", "Sex", "Units", "Value"],
        [[2015, 2015, 2016], [None, "F", None], ["pc", "pc", "pc"], [1.0, 2.0, 3.0]],
    )
    head = headline(frame)
    assert head.columns == ["Year", "Value", "Units"]  # Open SDG's order: Year, Value, then Units/Series ...
    assert head.records() == [
        {"Year": 2015, "Value": 1.0, "Units": "pc"},
        {"Year": 2016, "Value": 3.0, "Units": "pc"},
    ]


def test_edges_parent_child_codependent_and_grandparent_pruning() -> None:
    # Region appears alone; City only with Region; District only with City (hence also with Region).
    frame = Frame(
        ["Year", "Region", "City", "District", "Sex", "Age", "Value"],
        [
            [1, 1, 1, 1, 1, 1],
            ["N", "N", "N", None, None, None],
            [None, "A", "A", None, None, None],
            [None, None, "d1", None, None, None],
            [None, None, None, "F", "M", None],
            [None, None, None, "0-5", "0-5", None],
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        ],
    )
    # Region->City, City->District kept; Region->District pruned (a grandparent); Sex/Age always together:
    # the left one is the parent.
    assert edges(frame) == [("Region", "City"), ("City", "District"), ("Sex", "Age")]


def test_edges_ignore_empty_and_unrelated_columns() -> None:
    frame = Frame(
        ["Year", "Sex", "Empty", "Units", "Value"],
        [[1, 1], ["F", None], [None, None], ["u", "v"], [1.0, 2.0]],
    )
    assert edges(frame) == []
