"""API shapes for accounts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class MembershipOut(BaseModel):
    """A workspace the user belongs to and their role there."""

    workspace: str = Field(description="Workspace slug")
    name: str
    role: str


class MeOut(BaseModel):
    """The signed-in user (or the token's user)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    is_admin: bool
    via: str = Field(description="session or token")
    workspaces: list[MembershipOut]


class TokenOut(BaseModel):
    """An API token without its secret."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    workspace_id: int
    role: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
