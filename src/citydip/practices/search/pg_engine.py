"""Hybrid practice search on PostgreSQL: full text (tsvector, ts_rank, ts_headline) + the same dense side.

The keyword side mirrors the SQLite one: words are lower-cased and stripped of accents in Python with the same
function (so both back-ends match words alike, with or without the ``unaccent`` extension) and indexed with the
``simple`` configuration (no stemming, every language treated alike) in one weighted ``tsvector`` per document
(title A, place B, body D; ``ts_rank`` weights body 1 : place 1 : title 2) in a narrow table of its own
(``practice_search_terms``, tsvectors kept inline) behind a GIN index.

Ranking: ``ts_rank`` and ``ts_rank_cd`` know nothing of how rare a word is, so a document that repeats "city"
outranks one that names the rare query word. The score is therefore BM25-like: the sum over the query words of
``idf(word) * ts_rank(tsv, word)``, with document frequencies counted through the GIN index (cached until the
index changes) and very common words pruned as on SQLite. On the evaluation set this clearly beats one
``ts_rank_cd`` over the OR query (figures in docs/search.md).

Snippets of keyword hits come from ``ts_headline`` with a ``simple`` + ``unaccent`` configuration when the
extension is available, so accented words are highlighted too. Vectors are stored as ``bytea`` (float32) and
searched in memory exactly as on SQLite.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from citydip.practices.search.access import SubQuery
from citydip.practices.search.base import IndexState, SqlSearchEngine
from citydip.practices.search.concepts import ConceptDictionary
from citydip.practices.search.crosslang import CONCEPT_WEIGHT
from citydip.practices.search.dense import FloatArray
from citydip.practices.search.embedding import StaticEmbedder
from citydip.practices.search.text import MARK_CLOSE, MARK_OPEN, fold, is_stem
from citydip.practices.search.types import PracticeDocument

HEADLINE_CONFIG = "practice_search_unaccent"
RANK_WEIGHTS = "{0.5, 0, 0.5, 1.0}"  # D (body), C (unused), B (place), A (title)
RANK_NORMALISATION = 0  # no length normalisation (measured best with the IDF weighting below)
SYNONYM_NORMALISATION = (
    1  # concept list: divide by 1 + log(length), so long texts naming a form once rank lower
)
HEADLINE_OPTIONS = (
    f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=35, MinWords=12, "
    'MaxFragments=1, FragmentDelimiter=" … "'
)

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS practice_search_docs (id BIGINT PRIMARY KEY, external_id TEXT NOT NULL, "
    "title TEXT NOT NULL, language TEXT, vector BYTEA, body TEXT NOT NULL DEFAULT '', "
    "place TEXT NOT NULL DEFAULT '')",
    # the tsvectors live in a narrow table of their own, inline (STORAGE MAIN): ranking reads every match's
    # tsvector, about three times faster than from the wide, TOASTed document rows (measured at 100,000)
    "CREATE TABLE IF NOT EXISTS practice_search_terms (id BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL)",
    "ALTER TABLE practice_search_terms ALTER COLUMN tsv SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS practice_search_terms_tsv ON practice_search_terms USING gin (tsv)",
    "CREATE TABLE IF NOT EXISTS practice_search_facets (facet TEXT NOT NULL, value TEXT NOT NULL, "
    "doc_id BIGINT NOT NULL, PRIMARY KEY (facet, value, doc_id))",
    "CREATE INDEX IF NOT EXISTS practice_search_facets_doc ON practice_search_facets (doc_id)",
    "CREATE TABLE IF NOT EXISTS practice_search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
TABLES = ("practice_search_docs", "practice_search_terms", "practice_search_facets", "practice_search_meta")
UNACCENT_CONFIG = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {HEADLINE_CONFIG} (COPY = simple)",
    f"ALTER TEXT SEARCH CONFIGURATION {HEADLINE_CONFIG} ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, simple",
)


def _clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL characters."""
    return text.replace("\x00", "")


def _term_sql(term: str) -> tuple[str, str]:
    """(tsquery SQL with one placeholder, its parameter) for a word, a phrase or a dictionary stem.

    Query words go through plainto_tsquery, so no character is ever query syntax; only stems of the concept
    dictionary (letters followed by ``*``) use to_tsquery's prefix match.
    """
    if is_stem(term):
        return "to_tsquery('simple', ?)", fold(term[:-1]) + ":*"
    if " " in term.strip():
        return "phraseto_tsquery('simple', ?)", fold(_clean(term))
    return "plainto_tsquery('simple', ?)", fold(_clean(term))


