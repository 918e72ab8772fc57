"""Hybrid practice search on SQLite: FTS5 BM25 + static multilingual embeddings, fused by weighted RRF."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from citydip.practices.search.dense import DenseMatrix
from citydip.practices.search.embedding import MODEL_NAME, StaticEmbedder, default_embedder
from citydip.practices.search.expansion import CrossLingualExpander
from citydip.practices.search.fusion import rrf
from citydip.practices.search.text import (
    clean_query,
    fold,
    fts5_match,
    keywords,
    mark_terms,
    marked_to_html,
    sentences,
    strip_marks,
)
from citydip.practices.search.types import PracticeDocument, SearchFilters, SearchHit

DENSE_BODY_CHARS = 1500
COMMON_TERM_SHARE = 0.1
COMMON_TERM_MIN_DOCS = 2000
SNIPPET_MAX_SENTENCES = 60
SNIPPET_DENSE_SENTENCES = 12
WORD_RE = re.compile(r"\w+")

_SCHEMA = (
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


def dense_text(doc: PracticeDocument) -> str:
    """Text that the dense model sees: the title and the start of the body."""
    return f"{doc.title}. {doc.body()[:DENSE_BODY_CHARS]}"


def filter_subquery(filters: SearchFilters | None) -> tuple[str, list[object]] | None:
    """Return (SQL selecting allowed doc ids, params), or None when nothing is restricted."""
    if filters is None or filters.is_empty():
        return None
    parts: list[str] = []
    params: list[object] = []
    for facet, values in filters.facet_sets():
        marks = ",".join("?" * len(values))
        parts.append(f"SELECT doc_id FROM practice_search_facets WHERE facet = ? AND value IN ({marks})")  # noqa: S608
        params += [facet, *values]
    if filters.access is not None:
        vis = sorted(v.lower() for v in filters.access.other_visibilities)
        sql = "SELECT doc_id FROM practice_search_facets WHERE facet = 'workspace' AND value = ?"
        params.append(filters.access.own_workspace.strip().lower())
        if vis:
            marks = ",".join("?" * len(vis))
            sql += (" UNION SELECT doc_id FROM practice_search_facets "  # noqa: S608
                    f"WHERE facet = 'visibility' AND value IN ({marks})")
            params += vis
        parts.append(sql)
    return " INTERSECT ".join(f"SELECT * FROM ({p})" for p in parts), params  # noqa: S608


class SqliteSearchEngine:
    """Practice search index stored in SQLite tables prefixed `practice_search_` (see docs/search.md)."""

    def __init__(self, db: str | Path | sqlite3.Connection, embedder: StaticEmbedder | None = None,
                 candidates: int = 100, weights: tuple[float, float, float] = (1.0, 0.5, 1.0),
                 expand: bool = False) -> None:
        """Open (creating tables if needed) on a path or an existing sqlite3 connection."""
        if isinstance(db, sqlite3.Connection):
            self._conn = db
        else:
            self._conn = sqlite3.connect(str(db), check_same_thread=False)
        self._embedder = embedder or default_embedder()
        self.candidates = candidates
        self.weights = weights
        self.expand = expand
        self._expander = CrossLingualExpander(self._embedder)
        self._vocab_generation: int | None = None
        self._n_docs: int | None = None
        self._n_docs_generation: int | None = None
        self._lock = threading.RLock()
        self._dense = DenseMatrix(self._embedder.dim)
        self._generation: int | None = None
        with self._lock, self._conn:
            for stmt in _SCHEMA:
                self._conn.execute(stmt)
            self._conn.execute("INSERT OR IGNORE INTO practice_search_meta VALUES ('generation', '0')")
            self._conn.execute("INSERT OR IGNORE INTO practice_search_meta VALUES ('model', ?)",
                               (f"{MODEL_NAME}/{self._embedder.dim}",))

    # ----- writing -----
    def _bump(self) -> None:
        self._conn.execute("UPDATE practice_search_meta SET value = CAST(value AS INTEGER) + 1 "
                           "WHERE key = 'generation'")

    def _write(self, doc: PracticeDocument, vec: np.ndarray | None) -> None:
        c = self._conn
        c.execute("DELETE FROM practice_search_fts WHERE rowid = ?", (doc.id,))
        c.execute("DELETE FROM practice_search_facets WHERE doc_id = ?", (doc.id,))
        blob = None if vec is None else vec.astype(np.float32).tobytes()
        c.execute("INSERT OR REPLACE INTO practice_search_docs VALUES (?, ?, ?, ?, ?)",
                  (doc.id, doc.external_id, doc.title, doc.language, blob))
        place = " ".join(p for p in (doc.city, doc.country, doc.region) if p)
        c.execute("INSERT INTO practice_search_fts (rowid, title, body, place) VALUES (?, ?, ?, ?)",
                  (doc.id, doc.title, doc.body(), place))
        c.executemany("INSERT OR IGNORE INTO practice_search_facets VALUES (?, ?, ?)",
                      [(f, v, doc.id) for f, v in doc.facet_values()])

    def index_many(self, docs: Sequence[PracticeDocument]) -> int:
        """Add or replace many documents in one transaction; return how many were indexed."""
        vecs = [self._embedder.embed(dense_text(d)) for d in docs]
        with self._lock:
            self._sync()
            with self._conn:
                for d, v in zip(docs, vecs, strict=True):
                    self._write(d, v)
                self._bump()
            for d, v in zip(docs, vecs, strict=True):
                self._dense.upsert(d.id, v)
            self._generation = self._read_generation()
        return len(docs)

    def add(self, doc: PracticeDocument) -> None:
        """Add one document (replacing any with the same id)."""
        self.index_many([doc])

    def update(self, doc: PracticeDocument) -> None:
        """Replace one document."""
        self.index_many([doc])

    def remove(self, doc_id: int) -> bool:
        """Remove one document; return whether it existed."""
        with self._lock:
            self._sync()
            with self._conn:
                cur = self._conn.execute("DELETE FROM practice_search_docs WHERE id = ?", (doc_id,))
                self._conn.execute("DELETE FROM practice_search_fts WHERE rowid = ?", (doc_id,))
                self._conn.execute("DELETE FROM practice_search_facets WHERE doc_id = ?", (doc_id,))
                self._bump()
            self._dense.remove(doc_id)
            self._generation = self._read_generation()
            return cur.rowcount > 0

    def count(self) -> int:
        """Return the number of indexed documents."""
        with self._lock:
            row = self._conn.execute("SELECT COUNT(*) FROM practice_search_docs").fetchone()
        return int(row[0])

    # ----- dense cache -----
    def _read_generation(self) -> int:
        row = self._conn.execute("SELECT value FROM practice_search_meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def _sync(self) -> None:
        """Reload the in-memory vectors when another connection changed the index."""
        gen = self._read_generation()
        if gen == self._generation:
            return
        rows = self._conn.execute(
            "SELECT id, vector FROM practice_search_docs WHERE vector IS NOT NULL").fetchall()
        dim = self._embedder.dim
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), dim)
        self._dense.load(ids, mat)
        self._generation = gen

    # ----- reading -----
    def _prune(self, terms: list[str]) -> list[str]:
        """Drop terms found in a large share of documents (they cost most and weigh least in BM25).

        The two rarest terms present in the index are always kept.
        """
        if len(terms) <= 2:
            return terms
        if self._n_docs is None or self._n_docs_generation != self._generation:
            self._n_docs = self.count()
            self._n_docs_generation = self._generation
        limit = max(COMMON_TERM_SHARE * self._n_docs, COMMON_TERM_MIN_DOCS)
        dfs = []
        for t in terms:
            row = self._conn.execute("SELECT doc FROM practice_search_vocab WHERE term = ?",
                                     (fold(t),)).fetchone()
            dfs.append(int(row[0]) if row else 0)
        rarest = {t for t, _ in sorted(((t, d) for t, d in zip(terms, dfs, strict=True) if d > 0),
                                       key=lambda td: td[1])[:2]}
        return [t for t, d in zip(terms, dfs, strict=True) if t in rarest or 0 < d <= limit]

    def _keyword(self, terms: list[str], subq: tuple[str, list[object]] | None, k: int,
                 exclude: int | None = None) -> list[int]:
        terms = self._prune(terms)
        if not terms:
            return []
        sql = "SELECT rowid FROM practice_search_fts WHERE practice_search_fts MATCH ?"
        params: list[object] = [fts5_match(terms)]
        if subq is not None:
            sql += f" AND rowid IN ({subq[0]})"
            params += subq[1]
        if exclude is not None:
            sql += " AND rowid != ?"
            params.append(exclude)
        sql += " ORDER BY bm25(practice_search_fts, 4.0, 1.0, 2.0) LIMIT ?"
        params.append(k)
        try:
            return [r[0] for r in self._conn.execute(sql, params)]
        except sqlite3.OperationalError:
            return []

    def _allowed(self, subq: tuple[str, list[object]] | None) -> set[int] | None:
        if subq is None:
            return None
        return {r[0] for r in self._conn.execute(subq[0], subq[1])}

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 20,
               mode: str = "hybrid") -> list[SearchHit]:
        """Return up to `limit` hits (mode hybrid, keyword or dense); never raises on query text."""
        if mode not in ("hybrid", "keyword", "dense"):
            raise ValueError(f"unknown search mode {mode!r}: use hybrid, keyword or dense")
        q = clean_query(query)
        limit = max(0, min(int(limit), 1000))
        if not q or limit == 0:
            return []
        terms = keywords(q)
        k = max(self.candidates, limit)
        with self._lock:
            self._sync()
            subq = filter_subquery(filters)
            kw = self._keyword(terms, subq, k) if mode != "dense" else []
            xterms = self.translations(terms) if mode == "hybrid" and self.expand else []
            xl = self._keyword(xterms, subq, k)
            qvec = self._embedder.embed(q) if mode != "keyword" else None
            dense = [] if qvec is None else [i for i, _ in self._dense.top(qvec, k, self._allowed(subq))]
            return self._hits(kw, xl, dense, terms + xterms, qvec, limit)

    def translations(self, terms: list[str]) -> list[str]:
        """Index words in any language that mean what the query terms mean (cross-language expansion)."""
        if self._vocab_generation != self._generation:
            rows = self._conn.execute("SELECT term FROM practice_search_vocab WHERE doc >= 2").fetchall()
            self._expander.add_words([r[0] for r in rows])
            self._vocab_generation = self._generation
        return self._expander.expand(terms)

    def more_like_this(self, doc_id: int, filters: SearchFilters | None = None,
                       limit: int = 10) -> list[SearchHit]:
        """Return practices similar to one already indexed (itself excluded); [] for an unknown id."""
        with self._lock:
            self._sync()
            row = self._conn.execute("SELECT title, body FROM practice_search_fts WHERE rowid = ?",
                                     (doc_id,)).fetchone()
            if row is None:
                return []
            subq = filter_subquery(filters)
            k = max(self.candidates, limit)
            vec = self._dense.vector(doc_id)
            if vec is not None:  # neighbours in meaning, in any language
                dense = [i for i, _ in self._dense.top(vec, k, self._allowed(subq), doc_id)]
                return self._hits([], [], dense, [], vec, limit)
            terms = keywords(f"{row[0]} {row[1][:300]}", limit=12)
            return self._hits(self._keyword(terms, subq, k, exclude=doc_id), [], [], terms, None, limit)

    def _hits(self, kw: list[int], xl: list[int], dense: list[int], terms: list[str],
              qvec: np.ndarray | None, limit: int) -> list[SearchHit]:
        fused = rrf([kw, xl, dense], self.weights)[:limit]
        if not fused:
            return []
        ids = [i for i, _ in fused]
        kw_rank = {d: r for r, d in enumerate(kw, start=1)}
        de_rank = {d: r for r, d in enumerate(dense, start=1)}
        marks = ",".join("?" * len(ids))
        meta = {r[0]: (r[1], r[2]) for r in self._conn.execute(
            f"SELECT id, external_id, title FROM practice_search_docs WHERE id IN ({marks})", ids)}  # noqa: S608
        snippets = self._snippets(ids, set(kw) | set(xl), terms, qvec)
        hits = []
        for doc, score in fused:
            if doc not in meta:
                continue
            marked = snippets.get(doc, "")
            hits.append(SearchHit(id=doc, external_id=meta[doc][0], title=meta[doc][1], score=round(score, 6),
                                  snippet=strip_marks(marked), snippet_html=marked_to_html(marked),
                                  keyword_rank=kw_rank.get(doc), dense_rank=de_rank.get(doc)))
        return hits

    def _snippets(self, ids: list[int], matched: set[int], terms: list[str],
                  qvec: np.ndarray | None) -> dict[int, str]:
        """A highlighted sentence per hit: the one with most query words, else the one closest in meaning."""
        out: dict[int, str] = {}
        marks = ",".join("?" * len(ids))
        wanted = {fold(t) for t in terms}
        for rid, body in self._conn.execute(
                f"SELECT rowid, body FROM practice_search_fts WHERE rowid IN ({marks})", ids):  # noqa: S608
            parts = sentences(body or "")[:SNIPPET_MAX_SENTENCES]
            best = self._best_sentence(parts, wanted if rid in matched else set(), qvec)
            out[rid] = mark_terms(best, terms)
        return out

    def _best_sentence(self, parts: list[str], wanted: set[str], qvec: np.ndarray | None) -> str:
        if not parts:
            return ""
        if wanted:
            counts = [len({fold(w) for w in WORD_RE.findall(p)} & wanted) for p in parts]
            if max(counts) > 0:
                return parts[counts.index(max(counts))]
        if qvec is None or len(parts) == 1:
            return parts[0]
        mat, ok = self._embedder.embed_many(parts[:SNIPPET_DENSE_SENTENCES])
        scores = np.where(ok, mat @ qvec, -np.inf)
        return parts[int(np.argmax(scores))]

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()
