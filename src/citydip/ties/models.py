"""Tables of the public sister-city graph and city-network memberships (reference data, not tenant data).

``ref_ties`` holds one row per source and unordered pair of reference cities (the lower GeoNames id is side
a), so the same pair found in Wikidata and in the Wikipedia lists is two rows with two licences.
``ref_network_memberships`` holds one row per source, network and member. Rows that could not be matched to a
reference city wait in ``ref_tie_reviews`` until an administrator picks the city; each pick is kept in
``ref_city_aliases`` so later imports resolve the same name (or Wikidata id) by themselves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow


class Tie(Base):
    """A public twinning between two reference cities, as stated by one source."""

    __tablename__ = "ref_ties"
    __audit__: ClassVar[bool] = False  # bulk reference rows; each import writes one summary entry
    __table_args__ = (
        UniqueConstraint("source", "city_a_id", "city_b_id"),
        Index("ix_ref_ties_city_a", "city_a_id", "city_b_id"),
        Index("ix_ref_ties_city_b", "city_b_id", "city_a_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_a_id: Mapped[int] = mapped_column(ForeignKey("ref_cities.geonames_id", ondelete="CASCADE"))
    city_b_id: Mapped[int] = mapped_column(ForeignKey("ref_cities.geonames_id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20))  # wikidata | wikipedia | review
    licence: Mapped[str] = mapped_column(String(40))
    dataset: Mapped[str] = mapped_column(String(200), default="")  # file name it came from
    reference: Mapped[str] = mapped_column(String(300), default="")  # QIDs or the names as written
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkMembership(Base):
    """A local authority's membership of a city network, located at a reference city."""

    __tablename__ = "ref_network_memberships"
    __audit__: ClassVar[bool] = False
    __table_args__ = (UniqueConstraint("source", "network", "member", "country_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("ref_cities.geonames_id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(String(200))
    network_code: Mapped[str] = mapped_column(String(40), default="")
    member: Mapped[str] = mapped_column(String(300))  # the member as named (a city, a metropolis, a region)
    country_code: Mapped[str] = mapped_column(String(2), default="")
    year_joined: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(100), default="")  # e.g. "2008-2012 - CIVITAS PLUS"
    member_status: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20))
    licence: Mapped[str] = mapped_column(String(40))
    dataset: Mapped[str] = mapped_column(String(200), default="")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class TieReview(Base):
    """A row of a tie or network file whose city (or cities) could not be matched with confidence."""

    __tablename__ = "ref_tie_reviews"
    __audit__: ClassVar[bool] = False  # written in bulk by imports; decisions are audited by hand
    __table_args__ = (
        UniqueConstraint("kind", "source", "row_key"),
        Index("ix_ref_tie_reviews_status", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # tie | membership
    source: Mapped[str] = mapped_column(String(20))
    licence: Mapped[str] = mapped_column(String(40))
    dataset: Mapped[str] = mapped_column(String(200), default="")
    row_number: Mapped[int] = mapped_column(Integer, default=0)
    row_key: Mapped[str] = mapped_column(String(64))  # digest of the row's content (re-imports match it)
    status: Mapped[str] = mapped_column(String(12))  # unresolved | ambiguous | resolved | dismissed
    problem: Mapped[str] = mapped_column(Text, default="")
    a_name: Mapped[str] = mapped_column(String(300))
    a_country: Mapped[str] = mapped_column(String(120), default="")
    a_qid: Mapped[str] = mapped_column(String(20), default="")
    a_status: Mapped[str] = mapped_column(String(12))
    a_city_id: Mapped[int | None] = mapped_column(ForeignKey("ref_cities.geonames_id", ondelete="SET NULL"))
    a_candidates: Mapped[str] = mapped_column(String(200), default="")  # GeoNames ids, comma-separated
    b_name: Mapped[str] = mapped_column(String(300), default="")
    b_country: Mapped[str] = mapped_column(String(120), default="")
    b_qid: Mapped[str] = mapped_column(String(20), default="")
    b_status: Mapped[str] = mapped_column(String(12), default="")
    b_city_id: Mapped[int | None] = mapped_column(ForeignKey("ref_cities.geonames_id", ondelete="SET NULL"))
    b_candidates: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)  # network, member, year... for memberships
    decided_by: Mapped[str] = mapped_column(String(254), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CityAlias(Base):
    """An administrator's decision that a name (in a country) or a Wikidata id means this reference city."""

    __tablename__ = "ref_city_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)  # "qid:Q64" or "name:<folded name>|<cc>"
    city_id: Mapped[int] = mapped_column(ForeignKey("ref_cities.geonames_id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300), default="")  # the name as written in the file
    decided_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
