"""The page kit (core.pages): banners only the server wrote, forms shown again after a rollback, one API page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from citydip.core.listing import Page, PageOut
from citydip.register.partners.models import Partner
from support.factories import PASSWORD, make_user, make_workspace

BANNER = re.compile(r'<div class="flash" role="status">(.*?)</div>', re.S)
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "citydip"


def _ana(sys_session) -> None:
    with sys_session() as s:
        user = make_user(s, "ana@lacity.example")
        make_workspace(s, "la", city="Los Angeles, US", owner=user)


def test_a_banner_typed_into_the_address_bar_is_not_shown(make_client, sys_session):
    _ana(sys_session)
    b = make_client().login("ana@lacity.example", PASSWORD)
    for path in ("/account?flash=Your+account+is+locked", "/w/la/?flash=Call+us", "/public/la/?flash=Hello"):
        page = b.get(path)
        assert page.status_code == 200, path
        assert BANNER.search(page.text) is None, path
        assert "locked" not in page.text and "Call us" not in page.text
    anonymous = make_client()
    assert BANNER.search(anonymous.get("/public/la/?flash=Hello").text) is None
    login = anonymous.get("/login?reason=Your+account+is+locked")
    assert "locked" not in login.text and "error-summary" not in login.text


def test_the_login_page_shows_only_its_own_reasons(make_client, sys_session):
    _ana(sys_session)
    b = make_client().login("ana@lacity.example", PASSWORD)
    out = b.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/login?reason=signed_out"
    assert "You have signed out." in b.get(out.headers["location"]).text
    anonymous = make_client()
    r = anonymous.get("/account", follow_redirects=False)
    assert r.status_code == 303 and "reason=sign_in" in r.headers["location"]
    assert "Please sign in." in anonymous.get(r.headers["location"]).text


def test_a_server_message_is_shown_once_signed_and_only_to_its_browser(make_client, sys_session):
    _ana(sys_session)
    b = make_client().login("ana@lacity.example", PASSWORD)
    b.refresh_csrf("/w/la/settings")
    r = b.post("/w/la/settings", {"name": "LA office", "description": "", "city": "Los Angeles, US"})
    assert r.status_code == 303
    target = r.headers["location"]
    token = parse_qs(urlsplit(target).query)["flash"][0]
    assert "Settings saved" not in token  # the message travels signed, never as readable free text
    shown = BANNER.search(b.get(target).text)
    assert shown is not None and shown.group(1) == "Settings saved."
    tampered = target.replace(token, token[:-2] + ("00" if not token.endswith("00") else "11"))
    assert BANNER.search(b.get(tampered).text) is None
    with sys_session() as s:
        other = make_user(s, "ben@lacity.example")
        from citydip.accounts import service as accounts
        from citydip.core.tenancy import Role
        from citydip.workspaces.repository import workspace_by_slug

        ws = workspace_by_slug(s, "la")
        assert ws is not None
        accounts.set_membership(s, other, ws.id, Role.viewer)
    ben = make_client().login("ben@lacity.example", PASSWORD)
    assert BANNER.search(ben.get(target).text) is None  # a link sent to someone else shows nothing


def test_a_rejected_form_is_shown_again_and_nothing_is_written(make_client, sys_session, factory):
    _ana(sys_session)
    b = make_client().login("ana@lacity.example", PASSWORD)
    b.refresh_csrf("/w/la/agreements/new")
    r = b.post("/w/la/agreements/new", {"kind": "sister_city", "title": "", "status": "active"})
    assert r.status_code == 422 and 'class="error"' in r.text and 'name="title"' in r.text
    r = b.post("/w/la/partners/new", {"kind": "city", "name": "Berlin", "city": "Nowhere-at-all, ZZ"})
    assert r.status_code == 422 and "Berlin" in r.text  # the form keeps what was typed
    with factory() as s:
        from citydip.core.tenancy import Scope, set_scope

        set_scope(s, Scope.system_scope())
        assert s.scalar(select(func.count()).select_from(Partner)) == 0


def test_the_api_page_model_carries_a_list_page():
    class Numbers(PageOut[int]):
        """A page of numbers."""

    page: Page[int] = Page(items=[1, 2, 3], total=10_001, page=2, per_page=3, capped=True)
    out = Numbers.of(page, [n * 10 for n in page.items])
    assert out.model_dump() == {
        "items": [10, 20, 30],
        "total": 10_001,
        "total_capped": True,
        "page": 2,
        "per_page": 3,
    }
    assert Numbers.model_json_schema()["title"] == "Numbers"


def test_templates_hold_no_style_blocks():
    """CSS lives in static/*.css; the one exception embeds static/vlr.css into the self-contained review."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        for block in re.findall(r"<style[^>]*>(.*?)</style>", path.read_text(encoding="utf-8"), re.S):
            if block.strip() != "{{ stylesheet }}":
                found.append(str(path.relative_to(TEMPLATES)))
    assert found == []
