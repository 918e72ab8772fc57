"""API shapes for follow-ups."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from citydip.core.listing import PageOut
from citydip.core.types import Date, RowId, not_null
from citydip.register.vocab import FOLLOWUP_STATUSES, codes

_STATUSES = ", ".join(codes(FOLLOWUP_STATUSES))


class FollowUpIn(BaseModel):
    """A new follow-up. Owner and due date are required."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    task: str = Field(min_length=1, max_length=300, description="What has to be done")
    owner_id: RowId | None = Field(None, description="User id of the owner (a member of the workspace)")
    owner_email: str | None = Field(None, max_length=254, description="Or the owner's email")
    due_on: Date | None = Field(None, description="Due date (required)")
    status: str = Field("open", description=f"One of {_STATUSES}")
    notes: str = Field("", max_length=20000, description="Notes")
    engagement_id: uuid.UUID | None = Field(None, description="The engagement it follows up")
    agreement_id: uuid.UUID | None = Field(None, description="The agreement it concerns")
    partner_id: uuid.UUID | None = Field(None, description="The partner it concerns")


class FollowUpPatch(BaseModel):
    """Changes to a follow-up; only the fields sent are changed."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    task: str | None = Field(None, min_length=1, max_length=300, description="What has to be done")
    owner_id: RowId | None = Field(None, description="User id of the owner")
    owner_email: str | None = Field(None, max_length=254, description="Or the owner's email")
    due_on: Date | None = Field(None, description="Due date")
    status: str | None = Field(None, description=f"One of {_STATUSES}")
    notes: str | None = Field(None, max_length=20000, description="Notes")
    engagement_id: uuid.UUID | None = Field(None, description="Engagement")
    agreement_id: uuid.UUID | None = Field(None, description="Agreement")
    partner_id: uuid.UUID | None = Field(None, description="Partner")

    _no_nulls = not_null("task", "due_on")


class FollowUpOut(BaseModel):
    """A follow-up as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    task: str
    owner_id: int = Field(description="User id of the owner")
    due_on: date
    status: str = Field(description=f"One of {_STATUSES}")
    notes: str
    engagement_id: uuid.UUID | None
    agreement_id: uuid.UUID | None
    partner_id: uuid.UUID | None
    completed_at: datetime | None
    created_at: datetime


class FollowUpPage(PageOut[FollowUpOut]):
    """A page of follow-ups."""
