"""Tables: countries, subdivisions, world cities, SDG goals, targets and indicators."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base


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
    """A world city from GeoNames (15,000+ people), the anchor for workspaces, partners and ties."""

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
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(40), default="")
    wikidata_id: Mapped[str | None] = mapped_column(String(20), index=True)
    unlocode: Mapped[str | None] = mapped_column(String(6), index=True)

    @property
    def label(self) -> str:
        """Display name such as "Los Angeles, US"."""
        return f"{self.name}, {self.country_code}"


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
