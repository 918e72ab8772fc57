"""Tables: engagements (visits, missions, meetings...), their links, participants and gift register."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.tenancy import Shareable, TenantRecord, TenantScoped, tenant_fk


class Engagement(TenantRecord, Shareable, Base):
    """A delegation, mission, meeting, call, summit, training, exchange or virtual meeting."""

    __tablename__ = "engagements"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        # id in the index: link filters test "id IN (...)" without reading table rows (measured 5x faster)
        Index("ix_engagements_ws_starts_id", "workspace_id", "starts_on", "id"),
        Index("ix_engagements_ws_kind_starts", "workspace_id", "kind", "starts_on"),
        Index("ix_engagements_ws_country_starts", "workspace_id", "country_code", "starts_on"),
        Index("ix_engagements_ws_country_kind_starts", "workspace_id", "country_code", "kind", "starts_on"),
        Index("ix_engagements_ws_status_starts", "workspace_id", "status", "starts_on"),
        Index("ix_engagements_ws_title", "workspace_id", "title"),
        Index("ix_engagements_ws_natural", "workspace_id", "kind", "title_key", "starts_on"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    title_key: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="planned")
    starts_on: Mapped[date] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    start_time: Mapped[time | None] = mapped_column()
    end_time: Mapped[time | None] = mapped_column()
    place: Mapped[str] = mapped_column(String(300), default="")
    country_code: Mapped[str | None] = mapped_column(String(2))
    purpose: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    protocol: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome_text: Mapped[str] = mapped_column(Text, default="")
    investment_amount: Mapped[float | None] = mapped_column(Float)
    investment_currency: Mapped[str] = mapped_column(String(3), default="")
    jobs: Mapped[int | None] = mapped_column(Integer)
    export_deals: Mapped[int | None] = mapped_column(Integer)
    students: Mapped[int | None] = mapped_column(Integer)
    agreements_signed: Mapped[int | None] = mapped_column(Integer)
    # Denormalised from the linked partners so lists, exports and calendars need no join.
    partners_label: Mapped[str] = mapped_column(String(500), default="")
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def _link_ws() -> Mapped[int]:
    return mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)


class EngagementPartner(TenantScoped, Base):
    """A partner involved in an engagement."""

    __tablename__ = "engagement_partners"
    __table_args__ = (
        tenant_fk("engagement_id", "engagements"),
        tenant_fk("partner_id", "partners"),
        Index("ix_engagement_partners_ws_partner", "workspace_id", "partner_id"),
    )

    workspace_id: Mapped[int] = _link_ws()
    engagement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    partner_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class EngagementAgreement(TenantScoped, Base):
    """An agreement an engagement relates to."""

    __tablename__ = "engagement_agreements"
    __table_args__ = (
        tenant_fk("engagement_id", "engagements"),
        tenant_fk("agreement_id", "agreements"),
        Index("ix_engagement_agreements_ws_agreement", "workspace_id", "agreement_id"),
    )

    workspace_id: Mapped[int] = _link_ws()
    engagement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agreement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class EngagementSdg(TenantScoped, Base):
    """An SDG an engagement contributes to."""

    __tablename__ = "engagement_sdgs"
    __table_args__ = (
        tenant_fk("engagement_id", "engagements"),
        Index("ix_engagement_sdgs_ws_goal", "workspace_id", "goal", "engagement_id"),
    )

    workspace_id: Mapped[int] = _link_ws()
    engagement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    goal: Mapped[int] = mapped_column(ForeignKey("sdg_goals.number"), primary_key=True, autoincrement=False)


class EngagementChallenge(TenantScoped, Base):
    """A shared challenge an engagement addresses."""

    __tablename__ = "engagement_challenges"
    __table_args__ = (
        tenant_fk("engagement_id", "engagements"),
        Index("ix_engagement_challenges_ws_code", "workspace_id", "challenge", "engagement_id"),
    )

    workspace_id: Mapped[int] = _link_ws()
    engagement_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(ForeignKey("challenges.code"), primary_key=True)


class Participant(TenantRecord, Base):
    """Someone taking part in an engagement, on our side or theirs."""

    __tablename__ = "engagement_participants"
    __table_args__ = (
        tenant_fk("engagement_id", "engagements"),
        tenant_fk("person_id", "people", ondelete=None),
        Index("ix_engagement_participants_ws_engagement", "workspace_id", "engagement_id"),
        Index("ix_engagement_participants_ws_person", "workspace_id", "person_id"),
    )

    engagement_id: Mapped[uuid.UUID] = mapped_column()
    side: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    organization: Mapped[str] = mapped_column(String(200), default="")
    person_id: Mapped[uuid.UUID | None] = mapped_column()
    position: Mapped[int] = mapped_column(Integer, default=0)


class Gift(TenantRecord, Base):
    """An entry of the gift register: given or received, value, recipient, disposition."""

    __tablename__ = "engagement_gifts"
    __table_args__ = (
        tenant_fk("engagement_id", "engagements"),
        Index("ix_engagement_gifts_ws_engagement", "workspace_id", "engagement_id"),
    )

    engagement_id: Mapped[uuid.UUID] = mapped_column()
    direction: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(String(300))
    estimated_value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="")
    giver: Mapped[str] = mapped_column(String(200), default="")
    recipient: Mapped[str] = mapped_column(String(200), default="")
    disposition: Mapped[str] = mapped_column(String(300), default="")
