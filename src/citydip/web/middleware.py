"""ASGI middleware: request body limits and security headers."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UPLOAD_PATHS = re.compile(r"/(documents|upload|import|attachments)(/|$)")


class BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes its limit."""


def _too_large_response(path: str, limit_mb: int) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    message = f"The request is larger than {limit_mb} MB, the most this address accepts. Nothing was saved."
    if path.startswith("/api/"):
        body = json.dumps(
            {"error": {"code": "payload_too_large", "message": message, "details": []}}
        ).encode()
        ctype = b"application/json"
    else:
        body = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Request too large</title>"
            f"<main><h1>Request too large</h1><p>{message}</p><p><a href='javascript:history.back()'>Back</a>"
            "</p></main></html>"
        ).encode()
        ctype = b"text/html; charset=utf-8"
    return 413, [(b"content-type", ctype), (b"content-length", str(len(body)).encode())], body


class BodyLimitMiddleware:
    """Refuse bodies over the limit (10 MB by default; uploads get the upload limit plus form overhead)."""

    def __init__(self, app: ASGIApp, max_body_mb: int, max_upload_mb: int) -> None:
        self.app = app
        self.max_body = max_body_mb * 1024 * 1024
        self.max_upload = (max_upload_mb + 1) * 1024 * 1024
        self.body_mb, self.upload_mb = max_body_mb, max_upload_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        upload = bool(UPLOAD_PATHS.search(path))
        limit = self.max_upload if upload else self.max_body
        limit_mb = self.upload_mb if upload else self.body_mb
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._reject(send, path, limit_mb)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send, path, limit_mb)

    @staticmethod
    async def _reject(send: Send, path: str, limit_mb: int) -> None:
        status, headers, body = _too_large_response(path, limit_mb)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """Conservative headers on every response; pages only load the app's own scripts and styles."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers") or [])
                names = {h[0].lower() for h in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                if scope.get("path", "").startswith("/api/docs"):
                    pass  # the API docs page loads its own inline assets
                elif b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", self.CSP.encode()))
                headers.extend(h for h in extra if h[0] not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
