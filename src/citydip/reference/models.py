"""Tables: countries, subdivisions, world cities, SDG goals, targets and indicators."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow


class Country(Base):
    """A country or territory (ISO 3166-1) with its UN M49 region."""

    __tablename__ = "ref_countries"
    __audit__: ClassVar[bool] = False

    alpha2: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(120))
    official_name: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str] = mapped_column(String(60), default="")
    subregion: Mapped[str] = mapped_column(String(60), default="")
    intermediate_region: Mapped[str] = mapped_column(String(60), default="")


class Subdivision(Base):
    """A first- or lower-level subdivision (ISO 3166-2)."""

    __tablename__ = "ref_subdivisions"
    __audit__: ClassVar[bool] = False

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("ref_countries.alpha2"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(80), default="")
    parent_code: Mapped[str | None] = mapped_column(String(12))


class City(Base):
    """A world place from GeoNames, the anchor for workspaces, partners and ties.

    ``population_class`` is 15000 for the places of GeoNames' 15,000 list (15,000+ people, and capitals),
    which pickers offer by default, else 5000, 1000 or 500 by population; imports match against all.
    """

    __tablename__ = "ref_cities"
    __audit__: ClassVar[bool] = False
    __table_args__ = (
        Index("ix_ref_cities_country_ascii", "country_code", "ascii_key"),
        Index("ix_ref_cities_ascii_key", "ascii_key"),
    )

    geonames_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    ascii_name: Mapped[str] = mapped_column(String(200))
    ascii_key: Mapped[str] = mapped_column(String(200))
    alternate_names: Mapped[str] = mapped_column(Text, default="")
    country_code: Mapped[str] = mapped_column(String(2))
    admin1_code: Mapped[str] = mapped_column(String(20), default="")
    admin1_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0)
    population_class: Mapped[int] = mapped_column(Integer, default=15000, server_default="15000")
    timezone: Mapped[str] = mapped_column(String(40), default="")
    wikidata_id: Mapped[str | None] = mapped_column(String(20), index=True)
    unlocode: Mapped[str | None] = mapped_column(String(6), index=True)

    @property
    def label(self) -> str:
        """Display name such as "Los Angeles, US"."""
        return f"{self.name}, {self.country_code}"

    @property
    def region(self) -> str:
        """The first-level division ("Illinois"), or "" when GeoNames names none."""
        return self.admin1_name

    @property
    def full_label(self) -> str:
        """Display name with the region, for telling namesakes apart ("Springfield, Illinois, US")."""
        if self.admin1_name and self.admin1_name != self.name:
            return f"{self.name}, {self.admin1_name}, {self.country_code}"
        return self.label


class ReferenceLoad(Base):
    """What a reference source last loaded (a fingerprint and the rows it left), so unchanged loads are skipped."""

    __tablename__ = "ref_loads"
    __audit__: ClassVar[bool] = False

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "places"
    fingerprint: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(200), default="")  # e.g. "GeoNames cities1000"
    rows: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SdgGoal(Base):
    """One of the 17 Sustainable Development Goals."""

    __tablename__ = "sdg_goals"
    __audit__: ClassVar[bool] = False

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    short_label: Mapped[str] = mapped_column(String(120))
    official_title: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str] = mapped_column(String(7), default="#555555")


class SdgTarget(Base):
    """An SDG target such as 11.6."""

    __tablename__ = "sdg_targets"
    __audit__: ClassVar[bool] = False

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    goal: Mapped[int] = mapped_column(ForeignKey("sdg_goals.number"), index=True)
    short_label: Mapped[str] = mapped_column(String(200))
    official_title: Mapped[str] = mapped_column(Text, default="")
    sort_key: Mapped[str] = mapped_column(String(24), default="")


class SdgIndicator(Base):
    """A global SDG indicator such as 11.6.2."""

    __tablename__ = "sdg_indicators"
    __audit__: ClassVar[bool] = False

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    target: Mapped[str] = mapped_column(ForeignKey("sdg_targets.code"), index=True)
    goal: Mapped[int] = mapped_column(ForeignKey("sdg_goals.number"), index=True)
    short_label: Mapped[str] = mapped_column(String(200))
    official_title: Mapped[str] = mapped_column(Text, default="")
    unsd_code: Mapped[str] = mapped_column(String(16), default="")
    tier: Mapped[str] = mapped_column(String(8), default="")
    sort_key: Mapped[str] = mapped_column(String(24), default="")
