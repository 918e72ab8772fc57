"""A multilingual concept dictionary for city-policy vocabulary: query words -> the same idea in five languages.

The static embedding lines up single words across languages, but German compounds are cut into vague pieces
("Radwege" -> ``▁rad`` + ``wege``) and a record that names its topic only in passing ("piste ciclabili" in a text
about recycled plastic) is far from the query in meaning. The dictionary (``data/concepts.txt``, written for this
project) lists, for each concept, how English, German, Italian, Spanish and French texts name it. A query that
names a concept in any language gets a second keyword list: every form of the concept (and of the concepts it
points to) in every language, ranked by BM25 and fused with the other lists (``SqlSearchEngine``).

File format: a line ``[key] related-key ...`` starts a concept; lines ``en = form, form, ...`` (also ``de``, ``it``,
``es``, ``fr``) give its forms. A form is one or more words (a phrase); a single word ending in ``*`` is a stem
matched as a prefix. German single-word forms and stems of five letters or more are also found inside query
compounds, after a first part of three letters or more ("Stadtradwegenetz" names ``radweg*``,
"Schulhofbegrünung" names ``begrünung*``); a query word names the concept(s) of its longest matching form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from citydip.practices.search.embedding import words
from citydip.practices.search.text import clean_query, fold

LANGS = ("en", "de", "it", "es", "fr")
COMPOUND_LANGS = frozenset({"de"})
COMPOUND_MIN = 5  # shortest form found inside a compound
COMPOUND_REST = 3  # letters the compound's first part must have
MAX_TERMS = 48
_HEADER = re.compile(r"^\[([a-z0-9_]+)\]((?:\s+[a-z0-9_]+)*)\s*$")
_FORMS = re.compile(r"^([a-z]{2})\s*=\s*(.+)$")
_STEM = re.compile(r"^[^\W\d_]+\*$")


@dataclass(frozen=True)
class Concept:
    """One idea and the forms that name it, per language."""

    key: str
    forms: dict[str, tuple[str, ...]]
    related: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The first English form (what the concept is called in messages and the dense query)."""
        english = self.forms.get("en") or next(iter(self.forms.values()), ())
        return english[0].rstrip("*") if english else self.key.replace("_", " ")

    def all_forms(self) -> list[str]:
        """Every form, the languages taking turns (first form of each language, then the second...)."""
        return _turns([list(self.forms.get(lang, ())) for lang in LANGS])


def _normal(form: str, where: str) -> str:
    """A form as the index sees it: folded words joined by one space; a stem keeps its trailing ``*``."""
    form = form.strip()
    if any(ch.isdigit() for ch in form):  # the tokenizer drops bare numbers: "zona 30" would search "zona"
        raise ValueError(f"{where}: '{form}' has digits; forms are words only")
    if form.endswith("*"):
        stem = fold(form[:-1].strip())
        if not _STEM.match(stem + "*"):
            raise ValueError(f"{where}: '{form}' is not a stem (one word followed by *)")
        return stem + "*"
    parts = [fold(w) for w in words(form)]
    if not parts:
        raise ValueError(f"{where}: empty form")
    return " ".join(parts)


def parse_concepts(text: str, source: str = "concepts.txt") -> list[Concept]:
    """Read the dictionary format; ValueError naming the file and line for anything it cannot read."""
    concepts: list[Concept] = []
    key: str | None = None
    related: tuple[str, ...] = ()
    forms: dict[str, tuple[str, ...]] = {}

    def close() -> None:
        if key is not None:
            if not forms:
                raise ValueError(f"{source}: concept [{key}] has no forms")
            concepts.append(Concept(key, dict(forms), related))

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}, line {n}"
        header = _HEADER.match(line)
        if header:
            close()
            key, related, forms = header.group(1), tuple(header.group(2).split()), {}
            continue
        m = _FORMS.match(line)
        if m is None or key is None:
            raise ValueError(f"{where}: expected '[key] related...' or 'xx = form, form'")
        lang = m.group(1)
        if lang not in LANGS:
            raise ValueError(f"{where}: unknown language '{lang}' (use {', '.join(LANGS)})")
        if lang in forms:
            raise ValueError(f"{where}: [{key}] lists '{lang}' twice")
        forms[lang] = tuple(dict.fromkeys(_normal(f, where) for f in m.group(2).split(",") if f.strip()))
    close()
    keys = [c.key for c in concepts]
    doubles = sorted({k for k in keys if keys.count(k) > 1})
    if doubles:
        raise ValueError(f"{source}: concepts listed twice: {', '.join(doubles)}")
    known = set(keys)
    for c in concepts:
        missing = [r for r in c.related if r not in known]
        if missing:
            raise ValueError(f"{source}: [{c.key}] points to unknown concepts: {', '.join(missing)}")
    return concepts


