"""Applying the register's list specs: link filters bound to the workspace, cheap search, capped counts.

``count(*)`` over 200,000 engagements or 400,000 follow-ups costs more than the page itself on SQLite, so the
count stops at ``COUNT_CAP + 1`` rows: lists say "more than 10,000" and the pager still offers "next" while
pages are full. Exact totals are one filter away (narrower filters count exactly).
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from sqlalchemy import Boolean, ColumnElement, Select, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal, replacement_traverse

from citydip.core.listing import ListParams, ListSpec, Page

COUNT_CAP = 10_000
# Link-table filters compare with this bound parameter instead of correlating with the outer row.
WORKSPACE_PARAM = "register_ws"


class CappedPage(Page[Any]):
    """A page whose total may be a lower bound."""

    capped: bool = False

    @property
    def has_next(self) -> bool:
        if self.capped:
            return len(self.items) == self.per_page
        return super().has_next


def apply(
    session: Session, spec: ListSpec, stmt: Select[Any], params: ListParams, workspace_id: int
) -> Select[Any]:
    """Filters, search and order of a list, ready to run for one workspace.

    Free text uses plain ``LIKE`` on SQLite (already case-insensitive for ASCII; ``lower()`` on every row of
    200,000 cost three times as much) and ``ILIKE`` on PostgreSQL.
    """
    stmt = spec.apply(stmt, dataclasses.replace(params, q=""))
    if params.q and spec.search_columns:
        needle = "%" + params.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        postgres = session.get_bind().dialect.name == "postgresql"
        clauses = [
            c.ilike(needle, escape="\\") if postgres else c.like(needle, escape="\\")
            for c in spec.search_columns
        ]
        stmt = stmt.where(or_(*clauses))
    return stmt.params({WORKSPACE_PARAM: workspace_id})


def _without_hint(element: Any, **_kw: Any) -> Any:
    return element.condition if isinstance(element, Unselective) else None


def paginate_capped(
    session: Session,
    stmt: Select[Any],
    spec: ListSpec,
    params: ListParams,
    workspace_id: int,
    cap: int = COUNT_CAP,
) -> CappedPage:
    """Run a filtered, sorted page and a count that stops after ``cap`` rows."""
    stmt = apply(session, spec, stmt, params, workspace_id)
    # The count has no order to keep, so the hint that helps the page (walk the date index) is dropped.
    plain = cast(Select[Any], replacement_traverse(cast(Any, stmt), {}, _without_hint))
    limited = plain.order_by(None).with_only_columns(*plain.selected_columns[:1]).limit(cap + 1).subquery()
    total = int(session.scalar(select(func.count()).select_from(limited)) or 0)
    offset = (params.page - 1) * params.per_page
    items = list(session.scalars(stmt.limit(params.per_page).offset(offset)).unique().all())
    page = CappedPage(items, min(total, cap), params.page, params.per_page, params)
    page.capped = total > cap
    if page.capped:
        page.total = max(cap, offset + len(items))
    return page


class Unselective(ColumnElement[bool]):
    """A condition most rows pass (an SDG, a challenge); SQLite is told so, other databases see it unchanged.

    SQLite otherwise walks the (small) list of matching ids and sorts them, reading every row; told that the
    condition keeps most rows, it walks the date index (which holds the id) and stops after one page.
    """

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [("condition", InternalTraversal.dp_clauseelement)]

    def __init__(self, condition: ColumnElement[bool]) -> None:
        self.condition = condition


@compiles(Unselective)
def _compile_default(element: Unselective, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.condition, **kw))


@compiles(Unselective, "sqlite")
def _compile_sqlite(element: Unselective, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.condition, **kw)}, 0.9)"
