"""API shapes for workspaces, members and networks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WorkspaceOut(BaseModel):
    """A workspace as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    city_id: int | None = Field(description="GeoNames id of the workspace's city")
    country_code: str | None
    role: str | None = Field(default=None, description="The caller's role here")


class MemberOut(BaseModel):
    """A member of a workspace."""

    user_id: int
    email: str
    name: str
    role: str


class MemberIn(BaseModel):
    """Add a user to a workspace or change their role."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    role: str = Field(description="owner, editor or viewer")


class NetworkOut(BaseModel):
    """A network and its member workspaces."""

    slug: str
    name: str
    description: str
    members: list[str]
