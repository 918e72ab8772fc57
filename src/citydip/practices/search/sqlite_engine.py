"""Hybrid practice search on SQLite: FTS5 BM25 + static multilingual embeddings, fused by weighted RRF."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from citydip.practices.search.access import SubQuery
from citydip.practices.search.base import IndexState, SqlSearchEngine
from citydip.practices.search.concepts import ConceptDictionary
from citydip.practices.search.crosslang import CONCEPT_WEIGHT
from citydip.practices.search.dense import FloatArray
from citydip.practices.search.embedding import StaticEmbedder
from citydip.practices.search.text import fold, fts5_match
from citydip.practices.search.types import PracticeDocument

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS practice_search_docs (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL, "
    "title TEXT NOT NULL, language TEXT, vector BLOB)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_search_fts USING fts5(title, body, place, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TABLE IF NOT EXISTS practice_search_facets (facet TEXT NOT NULL, value TEXT NOT NULL, "
    "doc_id INTEGER NOT NULL, PRIMARY KEY (facet, value, doc_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS practice_search_facets_doc ON practice_search_facets (doc_id)",
    "CREATE TABLE IF NOT EXISTS practice_search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS practice_search_vocab USING fts5vocab(practice_search_fts, 'row')",
)


class SqliteSearchEngine(SqlSearchEngine):
    """Practice search index stored in SQLite tables prefixed ``practice_search_`` (see docs/search.md)."""

    def __init__(
        self,
        db: str | Path | sqlite3.Connection,
        embedder: StaticEmbedder | None = None,
        candidates: int = 100,
        weights: tuple[float, float, float] = (1.0, 0.5, 1.0),
        expand: bool = False,
        *,
        state: IndexState | None = None,
        owns_transactions: bool = True,
        concepts: ConceptDictionary | bool = True,
        concept_weight: float = CONCEPT_WEIGHT,
        language_slots: bool = True,
    ) -> None:
        """Open (creating tables if needed) on a path or an existing sqlite3 connection."""
        conn = db if isinstance(db, sqlite3.Connection) else sqlite3.connect(str(db), check_same_thread=False)
        super().__init__(
            conn,
            embedder=embedder,
            state=state,
            owns_transactions=owns_transactions,
            candidates=candidates,
            weights=weights,
            expand=expand,
            concepts=concepts,
            concept_weight=concept_weight,
            language_slots=language_slots,
        )

    def create_schema(self) -> None:
        """Create the FTS5, facet, document and meta tables if missing."""
        for stmt in SCHEMA:
            self._conn.execute(stmt)

    def _write_many(self, docs: Sequence[PracticeDocument], vecs: Sequence[FloatArray | None]) -> None:
        ids = [(d.id,) for d in docs]
        self._executemany("DELETE FROM practice_search_fts WHERE rowid = ?", ids)
        self._executemany("DELETE FROM practice_search_facets WHERE doc_id = ?", ids)
        self._executemany(
            "INSERT OR REPLACE INTO practice_search_docs VALUES (?, ?, ?, ?, ?)",
            [
                (
                    d.id,
                    d.external_id,
                    d.title,
                    d.language,
                    None if v is None else v.astype(np.float32).tobytes(),
                )
                for d, v in zip(docs, vecs, strict=True)
            ],
        )
        self._executemany(
            "INSERT INTO practice_search_fts (rowid, title, body, place) VALUES (?, ?, ?, ?)",
            [(d.id, d.title, d.body(), d.place()) for d in docs],
        )
        self._executemany(
            "INSERT OR IGNORE INTO practice_search_facets VALUES (?, ?, ?)",
            [(f, v, d.id) for d in docs for f, v in d.facet_values()],
        )

    def _delete_many(self, ids: Sequence[int]) -> int:
        rows = [(i,) for i in ids]
        marks = ",".join("?" * len(ids))
        existing = self._execute(
            f"SELECT COUNT(*) FROM practice_search_docs WHERE id IN ({marks})",  # noqa: S608
            ids,
        ).fetchone()[0]
        self._executemany("DELETE FROM practice_search_docs WHERE id = ?", rows)
        self._executemany("DELETE FROM practice_search_fts WHERE rowid = ?", rows)
        self._executemany("DELETE FROM practice_search_facets WHERE doc_id = ?", rows)
        return int(existing)

    def _doc_freqs(self, terms: list[str]) -> list[int] | None:
        """Documents containing each term (fts5vocab), cached until the index changes."""
        st = self.state
        cache: dict[str, int] | None = st.features.get("df")
        if cache is None or st.features.get("df_generation") != st.generation or len(cache) > 50_000:
            cache = st.features["df"] = {}
            st.features["df_generation"] = st.generation
        out = []
        for t in terms:
            key = fold(t)
            if key not in cache:
                row = self._execute("SELECT doc FROM practice_search_vocab WHERE term = ?", [key]).fetchone()
                cache[key] = int(row[0]) if row else 0
            out.append(cache[key])
        return out

    def _keyword(
        self,
        terms: list[str],
        subq: SubQuery | None,
        k: int,
        exclude: int | None = None,
        *,
        synonyms: bool = False,
    ) -> list[int]:
        if not terms:
            return []
        sql = "SELECT rowid FROM practice_search_fts WHERE practice_search_fts MATCH ?"
        params: list[object] = [fts5_match(terms)]
        if subq is not None:
            sql += f" AND +rowid IN ({subq[0]})"  # "+": filter after MATCH, not one MATCH per rowid
            params += subq[1]
        if exclude is not None:
            sql += " AND +rowid != ?"
            params.append(exclude)
        sql += " ORDER BY bm25(practice_search_fts, 4.0, 1.0, 2.0) LIMIT ?"
        params.append(k)
        try:
            return [int(r[0]) for r in self._execute(sql, params)]
        except sqlite3.OperationalError:
            return []

    def _bodies(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {
            int(r[0]): (r[1] or "", r[2] or "")
            for r in self._execute(
                f"SELECT rowid, title, body FROM practice_search_fts WHERE rowid IN ({marks})",  # noqa: S608
                list(ids),
            )
        }

    def vocabulary(self) -> list[str]:
        """Index words found in two or more documents."""
        return [r[0] for r in self._execute("SELECT term FROM practice_search_vocab WHERE doc >= 2")]
