"""Place names and country cells as tie and network files write them: lookup keys, simpler forms of a name,
country codes from free text, and the distance between two points.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from citydip.core.text import fold
from citydip.reference.cities import country_code_for

QID_RE = re.compile(r"^Q[1-9][0-9]{0,11}$")
_PAREN = re.compile(r"\s*\([^)]*\)")

# Country names as the Wikipedia lists write them that pycountry does not know.
COUNTRY_ALIASES: dict[str, str] = {
    "republic of ireland": "IE",
    "cape verde": "CV",
    "northern cyprus": "CY",
    "east timor": "TL",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "republic of the congo": "CG",
    "brunei": "BN",
    "micronesia": "FM",
    "falkland islands": "FK",
    "west bank": "PS",
    "gaza strip": "PS",
    "state of palestine": "PS",
    "bosnia and hercegovina": "BA",
    "moldavia": "MD",
    "transnistria": "MD",
    "abkhazia": "GE",
    "south ossetia": "GE",
    "surinam": "SR",
    "northern ireland": "GB",
    "the gambia": "GM",
    "vatican city": "VA",
    "swaziland": "SZ",
    "burma": "MM",
    "east germany": "DE",
    "west germany": "DE",
    "republic of china": "TW",
    "somaliland": "SO",
    "artsakh": "AZ",
    "xk": "XK",
    "rks": "XK",
}


@dataclass(frozen=True)
class CountryParse:
    """Country codes read from a country cell; ``known`` is False when text was given but not recognised."""

    codes: tuple[str, ...]
    known: bool


def name_key(name: str) -> str:
    """The folded form used as the lookup key ("São Paulo" -> "sao paulo")."""
    return fold(name)


def alias_key_for_name(name: str, country_code: str) -> str:
    """The ``ref_city_aliases.key`` of a name decision."""
    return f"name:{name_key(name)}|{country_code}"


def alias_key_for_qid(qid: str) -> str:
    """The ``ref_city_aliases.key`` of a Wikidata id decision."""
    return f"qid:{qid}"


@lru_cache(maxsize=4096)
def parse_country(text: str) -> CountryParse:
    """Codes for a country cell: "Réunion, France" -> (RE, FR); "Georgia (country)" -> (GE,); "" -> ()."""
    raw = text.strip()
    if not raw or raw.upper() == "NA":
        return CountryParse((), True)
    parts = [raw] + ([p.strip() for p in raw.split(",")] if "," in raw else [])
    codes: list[str] = []
    for part in parts:
        for candidate in (part, _PAREN.sub("", part).strip()):
            if not candidate:
                continue
            code = COUNTRY_ALIASES.get(fold(candidate)) or country_code_for(candidate)
            if code and code not in codes:
                codes.append(code)
    if not codes:
        code = _fuzzy_country(raw)
        if code:
            codes.append(code)
    return CountryParse(tuple(codes), bool(codes))


@lru_cache(maxsize=1)
def _country_choices() -> tuple[list[str], list[str]]:
    import pycountry

    names: list[str] = []
    codes: list[str] = []
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names.append(fold(value))
                codes.append(c.alpha_2)
    for alias, code in COUNTRY_ALIASES.items():
        names.append(alias)
        codes.append(code)
    return names, codes


def _fuzzy_country(text: str) -> str | None:
    """A misspelt country name ("Madagaskar", "Kazakhstah"), when one country is clearly meant."""
    names, codes = _country_choices()
    key = fold(text)
    if len(key) < 4:
        return None
    hits = process.extract(key, names, scorer=fuzz.ratio, score_cutoff=85, limit=3)
    found = {codes[i] for _n, _s, i in hits}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Variant:
    """A form of a name to look up; ``qualified`` marks forms that dropped a ", Region" qualifier."""

    text: str
    kind: str  # full | plain | comma | part
    qualifier: str = ""  # what stood in brackets ("Berlin" in "Mitte (Berlin)")


# Words of local-government titles around a town's name ("City of Zabrze", "Kecskemét Municipality",
# "Communauté urbaine de Strasbourg"), compared on folded text. Districts and counties are not listed: a
# county's ties are not its seat's.
_TITLE_PREFIXES = tuple(
    p + " "
    for p in (
        "city of",
        "town of",
        "municipality of",
        "comune di",
        "citta di",
        "ville de",
        "ville d",
        "commune de",
        "communaute urbaine de",
        "communaute urbaine du",
        "communaute d agglomeration de",
        "communaute d agglomeration du",
        "stadt",
        "stadtgemeinde",
        "marktgemeinde",
        "gemeinde",
        "grad",
        "gmina",
        "miasto",
        "mesto",
        "ayuntamiento de",
        "ajuntament de",
        "concello de",
        "camara municipal de",
        "municipio de",
        "dimos",
        "obcina",
        "municipality",
    )
)
_TITLE_SUFFIXES = tuple(
    " " + p
    for p in (
        "municipality",
        "city council",
        "municipal council",
        "borough council",
        "town council",
        "council",
        "city hall",
        "municipal authority",
        "metropole",
        "agglomeration",
        "kommune",
        "kommun",
        "city",
    )
)


def core_name(name: str) -> str:
    """The town's name inside a local-government title, folded ("" when there is no title to remove)."""
    key = name_key(name)
    core = key
    for prefix in _TITLE_PREFIXES:
        if core.startswith(prefix):
            core = core[len(prefix) :]
            break
    for suffix in _TITLE_SUFFIXES:
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    core = core.strip()
    return core if core != key and len(core) >= 3 else ""


def name_variants(name: str) -> list[Variant]:
    """The name, then simpler forms: without a bracketed qualifier, before a comma, each half of "A/B"."""
    base = " ".join(name.split())
    out = [Variant(base, "full")]
    plain = _PAREN.sub("", base).strip()
    qualifier = ""
    if plain and plain != base:
        found = re.search(r"\(([^)]*)\)", base)
        qualifier = found.group(1).strip() if found else ""
        out.append(Variant(plain, "plain", qualifier))
    if "," in plain:
        out.append(Variant(plain.split(",", 1)[0].strip(), "comma", plain.split(",", 1)[1].strip()))
    for sep in ("/", " -- ", " – ", " - "):
        if sep in plain:
            out.extend(Variant(p.strip(), "part", qualifier) for p in plain.split(sep))
    core = core_name(plain)
    if core:
        out.append(Variant(core, "core", name_key(plain).replace(core, "").strip()))
    seen: set[str] = set()
    unique: list[Variant] = []
    for v in out:
        k = name_key(v.text)
        if k and k not in seen:
            seen.add(k)
            unique.append(v)
    return unique


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
