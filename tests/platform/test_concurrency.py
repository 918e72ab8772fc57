"""Many users at once (issue 11), against a real uvicorn server and real threads, on SQLite and PostgreSQL.

No test waits on time: threads start together at a barrier and every request runs to its answer.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from citydip.accounts.models import ApiToken, LoginAttempt, UserSession
from citydip.accounts.service import create_api_token, start_session
from citydip.core.config import Settings
from citydip.core.database import utcnow
from citydip.core.tenancy import Role
from citydip.core.web import DbRoute
from citydip.register.partners.models import Partner
from citydip.web.app import create_app
from support.factories import PASSWORD, make_user, make_workspace
from support.live import serving
from support.web import csrf_from


def _together(count: int, work: Any) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads that start at the same moment; return results (or exceptions)."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # the test asserts on it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def office(sys_session: Any) -> dict[str, Any]:
    with sys_session() as s:
        owner = make_user(s, "owner@office.org")
        ws = make_workspace(s, "office", owner=owner)
        token, row = create_api_token(s, owner, ws.id, Role.owner, "load")
        cookie, session_row = start_session(s, owner, ip="127.0.0.1", user_agent="test", days=1)
        return {"token": token, "token_id": row.id, "cookie": cookie, "session_id": session_row.id}


def test_32_concurrent_writers_all_succeed(app: Any, office: dict[str, Any], sys_session: Any) -> None:
    """Measured before the fix: with 2 writers a third of the writes failed with 500 'database is locked'."""
    writers, each = 32, 3
    headers = {"Authorization": f"Bearer {office['token']}"}
    with serving(app) as base:
        clients = [httpx.Client(base_url=base, headers=headers, timeout=120) for _ in range(writers)]

        def write(i: int) -> list[int]:
            return [
                clients[i]
                .post("/api/v1/workspaces/office/partners", json={"kind": "company", "name": f"P {i}-{n}"})
                .status_code
                for n in range(each)
            ]

        results = _together(writers, write)
        for c in clients:
            c.close()
    statuses = Counter(code for r in results for code in (r if isinstance(r, list) else [repr(r)]))
    assert statuses == {201: writers * each}
    with sys_session() as s:
        assert s.scalar(select(func.count()).select_from(Partner)) == writers * each


def test_parallel_reads_after_idle_minutes_never_fail(
    app: Any, office: dict[str, Any], sys_session: Any, factory: Any
) -> None:
    """Before the fix each read wrote 'last used' after 5 idle minutes: 50 parallel GETs gave 49 500s."""
    long_ago = utcnow() - timedelta(minutes=10)
    with sys_session() as s:
        s.execute(update(ApiToken).values(last_used_at=long_ago))
        s.execute(update(UserSession).values(last_seen_at=long_ago))
    with serving(app) as base:
        token_client = [httpx.Client(base_url=base, timeout=60) for _ in range(25)]
        cookie_client = [httpx.Client(base_url=base, timeout=60) for _ in range(25)]

        def read(i: int) -> int:
            if i % 2 == 0:
                client = token_client[i // 2]
                return client.get(
                    "/api/v1/workspaces/office/partners",
                    headers={"Authorization": f"Bearer {office['token']}"},
                ).status_code
            client = cookie_client[i // 2]
            client.cookies.set("citydip_session", office["cookie"])
            return client.get("/w/office/partners").status_code

        results = _together(50, read)
        for c in token_client + cookie_client:
            c.close()
    assert Counter(results) == {200: 50}
    app.state.last_use.flush(factory)  # whatever the background flush has not written yet
    with sys_session() as s:
        token = s.get(ApiToken, office["token_id"])
        row = s.get(UserSession, office["session_id"])
        assert token.last_used_at > long_ago + timedelta(minutes=5)
        assert row.last_seen_at > long_ago + timedelta(minutes=5)


def test_reads_never_write(app: Any, office: dict[str, Any], sys_session: Any) -> None:
    """A GET's transaction is read-only: a handler that tries to write fails loudly instead of racing writers."""
    router = APIRouter(route_class=DbRoute)

    @router.get("/test-writes-in-a-get")
    def writes_in_a_get(request: Request) -> dict[str, str]:
        from citydip.core.web import get_db

        get_db(request).execute(update(ApiToken).values(name="changed by a GET"))
        return {"ok": "no"}

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/test-writes-in-a-get")
    assert r.status_code == 500
    with sys_session() as s:
        assert s.scalar(select(func.count()).where(ApiToken.name == "changed by a GET")) == 0


