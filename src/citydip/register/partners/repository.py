"""Every query on partners and people; each starts from the current workspace."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from citydip.core.listing import Filter, ListSpec
from citydip.core.text import fold
from citydip.core.textsearch import SearchIndex
from citydip.register.partners.models import Partner, Person
from citydip.register.vocab import PARTNER_KINDS, VISIBILITIES


def _country(stmt: Select[Any], value: str) -> Select[Any]:
    return stmt.where(Partner.country_code == value.upper())


PARTNER_LIST = ListSpec(
    filters=[
        Filter("kind", "Type", Partner.kind, choices=PARTNER_KINDS),
        Filter("country", "Country (ISO code)", apply=_country),
        Filter("city_id", "Reference city (GeoNames id)", Partner.city_id, type="int"),
        Filter("visibility", "Visibility", Partner.visibility, choices=VISIBILITIES),
    ],
    sorts={
        "name": Partner.name,
        "kind": Partner.kind,
        "country": Partner.country_code,
        "created": Partner.created_at,
    },
    default_sort="name",
    search_columns=[Partner.name, Partner.notes, Partner.head_of_post],
    search_index=SearchIndex.on(Partner.name, Partner.notes, Partner.head_of_post),
)


def partners_query(workspace_id: int) -> Select[Any]:
    """The base query of a workspace's partners."""
    return select(Partner).where(Partner.workspace_id == workspace_id)


def partner(session: Session, workspace_id: int, partner_id: uuid.UUID) -> Partner | None:
    """One partner of the workspace."""
    found: Partner | None = session.scalar(partners_query(workspace_id).where(Partner.id == partner_id))
    return found


def partners_by_ids(session: Session, workspace_id: int, ids: Sequence[uuid.UUID]) -> list[Partner]:
    """Partners of the workspace with these ids, in the order given."""
    if not ids:
        return []
    found = {p.id: p for p in session.scalars(partners_query(workspace_id).where(Partner.id.in_(list(ids))))}
    return [found[i] for i in ids if i in found]


def partner_by_external_id(session: Session, workspace_id: int, external_id: str) -> Partner | None:
    """A partner by the office's own id."""
    found: Partner | None = session.scalar(
        partners_query(workspace_id).where(Partner.external_id == external_id)
    )
    return found


def partner_by_natural_key(
    session: Session, workspace_id: int, kind: str, name: str, country: str | None
) -> Partner | None:
    """A partner by type, folded name and country (how imports recognise a partner without an id)."""
    stmt = partners_query(workspace_id).where(Partner.kind == kind, Partner.name_key == fold(name))
    stmt = stmt.where(Partner.country_code.is_(None) if country is None else Partner.country_code == country)
    return session.scalars(stmt.limit(1)).first()


def partners_named(session: Session, workspace_id: int, name: str) -> Sequence[Partner]:
    """Partners whose folded name matches (any type or country)."""
    return session.scalars(partners_query(workspace_id).where(Partner.name_key == fold(name)).limit(5)).all()


def partner_choices(session: Session, workspace_id: int, limit: int = 2000) -> list[tuple[str, str]]:
    """(id, "name (type, country)") for select boxes."""
    rows = session.execute(
        select(Partner.id, Partner.name, Partner.country_code)
        .where(Partner.workspace_id == workspace_id)
        .order_by(Partner.name)
        .limit(limit)
    ).all()
    return [(str(i), f"{n} ({c})" if c else n) for i, n, c in rows]


def consulates_for(session: Session, workspace_id: int, country: str) -> Sequence[Partner]:
    """Consulates and embassies that represent a country."""
    return session.scalars(
        partners_query(workspace_id)
        .where(Partner.kind == "consulate", Partner.represented_country == country)
        .order_by(Partner.name)
    ).all()


def partner_cities(session: Session, workspace_id: int) -> Sequence[Partner]:
    """Partners linked to a reference city (for the map)."""
    return session.scalars(
        partners_query(workspace_id).where(Partner.city_id.is_not(None)).order_by(Partner.name)
    ).all()


# --- people -----------------------------------------------------------------------------------------------


def _people_country(stmt: Select[Any], value: str) -> Select[Any]:
    return stmt.where(
        Person.partner_id.in_(
            select(Partner.id).where(
                Partner.workspace_id == Person.workspace_id, Partner.country_code == value.upper()
            )
        )
    )


PEOPLE_LIST = ListSpec(
    filters=[
        Filter("partner_id", "Partner", Person.partner_id, type="uuid"),
        Filter("country", "Partner's country (ISO code)", apply=_people_country),
        Filter("language", "Speaks", Person.languages, op="contains"),
    ],
    sorts={"name": Person.name, "title": Person.title, "created": Person.created_at},
    default_sort="name",
    search_columns=[Person.name, Person.title, Person.email, Person.notes],
    search_index=SearchIndex.on(Person.name, Person.title, Person.email, Person.notes),
)


def people_query(workspace_id: int) -> Select[Any]:
    """The base query of a workspace's people."""
    return select(Person).where(Person.workspace_id == workspace_id)


def person(session: Session, workspace_id: int, person_id: uuid.UUID) -> Person | None:
    """One person of the workspace."""
    found: Person | None = session.scalar(people_query(workspace_id).where(Person.id == person_id))
    return found


def people_of(session: Session, workspace_id: int, partner_id: uuid.UUID) -> Sequence[Person]:
    """The people of one partner."""
    return session.scalars(
        people_query(workspace_id).where(Person.partner_id == partner_id).order_by(Person.name)
    ).all()


def person_by_external_id(session: Session, workspace_id: int, external_id: str) -> Person | None:
    """A person by the office's own id."""
    found: Person | None = session.scalar(people_query(workspace_id).where(Person.external_id == external_id))
    return found


def person_by_name(session: Session, workspace_id: int, partner_id: uuid.UUID, name: str) -> Person | None:
    """A person of a partner by exact name."""
    return session.scalars(
        people_query(workspace_id).where(Person.partner_id == partner_id, Person.name == name).limit(1)
    ).first()


def partner_names(session: Session, workspace_id: int, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of partners by id (for lists)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Partner.id, Partner.name).where(Partner.workspace_id == workspace_id, Partner.id.in_(set(ids)))
    )
    return dict(rows.all())
