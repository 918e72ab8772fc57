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
   that names every concept of the query, more than in passing (``MIN_MENTIONS`` and one mention per
   ``CHARS_PER_MENTION`` characters, a title mention counting ``TITLE_MENTION``), is placed right after the first ``SLOT_HEAD`` hits (candidates: BM25 over that
   language's forms of the concepts, then of the broader concepts they point to; filters and access rule
   applied). The first page then shows what each language has on the topic without displacing the
   best-ranked hits. A placed hit keeps its own fused score, so scores after ``SLOT_HEAD`` may rise again.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from citydip.practices.search.access import AccessCheck, SubQuery
from citydip.practices.search.concepts import LANGS, Concept, ConceptDictionary
from citydip.practices.search.text import fold, is_stem

CONCEPT_WEIGHT = 0.75
SLOT_HEAD = 10
SLOT_DEPTH = 20
SLOT_CANDIDATES = 10
MIN_MENTIONS = 2
CHARS_PER_MENTION = 1000  # and at least one mention per 1,000 characters: a long text naming it once is not about it
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
    alts = []
    for form in sorted(set(forms), key=len, reverse=True):
        if is_stem(form):
            alts.append(re.escape(form[:-1]) + r"\w*")
        else:
            alts.append(r"\W+".join(re.escape(w) for w in form.split()))
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b") if alts else None


def mentions(pattern: re.Pattern[str] | None, title: str, body: str) -> int:
    """How often a record names one of the forms (a title mention counts ``TITLE_MENTION``)."""
    if pattern is None:
        return 0
    return len(pattern.findall(fold(title))) * TITLE_MENTION + len(pattern.findall(fold(body)))


class CrossLanguageMixin:
    """The concept list and the language slots of ``SqlSearchEngine``."""

    concepts: ConceptDictionary | None

    @abstractmethod
    def _keyword_filtered(self, terms: list[str], subq: SubQuery | None, k: int, rule: AccessCheck | None,
                          exclude: int | None = None) -> list[int]:
        """Keyword hits allowed by the filters (provided by the engine)."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run SQL on the engine's connection (provided by the engine)."""

    @abstractmethod
    def _bodies(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """{id: (title, body)} of some documents (provided by the engine)."""

    def concept_match(self, query: str, subq: SubQuery | None, k: int, rule: AccessCheck | None) -> ConceptMatch:
        """The concepts the query names and the records that name them in any language, best first."""
        if self.concepts is None:
            return ConceptMatch()
        named = self.concepts.match(query)
        if not named:
            return ConceptMatch()
        terms = self.concepts.terms(named)
        return ConceptMatch(named, terms, self._keyword_filtered(terms, subq, k, rule))

    def languages_of(self, ids: Sequence[int]) -> dict[int, str]:
        """{doc id: language code} of indexed documents ('' when unknown)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._execute(
            f"SELECT id, language FROM practice_search_docs WHERE id IN ({marks})", list(ids))  # noqa: S608
        return {int(r[0]): str(r[1] or "") for r in rows}

    @staticmethod
    def _names_every_concept(named: list[Concept], title: str, body: str) -> bool:
        """Whether a record names each concept of the query, and more than in passing."""
        total = 0
        for concept in named:
            count = mentions(forms_pattern(concept.all_forms()), title, body)
            if count == 0:
                return False
            total += count
        return total >= max(MIN_MENTIONS, len(body) / CHARS_PER_MENTION)

    def _best_in(self, lang: str, forms: list[str], named: list[Concept], subq: SubQuery | None,
                 rule: AccessCheck | None, taken: set[int]) -> int | None:
        """The best record written in one language that names what the query names, or None."""
        if not forms:
            return None
        found = [d for d in self._keyword_filtered(forms, subq, SLOT_CANDIDATES, rule) if d not in taken]
        langs = self.languages_of(found)
        candidates = [d for d in found if langs.get(d) == lang]
        texts = self._bodies(candidates)
        for doc in candidates:
            title, body = texts.get(doc, ("", ""))
            if self._names_every_concept(named, title, body):
                return doc
        return None

    def language_slots(self, fused: list[tuple[int, float]], match: ConceptMatch, subq: SubQuery | None,
                       rule: AccessCheck | None) -> tuple[list[tuple[int, float]], set[int]]:
        """The fused list with each missing language's best concept match placed after the first hits.

        Returns the new list and the ids that were placed (they are concept matches, for snippets).
        """
        if self.concepts is None or not match.named or len(fused) <= SLOT_HEAD:
            return fused, set()
        shown = [doc for doc, _ in fused[:SLOT_DEPTH]]
        present = set(self.languages_of(shown).values())
        own = self.concepts.terms_by_language(match.named)
        broader = self.concepts.terms_by_language(match.named, related=True)
        placed: list[int] = []
        for lang in LANGS:
            if lang in present:
                continue
            for forms in (own.get(lang), broader.get(lang)):  # the concepts themselves first, then broader ones
                best = self._best_in(lang, forms or [], match.named, subq, rule, set(shown) | set(placed))
                if best is not None:
                    placed.append(best)
                    break
        if not placed:
            return fused, set()
        scores = dict(fused)
        rest = [(d, s) for d, s in fused if d not in placed]
        slots = [(d, scores.get(d, 0.0)) for d in placed]
        return rest[:SLOT_HEAD] + slots + rest[SLOT_HEAD:], set(placed)
