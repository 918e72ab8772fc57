"""What the SQL back-ends of practice search share: per-process index state, writes, fusion, hits, snippets.

A back-end (SQLite FTS5, PostgreSQL full text) only supplies its SQL: schema, writing documents, the keyword
query and, optionally, term document frequencies and snippets. Everything else lives here so both back-ends
rank, filter and highlight alike.

Two ways to use an engine:

* **standalone** (benchmarks, tests of the engine): the engine owns its connection and commits its writes;
* **bound** (the application): the engine runs on the connection of the caller's transaction and never
  commits or rolls back, so the index changes with the practice rows or not at all. The process-wide
  ``IndexState`` (vectors in memory) is shared by the short-lived bound engines of every request.

Every write stores a new random generation token in ``practice_search_meta``; a reader whose in-memory vectors
were built for another token reloads them. A rolled-back write therefore cannot leave stale vectors behind:
the token in the database goes back to the old value, which no longer matches the one in memory.
"""

from __future__ import annotations

import re
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from citydip.practices.search.access import VIS_CODES, AccessCheck, SubQuery, filter_subquery
from citydip.practices.search.concepts import ConceptDictionary, default_concepts
from citydip.practices.search.crosslang import CONCEPT_WEIGHT, SLOT_HEAD, ConceptMatch, CrossLanguageMixin
from citydip.practices.search.dense import DenseMatrix, FloatArray
from citydip.practices.search.embedding import MODEL_NAME, StaticEmbedder, default_embedder
from citydip.practices.search.expansion import CrossLingualExpander
from citydip.practices.search.fusion import rrf
from citydip.practices.search.text import (
    clean_query,
    fold,
    fold_word,
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
SNIPPET_MIN_WORDS = 5
MAX_LIMIT = 1000
WORD_RE = re.compile(r"\w+")
MODES = ("hybrid", "keyword", "dense")
POST_FILTER_FACTOR = 4


def dense_text(doc: PracticeDocument) -> str:
    """Text that the dense model sees: the title and the start of the body."""
    return f"{doc.title}. {doc.body()[:DENSE_BODY_CHARS]}"


def new_token() -> str:
    """A fresh generation token."""
    return uuid.uuid4().hex


class IndexState:
    """What one process keeps for one index: vectors in memory, the generation they match, small caches."""

    def __init__(self, embedder: StaticEmbedder | None = None) -> None:
        """Create empty state; vectors are loaded on first use."""
        self.embedder = embedder or default_embedder()
        self.dense = DenseMatrix(self.embedder.dim)
        self.generation: str | None = None
        self.lock = threading.RLock()
        self.n_docs: int | None = None
        self.n_docs_generation: str | None = None
        self.expander = CrossLingualExpander(self.embedder)
        self.vocab_generation: str | None = None
        self.schema_ready = False
        self.features: dict[str, Any] = {}
        self.group_codes: dict[str, int] = {}
        self.access: dict[int, tuple[int, int]] = {}
        self.languages: dict[int, str] = {}

    def group_code(self, workspace: str) -> int:
        """A small integer for a workspace facet value (new values get the next number)."""
        key = workspace.strip().lower()
        code = self.group_codes.get(key)
        if code is None:
            code = len(self.group_codes)
            self.group_codes[key] = code
        return code


class SqlSearchEngine(CrossLanguageMixin, ABC):
    """Hybrid search over SQL tables prefixed ``practice_search_`` (see docs/search.md)."""

    placeholder = "?"

    def __init__(
        self,
        conn: Any,
        *,
        embedder: StaticEmbedder | None = None,
        state: IndexState | None = None,
        owns_transactions: bool = True,
        candidates: int = 100,
        weights: tuple[float, float, float] = (1.0, 0.5, 1.0),
        expand: bool = False,
        concepts: ConceptDictionary | bool = True,
        concept_weight: float = CONCEPT_WEIGHT,
        language_slots: bool = True,
    ) -> None:
        """Wrap a DB-API connection; create the tables unless the state says they are known to exist."""
        self._conn = conn
        self.state = state or IndexState(embedder)
        self._embedder = self.state.embedder
        self.owns_transactions = owns_transactions
        self.candidates = candidates
        self.weights = weights
        self.expand = expand
        self.concepts: ConceptDictionary | None = (
            concepts if isinstance(concepts, ConceptDictionary) else default_concepts() if concepts else None
        )
        self.concept_weight = concept_weight
        self.slots = language_slots
        if not self.state.schema_ready:
            with self._tx():
                self.create_schema()
                if self._read_generation() is None:
                    self._execute(
                        "INSERT INTO practice_search_meta (key, value) VALUES ('generation', ?)",
                        [new_token()],
                    )
                # Write only when something changed: the first search of a process is a read-only request
                # (a write there would make it wait for, or on SQLite fail against, concurrent writers).
                model = f"{MODEL_NAME}/{self._embedder.dim}"
                row = self._execute("SELECT value FROM practice_search_meta WHERE key = 'model'").fetchone()
                if row is None or row[0] != model:
                    self._execute("DELETE FROM practice_search_meta WHERE key = 'model'")
                    self._execute(
                        "INSERT INTO practice_search_meta (key, value) VALUES ('model', ?)", [model]
                    )
            self.state.schema_ready = True

    def with_options(self, **options: Any) -> SqlSearchEngine:
        """Another engine on the same connection and index state with other search options (comparisons).

        It never commits, rolls back or closes the connection.
        """
        return type(self)(self._conn, state=self.state, owns_transactions=False, **options)

    # ----- back-end hooks -----
    @abstractmethod
    def create_schema(self) -> None:
        """Create the engine's tables if they do not exist (idempotent)."""

    @abstractmethod
    def _write_many(self, docs: Sequence[PracticeDocument], vecs: Sequence[FloatArray | None]) -> None:
        """Insert or replace documents (text, facets, vectors) without committing."""

    @abstractmethod
    def _delete_many(self, ids: Sequence[int]) -> int:
        """Delete documents without committing; return how many existed."""

    @abstractmethod
    def _keyword(
        self,
        terms: list[str],
        subq: SubQuery | None,
        k: int,
        exclude: int | None = None,
        *,
        synonyms: bool = False,
    ) -> list[int]:
        """Ids of up to k documents matching any term, best first (never raises on term text).

        ``synonyms``: the terms are forms of the same concepts (the concept list), so a back-end may rank by a
        cheaper score than its per-word one.
        """

    @abstractmethod
    def _bodies(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """{id: (title, body)} of some documents."""

    def _doc_freqs(self, terms: list[str]) -> list[int] | None:
        """Documents containing each (folded) term, or None when the back-end does not prune terms."""
        return None

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Around the statements of one search (a back-end may set planner options there)."""
        yield

    def _keyword_snippets(self, ids: Sequence[int], terms: list[str]) -> dict[int, str]:
        """Back-end snippets (marked with the internal markers) for keyword hits; empty means use ours."""
        return {}

    def vocabulary(self) -> list[str]:
        """Index words found in two or more documents (for cross-language expansion)."""
        return []

    # ----- plumbing -----
    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(self._sql(sql), list(params))

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cur = self._conn.cursor()
        try:
            cur.executemany(self._sql(sql), [list(r) for r in rows])
        finally:
            cur.close()

    @contextmanager
    def _tx(self) -> Iterator[None]:
        """Commit on success when the engine owns its transactions; otherwise leave that to the caller."""
        if not self.owns_transactions:
            yield
            return
        try:
            yield
        except BaseException:
            self._conn.rollback()
            raise
        self._conn.commit()

    def _read_generation(self) -> str | None:
        row = self._execute("SELECT value FROM practice_search_meta WHERE key = 'generation'").fetchone()
        return None if row is None else str(row[0])

    def _bump(self) -> str:
        token = new_token()
        self._execute("UPDATE practice_search_meta SET value = ? WHERE key = 'generation'", [token])
        return token

    def _sync(self) -> None:
        """Reload the in-memory vectors when the index changed elsewhere (caller holds the state lock)."""
        gen = self._read_generation()
        if gen == self.state.generation:
            return
        st = self.state
        rows = self._execute(
            "SELECT d.id, d.vector, w.value, v.value, d.language FROM practice_search_docs d "
            "LEFT JOIN practice_search_facets w ON w.doc_id = d.id AND w.facet = 'workspace' "
            "LEFT JOIN practice_search_facets v ON v.doc_id = d.id AND v.facet = 'visibility'"
        ).fetchall()
        st.access = {int(r[0]): (st.group_code(r[2] or ""), VIS_CODES.get(r[3] or "", 3)) for r in rows}
        st.languages = {int(r[0]): str(r[4] or "") for r in rows}
        with_vec = [r for r in rows if r[1] is not None]
        dim = self._embedder.dim
        ids = np.fromiter((r[0] for r in with_vec), dtype=np.int64, count=len(with_vec))
        mat = np.frombuffer(b"".join(bytes(r[1]) for r in with_vec), dtype=np.float32).reshape(
            len(with_vec), dim
        )
        codes = [st.access[int(r[0])] for r in with_vec]
        groups = np.fromiter((c[0] for c in codes), dtype=np.int32, count=len(codes))
        vis = np.fromiter((c[1] for c in codes), dtype=np.int32, count=len(codes))
        st.dense.load(ids, mat, groups, vis)
        st.generation = gen

    # ----- writing -----
    def index_many(self, docs: Sequence[PracticeDocument]) -> int:
        """Add or replace many documents in one transaction; return how many were indexed."""
        vecs = [self._embedder.embed(dense_text(d)) for d in docs]
        with self.state.lock:
            self._sync()
            with self._tx():
                # the generation row first: it serialises index writers before they touch shared rows
                token = self._bump()
                self._write_many(docs, vecs)
            st = self.state
            for d, v in zip(docs, vecs, strict=True):
                code = (st.group_code(d.workspace), VIS_CODES.get(d.visibility.strip().lower(), 3))
                st.access[d.id] = code
                st.languages[d.id] = d.language or ""
                st.dense.upsert(d.id, v, *code)
            st.generation = token
        return len(docs)

    def add(self, doc: PracticeDocument) -> None:
        """Add one document (replacing any with the same id)."""
        self.index_many([doc])

    def update(self, doc: PracticeDocument) -> None:
        """Replace one document."""
        self.index_many([doc])

    def remove_many(self, ids: Sequence[int]) -> int:
        """Remove documents; return how many existed."""
        if not ids:
            return 0
        with self.state.lock:
            self._sync()
            with self._tx():
                token = self._bump()
                n = self._delete_many(list(ids))
            for i in ids:
                self.state.dense.remove(i)
                self.state.access.pop(i, None)
                self.state.languages.pop(i, None)
            self.state.generation = token
        return n

    def remove(self, doc_id: int) -> bool:
        """Remove one document; return whether it existed."""
        return self.remove_many([doc_id]) > 0

    def doc_ids(self, workspace: str | None = None) -> set[int]:
        """Ids of every indexed document, or of one workspace's."""
        if workspace is None:
            return {int(r[0]) for r in self._execute("SELECT id FROM practice_search_docs")}
        return {
            int(r[0])
            for r in self._execute(
                "SELECT doc_id FROM practice_search_facets WHERE facet = 'workspace' AND value = ?",
                [workspace.strip().lower()],
            )
        }

    def count(self) -> int:
        """Return the number of indexed documents."""
        row = self._execute("SELECT COUNT(*) FROM practice_search_docs").fetchone()
        return int(row[0])

    # ----- reading -----
    def _prune(self, terms: list[str]) -> list[str]:
        """Drop terms found in a large share of documents (they cost most and weigh least in BM25).

        The two rarest terms present in the index are always kept.
        """
        if len(terms) <= 2:
            return terms
        dfs = self._doc_freqs(terms)
        if dfs is None:
            return terms
        limit = max(COMMON_TERM_SHARE * self.indexed_count(), COMMON_TERM_MIN_DOCS)
        rarest = {
            t
            for t, _ in sorted(
                ((t, d) for t, d in zip(terms, dfs, strict=True) if d > 0), key=lambda td: td[1]
            )[:2]
        }
        return [t for t, d in zip(terms, dfs, strict=True) if t in rarest or 0 < d <= limit]

    def indexed_count(self) -> int:
        """Number of indexed documents, cached until the index changes."""
        st = self.state
        if st.n_docs is None or st.n_docs_generation != st.generation:
            st.n_docs = self.count()
            st.n_docs_generation = st.generation
        return st.n_docs

    def _word_doc_freqs(self, words: list[str]) -> dict[str, int] | None:
        """{word: documents containing it}, or None when the back-end does not count."""
        dfs = self._doc_freqs(words)
        return None if dfs is None else dict(zip(words, dfs, strict=True))

    def _allowed(self, subq: SubQuery | None) -> set[int] | None:
        if subq is None:
            return None
        return {int(r[0]) for r in self._execute(subq[0], subq[1])}

    def search(
        self, query: str, filters: SearchFilters | None = None, limit: int = 20, mode: str = "hybrid"
    ) -> list[SearchHit]:
        """Return up to `limit` hits (mode hybrid, keyword or dense); never raises on query text."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}: use hybrid, keyword or dense")
        q = clean_query(query)
        limit = max(0, min(int(limit), MAX_LIMIT))
        if not q or limit == 0:
            return []
        terms = keywords(q)
        k = max(self.candidates, limit)
        with self.state.lock:
            self._sync()
        with self._reading():
            return self._search(q, terms, filters, limit, mode, k)

    def _search(
        self, q: str, terms: list[str], filters: SearchFilters | None, limit: int, mode: str, k: int
    ) -> list[SearchHit]:
        subq = filter_subquery(filters)
        rule = self._access_rule(filters)
        kw = self._keyword_filtered(self._prune(terms), subq, k, rule) if mode != "dense" else []
        xterms = self.translations(terms) if mode == "hybrid" and self.expand else []
        xl = self._keyword_filtered(self._prune(xterms), subq, k, rule) if xterms else []
        cm = self.concept_match(q, subq, k, rule) if mode == "hybrid" else ConceptMatch()
        qvec = self._embedder.embed(q) if mode != "keyword" else None
        dense = self._dense_top(qvec, subq, k, rule) if qvec is not None else []
        marks = list(dict.fromkeys(terms + xterms + cm.mark_words()))
        return self._hits(kw, xl, dense, marks, qvec, limit, cm, (subq, rule))

    def _access_rule(self, filters: SearchFilters | None) -> AccessCheck | None:
        """In-memory form of an access rule, used when it is the only restriction (every product search)."""
        if filters is None or filters.access is None or filters.facet_sets():
            return None
        return AccessCheck(self.state, filters.access)

    def _keyword_filtered(
        self,
        terms: list[str],
        subq: SubQuery | None,
        k: int,
        rule: AccessCheck | None,
        exclude: int | None = None,
        *,
        synonyms: bool = False,
    ) -> list[int]:
        """Keyword hits allowed by the filters: a larger unfiltered list checked in memory, else SQL filtering."""
        if rule is None:
            return self._keyword(terms, subq, k, exclude, synonyms=synonyms)
        wide = k * POST_FILTER_FACTOR
        raw = self._keyword(terms, None, wide, exclude, synonyms=synonyms)
        kept = [i for i in raw if rule.allows(i)]
        if len(kept) >= k or len(raw) < wide:
            return kept[:k]
        return self._keyword(terms, subq, k, exclude, synonyms=synonyms)

    def _dense_top(
        self,
        vec: FloatArray,
        subq: SubQuery | None,
        k: int,
        rule: AccessCheck | None,
        exclude: int | None = None,
    ) -> list[int]:
        allowed = None if rule is not None else self._allowed(subq)
        with self.state.lock:
            return [
                i
                for i, _ in self.state.dense.top(
                    vec, k, allowed, exclude, rule.rows if rule is not None else None
                )
            ]

    def translations(self, terms: list[str]) -> list[str]:
        """Index words in any language that mean what the query terms mean (cross-language expansion)."""
        st = self.state
        if st.vocab_generation != st.generation:
            st.expander.add_words(self.vocabulary())
            st.vocab_generation = st.generation
        return st.expander.expand(terms)

    def more_like_this(
        self, doc_id: int, filters: SearchFilters | None = None, limit: int = 10
    ) -> list[SearchHit]:
        """Return practices similar to one already indexed (itself excluded); [] for an unknown id."""
        limit = max(0, min(int(limit), MAX_LIMIT))
        row = self._bodies([doc_id]).get(doc_id)
        if row is None or limit == 0:
            return []
        with self.state.lock:
            self._sync()
            vec = self.state.dense.vector(doc_id)
        subq = filter_subquery(filters)
        rule = self._access_rule(filters)
        k = max(self.candidates, limit)
        if vec is not None:  # neighbours in meaning, in any language
            dense = self._dense_top(vec, subq, k, rule, exclude=doc_id)
            return self._hits([], [], dense, [], vec, limit)
        terms = keywords(f"{row[0]} {row[1][:300]}", limit=12)
        with self._reading():
            kw = self._keyword_filtered(self._prune(terms), subq, k, rule, exclude=doc_id)
            return self._hits(kw, [], [], terms, None, limit)

    def _hits(
        self,
        kw: list[int],
        xl: list[int],
        dense: list[int],
        terms: list[str],
        qvec: FloatArray | None,
        limit: int,
        cm: ConceptMatch | None = None,
        where: tuple[SubQuery | None, AccessCheck | None] = (None, None),
    ) -> list[SearchHit]:
        cm = cm or ConceptMatch()
        # the concept list is a second keyword list; when the query's own words match nothing, it is the only one
        concept_weight = self.concept_weight if kw else self.weights[0]
        fused = rrf([kw, xl, dense, cm.ids], [*self.weights, concept_weight])
        placed: set[int] = set()
        if self.slots and limit > SLOT_HEAD:
            fused, placed = self.language_slots(fused, cm, *where)
        fused = fused[:limit]
        if not fused:
            return []
        ids = [i for i, _ in fused]
        kw_rank = {d: r for r, d in enumerate(kw, start=1)}
        de_rank = {d: r for r, d in enumerate(dense, start=1)}
        marks = ",".join("?" * len(ids))
        meta = {
            int(r[0]): (str(r[1]), str(r[2]))
            for r in self._execute(
                f"SELECT id, external_id, title FROM practice_search_docs WHERE id IN ({marks})",  # noqa: S608
                ids,
            )
        }
        matched = set(kw) | set(xl) | set(cm.ids) | placed
        snippets = self._snippets(ids, matched, terms, qvec)
        hits = []
        for doc, score in fused:
            if doc not in meta:
                continue
            marked = snippets.get(doc, "")
            hits.append(
                SearchHit(
                    id=doc,
                    external_id=meta[doc][0],
                    title=meta[doc][1],
                    score=round(score, 6),
                    snippet=strip_marks(marked),
                    snippet_html=marked_to_html(marked),
                    keyword_rank=kw_rank.get(doc),
                    dense_rank=de_rank.get(doc),
                    matched_words=doc in matched,
                )
            )
        return hits

    def _snippets(
        self, ids: list[int], matched: set[int], terms: list[str], qvec: FloatArray | None
    ) -> dict[int, str]:
        """A highlighted sentence per hit: the one with most query words, else the one closest in meaning."""
        keyword_hits = [i for i in ids if i in matched]
        out = self._keyword_snippets(keyword_hits, terms) if keyword_hits and terms else {}
        wanted = {fold(t) for t in terms}
        rest = [i for i in ids if i not in out]
        for rid, (_title, body) in self._bodies(rest).items():
            parts = sentences(body or "")[:SNIPPET_MAX_SENTENCES]
            best = self._best_sentence(parts, wanted if rid in matched else set(), qvec)
            out[rid] = mark_terms(best, terms)
        return out

    def _best_sentence(self, parts: list[str], wanted: set[str], qvec: FloatArray | None) -> str:
        if not parts:
            return ""
        if wanted:
            counts = [len({fold_word(w) for w in WORD_RE.findall(p)} & wanted) for p in parts]
            if max(counts) > 0:
                return parts[counts.index(max(counts))]
        # by meaning: whole sentences, not a list of tags or a bare figure, when the record has any
        parts = [p for p in parts if len(p.split()) >= SNIPPET_MIN_WORDS] or parts
        if qvec is None or len(parts) == 1:
            return parts[0]
        mat, ok = self._embedder.embed_many(parts[:SNIPPET_DENSE_SENTENCES])
        scores = np.where(ok, mat @ qvec, -np.inf)
        return parts[int(np.argmax(scores))]

    def close(self) -> None:
        """Close the connection (standalone engines only)."""
        if self.owns_transactions:
            self._conn.close()
