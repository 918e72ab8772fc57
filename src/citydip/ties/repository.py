"""Every query on the public tie graph, network memberships, the review queue and name decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from citydip.core.listing import Filter, ListSpec
from citydip.reference.models import City
from citydip.ties.models import CityAlias, NetworkMembership, Tie, TieReview
from citydip.workspaces.models import Workspace

OPEN_STATUSES = ("unresolved", "ambiguous")


@dataclass
class Twin:
    """A city twinned with the one being shown, with every source that says so."""

    city: City
    ties: list[Tie] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        """Distinct source names, in a stable order."""
        return sorted({t.source for t in self.ties})


def tie(session: Session, tie_id: int) -> Tie | None:
    """One tie by id."""
    return session.get(Tie, tie_id)


def twins_of(session: Session, city_id: int) -> list[Twin]:
    """Cities twinned with ``city_id`` (any source), biggest first, each with its tie rows."""
    rows = session.execute(
        select(Tie, City)
        .join(City, or_(City.geonames_id == Tie.city_a_id, City.geonames_id == Tie.city_b_id))
        .where(or_(Tie.city_a_id == city_id, Tie.city_b_id == city_id), City.geonames_id != city_id)
        .order_by(City.population.desc(), City.geonames_id, Tie.source)
    ).all()
    twins: dict[int, Twin] = {}
    for tie_row, city in rows:
        twins.setdefault(city.geonames_id, Twin(city)).ties.append(tie_row)
    return list(twins.values())


def memberships_of(session: Session, city_id: int) -> Sequence[NetworkMembership]:
    """Network memberships located at a city, by network and year."""
    return session.scalars(
        select(NetworkMembership)
        .where(NetworkMembership.city_id == city_id)
        .order_by(NetworkMembership.network, NetworkMembership.year_joined, NetworkMembership.member)
    ).all()


def tie_keys(session: Session, source: str) -> dict[tuple[int, int], int]:
    """Existing ties of one source: (city a, city b) -> id."""
    rows = session.execute(select(Tie.city_a_id, Tie.city_b_id, Tie.id).where(Tie.source == source)).all()
    return {(a, b): i for a, b, i in rows}


def tie_between(session: Session, source: str, a: int, b: int) -> Tie | None:
    """The tie of one source between two cities (in either order)."""
    lo, hi = min(a, b), max(a, b)
    return session.scalar(select(Tie).where(Tie.source == source, Tie.city_a_id == lo, Tie.city_b_id == hi))


def membership(
    session: Session, source: str, network: str, member: str, country: str
) -> NetworkMembership | None:
    """One membership by its natural key."""
    return session.scalar(
        select(NetworkMembership).where(
            NetworkMembership.source == source,
            NetworkMembership.network == network,
            NetworkMembership.member == member,
            NetworkMembership.country_code == country,
        )
    )


MEMBERSHIP_COLUMNS = (
    "city_id",
    "network_code",
    "year_joined",
    "period",
    "member_status",
    "licence",
    "dataset",
)


def membership_rows(session: Session, source: str) -> dict[tuple[str, str, str], tuple[Any, ...]]:
    """Existing memberships of one source by (network, member, country): id and comparable columns."""
    cols = [getattr(NetworkMembership, c) for c in MEMBERSHIP_COLUMNS]
    rows = session.execute(
        select(
            NetworkMembership.network,
            NetworkMembership.member,
            NetworkMembership.country_code,
            NetworkMembership.id,
            *cols,
        ).where(NetworkMembership.source == source)
    ).all()
    return {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows}


REVIEW_COLUMNS = (
    "status",
    "problem",
    "dataset",
    "row_number",
    "a_name",
    "a_country",
    "a_qid",
    "a_status",
    "a_city_id",
    "a_candidates",
    "b_name",
    "b_country",
    "b_qid",
    "b_status",
    "b_city_id",
    "b_candidates",
    "details",
)


def review_rows(session: Session, kind: str, source: str) -> dict[str, tuple[Any, ...]]:
    """Existing review rows of one kind and source by row key: id and comparable columns."""
    cols = [getattr(TieReview, c) for c in REVIEW_COLUMNS]
    rows = session.execute(
        select(TieReview.row_key, TieReview.id, *cols).where(
            TieReview.kind == kind, TieReview.source == source
        )
    ).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def review(session: Session, review_id: int) -> TieReview | None:
    """One review row."""
    return session.get(TieReview, review_id)


def open_reviews_naming(
    session: Session, *, qid: str = "", name: str = "", country: str = ""
) -> Sequence[TieReview]:
    """Open review rows with a side that has this Wikidata id, or this name and country as written."""
    conditions = []
    for side in ("a", "b"):
        side_qid = getattr(TieReview, f"{side}_qid")
        side_name = getattr(TieReview, f"{side}_name")
        side_country = getattr(TieReview, f"{side}_country")
        side_city = getattr(TieReview, f"{side}_city_id")
        if qid:
            conditions.append((side_qid == qid) & side_city.is_(None))
        else:
            conditions.append(
                (side_name == name) & (side_country == country) & (side_qid == "") & side_city.is_(None)
            )
    return session.scalars(
        select(TieReview).where(TieReview.status.in_(OPEN_STATUSES), or_(*conditions)).order_by(TieReview.id)
    ).all()


def alias(session: Session, key: str) -> CityAlias | None:
    """A name decision by key."""
    return session.scalar(select(CityAlias).where(CityAlias.key == key))


def city_with_qid(session: Session, qid: str) -> City | None:
    """The reference city that carries a Wikidata id."""
    return session.scalar(select(City).where(City.wikidata_id == qid))


def cities(session: Session, ids: Sequence[int]) -> dict[int, City]:
    """Reference cities by id."""
    if not ids:
        return {}
    return {c.geonames_id: c for c in session.scalars(select(City).where(City.geonames_id.in_(list(ids))))}


def review_counts(session: Session) -> dict[str, int]:
    """Review rows by status."""
    rows = session.execute(select(TieReview.status, func.count()).group_by(TieReview.status)).all()
    return {str(s): int(n) for s, n in rows}


def source_counts(session: Session) -> dict[str, int]:
    """Ties by source."""
    rows = session.execute(select(Tie.source, func.count()).group_by(Tie.source)).all()
    return {str(s): int(n) for s, n in rows}


def editable_workspaces_in(
    session: Session, writable_ids: Sequence[int], city_ids: Sequence[int]
) -> list[Workspace]:
    """Workspaces among ``writable_ids`` whose city is one of ``city_ids``."""
    if not writable_ids or not city_ids:
        return []
    return list(
        session.scalars(
            select(Workspace)
            .where(Workspace.id.in_(list(writable_ids)), Workspace.city_id.in_(list(city_ids)))
            .order_by(Workspace.name)
        )
    )


def _open(stmt: Select[Any], value: bool) -> Select[Any]:
    return stmt.where(TieReview.status.in_(OPEN_STATUSES)) if value else stmt


REVIEW_LIST = ListSpec(
    filters=[
        Filter(
            "status",
            "Status",
            TieReview.status,
            choices=[(s, s) for s in ("unresolved", "ambiguous", "resolved", "dismissed")],
        ),
        Filter("open", "Open rows only (unresolved or ambiguous)", type="bool", apply=_open),
        Filter("kind", "Kind", TieReview.kind, choices=[("tie", "tie"), ("membership", "membership")]),
        Filter("source", "Source", TieReview.source),
        Filter("country", "Country as written", TieReview.a_country, op="contains"),
    ],
    sorts={
        "id": TieReview.id,
        "name": TieReview.a_name,
        "status": TieReview.status,
        "row": TieReview.row_number,
    },
    default_sort="id",
    search_columns=[TieReview.a_name, TieReview.b_name, TieReview.a_qid, TieReview.b_qid],
    per_page=25,
)


def reviews_query() -> Select[Any]:
    """The base query of the review queue."""
    return select(TieReview)