def _tsquery(terms: list[str]) -> tuple[str, list[Any]]:
    """An OR of the terms (see ``_term_sql``)."""
    parts = [_term_sql(t) for t in terms]
    return " || ".join(sql for sql, _ in parts), [param for _, param in parts]


class PostgresSearchEngine(SqlSearchEngine):
    """Practice search index stored in PostgreSQL tables prefixed ``practice_search_``."""

    placeholder = "%s"

    def __init__(
        self,
        conn: Any,
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
        """Wrap a psycopg 3 connection or open one from a ``postgresql://`` URL."""
        if isinstance(conn, str):
            import psycopg

            conn = psycopg.connect(conn.replace("postgresql+psycopg://", "postgresql://", 1))
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
        """Create the tables and, when the unaccent extension can be had, the headline configuration."""
        present = self._execute(
            "SELECT count(*) FROM pg_class WHERE relname = ANY(?) AND relkind = 'r'", [list(TABLES)]
        ).fetchone()[0]
        if present < len(TABLES):  # DDL only when something is missing: it would lock the tables otherwise
            for stmt in SCHEMA:
                self._execute(stmt)
        if not self._has_headline_config():
            self._execute("SAVEPOINT practice_search_unaccent")
            try:
                for stmt in UNACCENT_CONFIG:
                    self._execute(stmt)
            except Exception:  # no extension files or no right to create it: plain 'simple' headlines
                self._execute("ROLLBACK TO SAVEPOINT practice_search_unaccent")
            self._execute("RELEASE SAVEPOINT practice_search_unaccent")
        self.state.features["headline_config"] = HEADLINE_CONFIG if self._has_headline_config() else "simple"

    def _has_headline_config(self) -> bool:
        row = self._execute("SELECT 1 FROM pg_ts_config WHERE cfgname = ?", [HEADLINE_CONFIG]).fetchone()
        return row is not None

    @property
    def headline_config(self) -> str:
        """The text search configuration used by ts_headline."""
        value = self.state.features.get("headline_config")
        if value is None:
            value = HEADLINE_CONFIG if self._has_headline_config() else "simple"
            self.state.features["headline_config"] = value
        return str(value)

    def _write_many(self, docs: Sequence[PracticeDocument], vecs: Sequence[FloatArray | None]) -> None:
        ids = [d.id for d in docs]
        self._execute("DELETE FROM practice_search_facets WHERE doc_id = ANY(?)", [ids])
        rows, terms = [], []
        for d, v in zip(docs, vecs, strict=True):
            title, place, body = _clean(d.title), _clean(d.place()), _clean(d.body())
            blob = None if v is None else v.astype(np.float32).tobytes()
            rows.append((d.id, _clean(d.external_id), title, d.language, blob, body, place))
            terms.append((d.id, fold(title), fold(place), fold(body)))
        self._executemany(
            "INSERT INTO practice_search_docs (id, external_id, title, language, vector, body, place) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET external_id = EXCLUDED.external_id, title = EXCLUDED.title, "
            "language = EXCLUDED.language, vector = EXCLUDED.vector, body = EXCLUDED.body, "
            "place = EXCLUDED.place",
            rows,
        )
        self._executemany(
            "INSERT INTO practice_search_terms (id, tsv) VALUES (?, setweight(to_tsvector('simple', ?), 'A') || "
            "setweight(to_tsvector('simple', ?), 'B') || setweight(to_tsvector('simple', ?), 'D')) "
            "ON CONFLICT (id) DO UPDATE SET tsv = EXCLUDED.tsv",
            terms,
        )
        self._executemany(
            "INSERT INTO practice_search_facets VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(f, _clean(v), d.id) for d in docs for f, v in d.facet_values()],
        )

    def _delete_many(self, ids: Sequence[int]) -> int:
        ids = list(ids)
        self._execute("DELETE FROM practice_search_facets WHERE doc_id = ANY(?)", [ids])
        self._execute("DELETE FROM practice_search_terms WHERE id = ANY(?)", [ids])
        cur = self._execute("DELETE FROM practice_search_docs WHERE id = ANY(?)", [ids])
        return int(cur.rowcount or 0)

    def _doc_freqs(self, terms: list[str]) -> list[int] | None:
        """Documents containing each term (GIN index count), cached while the index size stays within 1 %.

        Inverse document frequencies hardly move when a few practices change, and recounting a common word
        after every edit would cost more than the search itself.
        """
        st = self.state
        cache: dict[str, int] = st.features.setdefault("df", {})
        n = self.indexed_count()
        base = int(st.features.get("df_n_docs", -1))
        if abs(n - base) > max(10, n // 100):
            cache.clear()
            st.features["df_n_docs"] = n
        out = []
        for t in terms:
            sql, key = _term_sql(t)
            if key not in cache:
                row = self._execute(
                    f"SELECT count(*) FROM practice_search_terms WHERE tsv @@ {sql}",  # noqa: S608
                    [key],
                ).fetchone()
                if len(cache) > 50_000:
                    cache.clear()
                if int(row[0]) == 0:  # a word not indexed yet is counted again next time
                    out.append(0)
                    continue
                cache[key] = int(row[0])
            out.append(cache[key])
        return out

    def _idf(self, terms: list[str]) -> list[float]:
        n = self.indexed_count()
        return [math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for df in self._doc_freqs(terms) or []]

    def _keyword(
        self,
        terms: list[str],
        subq: SubQuery | None,
        k: int,
        exclude: int | None = None,
        *,
        synonyms: bool = False,
    ) -> list[int]:
        """Idf-weighted ``ts_rank`` per word; for a concept's forms (``synonyms``) one ``ts_rank`` of the whole OR
        query, which needs no term counts and one ranking call per match instead of one per form."""
        terms = [t for t in terms if fold(_clean(t)).strip()]
        if not terms:
            return []
        idfs = [] if synonyms else self._idf(terms)
        query_sql, params = _tsquery(terms)
        sql = (
            f"WITH q AS (SELECT ({query_sql}) AS q) SELECT d.id FROM practice_search_terms d, q "  # noqa: S608
            "WHERE d.tsv @@ q.q"
        )
        if subq is not None:
            sql += f" AND d.id IN ({subq[0]})"
            params += subq[1]
        if exclude is not None:
            sql += " AND d.id <> ?"
            params.append(exclude)
        if synonyms:
            sql += (
                f" ORDER BY ts_rank('{RANK_WEIGHTS}', d.tsv, q.q, {SYNONYM_NORMALISATION}) DESC, d.id LIMIT ?"
            )
        else:
            ranked = [_term_sql(t) for t in terms]
            score = " + ".join(
                f"{idf:.6f} * ts_rank('{RANK_WEIGHTS}', d.tsv, {tsq}, {RANK_NORMALISATION})"
                for idf, (tsq, _p) in zip(idfs, ranked, strict=True)
            )
            sql += f" ORDER BY {score} DESC, d.id LIMIT ?"
            params += [p for _s, p in ranked]
        params.append(k)
        return [int(r[0]) for r in self._execute(sql, params)]

    def _bodies(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        return {
            int(r[0]): (r[1], r[2])
            for r in self._execute(
                "SELECT id, title, body FROM practice_search_docs WHERE id = ANY(?)", [list(ids)]
            )
        }

    def _keyword_snippets(self, ids: Sequence[int], terms: list[str]) -> dict[int, str]:
        """ts_headline fragments; hits whose fragment highlights nothing fall back to the shared snippets."""
        terms = [t for t in terms if fold(_clean(t)).strip()]
        if not terms or not ids:
            return {}
        query_sql, params = _tsquery(terms)
        sql = (
            f"WITH q AS (SELECT ({query_sql}) AS q) SELECT d.id, ts_headline(?::regconfig, d.body, q.q, ?) "  # noqa: S608
            "FROM practice_search_docs d, q WHERE d.id = ANY(?)"
        )
        rows = self._execute(sql, [*params, self.headline_config, HEADLINE_OPTIONS, list(ids)])
        return {int(r[0]): " ".join(str(r[1]).split()) for r in rows if MARK_OPEN in str(r[1])}

    def vocabulary(self) -> list[str]:
        """Index words found in two or more documents (ts_stat over the tsvectors)."""
        return [
            r[0]
            for r in self._execute(
                "SELECT word FROM ts_stat('SELECT tsv FROM practice_search_terms') WHERE ndoc >= 2"
            )
        ]
