"""Paths for the Open SDG file tests: our own fixture repository, and the real repositories read in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
MINI = REPO_ROOT / "tests" / "fixtures" / "opensdg" / "mini"
SHARED_OPENSDG = (REPO_ROOT / ".." / "shared" / "data" / "opensdg").resolve()
REAL_REPOSITORIES = ("los-angeles", "usa", "uk-ons", "bristol", "cape-town")


def _shared_repo(name: str) -> Path:
    """A real repository under ../shared/data/opensdg, or skip with the reason."""
    path = SHARED_OPENSDG / name
    if not path.is_dir():
        pytest.skip(
            f"../shared/data/opensdg/{name} absent: real Open SDG data only exists on development machines"
        )
    return path


@pytest.fixture(scope="session")
def mini() -> Path:
    """The small fixture repository (clean and deliberately broken indicators)."""
    return MINI


@pytest.fixture(scope="session")
def shared_repo() -> Callable[[str], Path]:
    """Look up a real repository by name (skips the test when ../shared/data is absent)."""
    return _shared_repo
