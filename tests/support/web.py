"""HTTP helpers: sign in through the real form and keep the CSRF token for later posts."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def flash_of(location: str) -> str:
    """The banner message a redirect carries (decoded, not verified: the page verifies it when shown)."""
    token = parse_qs(urlsplit(location).query).get("flash", [""])[0]
    encoded = token.partition(".")[0]
    return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode() if encoded else ""


def csrf_from(html: str) -> str:
    """The CSRF token in a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A TestClient that signed in through /login and knows its current CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def refresh_csrf(self, path: str = "/account") -> str:
        self.csrf = csrf_from(self.client.get(path).text)
        return self.csrf

    def login(self, email: str, password: str) -> Browser:
        token = csrf_from(self.client.get("/login").text)
        response = self.client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:500]
        self.refresh_csrf()
        return self

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf)
        kwargs.setdefault("follow_redirects", False)
        return self.client.post(path, data=payload, **kwargs)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("X-CSRF-Token", self.csrf)
        return self.client.request(method, path, headers=headers, **kwargs)
