"""The city SDG index in a real browser: upload the files, read who is not ranked and why, open a city's
indicators (dashboard-only rows, 0-3 values), all pages free of accessibility problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.browser import accessibility_problems, sign_in
from support.factories import PASSWORD, make_user, make_workspace

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdgindex"


def test_upload_ranking_with_reasons_and_city_indicators(
    live_server: Any, page: Any, sys_session: Any
) -> None:
    with sys_session() as s:
        make_workspace(s, "la", owner=make_user(s, "ana@example.org"))
    sign_in(page, live_server.url, "ana@example.org", PASSWORD)
    page.goto(f"{live_server.url}/w/la/index")
    assert accessibility_problems(page) == []
    page.get_by_label("Title").first.fill("Groups")
    page.get_by_label("Values (V.csv)").set_input_files(str(FIXTURES / "values_groups.csv"))
    page.get_by_label("Indicator spec (S.csv)").set_input_files(str(FIXTURES / "spec_groups.csv"))
    page.get_by_role("button", name="Compute and store").first.click()
    page.wait_for_selector("h2:has-text('Ranking')")
    assert page.get_by_text("3 of 5 cities ranked.").is_visible()
    assert page.get_by_text(
        "not ranked: 1 of 2 applicable indicators missing (50.0 %, more than 20 %)"
    ).is_visible()
    assert accessibility_problems(page) == []
    page.get_by_role("link", name="Aland", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Aland"
    assert page.get_by_text("dashboard only").is_visible()
    assert page.get_by_role("columnheader", name="Colour scale (0-3)").is_visible()
    assert accessibility_problems(page) == []
    page.go_back()
    page.get_by_role("link", name="Heat map").click()
    assert page.get_by_role("heading", name="Goal by city").is_visible()
    assert accessibility_problems(page) == []
