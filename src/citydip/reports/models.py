"""Tables: the VLR's editable text blocks, and stored VLR drafts (HTML and PDF) of a workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Float, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow
from citydip.core.tenancy import TenantRecord


class VlrText(TenantRecord, Base):
    """One text block of the review (foreword, approach to localization...), kept per workspace."""

    __tablename__ = "report_vlr_texts"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VlrDraft(TenantRecord, Base):
    """A generated VLR draft: the HTML document and its PDF, with what it was built from."""

    __tablename__ = "report_vlr_drafts"
    __table_args__ = (Index("ix_report_vlr_drafts_ws_created", "workspace_id", "created_at"),)
    __audit_exclude__: ClassVar[tuple[str, ...]] = ("html", "pdf")

    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
