"""The ``vlr`` room: what other domains contribute to each goal of the Voluntary Local Review.

A domain adds ``citydip/<domain>/vlr.py`` with

    def goal_items(db: Session, ctx: VlrContext, goal: int) -> list[VlrItem]: ...

returning the records of the workspace ``ctx.id`` linked to SDG ``goal`` (practices, agreements,
engagements...). ``ctx`` also carries ``workspace`` and ``year``. Domains without such a module are read by
the built-in providers in ``citydip.reports.providers`` when their tables exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from citydip.domains import rooms
from citydip.workspaces.models import Workspace

log = logging.getLogger("citydip.reports")


@dataclass(frozen=True)
class VlrContext:
    """The workspace and year a VLR is written for."""

    workspace: Workspace
    year: int
    generated_at: datetime

    @property
    def id(self) -> int:
        """The workspace id (what repositories filter on)."""
        return self.workspace.id


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


Provider = Callable[[Session, VlrContext, int], list[VlrItem]]


def providers() -> list[tuple[str, Provider]]:
    """Every domain's ``vlr.goal_items``, then the built-in providers for domains that have no room."""
    from citydip.reports import providers as builtin

    found: list[tuple[str, Provider]] = []
    covered: set[str] = set()
    for package, module in rooms("vlr"):
        fn = getattr(module, "goal_items", None)
        if callable(fn):
            found.append((package, fn))
            covered.add(package)
    for package, fn in builtin.available():
        if package not in covered:
            found.append((package, fn))
    return found


def items_for_goal(
    db: Session,
    ctx: VlrContext,
    goal: int,
    chosen: list[tuple[str, Provider]],
    failures: set[str] | None = None,
) -> list[VlrItem]:
    """All contributed items of one goal; a failing provider is logged, added to ``failures`` and skipped
    (the draft still builds)."""
    items: list[VlrItem] = []
    for package, fn in chosen:
        try:
            with db.begin_nested():
                items.extend(fn(db, ctx, goal))
        except Exception:  # a contributor's bug must not stop the whole report
            log.exception("VLR provider %s failed for goal %s", package, goal)
            if failures is not None:
                failures.add(package)
    return sorted(items, key=lambda i: (i.order, i.kind, i.when, i.title))
