"""Shared fixtures for the practice search tests: a small multilingual corpus written for these tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from citydip.practices.search import PracticeDocument, SqliteSearchEngine

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "tests" / "fixtures" / "practices" / "search_fixture.jsonl"
SHARED = REPO.parent / "shared" / "data" / "practices" / "corpus.jsonl"


def fixture_documents() -> list[PracticeDocument]:
    """Read the fixture corpus as PracticeDocuments (ids 1..n in file order)."""
    docs = []
    for i, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), start=1):
        r = json.loads(line)
        docs.append(PracticeDocument(
            id=i, external_id=r["id"], title=r["title"], fields={"summary": r["text"]}, language=r["lang"],
            city=r["city"], country=r["country"], sdgs=r["sdgs"], visibility=r["visibility"],
            workspace=r["workspace"]))
    return docs


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


def ext_ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    """External ids of hits, best first."""
    return [h.external_id for h in hits]
