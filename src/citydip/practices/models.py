"""Table: practices, a city's documented ways of solving a problem, shareable with its networks or the public."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.files import StoredFileColumns
from citydip.core.tenancy import Shareable, TenantRecord, tenant_fk
from citydip.workspaces.models import Workspace

TEXT_FIELDS = (
    "summary",
    "problem",
    "solution",
    "approach",
    "participation",
    "outcomes",
    "cost",
    "transferability",
)
"""The long-text sections of a practice, in the order they are shown and searched."""


class Practice(TenantRecord, Shareable, Base):
    """One practice: what a city did, why, how, with whom, what came of it, and whether it travels.

    ``search_key`` is the practice's id in the search index (the low 62 random bits of its UUIDv7, so it is
    known before the row is written and unique in practice: a clash among 100,000 practices has odds of about
    one in a billion, and the unique constraint would refuse it rather than mix two records up).
    """

    __tablename__ = "practices"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        UniqueConstraint("workspace_id", "search_key"),
        Index("ix_practices_search_key", "search_key"),
        Index("ix_practices_ws_updated", "workspace_id", "updated_at"),
    )
    __audit_quiet__: ClassVar[tuple[str, ...]] = ("updated_at",)

    search_key: Mapped[int] = mapped_column(BigInteger)
    external_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("ref_cities.geonames_id"), index=True)
    city_name: Mapped[str] = mapped_column(String(200), default="")
    country_code: Mapped[str | None] = mapped_column(String(2))
    city_size: Mapped[str] = mapped_column(String(16), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    approach: Mapped[str] = mapped_column(Text, default="")
    participation: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    outcome_figures: Mapped[list[Any]] = mapped_column(default=list)
    cost: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[float | None] = mapped_column(Float)
    budget_currency: Mapped[str] = mapped_column(String(3), default="")
    transferability: Mapped[str] = mapped_column(Text, default="")
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    sdgs: Mapped[list[Any]] = mapped_column(default=list)
    challenges: Mapped[list[Any]] = mapped_column(default=list)
    sectors: Mapped[list[Any]] = mapped_column(default=list)
    contacts: Mapped[list[Any]] = mapped_column(default=list)
    links: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(8), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    source_ref: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def text_sections(self) -> dict[str, str]:
        """The non-empty long-text sections, in display order."""
        return {name: getattr(self, name) for name in TEXT_FIELDS if (getattr(self, name) or "").strip()}


class PracticePerson(TenantRecord, Base):
    """A person of the register to contact about a practice (same workspace as the practice)."""

    __tablename__ = "practice_people"
    __table_args__ = (
        tenant_fk("practice_id", "practices"),
        tenant_fk("person_id", "people"),
        UniqueConstraint("workspace_id", "practice_id", "person_id"),
        Index("ix_practice_people_ws_person", "workspace_id", "person_id"),
    )

    practice_id: Mapped[uuid.UUID] = mapped_column()
    person_id: Mapped[uuid.UUID] = mapped_column()


class PracticeAttachment(TenantRecord, Shareable, StoredFileColumns, Base):
    """A file attached to a practice (PDF or office document), stored under the data directory.

    ``visibility`` is always the practice's own (the services keep it in step), so the tenancy safety net lets
    exactly those who may see the practice read its attachments.
    """

    __tablename__ = "practice_attachments"
    __table_args__ = (
        tenant_fk("practice_id", "practices"),
        Index("ix_practice_attachments_ws_practice", "workspace_id", "practice_id"),
    )

    practice_id: Mapped[uuid.UUID] = mapped_column()


@event.listens_for(Workspace, "after_delete")
def _forget_workspace_practices(_mapper: Any, connection: Connection, target: Workspace) -> None:
    """The database cascade removes a deleted workspace's practices; remove their index entries too."""
    from citydip.practices.indexing import forget_workspace

    forget_workspace(connection, target.id)
