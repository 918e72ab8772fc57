"""Tables: agreements, their parties, SDG and challenge links, and attached documents."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.files import StoredFileColumns
from citydip.core.tenancy import Shareable, TenantRecord, TenantScoped, tenant_fk


class Agreement(TenantRecord, Shareable, Base):
    """A sister-city, friendship, MoU, cooperation agreement or network membership."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_agreements_ws_signed", "workspace_id", "signed_on"),
        Index("ix_agreements_ws_status_signed", "workspace_id", "status", "signed_on"),
        Index("ix_agreements_ws_kind_signed", "workspace_id", "kind", "signed_on"),
        Index("ix_agreements_ws_country", "workspace_id", "country_code"),
        Index("ix_agreements_ws_renews", "workspace_id", "renews_on"),
        Index("ix_agreements_ws_title", "workspace_id", "title"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    signed_on: Mapped[date | None] = mapped_column()
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    renews_on: Mapped[date | None] = mapped_column()
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    signatories: Mapped[list[Any]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Denormalised from the parties so lists, exports and public pages need no join.
    parties_label: Mapped[str] = mapped_column(String(500), default="")
    country_code: Mapped[str | None] = mapped_column(String(2))
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AgreementParty(TenantScoped, Base):
    """A partner that is party to an agreement."""

    __tablename__ = "agreement_parties"
    __table_args__ = (
        tenant_fk("agreement_id", "agreements"),
        tenant_fk("partner_id", "partners"),
        Index("ix_agreement_parties_ws_partner", "workspace_id", "partner_id"),
    )

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    agreement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    partner_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class AgreementSdg(TenantScoped, Base):
    """An SDG an agreement contributes to."""

    __tablename__ = "agreement_sdgs"
    __table_args__ = (
        tenant_fk("agreement_id", "agreements"),
        Index("ix_agreement_sdgs_ws_goal", "workspace_id", "goal", "agreement_id"),
    )

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    agreement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    goal: Mapped[int] = mapped_column(ForeignKey("sdg_goals.number"), primary_key=True, autoincrement=False)


class AgreementChallenge(TenantScoped, Base):
    """A shared challenge an agreement addresses."""

    __tablename__ = "agreement_challenges"
    __table_args__ = (
        tenant_fk("agreement_id", "agreements"),
        Index("ix_agreement_challenges_ws_code", "workspace_id", "challenge", "agreement_id"),
    )

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    agreement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(ForeignKey("challenges.code"), primary_key=True)


class AgreementDocument(TenantRecord, StoredFileColumns, Base):
    """A file attached to an agreement (PDF or office document), stored under the data directory."""

    __tablename__ = "agreement_documents"
    __table_args__ = (
        tenant_fk("agreement_id", "agreements"),
        Index("ix_agreement_documents_ws_agreement", "workspace_id", "agreement_id"),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column()
