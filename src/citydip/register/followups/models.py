"""Table: follow-ups (task, owner, due date, status) after engagements, on agreements or partners."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.tenancy import TenantRecord, tenant_fk


class FollowUp(TenantRecord, Base):
    """A promise to keep: who does what by when."""

    __tablename__ = "followups"
    __table_args__ = (
        tenant_fk("engagement_id", "engagements"),
        tenant_fk("agreement_id", "agreements", ondelete=None),
        tenant_fk("partner_id", "partners", ondelete=None),
        Index("ix_followups_ws_owner_status_due", "workspace_id", "owner_id", "status", "due_on"),
        Index("ix_followups_ws_status_due", "workspace_id", "status", "due_on"),
        Index("ix_followups_ws_due", "workspace_id", "due_on"),
        Index("ix_followups_ws_task", "workspace_id", "task"),
        Index("ix_followups_ws_engagement", "workspace_id", "engagement_id"),
        Index("ix_followups_ws_agreement", "workspace_id", "agreement_id"),
        Index("ix_followups_ws_partner", "workspace_id", "partner_id"),
    )

    task: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    due_on: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="open")
    notes: Mapped[str] = mapped_column(Text, default="")
    engagement_id: Mapped[uuid.UUID | None] = mapped_column()
    agreement_id: Mapped[uuid.UUID | None] = mapped_column()
    partner_id: Mapped[uuid.UUID | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
