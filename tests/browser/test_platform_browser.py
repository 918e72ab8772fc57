"""The foundation in a real browser: sign in, switch workspace, see the dashboard; keyboard and phone width."""

from __future__ import annotations

import pytest

from citydip.core.tenancy import Role
from support.browser import accessibility_problems, sign_in
from support.factories import PASSWORD, make_user, make_workspace

pytestmark = pytest.mark.browser


def test_sign_in_switch_workspace_and_dashboard(live_server, page, sys_session):
    with sys_session() as s:
        user = make_user(s, "ana@lacity.example", name="Ana Ruiz")
        make_workspace(s, "los-angeles", city="Los Angeles, US", owner=user, name="Los Angeles Office")
        houston = make_workspace(s, "houston", city="Houston, US", name="Houston Office")
        from citydip.accounts.service import set_membership

        set_membership(s, user, houston.id, Role.viewer)
    sign_in(page, live_server.url, "ana@lacity.example", PASSWORD)
    assert page.get_by_role("heading", name="Your workspaces").is_visible()
    page.get_by_role("link", name="Los Angeles Office").click()
    assert page.get_by_role("heading", name="Los Angeles Office").is_visible()
    assert page.get_by_text("Getting started").is_visible()
    page.get_by_role("link", name="Switch workspace").click()
    page.get_by_role("link", name="Houston Office").click()
    assert page.get_by_role("heading", name="Houston Office").is_visible()
    assert "/w/houston/" in page.url
    page.get_by_role("link", name="Audit log").click()
    assert page.get_by_role("heading", name="Audit log").is_visible()
    for path in (
        "/login",
        "/",
        "/w/los-angeles/",
        "/w/los-angeles/members",
        "/w/los-angeles/audit",
        "/account",
        "/w/los-angeles/settings",
        "/reference/cities?q=paris",
    ):
        page.goto(live_server.url + path)
        assert accessibility_problems(page) == [], path


def test_wrong_password_message_and_skip_link(live_server, page, sys_session):
    with sys_session() as s:
        make_user(s, "ana@lacity.example")
    page.goto(f"{live_server.url}/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.get_by_label("Email").fill("ana@lacity.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().strip() == "The email or password is not correct."


def test_phone_width_has_no_horizontal_scroll(live_server, browser, sys_session):
    with sys_session() as s:
        user = make_user(s, "ana@lacity.example")
        make_workspace(s, "los-angeles", owner=user, name="Los Angeles Office")
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, "ana@lacity.example", PASSWORD)
    page.goto(f"{live_server.url}/w/los-angeles/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    context.close()


def test_the_accessibility_check_reports_what_it_looks_for(page):
    page.set_content("""<html><body><h1>One</h1><h1>Two</h1>
      <input name="q"><img src="data:,"><button></button>
      <details><summary>More</summary><button>Hidden until opened</button><input id="x" name="x"></details>
      </body></html>""")
    problems = accessibility_problems(page)
    assert "unlabelled input name=q" in problems and "button without an accessible name" in problems
    assert "page needs exactly one h1" in problems and "no main landmark" in problems
    assert "html has no lang" in problems and any(p.startswith("img without alt") for p in problems)
    assert "unlabelled input name=x" not in problems  # folded away: not seen until the details open
    page.locator("summary").click()
    assert "unlabelled input name=x" in accessibility_problems(page)
