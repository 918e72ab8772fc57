"""The register's lists: link filters bound to the workspace and counts capped at 10,000 rows.

``count(*)`` over 200,000 engagements or 400,000 follow-ups costs more than the page itself on SQLite, so the
count stops at ``COUNT_CAP + 1`` rows: lists say "more than 10,000" and the pager still offers "next" while
pages are full. Exact totals are one filter away (narrower filters count exactly). The mechanics (capped count,
cheap free-text search, the ``Unselective`` hint) live in ``citydip.core.listing``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from citydip.core.listing import ListParams, ListSpec, Page, Unselective, paginate

__all__ = ["COUNT_CAP", "WORKSPACE_PARAM", "Unselective", "apply", "paginate_capped"]

COUNT_CAP = 10_000
# Link-table filters compare with this bound parameter instead of correlating with the outer row.
WORKSPACE_PARAM = "register_ws"


def apply(
    session: Session, spec: ListSpec, stmt: Select[Any], params: ListParams, workspace_id: int
) -> Select[Any]:
    """Filters, search and order of a list, ready to run for one workspace (exports use it)."""
    dialect = session.get_bind().dialect.name
    return spec.apply(stmt, params, dialect, session).params({WORKSPACE_PARAM: workspace_id})


def paginate_capped(
    session: Session,
    stmt: Select[Any],
    spec: ListSpec,
    params: ListParams,
    workspace_id: int,
    cap: int = COUNT_CAP,
) -> Page[Any]:
    """A filtered, sorted page of one workspace's list with a count that stops after ``cap`` rows."""
    return paginate(session, stmt, spec, params, count_cap=cap, bind={WORKSPACE_PARAM: workspace_id})
