"""The ``briefing`` room's contract: each domain's section of the briefing book (issue 16).

A domain adds ``citydip/<domain>/briefing.py`` with

    def sections(db: Session, ctx: WorkspaceContext, subject: BriefingSubject) -> list[BriefingSection]: ...

returning what it knows about the subject (a partner, or an engagement and its partners): agreements and
engagements from the register, SDG and climate figures, matching practices, shared networks... Every fact
names the record it comes from (``BriefingSource``) so the book invents nothing; what a domain would need
but does not have goes into ``gaps`` ("no reference city for this partner: set it on the partner's page").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext


@dataclass(frozen=True)
class BriefingSubject:
    """What a briefing book is about: one partner, or one engagement with the partners it involves."""

    kind: Literal["partner", "engagement"]
    id: uuid.UUID
    partner_ids: tuple[uuid.UUID, ...] = ()
    city_ids: tuple[int, ...] = ()  # reference cities (GeoNames ids) of the partners, where known


@dataclass(frozen=True)
class BriefingSource:
    """The record a fact comes from, with the address of its page."""

    label: str
    url: str


@dataclass
class BriefingSection:
    """One section of the book: a title, a template rendered with ``context``, its sources and gaps."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    sources: list[BriefingSource] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


class BriefingSections(Protocol):
    """The signature a domain's ``briefing.sections`` has."""

    def __call__(
        self, db: Session, ctx: WorkspaceContext, subject: BriefingSubject
    ) -> list[BriefingSection]: ...
