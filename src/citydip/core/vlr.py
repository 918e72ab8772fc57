"""The ``vlr`` room's contract: what a domain lists under each goal of the Voluntary Local Review.

A domain adds ``citydip/<domain>/vlr.py`` with

    def goal_items(db: Session, ctx: VlrContext, goal: int) -> list[VlrItem]: ...

returning the records of the workspace ``ctx.id`` linked to SDG ``goal`` (practices, agreements,
engagements...). The reports domain gathers every domain's items (``reports.rooms``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext, WorkspaceId, WorkspaceRecord


@dataclass(frozen=True)
class VlrContext:
    """The workspace and year a VLR is written for."""

    workspace_ctx: WorkspaceContext
    year: int
    generated_at: datetime

    @property
    def id(self) -> WorkspaceId:
        """The workspace id (what repositories filter on)."""
        return self.workspace_ctx.id

    @property
    def workspace(self) -> WorkspaceRecord:
        """The workspace the review is about."""
        return self.workspace_ctx.workspace


@dataclass(frozen=True)
class VlrItem:
    """One record shown under a goal: a practice, an agreement, an engagement..."""

    kind: str  # the section it is listed in, e.g. "Agreements"
    title: str
    when: str = ""  # a date or period, as text
    detail: str = ""  # one line: partners, place, status...
    order: int = 100  # sections sort by this, then by kind


class GoalItems(Protocol):
    """The signature a domain's ``vlr.goal_items`` has."""

    def __call__(self, db: Session, ctx: VlrContext, goal: int) -> list[VlrItem]: ...
