"""Fixtures for the practice search tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from citydip.practices.search import PracticeDocument, SqliteSearchEngine
from practices.search.practice_search_helpers import fixture_documents


@pytest.fixture
def docs() -> list[PracticeDocument]:
    """The fixture documents."""
    return fixture_documents()


@pytest.fixture
def engine(tmp_path: Path, docs: list[PracticeDocument]) -> Iterator[SqliteSearchEngine]:
    """A SQLite search engine with the fixture corpus indexed."""
    eng = SqliteSearchEngine(tmp_path / "search.db")
    eng.index_many(docs)
    yield eng
    eng.close()
