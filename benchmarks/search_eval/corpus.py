"""Load ../shared/data/practices/corpus.jsonl as search documents (benchmarks and evaluation only)."""

from __future__ import annotations

import json
from pathlib import Path

from citydip.practices.search import PracticeDocument, detect_language

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "data" / "practices" / "corpus.jsonl"
HERE = Path(__file__).resolve().parent


def load_records(path: Path = CORPUS) -> list[dict[str, object]]:
    """Return the corpus records; exit with a clear message when the shared data is absent."""
    if not path.is_file():
        raise SystemExit(f"{path} absent: the shared corpus is needed for this benchmark")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def to_document(i: int, rec: dict[str, object]) -> PracticeDocument:
    """Map one corpus record to a PracticeDocument (row number + 1 as id)."""
    title = str(rec.get("title") or "")
    text = str(rec.get("text") or "")
    sdgs = [int(g) for g in rec.get("sdgs") or []]  # type: ignore[attr-defined]
    return PracticeDocument(
        id=i + 1,
        external_id=str(rec["id"]),
        title=title,
        fields={"summary": text},
        language=detect_language(f"{title} {text}") or "",
        city=str(rec.get("city") or ""),
        country=str(rec.get("country") or ""),
        sdgs=sdgs,
        sectors=[str(rec.get("source") or "")],
    )


def load_documents(path: Path = CORPUS) -> list[PracticeDocument]:
    """Return all corpus records as PracticeDocuments."""
    return [to_document(i, r) for i, r in enumerate(load_records(path))]


def read_queries(path: Path = HERE / "queries.tsv") -> list[tuple[str, str]]:
    """Read qid<TAB>query lines (lines starting with # are comments)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise SystemExit(f"{path}: line {n}: expected qid<TAB>query")
        qid, q = line.split("\t", 1)
        out.append((qid.strip(), q.strip()))
    return out
