"""Resolve a city name (optionally with a country) to a reference city: exact first, then fuzzy.

"Los Angeles" resolves to Los Angeles, US (the most populous exact match); "Sao Paulo" to São Paulo, BR through
the folded ASCII key; misspellings go through rapidfuzz, narrowed by country when one is given.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from citydip.core.text import fold
from citydip.reference import repository as repo
from citydip.reference.models import City

FUZZY_CUTOFF = 88.0
# A second candidate at least this share of the first one's population makes a match ambiguous.
AMBIGUITY_RATIO = 0.35


@dataclass
class CityMatch:
    """The outcome of resolving one name."""

    query: str
    city: City | None
    method: str  # exact | alternate | fuzzy | none
    score: float = 0.0
    candidates: list[City] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        """Several plausible cities and no clear winner."""
        if self.city is None or len(self.candidates) < 2:
            return False
        first, second = self.candidates[0], self.candidates[1]
        return second.population >= AMBIGUITY_RATIO * max(first.population, 1)


_country_names: dict[str, str] = {}
_index_lock = threading.Lock()
_index_cache: dict[str, dict[str, list[tuple[str, int]]]] = {}


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


def _fuzzy_index(session: Session) -> dict[str, list[tuple[str, int]]]:
    bind = session.get_bind()
    key = str(bind.engine.url if hasattr(bind, "engine") else bind)
    with _index_lock:
        cached = _index_cache.get(key)
        if cached is not None:
            return cached
        by_country: dict[str, list[tuple[str, int]]] = {"*": []}
        for city_id, name_key, cc, _pop in repo.city_index(session):
            by_country.setdefault(cc, []).append((name_key, city_id))
            by_country["*"].append((name_key, city_id))
        if by_country["*"]:
            _index_cache[key] = by_country
        return by_country


def forget_fuzzy_index() -> None:
    """Drop the cached fuzzy index (after reference data changes)."""
    with _index_lock:
        _index_cache.clear()


def resolve_city(session: Session, text: str, country: str | None = None) -> CityMatch:
    """Resolve a city name such as "Los Angeles, US" or ("Sao Paulo", "BR")."""
    name, code = split_label(text)
    if country:
        code = country_code_for(country) or code
    key = fold(name)
    if not key:
        return CityMatch(text, None, "none")
    exact = list(repo.cities_by_key(session, key, code))
    if exact:
        return CityMatch(text, exact[0], "exact", 100.0, exact)
    alternates = list(repo.cities_by_alternate(session, name.strip(), code))
    if alternates:
        return CityMatch(text, alternates[0], "alternate", 100.0, alternates)
    index = _fuzzy_index(session).get(code or "*", [])
    if not index:
        return CityMatch(text, None, "none")
    keys = [k for k, _ in index]
    hits = process.extract(key, keys, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=5)
    if not hits:
        return CityMatch(text, None, "none")
    cities = [c for c in (repo.city(session, index[i][1]) for _, _, i in hits) if c is not None]
    best_score = hits[0][1]
    top = [c for (_, s, _), c in zip(hits, cities, strict=False) if s >= best_score - 0.5]
    top.sort(key=lambda c: -c.population)
    rest = [c for c in cities if c not in top]
    ordered = top + rest
    return CityMatch(text, ordered[0], "fuzzy", float(best_score), ordered)