def _http(sock: socket.socket, path: str) -> bytes:
    """One HTTP/1.1 request on an open socket; returns the whole response (Content-Length framed)."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\nAccept: application/json\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return head + b"\r\n\r\n" + body


def test_an_unexpected_error_is_a_clean_500_and_the_connection_stays_open(app: Any) -> None:
    router = APIRouter(route_class=DbRoute)

    @router.get("/api/v1/test-boom")
    def boom() -> None:
        raise RuntimeError("internal detail that must not leak")

    app.include_router(router)
    with serving(app) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            first = _http(sock, "/api/v1/test-boom")
            assert first.startswith(b"HTTP/1.1 500") and b"internal_error" in first
            assert b"internal detail" not in first and b"Traceback" not in first
            second = _http(sock, "/healthz")  # the same keep-alive connection answers again
            assert second.startswith(b"HTTP/1.1 200")


def _login_form(client: httpx.Client) -> dict[str, str]:
    return {"csrf_token": csrf_from(client.get("/login").text), "next": "/"}


def test_forty_parallel_wrong_passwords_check_exactly_five(app: Any, sys_session: Any) -> None:
    """Before the fix 14 of 40 were checked (and 26 were 500s): the count is now atomic."""
    with sys_session() as s:
        make_user(s, "target@office.org")
    with serving(app) as base:
        clients = [httpx.Client(base_url=base, timeout=120) for _ in range(40)]
        forms = [_login_form(c) for c in clients]

        def guess(i: int) -> int:
            data = {**forms[i], "email": "target@office.org", "password": f"wrong guess {i}"}
            return clients[i].post("/login", data=data, follow_redirects=False).status_code

        results = _together(40, guess)
        for c in clients:
            c.close()
    assert Counter(results) == {401: 5, 429: 35}
    with sys_session() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 5


def _app_with(settings: Settings, engine: Any, **changes: Any) -> Any:
    return create_app(settings.model_copy(update=changes), engine)


def test_spraying_one_password_over_many_accounts_is_throttled_per_address(
    settings: Settings, engine: Any, sys_session: Any
) -> None:
    with sys_session() as s:
        for i in range(5):
            make_user(s, f"user{i}@office.org")
    app = _app_with(settings, engine, login_max_failures_per_address=3)
    with TestClient(app, raise_server_exceptions=False, client=("10.1.1.1", 5000)) as c:
        codes = []
        for i in range(5):
            form = {**_login_form(c), "email": f"user{i}@office.org", "password": "Summer2026!"}
            codes.append(c.post("/login", data=form, follow_redirects=False).status_code)
        assert codes == [401, 401, 401, 429, 429]
        assert "from your address" in c.post("/login", data={**_login_form(c), "email": "x@y.org"}).text
    with TestClient(app, raise_server_exceptions=False, client=("10.2.2.2", 5000)) as other:
        form = {**_login_form(other), "email": "user4@office.org", "password": PASSWORD}
        assert other.post("/login", data=form, follow_redirects=False).status_code == 303


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    settings: Settings, engine: Any, sys_session: Any
) -> None:
    with sys_session() as s:
        make_user(s, "ana@office.org")
    app = _app_with(settings, engine, trusted_proxies="10.0.0.0/24")
    spoof = {"X-Forwarded-For": "203.0.113.7, 198.51.100.9"}
    with TestClient(app, raise_server_exceptions=False, client=("192.0.2.50", 5000)) as direct:
        direct.post("/login", data={**_login_form(direct), "email": "ana@office.org"}, headers=spoof)
    with TestClient(app, raise_server_exceptions=False, client=("10.0.0.2", 5000)) as proxied:
        proxied.post("/login", data={**_login_form(proxied), "email": "ana@office.org"}, headers=spoof)
    with sys_session() as s:
        ips = sorted(s.scalars(select(LoginAttempt.ip)).all())
    # untrusted peer: its own address; trusted proxy: the right-most address that is not a proxy
    assert ips == ["192.0.2.50", "198.51.100.9"]
