"""Pagination with a capped count for the register's big lists.

``count(*)`` over 200,000 engagements or 400,000 follow-ups costs more than the page itself on SQLite, so the
count stops at ``COUNT_CAP + 1`` rows: lists say "more than 10,000" and the pager still offers "next" while
pages are full. Exact totals are one filter away (narrower filters count exactly).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from citydip.core.listing import ListParams, ListSpec, Page

COUNT_CAP = 10_000


class CappedPage(Page[Any]):
    """A page whose total may be a lower bound."""

    capped: bool = False

    @property
    def pages(self) -> int:
        return super().pages

    @property
    def has_next(self) -> bool:
        if self.capped:
            return len(self.items) == self.per_page
        return super().has_next


def paginate_capped(
    session: Session, stmt: Select[Any], spec: ListSpec, params: ListParams, cap: int = COUNT_CAP
) -> CappedPage:
    """Run a filtered, sorted page and a count that stops after ``cap`` rows."""
    stmt = spec.apply(stmt, params)
    limited = stmt.order_by(None).with_only_columns(*stmt.selected_columns[:1]).limit(cap + 1).subquery()
    total = int(session.scalar(select(func.count()).select_from(limited)) or 0)
    offset = (params.page - 1) * params.per_page
    items = list(session.scalars(stmt.limit(params.per_page).offset(offset)).unique().all())
    page = CappedPage(items, min(total, cap), params.page, params.per_page, params)
    page.capped = total > cap
    if page.capped:
        page.total = max(cap, offset + len(items))
    return page
