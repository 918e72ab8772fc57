"""Hybrid practice search on PostgreSQL: full text (tsvector, ts_rank) + the same dense side.

The keyword side mirrors the SQLite one: words are lower-cased and stripped of accents in Python with the same
function (so both back-ends match words alike, with or without the ``unaccent`` extension) and indexed with the
``simple`` configuration (no stemming, every language treated alike) in one weighted ``tsvector`` per document
(title A, place B, body D; ``ts_rank`` weights body 1 : place 1 : title 2) in a narrow table of its own
(``practice_search_terms``, tsvectors kept inline) behind a GIN index.

Ranking: ``ts_rank`` and ``ts_rank_cd`` know nothing of how rare a word is, so a document that repeats "city"
outranks one that names the rare query word. The score is therefore BM25-like: the sum over the query words of
``idf(word) * ts_rank(tsv, word)``, with document frequencies kept at index time (``practice_search_df``) and
very common words pruned as on SQLite; only a bounded set of candidates is read and ranked (``_candidates``). On
the evaluation set this clearly beats one ``ts_rank_cd`` over the OR query (figures in docs/search.md).

Snippets are chosen in Python as on SQLite (the sentence with most query words, accents ignored), which costs
one statement less than ``ts_headline``. Vectors are stored as ``bytea`` (float32) and searched in memory exactly
as on SQLite.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from citydip.practices.search.access import SubQuery
from citydip.practices.search.base import IndexState, SqlSearchEngine
from citydip.practices.search.concepts import ConceptDictionary
from citydip.practices.search.crosslang import CONCEPT_WEIGHT
from citydip.practices.search.dense import FloatArray
from citydip.practices.search.embedding import StaticEmbedder
from citydip.practices.search.text import fold, is_stem
from citydip.practices.search.types import PracticeDocument

RANK_WEIGHTS = "{0.5, 0, 0.5, 1.0}"  # D (body), C (unused), B (place), A (title)
RANK_NORMALISATION = 0  # no length normalisation (measured best with the IDF weighting below)
SYNONYM_NORMALISATION = (
    1  # concept list: divide by 1 + log(length), so long texts naming a form once rank lower
)
CANDIDATE_BUDGET = 3000  # documents matched by the rarest words that are all ranked (see _candidates)
CANDIDATE_CAP = 5000  # and at most this many in any case (a one-word query of a very common word)
PAIR_TERMS = 6  # commoner terms whose pairs make candidates
FALLBACK_MIN = 100  # fewer candidates than this (and than asked for): rank the rarest word's matches too
# documents per indexed word, kept in step with practice_search_terms by every write (same transaction)
DF_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS practice_search_df (term TEXT PRIMARY KEY, ndoc INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS practice_search_df_prefix ON practice_search_df (term text_pattern_ops)",
)
DF_FILL = (
    "INSERT INTO practice_search_df (term, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM "
    "practice_search_terms') ON CONFLICT (term) DO UPDATE SET ndoc = EXCLUDED.ndoc"
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
    *DF_SCHEMA,
)
TABLES = (
    "practice_search_docs",
    "practice_search_terms",
    "practice_search_facets",
    "practice_search_meta",
    "practice_search_df",
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


def _tsquery(terms: list[str], op: str = "||") -> tuple[str, list[Any]]:
    """An OR (or, with ``op="&&"``, an AND) of the terms (see ``_term_sql``)."""
    parts = [_term_sql(t) for t in terms]
    return f" {op} ".join(sql for sql, _ in parts), [param for _, param in parts]


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
        """Create the tables if any is missing (and count the words of an index made before the counts)."""
        present = self._execute(
            "SELECT count(*) FROM pg_class WHERE relname = ANY(?) AND relkind = 'r'", [list(TABLES)]
        ).fetchone()[0]
        if present < len(TABLES):  # DDL only when something is missing: it would lock the tables otherwise
            had_df = self._execute("SELECT to_regclass('practice_search_df') IS NOT NULL").fetchone()[0]
            for stmt in SCHEMA:
                self._execute(stmt)
            if not had_df:  # an index made before the word counts existed: count its words once
                self._execute(DF_FILL)

    def _count_words(self, ids: list[int], sign: int) -> None:
        """Add (sign 1) or remove (sign -1) these documents' words to the word counts.

        Runs while the caller holds the generation row's lock (``_bump`` comes first in every write), so two
        writers never take the counts' row locks in different orders.
        """
        self._execute(
            "INSERT INTO practice_search_df (term, ndoc) SELECT lex, ? * count(*) FROM practice_search_terms t, "
            "unnest(tsvector_to_array(t.tsv)) AS lex WHERE t.id = ANY(?) GROUP BY lex ORDER BY lex "
            "ON CONFLICT (term) DO UPDATE SET ndoc = practice_search_df.ndoc + EXCLUDED.ndoc",
            [sign, ids],
        )  # a word whose count falls to 0 keeps its row: it counts as absent and costs nothing

    def _write_many(self, docs: Sequence[PracticeDocument], vecs: Sequence[FloatArray | None]) -> None:
        ids = [d.id for d in docs]
        self._count_words(ids, -1)
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
        self._count_words(ids, 1)
        self._executemany(
            "INSERT INTO practice_search_facets VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(f, _clean(v), d.id) for d in docs for f, v in d.facet_values()],
        )

    def _delete_many(self, ids: Sequence[int]) -> int:
        ids = list(ids)
        self._count_words(ids, -1)
        self._execute("DELETE FROM practice_search_facets WHERE doc_id = ANY(?)", [ids])
        self._execute("DELETE FROM practice_search_terms WHERE id = ANY(?)", [ids])
        cur = self._execute("DELETE FROM practice_search_docs WHERE id = ANY(?)", [ids])
        return int(cur.rowcount or 0)

    def _doc_freqs(self, terms: list[str]) -> list[int] | None:
        """Documents containing each term, from the word counts kept at index time (one query for all terms).

        A phrase counts as its rarest word, a stem as the sum over the words it begins (both upper bounds).
        Cached until the index changes.
        """
        st = self.state
        cache: dict[str, int] | None = st.features.get("df")
        if cache is None or st.features.get("df_generation") != st.generation or len(cache) > 50_000:
            cache = st.features["df"] = {}
            st.features["df_generation"] = st.generation
        todo = sorted({_term_sql(t)[1] for t in terms} - cache.keys())
        words = [key for key in todo if not key.endswith(":*")]
        if words:  # each word's or phrase's lexemes as the index sees them, then their counts by primary key
            lexemes: dict[str, list[str]] = {w: [] for w in words}
            for key, lex in self._execute(
                "SELECT t.key, lex FROM unnest(?::text[]) AS t(key), "
                "unnest(tsvector_to_array(to_tsvector('simple', t.key))) AS lex",
                [words],
            ):
                lexemes[str(key)].append(str(lex))
            wanted = sorted({lex for lexes in lexemes.values() for lex in lexes})
            counts = {
                str(r[0]): int(r[1])
                for r in self._execute(
                    "SELECT term, ndoc FROM practice_search_df WHERE term = ANY(?)", [wanted]
                )
            }
            for w, lexes in lexemes.items():
                cache[w] = min((counts.get(lex, 0) for lex in lexes), default=0)
        for key in todo:
            if key.endswith(":*"):  # a stem: every indexed word it begins, a range of the pattern index
                stem = key[:-2] or " "
                row = self._execute(
                    "SELECT coalesce(sum(ndoc), 0) FROM practice_search_df WHERE term ~>=~ ? AND term ~<~ ?",
                    [stem, stem[:-1] + chr(ord(stem[-1]) + 1)],
                ).fetchone()
                cache[key] = int(row[0])
        return [cache.get(_term_sql(t)[1], 0) for t in terms]

    def _idf(self, dfs: list[int]) -> list[float]:
        n = self.indexed_count()
        return [math.log(1.0 + (n - df + 0.5) / (df + 0.5)) for df in dfs]

    @staticmethod
    def _candidates(terms: list[str], dfs: list[int]) -> tuple[list[str], list[tuple[str, str]]]:
        """Which documents are ranked: (terms whose every match is, pairs of terms whose common matches are).

        The rarest terms are taken whole while their documents add up to ``CANDIDATE_BUDGET``; of the commoner
        ones (the rarest ``PAIR_TERMS`` of them) only documents containing two of them are candidates. Ranking
        then reads a bounded number of documents however common the words are (measured at 100,000: reading
        and ranking every match was most of the time; a document with one common word rarely ranks high).
        """
        order = sorted(range(len(terms)), key=lambda i: (dfs[i], i))
        whole: list[str] = []
        total = 0
        for i in order:
            if total + dfs[i] > CANDIDATE_BUDGET:
                break
            whole.append(terms[i])
            total += dfs[i]
        common = [terms[i] for i in order[len(whole) :]][:PAIR_TERMS]
        pairs = [(a, b) for n, a in enumerate(common) for b in common[n + 1 :]]
        return whole, pairs

    def _keyword(
        self,
        terms: list[str],
        subq: SubQuery | None,
        k: int,
        exclude: int | None = None,
        *,
        synonyms: bool = False,
    ) -> list[int]:
        """Idf-weighted ``ts_rank`` per word over a bounded candidate set; for a concept's forms (``synonyms``) one
        ``ts_rank`` of the whole OR query, which needs one ranking call per candidate instead of one per form."""
        pairs = [
            (t, df) for t, df in zip(terms, self._doc_freqs(terms) or [], strict=True) if df > 0 and t.strip()
        ]
        if not pairs:
            return []
        terms, dfs = [t for t, _ in pairs], [df for _, df in pairs]
        whole, both = self._candidates(terms, dfs)
        found = self._ranked(terms, dfs, (whole, both), subq, k, exclude, synonyms)
        if len(found) < min(k, FALLBACK_MIN) and len(whole) < len(terms):
            # few documents hold two common words: rank every match of the rarest word (capped) instead
            rarest = min(range(len(terms)), key=lambda i: (dfs[i], i))
            found = self._ranked(terms, dfs, ([*whole, terms[rarest]], both), subq, k, exclude, synonyms)
        return found

    def _ranked(
        self,
        terms: list[str],
        dfs: list[int],
        candidates: tuple[list[str], list[tuple[str, str]]],
        subq: SubQuery | None,
        k: int,
        exclude: int | None,
        synonyms: bool,
    ) -> list[int]:
        """The best k candidates (documents with a term of the first list or both terms of a pair)."""
        whole, both = candidates
        parts: list[tuple[str, list[Any]]] = [(sql, [p]) for sql, p in map(_term_sql, whole)]
        for a, b in both:
            (sql_a, p_a), (sql_b, p_b) = _term_sql(a), _term_sql(b)
            parts.append((f"({sql_a} && {sql_b})", [p_a, p_b]))
        if not parts:
            return []
        params: list[Any] = [p for _sql, ps in parts for p in ps]
        sql = (
            "WITH c AS MATERIALIZED (SELECT d.id, d.tsv FROM practice_search_terms d "  # noqa: S608
            f"WHERE d.tsv @@ ({' || '.join(q for q, _ in parts)})"
        )
        if subq is not None:
            sql += f" AND d.id IN ({subq[0]})"
            params += subq[1]
        if exclude is not None:
            sql += " AND d.id <> ?"
            params.append(exclude)
        sql += " LIMIT ?) SELECT c.id FROM c"
        params.append(CANDIDATE_CAP)
        if synonyms:
            rank_sql, rank_params = _tsquery(terms)
            sql += f" ORDER BY ts_rank('{RANK_WEIGHTS}', c.tsv, {rank_sql}, {SYNONYM_NORMALISATION}) DESC"
            params += rank_params
        else:
            ranked = [_term_sql(t) for t in terms]
            sql += " ORDER BY " + " + ".join(
                f"{idf:.6f} * ts_rank('{RANK_WEIGHTS}', c.tsv, {tsq}, {RANK_NORMALISATION})"
                for idf, (tsq, _p) in zip(self._idf(dfs), ranked, strict=True)
            )
            sql += " DESC"
            params += [p for _s, p in ranked]
        sql += ", c.id LIMIT ?"
        params.append(k)
        return [int(r[0]) for r in self._execute(sql, params)]

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Keep the planner on the GIN index for the statements of one search (transaction-local, restored).

        With many OR-ed forms (the concept list) or a LIMIT, its estimates make a sequential scan of every
        tsvector look cheaper; measured at 100,000 documents it was four times slower than the bitmap scan.
        """
        row = self._execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        ).fetchone()
        try:
            yield
        except BaseException:
            raise  # a failed statement ends the transaction, and its local setting with it
        else:
            self._execute("SELECT set_config('enable_seqscan', ?, true)", [str(row[0])])

    def _bodies(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        if not ids:
            return {}
        return {
            int(r[0]): (r[1], r[2])
            for r in self._execute(
                "SELECT id, title, body FROM practice_search_docs WHERE id = ANY(?)", [list(ids)]
            )
        }

    def vocabulary(self) -> list[str]:
        """Index words found in two or more documents (ts_stat over the tsvectors)."""
        return [
            r[0]
            for r in self._execute(
                "SELECT word FROM ts_stat('SELECT tsv FROM practice_search_terms') WHERE ndoc >= 2"
            )
        ]
