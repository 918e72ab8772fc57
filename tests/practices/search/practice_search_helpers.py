"""Helpers for the practice search tests: paths and the small multilingual fixture corpus."""

from __future__ import annotations

import json
from pathlib import Path

from citydip.practices.search import PracticeDocument, SearchHit

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "tests" / "fixtures" / "practices" / "search_fixture.jsonl"
SHARED = REPO.parent / "shared" / "data" / "practices" / "corpus.jsonl"


def fixture_documents() -> list[PracticeDocument]:
    """Read the fixture corpus as PracticeDocuments (ids 1..n in file order)."""
    docs = []
    for i, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), start=1):
        r = json.loads(line)
        docs.append(
            PracticeDocument(
                id=i,
                external_id=r["id"],
                title=r["title"],
                fields={"summary": r["text"]},
                language=r["lang"],
                city=r["city"],
                country=r["country"],
                sdgs=r["sdgs"],
                visibility=r["visibility"],
                workspace=r["workspace"],
            )
        )
    return docs


def ext_ids(hits: list[SearchHit]) -> list[str]:
    """External ids of hits, best first."""
    return [h.external_id for h in hits]
