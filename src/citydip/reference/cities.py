"""Find reference places by name: the lookup behind every city picker, the city search and the CLI.

Two calls make up the API (also served at ``/api/v1/reference/cities`` and ``.../cities/resolve``):

- ``search_cities(session, text, country, include_smaller=False)``: places whose name, or a word in it,
  starts with the text ("ber" finds Berlin and Bern, "york" finds New York), most populous first. This is
  what a picker calls as the person types.
- ``resolve_city(session, text, country, include_smaller=False)``: the one place a name means, with the
  candidates when several fit. "Los Angeles" resolves to Los Angeles, US (the most populous exact match),
  "Sao Paulo" to São Paulo, BR through the folded ASCII key, "Cologne" through GeoNames' alternate names,
  misspellings through rapidfuzz; ``CityMatch.ambiguous`` says when a person should choose among
  ``candidates`` ("Springfield, US": Missouri, Massachusetts, Illinois...).

Both look only at the places of GeoNames' 15,000 list (``population_class`` 15000, 34,006 places) unless
``include_smaller`` is set: a person choosing a partner city rarely means a village, and the longer list
makes more names ambiguous. Each candidate is a ``City`` with its country, ``region`` (first-level
division) and population, which is what a person needs to tell namesakes apart.

Speed: exact names use the ``ascii_key`` index; prefixes, alternate names and close spellings use an
in-memory index per database and scope, built on first use (0.75 s of CPU for the 15,000 list, 0.9 s for
all places) and dropped when ``citydip init`` changes the places (``forget_name_index``). Alternate names of
places outside the 15,000 list are searched in the database, and only within a given country.
Figures: docs/performance.md.
"""

from __future__ import annotations

import bisect
import heapq
import threading
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from citydip.core.text import fold
from citydip.reference import repository as repo
from citydip.reference.models import City

FUZZY_CUTOFF = 88.0
# A second candidate of at least this share of the first one's population makes a match ambiguous: a
# person should pick ("San Jose": California 997,000, Costa Rica 335,000). London, Ontario (4.5% of
# London's) does not. Tie imports use a rule of their own (``citydip.ties.resolution``).
AMBIGUITY_RATIO = 0.1
MAJOR = 15000


@dataclass
class CityMatch:
    """The outcome of resolving one name: the chosen place (or None) and the candidates, best first."""

    query: str
    city: City | None
    method: str  # exact | alternate | fuzzy | none
    score: float = 0.0
    candidates: list[City] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        """Several plausible places and no clear winner: a person should pick among the candidates."""
        if self.city is None or len(self.candidates) < 2:
            return False
        first, second = self.candidates[0], self.candidates[1]
        return second.population >= AMBIGUITY_RATIO * max(first.population, 1)


_country_names: dict[str, str] = {}


def country_code_for(text: str) -> str | None:
    """ISO alpha-2 code for a code or an English country name ("US", "United States", "USA")."""
    import pycountry

    value = text.strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        return value.upper() if pycountry.countries.get(alpha_2=value.upper()) else None
    if not _country_names:
        for c in pycountry.countries:
            for attr in ("name", "official_name", "common_name", "alpha_3"):
                name = getattr(c, attr, None)
                if name:
                    _country_names[fold(name)] = c.alpha_2
        _country_names.update(
            {
                "usa": "US",
                "uk": "GB",
                "great britain": "GB",
                "england": "GB",
                "scotland": "GB",
                "wales": "GB",
                "south korea": "KR",
                "north korea": "KP",
                "russia": "RU",
                "iran": "IR",
                "vietnam": "VN",
                "syria": "SY",
                "taiwan": "TW",
                "czech republic": "CZ",
                "turkey": "TR",
                "bolivia": "BO",
                "venezuela": "VE",
                "tanzania": "TZ",
                "laos": "LA",
                "moldova": "MD",
                "ivory coast": "CI",
                "cote d ivoire": "CI",
                "the netherlands": "NL",
                "holland": "NL",
                "macedonia": "MK",
                "palestine": "PS",
                "kosovo": "XK",
            }
        )
    return _country_names.get(fold(value))


def split_label(text: str) -> tuple[str, str | None]:
    """Split "Los Angeles, US" into the name and a country code (None when no country is recognised)."""
    if "," in text:
        head, tail = text.rsplit(",", 1)
        code = country_code_for(tail)
        if code:
            return head.strip(), code
    return text.strip(), None


