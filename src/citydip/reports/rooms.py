"""Gathers the ``vlr`` room: what every domain contributes to each goal of the Voluntary Local Review.

The room's contract (``VlrContext``, ``VlrItem``) is in ``citydip.core.vlr``. Domains without such a module
are read by the built-in providers in ``citydip.reports.providers`` when their tables exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from citydip.core.vlr import VlrContext, VlrItem
from citydip.domains import rooms

log = logging.getLogger("citydip.reports")


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
