"""Every query on reference tables."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from citydip.reference.models import City, Country, SdgGoal, SdgIndicator, SdgTarget


def country(session: Session, alpha2: str) -> Country | None:
    """A country by ISO alpha-2 code."""
    return session.get(Country, alpha2.upper())


def countries(session: Session) -> Sequence[Country]:
    """All countries by name."""
    return session.scalars(select(Country).order_by(Country.name)).all()


def city(session: Session, geonames_id: int) -> City | None:
    """A city by GeoNames id."""
    return session.get(City, geonames_id)


def cities_by_key(session: Session, key: str, country_code: str | None = None) -> Sequence[City]:
    """Cities whose folded name equals ``key``, most populous first."""
    stmt = select(City).where(City.ascii_key == key)
    if country_code:
        stmt = stmt.where(City.country_code == country_code.upper())
    return session.scalars(stmt.order_by(City.population.desc())).all()


def cities_by_alternate(session: Session, name: str, country_code: str | None = None) -> Sequence[City]:
    """Cities listing ``name`` among their alternate names (exact element match), most populous first."""
    pattern = f"%|{name}|%"
    stmt = select(City).where(func.lower("|" + City.alternate_names + "|").like(pattern.lower()))
    if country_code:
        stmt = stmt.where(City.country_code == country_code.upper())
    return session.scalars(stmt.order_by(City.population.desc()).limit(20)).all()


def city_by_wikidata(session: Session, qid: str) -> City | None:
    """A city by Wikidata id."""
    return session.scalar(select(City).where(City.wikidata_id == qid))


def search_cities(session: Session, key: str, country_code: str | None, limit: int) -> Sequence[City]:
    """Cities whose folded name starts with or contains ``key``, prefix matches and big cities first."""
    stmt = select(City).where(or_(City.ascii_key.like(f"{key}%"), City.ascii_key.like(f"% {key}%")))
    if country_code:
        stmt = stmt.where(City.country_code == country_code.upper())
    return session.scalars(stmt.order_by(City.population.desc()).limit(limit)).all()


def city_index(session: Session) -> list[tuple[int, str, str, int]]:
    """(id, folded name, country, population) of every city, for fuzzy matching."""
    rows = session.execute(select(City.geonames_id, City.ascii_key, City.country_code, City.population)).all()
    return [(int(a), str(b), str(c), int(d)) for a, b, c, d in rows]


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