@dataclass
class NameIndex:
    """The names of the places in one scope, held in memory: keys for fuzzy matching, word starts for
    prefix search, lower-cased alternate names (only for the 15,000 list: the long tail's alternates are
    searched in the database, see ``resolve_city``)."""

    ids: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    population: list[int] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    by_country: dict[str, list[int]] = field(default_factory=dict)  # positions
    words: list[tuple[str, int]] = field(default_factory=list)  # (key from a word start, position), sorted
    alternates: dict[str, list[int]] = field(default_factory=dict)  # lower-cased name -> positions

    @classmethod
    def build(cls, session: Session, include_smaller: bool) -> NameIndex:
        """Read the names of the scope's places once."""
        index = cls()
        words: list[tuple[str, int]] = []
        min_class = 0 if include_smaller else MAJOR
        for pos, (gid, key, cc, pop, alternates) in enumerate(
            repo.name_rows(session, min_class, not include_smaller)
        ):
            index.ids.append(gid)
            index.keys.append(key)
            index.population.append(pop)
            index.country.append(cc)
            index.by_country.setdefault(cc, []).append(pos)
            start = 0
            while True:
                words.append((key[start:], pos))
                start = key.find(" ", start) + 1
                if start <= 0:
                    break
            for alt in alternates.split("|") if alternates else ():
                index.alternates.setdefault(alt.lower(), []).append(pos)
        words.sort()
        index.words = words
        return index

    def prefixed(self, key: str, country: str | None, limit: int) -> list[int]:
        """Ids of the most populous places with a word starting with ``key``."""
        lo = bisect.bisect_left(self.words, (key, -1))
        hi = bisect.bisect_left(self.words, (key + "\uffff", -1))
        positions = {pos for _w, pos in self.words[lo:hi]}
        if country:
            allowed = set(self.by_country.get(country, ()))
            positions &= allowed
        best = heapq.nsmallest(
            limit,
            positions,
            key=lambda p: (-self.population[p], not self.keys[p].startswith(key), self.ids[p]),
        )
        return [self.ids[p] for p in best]

    def alternate(self, name: str, country: str | None) -> list[int]:
        """Ids of places listing ``name`` among their alternate names, most populous first."""
        positions = self.alternates.get(name.strip().lower(), [])
        if country:
            positions = [p for p in positions if self.country[p] == country]
        return [self.ids[p] for p in sorted(positions, key=lambda p: (-self.population[p], self.ids[p]))]

    def close_spellings(self, key: str, country: str | None) -> list[tuple[int, float]]:
        """(id, score) of up to five places whose name is spelt close to ``key``."""
        positions = self.by_country.get(country, []) if country else None
        choices = [self.keys[p] for p in positions] if positions is not None else self.keys
        hits = process.extract(key, choices, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=5)
        if positions is not None:
            return [(self.ids[positions[i]], float(score)) for _k, score, i in hits]
        return [(self.ids[i], float(score)) for _k, score, i in hits]


_index_lock = threading.Lock()
_index_cache: dict[tuple[str, bool], NameIndex] = {}


def name_index(session: Session, include_smaller: bool = False) -> NameIndex:
    """The in-memory name index of this database for one scope (built on first use, then shared)."""
    bind = session.get_bind()
    key = (str(bind.engine.url if hasattr(bind, "engine") else bind), include_smaller)
    with _index_lock:
        cached = _index_cache.get(key)
        if cached is not None:
            return cached
        index = NameIndex.build(session, include_smaller)
        if index.ids:
            _index_cache[key] = index
        return index


def forget_name_index() -> None:
    """Drop the cached name indexes (after the reference places change)."""
    with _index_lock:
        _index_cache.clear()


forget_fuzzy_index = forget_name_index  # the name it had before prefix search used the same index


def _cities(session: Session, ids: list[int]) -> list[City]:
    found = {c.geonames_id: c for c in repo.cities_by_ids(session, ids)}
    return [found[i] for i in ids if i in found]


def search_cities(
    session: Session, text: str, country: str | None = None, limit: int = 20, *, include_smaller: bool = False
) -> list[City]:
    """Places whose name or a word of it starts with ``text``, most populous first (a picker's list)."""
    key = fold(text)
    if not key:
        return []
    code = country_code_for(country) if country else None
    ids = name_index(session, include_smaller).prefixed(key, code, limit)
    if ids:
        return _cities(session, ids)
    return resolve_city(session, text, code, include_smaller=include_smaller).candidates[:limit]


def resolve_city(
    session: Session, text: str, country: str | None = None, *, include_smaller: bool = False
) -> CityMatch:
    """Resolve a name such as "Los Angeles, US" or ("Sao Paulo", "BR") to a place, with its candidates."""
    name, code = split_label(text)
    if country:
        code = country_code_for(country) or code
    key = fold(name)
    if not key:
        return CityMatch(text, None, "none")
    min_class = 0 if include_smaller else MAJOR
    exact = list(repo.cities_by_key(session, key, code, min_class))
    if exact:
        return CityMatch(text, exact[0], "exact", 100.0, exact)
    index = name_index(session, include_smaller=False)
    alternates = _cities(session, index.alternate(name, code))
    if not alternates and include_smaller and code:
        # The smaller places' alternate names are searched in the database, within one country only: a
        # scan of all 136,000 of them for every name typed without a country cost seconds under load.
        alternates = list(repo.cities_by_alternate(session, name.strip(), code, max_class=MAJOR - 1))
    if alternates:
        return CityMatch(text, alternates[0], "alternate", 100.0, alternates)
    hits = name_index(session, include_smaller).close_spellings(key, code)
    if not hits:
        return CityMatch(text, None, "none")
    cities = _cities(session, [i for i, _s in hits])
    score_of = dict(hits)
    best_score = hits[0][1]
    top = [c for c in cities if score_of[c.geonames_id] >= best_score - 0.5]
    top.sort(key=lambda c: -c.population)
    rest = [c for c in cities if c not in top]
    ordered = top + rest
    return CityMatch(text, ordered[0], "fuzzy", best_score, ordered)
