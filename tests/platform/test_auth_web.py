"""Sign-in, sessions, throttling, CSRF, password change and API tokens through real HTTP requests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from citydip.accounts import service as accounts
from citydip.accounts.models import LoginAttempt, UserSession
from citydip.audit.models import AuditEntry
from citydip.core.tenancy import Role
from support.factories import PASSWORD, make_user, make_workspace
from support.web import Browser, csrf_from


def _setup(sys_session):
    with sys_session() as s:
        user = make_user(s, "ana@lacity.example")
        ws = make_workspace(s, "los-angeles", city="Los Angeles, US", owner=user)
        return user.id, ws.id


def test_login_sets_a_hardened_cookie_and_opens_the_dashboard(client, sys_session):
    _setup(sys_session)
    token = csrf_from(client.get("/login").text)
    r = client.post(
        "/login",
        data={"email": "ANA@lacity.example ", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "citydip_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    assert "Getting started" in home.text  # single workspace: straight to its dashboard, empty state


def test_wrong_password_is_rejected_and_counted(client, sys_session, factory):
    _setup(sys_session)
    token = csrf_from(client.get("/login").text)
    r = client.post(
        "/login", data={"email": "ana@lacity.example", "password": "nope-nope-nope", "csrf_token": token}
    )
    assert r.status_code == 401
    assert "not correct" in r.text
    assert "citydip_session" not in r.headers.get("set-cookie", "")
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def test_throttle_after_five_failures_even_with_the_right_password(client, sys_session):
    _setup(sys_session)
    token = csrf_from(client.get("/login").text)
    for _ in range(5):
        client.post(
            "/login", data={"email": "ana@lacity.example", "password": "wrong-wrong-1", "csrf_token": token}
        )
    r = client.post("/login", data={"email": "ana@lacity.example", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert "Too many failed sign-in attempts" in r.text and "minute" in r.text


def test_login_without_csrf_token_is_refused(client, sys_session):
    _setup(sys_session)
    client.get("/login")
    r = client.post("/login", data={"email": "ana@lacity.example", "password": PASSWORD})
    assert r.status_code == 403
    assert "form expired" in r.text


def test_logout_revokes_the_session(make_client, sys_session, factory):
    _setup(sys_session)
    b = make_client().login("ana@lacity.example", PASSWORD)
    cookie = b.client.cookies.get("citydip_session")
    assert b.post("/logout").status_code == 303
    with factory() as s:
        row = s.scalars(select(UserSession)).one()
        assert row.revoked_at is not None
    b.client.cookies.set("citydip_session", cookie)
    r = b.get("/account", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]


def test_expired_session_asks_to_sign_in_again(make_client, sys_session, factory):
    _setup(sys_session)
    b = make_client().login("ana@lacity.example", PASSWORD)
    with factory() as s:
        row = s.scalars(select(UserSession)).one()
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        s.commit()
    page = b.get("/account", follow_redirects=True)
    assert "session has expired" in page.text


def test_password_change_ends_other_sessions(make_client, sys_session):
    _setup(sys_session)
    first = make_client().login("ana@lacity.example", PASSWORD)
    second = make_client().login("ana@lacity.example", PASSWORD)
    r = first.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "a-brand-new-password"}
    )
    assert r.status_code == 303
    assert first.get("/account").status_code == 200
    assert second.get("/account", follow_redirects=False).status_code == 303
    bad = first.post("/account/password", {"current_password": "wrong", "new_password": "another-password-1"})
    assert bad.status_code == 422 and "current password is wrong" in bad.text


def test_api_token_is_scoped_shown_once_and_revocable(client, sys_session):
    with sys_session() as s:
        user = make_user(s, "ana@lacity.example")
        ws = make_workspace(s, "los-angeles", owner=user)
        other = make_workspace(s, "houston", owner=user)
        token, row = accounts.create_api_token(s, user, ws.id, Role.viewer, "dashboard")
        token_id = row.id
        assert row.token_hash != token and token.startswith("cdp_")
        del other
    auth = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=auth)
    assert me.status_code == 200 and me.json()["via"] == "token"
    assert [w["workspace"] for w in me.json()["workspaces"]] == ["los-angeles"]
    assert client.get("/api/v1/workspaces/houston", headers=auth).status_code == 404
    # A viewer token cannot manage members, even though its user owns the workspace.
    r = client.put(
        "/api/v1/workspaces/los-angeles/members",
        headers=auth,
        json={"email": "ana@lacity.example", "role": "viewer"},
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    with sys_session() as s:
        accounts.revoke_api_token(s, token_id)
    r = client.get("/api/v1/me", headers=auth)
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"


def test_token_cannot_exceed_the_users_role(sys_session):
    import pytest

    from citydip.core.errors import ValidationFailed

    with sys_session() as s:
        user = make_user(s)
        ws = make_workspace(s)
        accounts.set_membership(s, user, ws.id, Role.viewer)
        with pytest.raises(ValidationFailed):
            accounts.create_api_token(s, user, ws.id, Role.owner, "too much")


def test_members_page_changes_roles_and_keeps_an_owner(make_client, sys_session, factory):
    with sys_session() as s:
        owner = make_user(s, "owner@example.org")
        ws = make_workspace(s, "alpha", owner=owner)
        make_user(s, "colleague@example.org")
        ws_id, owner_id = ws.id, owner.id
    b = make_client().login("owner@example.org", PASSWORD)
    assert b.post("/w/alpha/members", {"email": "colleague@example.org", "role": "editor"}).status_code == 303
    page = b.get("/w/alpha/members")
    assert "colleague@example.org" in page.text
    demote = b.post(f"/w/alpha/members/{owner_id}/role", {"role": "viewer"})
    assert demote.status_code == 409 and "at least one owner" in demote.text
    with sys_session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.workspace_id == ws_id)).all()
    assert any(
        e.entity == "memberships" and e.action == "create" and e.actor == "owner@example.org" for e in entries
    )


def test_unknown_workspace_and_bad_list_parameters(make_client, sys_session):
    _setup(sys_session)
    b = make_client().login("ana@lacity.example", PASSWORD)
    assert b.get("/w/does-not-exist/").status_code == 404
    r = b.get("/api/v1/workspaces/los-angeles/audit?page=zero")
    assert r.status_code == 422 and {d["field"] for d in r.json()["error"]["details"]} == {"page"}
    r = b.get("/api/v1/workspaces/los-angeles/audit?sort=nonsense")
    assert r.status_code == 422 and {d["field"] for d in r.json()["error"]["details"]} == {"sort"}
    page = b.get("/w/los-angeles/audit?sort=nonsense&page=zero")
    assert page.status_code == 422 and "cannot sort by" in page.text and "not a whole number" in page.text


def test_browser_helper_roundtrip(make_client, sys_session):
    _setup(sys_session)
    b: Browser = make_client().login("ana@lacity.example", PASSWORD)
    assert b.get("/account").status_code == 200


def test_owner_edits_settings_and_editor_cannot(make_client, sys_session):
    with sys_session() as s:
        owner = make_user(s, "owner@example.org")
        ws = make_workspace(s, "alpha", owner=owner)
        editor = make_user(s, "editor@example.org")
        accounts.set_membership(s, editor, ws.id, Role.editor)
    b = make_client().login("owner@example.org", PASSWORD)
    r = b.post(
        "/w/alpha/settings",
        {"name": "Alpha Office", "description": "Hello", "city": "Sao Paulo, BR", "public_site": "on"},
    )
    assert r.status_code == 303
    page = b.get("/w/alpha/settings")
    assert "Alpha Office" in page.text and "São Paulo, BR" in page.text
    bad = b.post("/w/alpha/settings", {"name": "", "city": "Qqqzzzyy"})
    assert bad.status_code == 422 and "enter a name" in bad.text and "no reference city" in bad.text
    e = make_client().login("editor@example.org", PASSWORD)
    assert e.get("/w/alpha/settings").status_code == 403
    assert e.post("/w/alpha/settings", {"name": "Hijack"}).status_code == 403
    assert "Alpha Office" in b.get("/public/alpha/").text
