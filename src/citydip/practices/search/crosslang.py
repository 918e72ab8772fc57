"""Cross-language recall: a concept list fused with the keyword and meaning lists, and language slots.

When a query names a concept of the dictionary (``concepts.py``), e.g. "Radwege ausbauen" names *cycle lane*:

1. **Concept list.** One more keyword search over every form of the concept (and of the concepts it points to)
   in English, German, Italian, Spanish and French, ranked by BM25 and fused with the other lists by RRF. A
   record that says "piste ciclabili" now matches a German query although it shares no word and little meaning
   with it. The list weighs ``CONCEPT_WEIGHT``, or as much as the keyword list when the query's own words match
   nothing (then it is the only word evidence there is).
2. **Language slots.** RRF favours records found by several lists, so records in the corpus's big language
   (English hits found by meaning *and* by the concept list) fill the first page. For each of the five
   languages that has no hit among the first ``SLOT_DEPTH`` results, the best record written in that language
   that names every concept of the query, and more than in passing (``MIN_MENTIONS`` mentions and one per
   ``CHARS_PER_MENTION`` characters, a title mention counting ``TITLE_MENTION``), is placed right after the
   first ``SLOT_HEAD`` hits. Candidates: the concept list's matches in that language, else the best
   ``SLOT_CANDIDATES`` of a BM25 search over that language's forms (filters and access rule applied). The
   first page then shows what each language has on the topic without displacing the best-ranked hits. A
   placed hit keeps its own fused score, so scores after ``SLOT_HEAD`` may rise again.

On a large index, forms whose rarest word is in more than ``COMMON_FORM_SHARE`` of the documents are left out
of these searches (``common_forms_dropped``): they cost most and say least.
"""

from __future__ import annotations

import re
import unicodedata
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from citydip.practices.search.access import AccessCheck, SubQuery, filter_subquery
from citydip.practices.search.concepts import LANGS, Concept, ConceptDictionary
from citydip.practices.search.text import is_stem
from citydip.practices.search.types import SearchFilters

if TYPE_CHECKING:
    from citydip.practices.search.base import IndexState

CONCEPT_WEIGHT = 0.75
SLOT_HEAD = 10
SLOT_DEPTH = 20
SLOT_CANDIDATES = 5
SLOT_WIDEN = 4  # with the access rule applied in memory, take this many times the candidates from SQL
COMMON_FORM_SHARE = 0.015
COMMON_FORM_MIN_DOCS = 2000
MIN_MENTIONS = 2
CHARS_PER_MENTION = (
    1000  # and at least one mention per 1,000 characters: a long text naming it once is not about it
)
TITLE_MENTION = 2


@dataclass
class ConceptMatch:
    """What the concept side found for one query."""

    named: list[Concept] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def mark_words(self) -> list[str]:
        """Single words of the searched forms (stems left out), for snippets and highlighting."""
        return [w for t in self.terms if not is_stem(t) for w in t.split()]


def forms_pattern(forms: Sequence[str]) -> re.Pattern[str] | None:
    """A regular expression finding any of the forms in folded text (a stem matches the words it begins)."""
    return _pattern(tuple(sorted(set(forms), key=lambda f: (-len(f), f))))


