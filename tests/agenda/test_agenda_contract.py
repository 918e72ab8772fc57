"""The agenda room's contract (core/agenda.py): windows, items, their days and their order."""

from __future__ import annotations

import datetime as dt

import pytest

from citydip.core.agenda import AgendaItem, AgendaWindow, sort_key


def test_a_window_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends before"):
        AgendaWindow(dt.date(2027, 1, 10), dt.date(2027, 1, 9), dt.date(2027, 1, 9))


def test_a_window_overlaps_items_that_touch_it():
    window = AgendaWindow(dt.date(2027, 1, 10), dt.date(2027, 1, 16), dt.date(2027, 1, 10))
    assert window.overlaps(dt.date(2027, 1, 8), dt.date(2027, 1, 10))
    assert window.overlaps(dt.date(2027, 1, 16))
    assert not window.overlaps(dt.date(2027, 1, 8), dt.date(2027, 1, 9))
    assert not window.overlaps(dt.date(2027, 1, 17))


def test_items_list_their_days_and_sort_all_day_first():
    visit = AgendaItem(
        "engagement", "e:1", "Visit", dt.date(2027, 1, 11), dt.date(2027, 1, 13), start_time=dt.time(9, 30)
    )
    assert visit.days() == [dt.date(2027, 1, 11), dt.date(2027, 1, 12), dt.date(2027, 1, 13)]
    assert not visit.all_day and visit.last_day == dt.date(2027, 1, 13)
    assert visit.days_until(dt.date(2027, 1, 9)) == 2
    holiday = AgendaItem("national_day", "n:1", "National day", dt.date(2027, 1, 11))
    early = AgendaItem("engagement", "e:2", "Breakfast", dt.date(2027, 1, 11), start_time=dt.time(8, 0))
    assert sorted([visit, early, holiday], key=sort_key) == [holiday, early, visit]
