"""Match places named in tie and network files to reference cities, with an in-memory index built once.

Order of evidence for one place: a Wikidata id already stored on a reference city; an administrator's earlier
decision (``ref_city_aliases``); the name, folded to ASCII, against primary names and then alternate names
(German, French... labels are among GeoNames' alternates), narrowed to the row's country when the file gives
one; the same for simpler variants of the name ("Halle (Saale)" -> "Halle", "Suzhou, Jiangsu" -> "Suzhou");
finally a close spelling (rapidfuzz) within the country. Several candidates are told apart by the row's
coordinates when the file has them, else by population (a clear winner only); otherwise the place is
*ambiguous* and goes to review with its candidates. A place with no candidate is *unresolved*.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citydip.reference.models import City, ReferenceLoad
from citydip.reference.places import MAJOR, fold_name
from citydip.ties.models import CityAlias
from citydip.ties.placenames import (
    Variant,
    alias_key_for_name,
    alias_key_for_qid,
    distance_km,
    name_key,
    name_variants,
    parse_country,
)

# Coordinates in the file pick the candidate of the same name within this distance (files often place a
# member at a municipality's centroid, tens of kilometres from GeoNames' point); a close spelling must be
# much nearer and closer in spelling, since neighbouring towns often have similar names.
COORD_RADIUS_KM = 75.0
FUZZY_RADIUS_KM = 10.0
FUZZY_WITH_COORDINATES = 90.0
# Close spellings within the country (rapidfuzz ratio) are offered as candidates from this score; they are
# taken only when the row's coordinates confirm them (measured: most are a different, smaller town).
FUZZY_SUGGEST = 85.0
# Without coordinates, the most populous of several places of one name is taken when the next is smaller than
# this share of it; otherwise the place is ambiguous and goes to review.
AMBIGUITY_RATIO = 0.35
# A name-only match teaches the city its Wikidata id only when any rival is this much smaller.
CONFIDENT_RATIO = 0.05
MAX_CANDIDATES = 8

_IATA = re.compile(r"^[A-Z]{3,4}$")


class Status(StrEnum):
    """How well a place (or a row) was matched."""

    resolved = "resolved"
    ambiguous = "ambiguous"
    unresolved = "unresolved"


@dataclass(frozen=True)
class Place:
    """One place as a file names it."""

    name: str
    country: str = ""
    qid: str = ""
    lat: float | None = None
    lon: float | None = None

    def describe(self) -> str:
        """The place as written, for messages ("Bérat (France)", "Köln [Q365]")."""
        text = self.name or self.qid
        if self.country:
            text += f" ({self.country})"
        if self.qid and self.name:
            text += f" [{self.qid}]"
        return text


@dataclass(frozen=True)
class Resolution:
    """The outcome for one place."""

    status: Status
    city_id: int | None = None
    method: str = "none"  # wikidata | alias | exact | alternate | variant | fuzzy (+coordinates)
    candidates: tuple[int, ...] = ()
    note: str = ""
    confident: bool = False  # a name match strong enough to store the place's Wikidata id on the city


@dataclass(frozen=True)
class PlaceNames:
    """What an index knows from the place list alone: it changes only when ``citydip init`` loads places."""

    country: dict[int, str]
    population: dict[int, int]
    coords: dict[int, tuple[float, float]]
    names: dict[int, str]
    regions: dict[int, str]
    smaller: set[int]  # places outside GeoNames' 15,000 list
    primary: dict[str, list[int]]  # folded name -> places, most populous first
    alternate: dict[str, list[int]]  # folded alternate name -> places, most populous first
    # Filled as imports need them, shared by every index built on the same places: names by country, and
    # the close-spelling pools by country set.
    keys_by_country: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    pools: dict[str, tuple[list[str], list[tuple[int, ...]]]] = field(default_factory=dict)


_names_lock = threading.Lock()
_names_cache: dict[tuple[str, int], PlaceNames] = {}


def _read_place_names(session: Session) -> PlaceNames:
    rows = session.execute(
        select(
            City.geonames_id,
            City.name,
            City.ascii_key,
            City.alternate_names,
            City.country_code,
            City.population,
            City.latitude,
            City.longitude,
            City.admin1_name,
            City.population_class,
        )
    ).all()
    names = PlaceNames({}, {}, {}, {}, {}, set(), {}, {})
    primary: dict[str, set[int]] = {}
    alternate: dict[str, set[int]] = {}
    for gid, name, key, alternates, cc, pop, lat, lon, region, size in rows:
        names.country[gid] = cc
        if size < MAJOR:
            names.smaller.add(gid)
        if region:
            names.regions[gid] = region
        names.population[gid] = int(pop or 0)
        names.coords[gid] = (float(lat), float(lon))
        names.names[gid] = name
        primary.setdefault(key, set()).add(gid)
        for alt in alternates.split("|") if alternates else ():
            if _IATA.match(alt):
                continue  # airport codes ("CAN" for Guangzhou) are not names
            alt_key = fold_name(alt)
            if alt_key and alt_key != key:
                alternate.setdefault(alt_key, set()).add(gid)

    def by_size(ids: set[int]) -> list[int]:
        return list(ids) if len(ids) == 1 else sorted(ids, key=lambda i: (-names.population[i], i))

    names.primary.update((k, by_size(v)) for k, v in primary.items())
    names.alternate.update((k, by_size(v)) for k, v in alternate.items())
    return names


def _place_names(session: Session) -> PlaceNames:
    """The place names, read once per process for each loaded place list (170,000 places and 950,000
    alternate names take seconds to fold). The key is the fingerprint ``citydip init`` stored with the
    row count, so a load of other places reads them again; without a fingerprint nothing is shared."""
    stamp = session.get(ReferenceLoad, "places")
    rows = int(session.scalar(select(func.count()).select_from(City)) or 0)
    if stamp is None or stamp.rows != rows:
        return _read_place_names(session)
    key = (stamp.fingerprint, rows)
    with _names_lock:
        cached = _names_cache.get(key)
        if cached is None:
            cached = _read_place_names(session)
            _names_cache.clear()
            _names_cache[key] = cached
        return cached


@dataclass
class CityIndex:
    """Every reference city's names, countries, sizes and Wikidata ids, held in memory for one import."""

    country: dict[int, str] = field(default_factory=dict)
    population: dict[int, int] = field(default_factory=dict)
    coords: dict[int, tuple[float, float]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    regions: dict[int, str] = field(default_factory=dict)
    smaller: set[int] = field(default_factory=set)
    primary: dict[str, list[int]] = field(default_factory=dict)
    alternate: dict[str, list[int]] = field(default_factory=dict)
    by_qid: dict[str, int] = field(default_factory=dict)
    qid_of: dict[int, str] = field(default_factory=dict)
    aliases: dict[str, int] = field(default_factory=dict)
    _fuzzy: dict[str, tuple[list[str], list[tuple[int, ...]]]] = field(default_factory=dict)
    _keys_by_country: dict[str, dict[str, set[int]]] = field(default_factory=dict)

    @classmethod
    def build(cls, session: Session) -> CityIndex:
        """Read the reference places (names shared across imports, see ``_place_names``), the Wikidata ids
        stored on them and the administrators' decisions."""
        index = cls()
        names = _place_names(session)
        index.country, index.population, index.coords = names.country, names.population, names.coords
        index.names, index.regions, index.smaller = names.names, names.regions, names.smaller
        index.primary, index.alternate = names.primary, names.alternate
        index._fuzzy, index._keys_by_country = names.pools, names.keys_by_country
        for gid, qid in session.execute(
            select(City.geonames_id, City.wikidata_id).where(City.wikidata_id.is_not(None))
        ).all():
            index.by_qid[str(qid)] = gid
            index.qid_of[gid] = str(qid)
        for key, city_id in session.execute(select(CityAlias.key, CityAlias.city_id)).all():
            index.aliases[key] = city_id
        return index

    def _by_size(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda i: (-self.population[i], i))

    def label(self, city_id: int) -> str:
        """ "Name, CC" of a city."""
        return f"{self.names.get(city_id, '?')}, {self.country.get(city_id, '?')}"

    def region_label(self, city_id: int) -> str:
        """ "Name, Region, CC" when GeoNames names the region (namesakes often share a country)."""
        name, region = self.names.get(city_id, "?"), self.regions.get(city_id, "")
        middle = f"{region}, " if region and region != name else ""
        return f"{name}, {middle}{self.country.get(city_id, '?')}"

    def describe(self, city_id: int) -> dict[str, object]:
        """A candidate as a person needs it to choose: name, region, country and population."""
        return {
            "geonames_id": city_id,
            "name": self.names.get(city_id, "?"),
            "region": self.regions.get(city_id, ""),
            "country_code": self.country.get(city_id, ""),
            "population": self.population.get(city_id, 0),
        }

    def learn_qid(self, qid: str, city_id: int) -> None:
        """Remember a Wikidata id stored during this import."""
        self.by_qid[qid] = city_id
        self.qid_of[city_id] = qid

    def learn_alias(self, key: str, city_id: int) -> None:
        """Remember an administrator's decision made after the index was built."""
        self.aliases[key] = city_id

    # --- resolution -------------------------------------------------------------------------------------

    def resolve(self, place: Place) -> Resolution:
        """Match one place."""
        if place.qid:
            if place.qid in self.by_qid:
                return Resolution(Status.resolved, self.by_qid[place.qid], "wikidata")
            alias = self.aliases.get(alias_key_for_qid(place.qid))
            if alias is not None:
                return Resolution(Status.resolved, alias, "alias")
        countries = parse_country(place.country)
        if not countries.known:
            return Resolution(Status.unresolved, note=f"country '{place.country}' is not recognised")
        codes = countries.codes
        if not place.name.strip():
            return Resolution(Status.unresolved, note="no name given")
        for code in codes or ("",):
            alias = self.aliases.get(alias_key_for_name(place.name, code))
            if alias is not None:
                return Resolution(Status.resolved, alias, "alias")
        for variant in name_variants(place.name):
            ids, how = self._lookup(name_key(variant.text), codes)
            if not ids:
                continue
            if variant.kind == "full":
                return self._choose(ids, place, how, codes)
            return self._choose_variant(ids, place, variant, codes)
        if codes:
            return self._fuzzy_match(place, codes)
        return Resolution(
            Status.unresolved,
            note="no reference city of that name (no country given, so spellings are not guessed)",
        )

    def _choose_variant(
        self, ids: list[int], place: Place, variant: Variant, codes: Sequence[str]
    ) -> Resolution:
        """A match on a simpler form of the name needs more care than a match on the name as written."""
        cands = tuple(ids[:MAX_CANDIDATES])
        if variant.kind == "comma" or (variant.kind == "core" and place.lat is None):
            # "Kusatsu, Gunma": the writer needed a qualifier, so a namesake exists; "City of London" is not
            # London. Without coordinates to confirm it, a person decides.
            return Resolution(
                Status.ambiguous,
                None,
                "variant",
                cands,
                note=f"matched only without '{variant.qualifier}'; check it is the same place",
            )
        if variant.kind == "core":
            return self._choose(ids, place, "variant", codes)
        if variant.qualifier:
            # "Mitte (Berlin)": when the bracket names a city, the place must lie near it.
            parent, _how = self._lookup(name_key(variant.qualifier), codes)
            if parent:
                plat, plon = self.coords[parent[0]]
                near = [i for i in ids if distance_km(plat, plon, *self.coords[i]) <= 2 * COORD_RADIUS_KM]
                if not near:
                    return Resolution(
                        Status.unresolved,
                        None,
                        "variant",
                        cands,
                        note=f"no city called '{variant.text}' near {self.label(parent[0])}",
                    )
                ids = near
        choice = self._choose(ids, place, "variant", codes)
        return choice

    def _lookup(self, key: str, codes: Sequence[str]) -> tuple[list[int], str]:
        """Cities with this name; with several countries ("Réunion, France") the first that has one wins."""
        for table, how in ((self.primary, "exact"), (self.alternate, "alternate")):
            ids = table.get(key, [])
            if not codes:
                if ids:
                    return ids, how
                continue
            for code in codes:
                inside = [i for i in ids if self.country[i] == code]
                if inside:
                    return inside, how
        return [], ""

    def _near(self, ids: Sequence[int], place: Place, radius: float = COORD_RADIUS_KM) -> int | None:
        if place.lat is None or place.lon is None:
            return None
        lat, lon = place.lat, place.lon
        dist = sorted((distance_km(lat, lon, *self.coords[i]), i) for i in ids)
        if dist and dist[0][0] <= radius:
            return dist[0][1]
        return None

    def _choose(self, ids: list[int], place: Place, how: str, codes: Sequence[str]) -> Resolution:
        cands = tuple(ids[:MAX_CANDIDATES])
        near = self._near(ids, place)
        if near is not None:
            return Resolution(
                Status.resolved, near, how + "+coordinates", cands, confident=how in ("exact", "alternate")
            )
        if place.lat is not None and place.lon is not None:
            lat, lon = place.lat, place.lon
            km, nearest = min((distance_km(lat, lon, *self.coords[i]), i) for i in ids)
            return Resolution(
                Status.ambiguous,
                None,
                how,
                cands,
                note=f"no city of that name within {COORD_RADIUS_KM:.0f} km of the row's position "
                f"(nearest: {self.region_label(nearest)}, {km:.0f} km)",
            )
        # Without a country, a name found once among the world's towns may still be another town (Lidice,
        # the Czech village below the 1,000 list, finds Lídice, Panama): the match stands, reviewable, but
        # does not teach that town a Wikidata id.
        sure = bool(codes) or ids[0] not in self.smaller
        if len(ids) == 1:
            return Resolution(
                Status.resolved, ids[0], how, cands, confident=sure and how in ("exact", "alternate")
            )
        first, second = self.population[ids[0]], self.population[ids[1]]
        if second < AMBIGUITY_RATIO * max(first, 1):
            confident = sure and how in ("exact", "alternate") and second < CONFIDENT_RATIO * max(first, 1)
            return Resolution(Status.resolved, ids[0], how, cands, confident=confident)
        where = "in " + "/".join(codes) if codes else "in several countries"
        others = "; ".join(self.region_label(i) for i in ids[:3])
        return Resolution(
            Status.ambiguous, None, how, cands, note=f"{len(ids)} cities of that name {where}: {others}"
        )

    def _fuzzy_pool(self, codes: Sequence[str]) -> tuple[list[str], list[tuple[int, ...]]]:
        cache_key = "/".join(codes)
        pool = self._fuzzy.get(cache_key)
        if pool is None:
            if not self._keys_by_country:
                by_country = self._keys_by_country
                for table in (self.primary, self.alternate):
                    for key, ids in table.items():
                        for i in ids:
                            by_country.setdefault(self.country[i], {}).setdefault(key, set()).add(i)
            owners: dict[str, set[int]] = {}
            for code in codes:
                for key, members in self._keys_by_country.get(code, {}).items():
                    owners.setdefault(key, set()).update(members)
            keys = sorted(owners)
            pool = (keys, [tuple(self._by_size(owners[k])) for k in keys])
            self._fuzzy[cache_key] = pool
        return pool

    def _fuzzy_match(self, place: Place, codes: Sequence[str]) -> Resolution:
        keys, owners = self._fuzzy_pool(codes)
        if not keys:
            return Resolution(Status.unresolved, note="no reference city in " + "/".join(codes))
        best: dict[int, float] = {}
        for variant in name_variants(place.name):
            key = name_key(variant.text)
            if len(key) < 4:
                continue
            for _k, score, pos in process.extract(
                key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_SUGGEST, limit=MAX_CANDIDATES
            ):
                for city_id in owners[pos]:
                    best[city_id] = max(best.get(city_id, 0.0), float(score))
        if not best:
            return Resolution(Status.unresolved, note="no reference city of that name in " + "/".join(codes))
        ranked = sorted(best, key=lambda i: (-best[i], -self.population[i]))
        cands = tuple(ranked[:MAX_CANDIDATES])
        close = [i for i in ranked if best[i] >= FUZZY_WITH_COORDINATES]
        near = self._near(close, place, FUZZY_RADIUS_KM)
        if near is not None:
            return Resolution(Status.resolved, near, "fuzzy+coordinates", cands)
        # Without coordinates a close spelling is only a suggestion: most are a different, smaller town.
        top = best[ranked[0]]
        return Resolution(
            Status.unresolved,
            None,
            "fuzzy",
            cands,
            note=f"no reference city of that name; closest spelling: {self.label(ranked[0])} ({top:.0f}%)",
        )
