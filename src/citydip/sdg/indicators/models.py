"""Tables of a workspace's SDG indicators: the site settings, the indicators, their metadata, the repository's
translations and the city's local targets. How an Open SDG repository maps onto all SDG tables is told in
:mod:`citydip.sdg.models`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.tenancy import Shareable, TenantRecord, tenant_fk

#: ``sdgloc_metadata.language`` of the repository's own (untranslated) metadata.
BASE_LANGUAGE = ""

REPORTING_STATUSES: tuple[str, ...] = ("complete", "inprogress", "notstarted", "notapplicable")


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
