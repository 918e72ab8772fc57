"""The public SDG site in a real browser: Los Angeles' goal and indicator pages in English and Spanish, and
switching a disaggregation (htmx swaps the chart and table; the address follows)."""

from __future__ import annotations

from typing import Any

import pytest

from citydip.core.tenancy import Visibility
from support.browser import accessibility_problems
from support.factories import make_workspace
from support.sdg_helpers import CITY, do_import, shared_repo

pytestmark = pytest.mark.browser


def _publish(sys_session: Any, slug: str, path: Any) -> None:
    with sys_session() as s:
        ws = make_workspace(s, slug, name=f"{slug} office")
    with sys_session() as s:
        do_import(s, ws, path, visibility=Visibility.public)


def _table_headers(page: Any) -> list[str]:
    return [h.strip() for h in page.locator("table.sdg-data thead th").all_inner_texts()]


def test_los_angeles_goal_and_indicator_in_english_and_spanish(
    live_server: Any, page: Any, sys_session: Any
) -> None:
    _publish(sys_session, "la", shared_repo("los-angeles"))
    base = f"{live_server.url}/public/la/sdg"

    page.goto(f"{base}/")
    page.get_by_role("link", name="Goal 1 No poverty for anyone").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Goal 1")
    assert accessibility_problems(page) == []
    page.get_by_role("link", name="1.1.1", exact=False).first.click()
    assert "/indicators/1-1-1" in page.url
    assert page.locator("figure.sdg-chart svg").count() == 1
    assert _table_headers(page)[:2] == ["Year", "Headline"]
    assert accessibility_problems(page) == []

    # Switch a disaggregation: tick "Under 18 years" (htmx swaps the chart and table in place).
    page.get_by_label("Under 18 years").check()
    page.wait_for_function("() => location.search.includes('d0=')")
    page.wait_for_selector("table.sdg-data th:has-text('Age: Under 18 years')")
    assert "Age: Under 18 years" in _table_headers(page)
    assert page.get_by_label("Under 18 years").is_checked()
    assert page.locator("figure.sdg-chart svg").inner_html().count("<rect") > 8  # bars for both lines

    # The same page in Spanish, keeping the selection.
    page.get_by_role("link", name="ES", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert "lang=es" in page.url and "d0=" in page.url
    assert page.get_by_role("heading", name="Tabla de datos").is_visible()
    assert "Age: Under 18 years" in _table_headers(page)
    assert _table_headers(page)[0] == "Año"
    # And the goal page in Spanish.
    page.get_by_role("link", name="Objetivo 1", exact=False).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Objetivo 1")
    assert page.locator("html").get_attribute("lang") == "es"
    assert accessibility_problems(page) == []


def test_sample_city_selection_without_javascript(live_server: Any, browser: Any, sys_session: Any) -> None:
    """The selectors are a plain GET form: with JavaScript off, the button applies the selection."""
    _publish(sys_session, "sample", CITY)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/public/sample/sdg/indicators/1-2-1?lang=es")
        page.get_by_label("Mujer").check()
        page.get_by_role("button", name="Mostrar").click()
        assert "d0=Female" in page.url
        assert "Sexo: Mujer" in _table_headers(page)
    finally:
        context.close()


def test_staff_pages_pass_basic_accessibility_checks(live_server: Any, page: Any, sys_session: Any) -> None:
    from support.browser import sign_in
    from support.factories import PASSWORD, make_user

    with sys_session() as s:
        owner = make_user(s, "owner@sample.example")
        ws = make_workspace(s, "sample", owner=owner, name="Sample City Office")
    with sys_session() as s:
        do_import(s, ws, CITY)
    sign_in(page, live_server.url, "owner@sample.example", PASSWORD)
    base = f"{live_server.url}/w/sample/sdg"
    for path in (
        "/",
        "/reporting",
        "/new",
        "/indicators/1-2-1",
        "/indicators/1-2-1/data",
        "/indicators/1-2-1/upload",
        "/indicators/1-2-1/metadata",
        "/indicators/1-2-1/history",
    ):
        page.goto(base + path)
        assert accessibility_problems(page) == [], path
    # Delete is a visible, named button (not white on white).
    page.goto(base + "/indicators/1-2-1/data")
    button = page.get_by_role("button", name="Delete 2015").first
    assert button.is_visible()
    assert button.evaluate("e => getComputedStyle(e).color") != "rgb(255, 255, 255)"