class ConceptDictionary:
    """Finds the concepts a query names and the search terms that name them in every language."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        """Index the forms for matching query words."""
        self.concepts = {c.key: c for c in concepts}
        self._words: dict[str, set[str]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._stems: list[tuple[str, str]] = []
        self._compound: list[tuple[str, str]] = []
        for c in self.concepts.values():
            for lang, forms in c.forms.items():
                for form in forms:
                    if form.endswith("*"):
                        self._stems.append((form[:-1], c.key))
                        if lang in COMPOUND_LANGS and len(form) - 1 >= COMPOUND_MIN:
                            self._compound.append((form[:-1], c.key))
                    elif " " in form:
                        parts = tuple(form.split())
                        self._phrases.setdefault(parts[0], []).append((parts, c.key))
                    else:
                        self._words.setdefault(form, set()).add(c.key)
                        if lang in COMPOUND_LANGS and len(form) >= COMPOUND_MIN:
                            self._compound.append((form, c.key))
        self._stems.sort(key=lambda sk: -len(sk[0]))
        self._compound.sort(key=lambda fk: -len(fk[0]))

    def __len__(self) -> int:
        """Number of concepts."""
        return len(self.concepts)

    def _word_concepts(self, word: str) -> set[str]:
        """Concepts named by one query word; the longest matching form wins ("fahrradwege" is a cycle lane,
        not just anything about bicycles, although ``fahrrad*`` matches it too)."""
        matches = [(len(word), key) for key in self._words.get(word, ())]
        matches += [(len(stem), key) for stem, key in self._stems if word.startswith(stem)]
        if not matches:  # a German compound: a known form (or stem) after a first part of 3+ letters
            matches = [
                (len(form), key)
                for form, key in self._compound
                if word.find(form, COMPOUND_REST) >= COMPOUND_REST
            ]
        longest = max((n for n, _ in matches), default=0)
        return {key for n, key in matches if n == longest}

    def match(self, query: str) -> list[Concept]:
        """The concepts a query names, in the order they appear (a phrase names its concept, not its words')."""
        tokens = [fold(w) for w in words(clean_query(query))]
        found: list[str] = []
        i = 0
        while i < len(tokens):
            phrases = [
                (len(parts), key)
                for parts, key in self._phrases.get(tokens[i], ())
                if tuple(tokens[i : i + len(parts)]) == parts
            ]
            span = max((n for n, _ in phrases), default=0)
            keys = {key for n, key in phrases if n == span} if span else self._word_concepts(tokens[i])
            found += sorted(k for k in keys if k not in found)
            i += span or 1
        return [self.concepts[k] for k in found]

    def terms(self, concepts: list[Concept], limit: int = MAX_TERMS) -> list[str]:
        """Search terms for the concepts and the concepts they point to: phrases, words and ``stem*`` prefixes."""
        named = list(dict.fromkeys(c.key for c in concepts))
        related = [
            r for r in dict.fromkeys(r for k in named for r in self.concepts[k].related) if r not in named
        ]
        out = _turns([self.concepts[k].all_forms() for k in named]) + _turns(
            [self.concepts[k].all_forms() for k in related]
        )
        return list(dict.fromkeys(out))[:limit]

    def terms_by_language(
        self, concepts: list[Concept], related: bool = False, limit: int = MAX_TERMS
    ) -> dict[str, list[str]]:
        """Search terms per language: the forms of the concepts, or (``related``) of the concepts they point to."""
        named = list(dict.fromkeys(c.key for c in concepts))
        keys = named
        if related:
            keys = [
                r for r in dict.fromkeys(r for k in named for r in self.concepts[k].related) if r not in named
            ]
        out: dict[str, list[str]] = {}
        for lang in LANGS:
            forms = _turns([list(self.concepts[k].forms.get(lang, ())) for k in keys])
            if forms:
                out[lang] = list(dict.fromkeys(forms))[:limit]
        return out


def _turns(lists: list[list[str]]) -> list[str]:
    """Items of several lists taking turns: a[0], b[0], c[0], a[1], ..."""
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        out += [x[i] for x in lists if i < len(x)]
    return out


def _data_file() -> Path:
    return Path(str(resources.files("citydip.practices.search") / "data" / "concepts.txt"))


def load_concepts(path: Path | None = None) -> ConceptDictionary:
    """Load the shipped dictionary (or one from `path`)."""
    source = path or _data_file()
    return ConceptDictionary(parse_concepts(source.read_text(encoding="utf-8"), source.name))


@lru_cache(maxsize=1)
def default_concepts() -> ConceptDictionary:
    """The process-wide shipped dictionary (loaded once)."""
    return load_concepts()
