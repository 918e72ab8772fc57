"""Table: secret calendar-feed addresses (stored hashed, revocable), like API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from citydip.core.database import Base, utcnow


class CalendarFeed(Base):
    """A revocable secret URL that serves a workspace's engagements as iCalendar.

    Not a tenant table on purpose: the feed is fetched without a session, so the token (by its SHA-256)
    is what identifies the workspace, exactly like an API token.
    """

    __tablename__ = "calendar_feeds"
    __audit_exclude__: ClassVar[tuple[str, ...]] = ("token_hash",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
