"""Tables of a workspace's SDG localization data (Open SDG compatible).

Every table is a tenant table keyed ``(workspace_id, id)``; children reference their indicator with a
composite foreign key (``tenant_fk``). Rows that a public SDG site may show carry ``visibility``
(``Shareable``): an indicator and all of its rows share one visibility, which the service keeps in step, so
the tenancy safety net alone decides what an anonymous visitor reads.

How an Open SDG repository maps onto the tables:

* ``sdgloc_sites``: one row per workspace: languages, metadata schema, builder settings (config_data.yml
  minus its inputs);
* ``sdgloc_indicators``: one per indicator (``code`` is Open SDG's id ``1-1-1``; ``global_code`` links the
  UN framework in ``sdg_indicators`` when the number is a global indicator, else the indicator is
  ``local``); ``data_columns`` keeps the data file's column order (None when there is no data file),
  ``config`` the indicator-config (progress options at ``config["progress_calculation_options"]``);
  ``placeholder`` is set when the data is the starter template's dummy file: such rows are stored so an
  export reproduces the repository, but pages, SDMX and progress never treat them as real data;
* ``sdgloc_metadata``: statistical metadata (Open SDG / SDMX concept fields as JSON), one row per
  language: ``language == ""`` holds the repository's own metadata, other rows the per-language overrides
  (``meta/<lang>/``);
* ``sdgloc_translations``: the repository's ``translations/<lang>/<group>.yml`` texts;
* ``sdgloc_series``, ``sdgloc_units``, ``sdgloc_dimensions`` (disaggregation dimensions with their values
  in order): catalogues derived from the observations, rebuilt whenever an indicator's data changes;
* ``sdgloc_observations``: one row per data row. ``year`` is the label as written (``2015-16``),
  ``year_num`` its first year for sorting; ``value`` the number (None for an empty cell) and ``value_text``
  the cell as written; ``disaggregation`` maps dimension -> value (non-empty cells only) and ``dis_key`` is
  its canonical text (``""`` for the headline, the row where every disaggregation is blank);
  ``attributes`` holds every other non-empty cell by column name (Units, Series, GeoCode, COMMENT_OBS ...)
  so the original row can be rebuilt exactly; ``seq`` keeps file order. Inserted in bulk (Core
  executemany), never one ORM object per row;
* ``sdgloc_local_targets``: a city's own target for an indicator: reworded text (``text``) and/or a
  numeric goal (``value`` by ``year``) drawn as the chart's target line.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.tenancy import Shareable, TenantRecord, Visibility, tenant_fk

#: ``sdgloc_metadata.language`` of the repository's own (untranslated) metadata.
BASE_LANGUAGE = ""

REPORTING_STATUSES: tuple[str, ...] = ("complete", "inprogress", "notstarted", "notapplicable")


def dis_key(pairs: Iterable[tuple[str, str]]) -> str:
    """Canonical text of a disaggregation (sorted dimension/value pairs); ``""`` for the headline."""
    items = sorted((k, v) for k, v in pairs if v != "")
    if not items:
        return ""
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class (for bulk inserts, updates and deletes)."""
    return cast(Table, model.__table__)


class SdgSite(TenantRecord, Shareable, Base):
    """A workspace's SDG data settings: languages, metadata schema and Open SDG builder settings."""

    __tablename__ = "sdgloc_sites"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    schema: Mapped[list[Any]] = mapped_column(JSON, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(500), default="")
    imported_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CityIndicator(TenantRecord, Shareable, Base):
    """An indicator a city tracks: a global SDG indicator or a local one, with goal and target."""

    __tablename__ = "sdgloc_indicators"
    __table_args__ = (
        UniqueConstraint("workspace_id", "code"),
        Index("ix_sdgloc_indicators_ws_goal_sort", "workspace_id", "goal", "sort_key"),
        Index("ix_sdgloc_indicators_ws_sort", "workspace_id", "sort_key"),
    )

    code: Mapped[str] = mapped_column(String(60))
    number: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(8), default="global")  # global | local
    global_code: Mapped[str | None] = mapped_column(ForeignKey("sdg_indicators.code"), index=True)
    goal: Mapped[int | None] = mapped_column(ForeignKey("sdg_goals.number"))
    target_code: Mapped[str] = mapped_column(String(60), default="")
    name: Mapped[str] = mapped_column(Text, default="")
    reporting_status: Mapped[str] = mapped_column(String(16), default="notstarted")
    placeholder: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(200), default="")
    data_columns: Mapped[list[Any] | None] = mapped_column(JSON)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sources: Mapped[list[Any]] = mapped_column(JSON, default=list)
    import_notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    sort_key: Mapped[str] = mapped_column(String(80), default="")
    observation_count: Mapped[int] = mapped_column(Integer, default=0)
    data_updated_at: Mapped[datetime | None] = mapped_column()
    meta_updated_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def label(self) -> str:
        """Number and name, for lists and the audit log."""
        return f"{self.number} {self.name}".strip()


class SdgMetadata(TenantRecord, Shareable, Base):
    """An indicator's statistical metadata in one language (``""``: the repository's own fields)."""

    __tablename__ = "sdgloc_metadata"
    __table_args__ = (
        tenant_fk("indicator_id", "sdgloc_indicators"),
        UniqueConstraint("workspace_id", "indicator_id", "language"),
    )

    indicator_id: Mapped[uuid.UUID] = mapped_column()
    language: Mapped[str] = mapped_column(String(16), default=BASE_LANGUAGE)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SdgTranslation(TenantRecord, Shareable, Base):
    """One translation group of a repository (``translations/<language>/<group>.yml``)."""

    __tablename__ = "sdgloc_translations"
    __table_args__ = (UniqueConstraint("workspace_id", "language", "group"),)
    __audit__: ClassVar[bool] = False  # written in bulk by imports, which audit a summary

    language: Mapped[str] = mapped_column(String(16))
    group: Mapped[str] = mapped_column(String(120))
    entries: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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


class SdgLocalTarget(TenantRecord, Shareable, Base):
    """A city's own target for an indicator: reworded text and/or a value to reach by a year."""

    __tablename__ = "sdgloc_local_targets"
    __table_args__ = (
        tenant_fk("indicator_id", "sdgloc_indicators"),
        Index("ix_sdgloc_local_targets_ws_indicator", "workspace_id", "indicator_id"),
    )

    indicator_id: Mapped[uuid.UUID] = mapped_column()
    target_code: Mapped[str] = mapped_column(String(60), default="")
    language: Mapped[str] = mapped_column(String(16), default=BASE_LANGUAGE)
    text: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[float | None] = mapped_column(Float)
    year: Mapped[int | None] = mapped_column(Integer)
    series: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="staff")  # metadata | config | staff
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def label(self) -> str:
        """Short text for the audit log."""
        return (self.text or f"{self.value} by {self.year}")[:300]
