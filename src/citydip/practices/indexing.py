"""Keeps the search index in step with the practices table, inside the caller's transaction.

The index tables (``practice_search_*``) live in the application database, so the engine runs on the
session's own connection: a practice and its index entry are written, committed or rolled back together, on
SQLite (FTS5) and on PostgreSQL (full text) alike. The vectors held in memory are shared per database by all
requests of the process (``IndexState``); see ``practices/search/base.py`` for how they stay fresh.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from citydip.practices import repository as repo
from citydip.practices.models import TEXT_FIELDS, Practice
from citydip.practices.search import (
    IndexState,
    PostgresSearchEngine,
    PracticeDocument,
    SqliteSearchEngine,
    SqlSearchEngine,
)

MAX_STATES = 4
_states: OrderedDict[str, IndexState] = OrderedDict()
_states_lock = threading.Lock()


def _state(key: str) -> IndexState:
    """The process-wide index state of one database (a few databases at most are kept, e.g. in tests)."""
    with _states_lock:
        state = _states.get(key)
        if state is None:
            state = IndexState()
            _states[key] = state
            while len(_states) > MAX_STATES:
                _states.popitem(last=False)
        else:
            _states.move_to_end(key)
        return state


def engine_on(connection: Connection) -> SqlSearchEngine:
    """A search engine bound to this connection's transaction (it never commits)."""
    key = connection.engine.url.render_as_string(hide_password=False)
    raw: Any = connection.connection.dbapi_connection
    state = _state(key)
    if connection.dialect.name == "sqlite":
        return SqliteSearchEngine(raw, state=state, owns_transactions=False)
    if connection.dialect.name == "postgresql":
        return PostgresSearchEngine(raw, state=state, owns_transactions=False)
    raise RuntimeError(f"practice search does not support the {connection.dialect.name} database")


def engine_for(session: Session) -> SqlSearchEngine:
    """A search engine bound to the session's transaction."""
    return engine_on(session.connection())


def workspace_key(workspace_id: int) -> str:
    """How a workspace is named in the index's facets."""
    return str(workspace_id)


def _figure(value: object) -> str:
    """A figure as people write it: 40 rather than 40.0, thousands separated, never NaN."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return ""
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def to_document(practice: Practice, region: str = "") -> PracticeDocument:
    """The search engine's view of a practice."""
    fields = {name: getattr(practice, name) or "" for name in TEXT_FIELDS}
    tags = [*practice.sectors, *practice.challenges]
    if tags:
        fields["tags"] = "; ".join(str(t) for t in tags)
    figures = [
        f"{f.get('label', '')} {_figure(f.get('value'))} {f.get('unit', '')}".strip()
        for f in practice.outcome_figures or []
        if isinstance(f, dict)
    ]
    if figures:
        fields["figures"] = ". ".join(figures)
    return PracticeDocument(
        id=practice.search_key,
        external_id=practice.external_id or str(practice.id),
        title=practice.title,
        fields=fields,
        language=practice.language or None,
        city=practice.city_name,
        country=practice.country_code or "",
        region=region,
        city_size=practice.city_size,
        sdgs=[int(g) for g in practice.sdgs or []],
        challenges=[str(c) for c in practice.challenges or []],
        sectors=[str(s) for s in practice.sectors or []],
        visibility=str(practice.visibility),
        workspace=workspace_key(practice.workspace_id),
    )


def index_practices(
    session: Session, practices: Sequence[Practice], regions: dict[str, str] | None = None
) -> int:
    """Add or replace these practices in the index (call after the rows are flushed)."""
    if not practices:
        return 0
    regions = regions if regions is not None else repo.country_regions(session)
    docs = [to_document(p, regions.get(p.country_code or "", "")) for p in practices]
    return engine_for(session).index_many(docs)


def unindex(session: Session, search_keys: Iterable[int]) -> int:
    """Remove practices from the index."""
    keys = list(search_keys)
    return engine_for(session).remove_many(keys) if keys else 0


def forget_workspace(connection: Connection, workspace_id: int) -> int:
    """Remove a deleted workspace's practices from the index (the database cascade removed the rows)."""
    engine = engine_on(connection)
    return engine.remove_many(sorted(engine.doc_ids(workspace=workspace_key(workspace_id))))


def reindex(session: Session, workspace_id: int | None = None, batch: int = 2000) -> tuple[int, int]:
    """Rebuild the index entries of one workspace (or all) from the table; return (indexed, removed)."""
    engine = engine_for(session)
    practices = list(repo.workspace_practices(session, workspace_id))
    keep = {p.search_key for p in practices}
    indexed_ids = engine.doc_ids(None if workspace_id is None else workspace_key(workspace_id))
    removed = engine.remove_many(sorted(indexed_ids - keep))
    regions = repo.country_regions(session)
    for start in range(0, len(practices), batch):
        index_practices(session, practices[start : start + batch], regions)
    return len(practices), removed