@lru_cache(maxsize=1024)
def _pattern(forms: tuple[str, ...]) -> re.Pattern[str] | None:
    alts = []
    for form in forms:
        if is_stem(form):
            alts.append(re.escape(form[:-1]) + r"\w*")
        else:
            alts.append(r"\W+".join(re.escape(w) for w in form.split()))
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b") if alts else None


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_text(text: str) -> str:
    """``fold`` for long texts: lower case without accents (combining marks dropped in one pass)."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))


def mentions(pattern: re.Pattern[str] | None, title: str, body: str) -> int:
    """How often a record (title and body already folded) names one of the forms; a title mention counts
    ``TITLE_MENTION``."""
    if pattern is None:
        return 0
    return len(pattern.findall(title)) * TITLE_MENTION + len(pattern.findall(body))


class CrossLanguageMixin:
    """The concept list and the language slots of ``SqlSearchEngine``."""

    concepts: ConceptDictionary | None
    state: IndexState

    @abstractmethod
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
        """Keyword hits allowed by the filters (provided by the engine)."""

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
        """Keyword hits restricted by a SQL subquery only (provided by the engine)."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run SQL on the engine's connection (provided by the engine)."""

    @abstractmethod
    def _bodies(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """{id: (title, body)} of some documents (provided by the engine)."""

    @abstractmethod
    def _sync(self) -> None:
        """Reload the in-memory state when the index changed (provided by the engine)."""

    @abstractmethod
    def indexed_count(self) -> int:
        """Number of indexed documents (provided by the engine)."""

    @abstractmethod
    def _word_doc_freqs(self, words: list[str]) -> dict[str, int] | None:
        """{word: documents containing it} (provided by the engine)."""

    def common_forms_dropped(self, terms: list[str]) -> list[str]:
        """The terms without forms that cannot match (a word in no document) or whose rarest word is in more than
        ``COMMON_FORM_SHARE`` of a large index.

        On 100,000 documents "public buildings" or "training" match thousands of records and make the concept
        search several times slower (FTS5 scores every match), while telling little about the concept; the
        concept's other forms still find its records. Small indexes (under ``COMMON_FORM_MIN_DOCS`` documents
        per form) keep every form. Stems are kept (counting them would cost a scan of the vocabulary).
        """
        limit = max(COMMON_FORM_SHARE * self.indexed_count(), COMMON_FORM_MIN_DOCS)
        words = sorted({w for t in terms if not is_stem(t) for w in t.split()})
        dfs = self._word_doc_freqs(words) if words else {}
        if not dfs:
            return terms
        return [t for t in terms if is_stem(t) or 0 < min(dfs.get(w, 0) for w in t.split()) <= limit]

    def concept_match(
        self, query: str, subq: SubQuery | None, k: int, rule: AccessCheck | None
    ) -> ConceptMatch:
        """The concepts the query names and the records that name them in any language, best first."""
        if self.concepts is None:
            return ConceptMatch()
        named = self.concepts.match(query)
        if not named:
            return ConceptMatch()
        terms = self.common_forms_dropped(self.concepts.terms(named))
        ids = self._keyword_filtered(terms, subq, k, rule, synonyms=True) if terms else []
        return ConceptMatch(named, terms, ids)

    def languages_of(self, ids: Sequence[int]) -> dict[int, str]:
        """{doc id: language code} of indexed documents ('' when unknown), from the index state in memory."""
        if self.state.generation is None:  # called before any search of this process: load the state
            with self.state.lock:
                self._sync()
        known = self.state.languages
        return {i: known.get(i, "") for i in ids}

    @staticmethod
    def _names_every_concept(named: list[Concept], title: str, body: str) -> bool:
        """Whether a record names each concept of the query, and more than in passing. A narrower concept the
        query also names counts for the broader one ("cycle lanes and bikes": a cycle lane is about bikes)."""
        total = 0
        title, body = fold_text(title), fold_text(body)
        for concept in named:
            narrower = [f for n in named if concept.key in n.related for f in n.all_forms()]
            count = mentions(forms_pattern(concept.all_forms() + narrower), title, body)
            if count == 0:
                return False
            total += count
        return total >= max(MIN_MENTIONS, len(body) / CHARS_PER_MENTION)

    def _first_naming(self, candidates: list[int], named: list[Concept]) -> int | None:
        """The first of the candidates that names every concept of the query more than in passing."""
        texts = self._bodies(candidates)
        for doc in candidates:
            title, body = texts.get(doc, ("", ""))
            if self._names_every_concept(named, title, body):
                return doc
        return None

    def _best_in(
        self,
        lang: str,
        forms: list[str],
        named: list[Concept],
        subq: SubQuery | None,
        rule: AccessCheck | None,
        taken: set[int],
    ) -> int | None:
        """The best record written in one language that names what the query names, or None."""
        forms = self.common_forms_dropped(forms)
        if not forms:
            return None
        if subq is None and rule is not None:
            # only the access rule restricts this search (every product search): rank just this language's
            # records in SQL (one facet lookup) and apply the rule in memory, instead of ranking every record
            # that names the concept in any language
            in_lang = filter_subquery(SearchFilters(languages=frozenset({lang})))
            wide = self._keyword(forms, in_lang, SLOT_CANDIDATES * SLOT_WIDEN, synonyms=True)
            found = [d for d in wide if rule.allows(d) and d not in taken][:SLOT_CANDIDATES]
        else:
            found = [
                d
                for d in self._keyword_filtered(forms, subq, SLOT_CANDIDATES, rule, synonyms=True)
                if d not in taken
            ]
        langs = self.languages_of(found)
        return self._first_naming([d for d in found if langs.get(d) == lang], named)

    def language_slots(
        self,
        fused: list[tuple[int, float]],
        match: ConceptMatch,
        subq: SubQuery | None,
        rule: AccessCheck | None,
    ) -> tuple[list[tuple[int, float]], set[int]]:
        """The fused list with each missing language's best concept match placed after the first hits.

        Returns the new list and the ids that were placed (they are concept matches, for snippets).
        """
        if self.concepts is None or not match.named or len(fused) <= SLOT_HEAD:
            return fused, set()
        shown = [doc for doc, _ in fused[:SLOT_DEPTH]]
        present = set(self.languages_of(shown).values())
        missing = [lang for lang in LANGS if lang not in present]
        if not missing:
            return fused, set()
        own = self.concepts.terms_by_language(match.named)
        listed = self.languages_of([d for d in match.ids if d not in shown])
        placed: list[int] = []
        for lang in missing:
            # the concept list's own matches in that language first (no extra search), then a search over the
            # language's forms of the concepts (a record must name them: broader forms would add nothing)
            best = self._first_naming(
                [d for d in match.ids if listed.get(d) == lang][:SLOT_CANDIDATES], match.named
            )
            if best is None:
                best = self._best_in(
                    lang, own.get(lang, []), match.named, subq, rule, set(shown) | set(placed)
                )
            if best is not None:
                placed.append(best)
        if not placed:
            return fused, set()
        scores = dict(fused)
        rest = [(d, s) for d, s in fused if d not in placed]
        slots = [(d, scores.get(d, 0.0)) for d in placed]
        return rest[:SLOT_HEAD] + slots + rest[SLOT_HEAD:], set(placed)
