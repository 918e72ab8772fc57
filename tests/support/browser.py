"""Helpers for browser tests (importable; fixtures stay in conftest.py)."""

from __future__ import annotations

from typing import Any


def sign_in(page: Any, base_url: str, email: str, password: str) -> None:
    """Sign in through the real form."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
