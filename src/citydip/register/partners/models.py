"""Tables: partners (counterparts of the city) and the people who work for them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.tenancy import Shareable, TenantRecord, tenant_fk


class Partner(TenantRecord, Shareable, Base):
    """A counterpart: a city, government, consulate, organization, network, company, university, group."""

    __tablename__ = "partners"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_partners_ws_name", "workspace_id", "name"),
        Index("ix_partners_ws_kind_name", "workspace_id", "kind", "name"),
        Index("ix_partners_ws_country_name", "workspace_id", "country_code", "name"),
        Index("ix_partners_ws_natural", "workspace_id", "kind", "name_key", "country_code"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), default="")
    country_code: Mapped[str | None] = mapped_column(ForeignKey("ref_countries.alpha2"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("ref_cities.geonames_id"), index=True)
    represented_country: Mapped[str | None] = mapped_column(ForeignKey("ref_countries.alpha2"))
    head_of_post: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    national_day: Mapped[str] = mapped_column(String(5), default="")  # MM-DD
    website: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Person(TenantRecord, Base):
    """Someone at a partner: name, title, forms of address, contact, languages, notes."""

    __tablename__ = "people"
    __table_args__ = (
        tenant_fk("partner_id", "partners"),
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_people_ws_partner", "workspace_id", "partner_id"),
        Index("ix_people_ws_name", "workspace_id", "name"),
    )

    partner_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    salutation: Mapped[str] = mapped_column(String(120), default="")
    honorific: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
