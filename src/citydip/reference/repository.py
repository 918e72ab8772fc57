"""Every query on reference tables."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from citydip.reference.models import City, Country, SdgGoal, SdgIndicator, SdgTarget


def country(session: Session, alpha2: str) -> Country | None:
    """A country by ISO alpha-2 code."""
    return session.get(Country, alpha2.upper())


def countries(session: Session) -> Sequence[Country]:
    """All countries by name."""
    return session.scalars(select(Country).order_by(Country.name)).all()


def country_names(session: Session) -> dict[str, str]:
    """English country names by alpha-2 code."""
    return {str(a): str(n) for a, n in session.execute(select(Country.alpha2, Country.name)).all()}


def city(session: Session, geonames_id: int) -> City | None:
    """A city by GeoNames id."""
    return session.get(City, geonames_id)


def cities_by_key(
    session: Session, key: str, country_code: str | None = None, min_class: int = 0
) -> Sequence[City]:
    """Places whose folded name equals ``key`` (of ``population_class`` >= ``min_class``), most populous first."""
    stmt = select(City).where(City.ascii_key == key)
    if country_code:
        stmt = stmt.where(City.country_code == country_code.upper())
    if min_class:
        stmt = stmt.where(City.population_class >= min_class)
    return session.scalars(stmt.order_by(City.population.desc(), City.geonames_id)).all()


def cities_by_alternate(
    session: Session, name: str, country_code: str | None = None, max_class: int | None = None
) -> Sequence[City]:
    """Places listing ``name`` among their alternate names (exact element match), most populous first.

    A scan of the table: ``citydip.reference.cities`` answers the 15,000 list from memory and calls this
    only for smaller places (``max_class``).
    """
    pattern = f"%|{name}|%"
    stmt = select(City).where(func.lower("|" + City.alternate_names + "|").like(pattern.lower()))
    if country_code:
        stmt = stmt.where(City.country_code == country_code.upper())
    if max_class is not None:
        stmt = stmt.where(City.population_class <= max_class)
    return session.scalars(stmt.order_by(City.population.desc(), City.geonames_id).limit(20)).all()


def cities_by_ids(session: Session, ids: Sequence[int]) -> Sequence[City]:
    """Places by GeoNames id (in no particular order)."""
    if not ids:
        return []
    return session.scalars(select(City).where(City.geonames_id.in_(list(ids)))).all()


def name_rows(
    session: Session, min_class: int = 0, with_alternates: bool = False
) -> list[tuple[int, str, str, int, str]]:
    """(id, folded name, country, population, alternate names or "") of the places of a scope."""
    alternates = City.alternate_names if with_alternates else literal("")
    stmt = select(City.geonames_id, City.ascii_key, City.country_code, City.population, alternates)
    if min_class:
        stmt = stmt.where(City.population_class >= min_class)
    rows = session.execute(stmt.order_by(City.geonames_id)).all()
    return [(int(a), str(b), str(c), int(d or 0), str(e or "")) for a, b, c, d, e in rows]


def city_by_wikidata(session: Session, qid: str) -> City | None:
    """A city by Wikidata id."""
    return session.scalar(select(City).where(City.wikidata_id == qid))


def goals(session: Session) -> Sequence[SdgGoal]:
    """The 17 goals in order."""
    return session.scalars(select(SdgGoal).order_by(SdgGoal.number)).all()


def targets(session: Session, goal: int | None = None) -> Sequence[SdgTarget]:
    """Targets, optionally of one goal, in order."""
    stmt = select(SdgTarget).order_by(SdgTarget.sort_key)
    if goal is not None:
        stmt = stmt.where(SdgTarget.goal == goal)
    return session.scalars(stmt).all()


def indicators(session: Session, goal: int | None = None) -> Sequence[SdgIndicator]:
    """Indicators, optionally of one goal, in order."""
    stmt = select(SdgIndicator).order_by(SdgIndicator.sort_key)
    if goal is not None:
        stmt = stmt.where(SdgIndicator.goal == goal)
    return session.scalars(stmt).all()


def count(session: Session, model: type[object]) -> int:
    """Rows in a reference table."""
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
