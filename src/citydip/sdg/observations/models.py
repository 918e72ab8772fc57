"""Tables of an indicator's data: its observations and the catalogues derived from them.

* ``sdgloc_series``, ``sdgloc_units``, ``sdgloc_dimensions`` (disaggregation dimensions with their values
  in order): catalogues derived from the observations, rebuilt whenever an indicator's data changes;
* ``sdgloc_observations``: one row per data row. ``year`` is the label as written (``2015-16``),
  ``year_num`` its first year for sorting; ``value`` the number (None for an empty cell) and ``value_text``
  the cell as written; ``disaggregation`` maps dimension -> value (non-empty cells only) and ``dis_key`` is
  its canonical text (``""`` for the headline, the row where every disaggregation is blank);
  ``attributes`` holds every other non-empty cell by column name (Units, Series, GeoCode, COMMENT_OBS ...)
  so the original row can be rebuilt exactly; ``seq`` keeps file order. Inserted in bulk (Core
  executemany), never one ORM object per row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base
from citydip.core.tenancy import Shareable, TenantRecord, Visibility, tenant_fk


def dis_key(pairs: Iterable[tuple[str, str]]) -> str:
    """Canonical text of a disaggregation (sorted dimension/value pairs); ``""`` for the headline."""
    items = sorted((k, v) for k, v in pairs if v != "")
    if not items:
        return ""
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


class SdgSeries(TenantRecord, Shareable, Base):
    """A series an indicator's data is split into (Open SDG's ``Series`` column)."""

    __tablename__ = "sdgloc_series"
    __table_args__ = (
        tenant_fk("indicator_id", "sdgloc_indicators"),
        Index("ix_sdgloc_series_ws_indicator", "workspace_id", "indicator_id", "position"),
    )
    __audit__: ClassVar[bool] = False  # derived from observations

    indicator_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SdgUnit(TenantRecord, Shareable, Base):
    """A unit of measure of an indicator's data (Open SDG's ``Units`` column)."""

    __tablename__ = "sdgloc_units"
    __table_args__ = (
        tenant_fk("indicator_id", "sdgloc_indicators"),
        Index("ix_sdgloc_units_ws_indicator", "workspace_id", "indicator_id", "position"),
    )
    __audit__: ClassVar[bool] = False  # derived from observations

    indicator_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SdgDimension(TenantRecord, Shareable, Base):
    """A disaggregation dimension (Sex, Age, Race/Ethnicity ...) with its values in order of appearance."""

    __tablename__ = "sdgloc_dimensions"
    __table_args__ = (
        tenant_fk("indicator_id", "sdgloc_indicators"),
        Index("ix_sdgloc_dimensions_ws_indicator", "workspace_id", "indicator_id", "position"),
    )
    __audit__: ClassVar[bool] = False  # derived from observations

    indicator_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[list[Any]] = mapped_column(JSON, default=list)


class SdgObservation(TenantRecord, Shareable, Base):
    """One data row of an indicator (written in bulk by imports; edited one by one on the data page)."""

    __tablename__ = "sdgloc_observations"
    __table_args__ = (
        tenant_fk("indicator_id", "sdgloc_indicators"),
        UniqueConstraint("workspace_id", "indicator_id", "seq"),
        Index("ix_sdgloc_observations_page", "workspace_id", "indicator_id", "dis_key", "series", "unit"),
    )

    # Same column as Shareable's, without its own index: observations are always read per indicator.
    visibility: Mapped[Visibility] = mapped_column(
        String(16), default=Visibility.private, server_default=Visibility.private.value
    )
    indicator_id: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column(Integer)
    year: Mapped[str] = mapped_column(String(64))
    year_num: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str] = mapped_column(Text, default="")
    series: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    geocode: Mapped[str | None] = mapped_column(String(64))
    observation_status: Mapped[str | None] = mapped_column(String(64))
    unit_multiplier: Mapped[str | None] = mapped_column(String(32))
    footnote: Mapped[str | None] = mapped_column(Text)
    is_headline: Mapped[bool] = mapped_column(Boolean, default=True)
    dis_key: Mapped[str] = mapped_column(Text, default="")
    disaggregation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def label(self) -> str:
        """Year and value, for the audit log."""
        return f"{self.year} = {self.value_text}"
