"""Random tokens, their stored digests and HMAC signatures (passwords are the accounts domain's business)."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token(prefix: str = "") -> str:
    """A random URL-safe token, optionally with a readable prefix (e.g. ``cdp_``)."""
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 of a token, the only form stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign(secret: str, message: str) -> str:
    """An HMAC-SHA256 signature, hex."""
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time string comparison."""
    return hmac.compare_digest(a.encode(), b.encode())
