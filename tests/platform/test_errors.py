"""Bad input gets a clear page or JSON error, changes nothing, and never shows a stack trace."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import func, select

from citydip.accounts.models import Membership
from citydip.core.web import DbRoute
from support.factories import PASSWORD, make_user, make_workspace


def _owner(sys_session):
    with sys_session() as s:
        user = make_user(s, "owner@example.org")
        make_workspace(s, "alpha", owner=user)
        make_user(s, "someone@example.org")


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["database"] == "ok"


def test_unknown_paths(client):
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    page = client.get("/nothing-here")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.text


def test_malformed_json_is_a_400_and_changes_nothing(make_client, sys_session):
    _owner(sys_session)
    b = make_client().login("owner@example.org", PASSWORD)
    r = b.api(
        "PUT",
        "/api/v1/workspaces/alpha/members",
        content=b'{"email": "someone@example.org", "role":',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400
    body = r.json()["error"]
    assert body["code"] == "malformed_json" and set(body) == {"code", "message", "details"}
    with sys_session() as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 1


def test_invalid_fields_are_named(make_client, sys_session):
    _owner(sys_session)
    b = make_client().login("owner@example.org", PASSWORD)
    r = b.api("PUT", "/api/v1/workspaces/alpha/members", json={"role": "emperor"})
    assert r.status_code == 422
    assert "email" in {d["field"] for d in r.json()["error"]["details"]}
    r = b.api(
        "PUT", "/api/v1/workspaces/alpha/members", json={"email": "someone@example.org", "role": "emperor"}
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "role"
    r = b.api(
        "PUT",
        "/api/v1/workspaces/alpha/members",
        json={"email": "someone@example.org", "role": "viewer", "rol": "owner"},
    )
    assert r.status_code == 422 and "rol" in {d["field"] for d in r.json()["error"]["details"]}
    with sys_session() as s:
        assert s.scalar(select(func.count()).select_from(Membership)) == 1  # a typo changes nothing


def test_bodies_over_ten_megabytes_are_refused(make_client, sys_session):
    _owner(sys_session)
    b = make_client().login("owner@example.org", PASSWORD)
    big = b"x" * (10 * 1024 * 1024 + 10)
    r = b.api(
        "PUT", "/api/v1/workspaces/alpha/members", content=big, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    page = b.client.post(
        "/w/alpha/members", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert page.status_code == 413 and "larger than 10 MB" in page.text


def test_unexpected_errors_show_a_reference_not_a_trace(app, client, sys_session):
    def explode(request: Request) -> dict[str, str]:
        raise RuntimeError("secret internals: /etc/passwd")

    app.router.add_api_route("/api/v1/_explode", explode, methods=["GET"], route_class_override=DbRoute)
    app.router.add_api_route("/_explode", explode, methods=["GET"], route_class_override=DbRoute)
    r = client.get("/api/v1/_explode")
    assert r.status_code == 500
    assert r.json()["error"]["code"] == "internal_error"
    assert "secret internals" not in r.text and "Traceback" not in r.text and "Reference" in r.text
    page = client.get("/_explode")
    assert page.status_code == 500 and "Reference" in page.text and "secret internals" not in page.text


def test_security_headers_and_no_cdn(client):
    r = client.get("/login")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "https://" not in r.text.split("<footer")[0]
    docs = client.get("/api/docs")
    assert (
        docs.status_code == 200
        and "cdn.jsdelivr" not in docs.text
        and "/static/vendor/swagger-ui" in docs.text
    )
    assert client.get("/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js").status_code == 200


def test_openapi_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/workspaces/{ws}/audit" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/v1/workspaces/{ws}/audit"]["get"]["parameters"]}
    assert {"page", "per_page", "sort", "q", "from", "to", "action"} <= params


def test_capped_counts_and_cheap_search(sys_session, factory):
    """core.listing: a count that stops early still pages on; free text matches case-insensitively."""
    from citydip.audit.models import AuditEntry
    from citydip.audit.repository import AUDIT_LIST, entries_of_workspace
    from citydip.core.listing import paginate

    with sys_session() as s:
        owner = make_user(s, "owner@example.org")
        ws = make_workspace(s, "alpha", owner=owner)
        for n in range(7):
            make_user(s, f"Member{n}@Example.org")
        ws_id = ws.id
    with sys_session() as s:
        for n in range(7):
            s.add(
                AuditEntry(
                    workspace_id=ws_id,
                    actor="t",
                    action="update",
                    entity="x",
                    entity_id=str(n),
                    summary=f"Renewal MEMO {n}",
                )
            )
    with sys_session() as s:
        params = AUDIT_LIST.parse({"per_page": "3", "q": "renewal memo"})
        page = paginate(s, entries_of_workspace(ws_id), AUDIT_LIST, params, count_cap=5)
        assert page.capped and page.total == 5 and page.has_next and len(page.items) == 3
        exact = paginate(s, entries_of_workspace(ws_id), AUDIT_LIST, params)
        assert not exact.capped and exact.total == 7
        last = paginate(
            s,
            entries_of_workspace(ws_id),
            AUDIT_LIST,
            AUDIT_LIST.parse({"per_page": "3", "page": "3", "q": "MEMO"}),
            count_cap=5,
        )
        assert last.items and len(last.items) == 1 and not last.has_next
