"""API shapes for the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from citydip.core.listing import PageOut


class AuditEntryOut(BaseModel):
    """One change."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(PageOut[AuditEntryOut]):
    """A page of audit entries."""
