"""When a session or API token was last used: recorded in batches, outside the request that used it.

Resolving a cookie or a token is part of every request, most of them reads. Writing "last used" inside the
request would make every read a writer (on SQLite, 50 parallel reads after an idle spell would queue for the
one write lock or fail), so the request only *notes* the use here. A noted use is written later, in a short
transaction of its own that a failure never turns into a failed request: ``flush()`` runs after a response
(``core/web.py``), takes the write gate like any writer, writes every pending mark in one statement per table
and puts the marks back if the database is busy. A use is noted at most once per ``RESOLUTION`` per session
or token and process, which is also how exact the shown time is.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session, sessionmaker

from citydip.accounts.models import ApiToken, UserSession
from citydip.core.database import Base, transaction, utcnow

RESOLUTION = timedelta(minutes=5)
log = logging.getLogger("citydip.accounts")


class LastUse:
    """Pending "last used" marks of one application (one database)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, int], datetime] = {}
        self._noted: dict[tuple[str, int], datetime] = {}

    def note(self, kind: str, row_id: int, stored: datetime | None, now: datetime | None = None) -> None:
        """Remember a use of a session (``kind="session"``) or token (``"token"``) if the stored time is stale."""
        now = now or utcnow()
        if stored is not None and now - stored <= RESOLUTION:
            return
        key = (kind, row_id)
        with self._lock:
            noted = self._noted.get(key)
            if noted is not None and now - noted <= RESOLUTION:
                return
            self._noted[key] = now
            self._pending[key] = now

    def pending(self) -> bool:
        """Whether there is anything to write."""
        return bool(self._pending)

    def flush(self, factory: sessionmaker[Session]) -> int:
        """Write the pending marks in a transaction of their own; never raises. Returns how many were written."""
        with self._lock:
            batch, self._pending = self._pending, {}
            cutoff = utcnow() - RESOLUTION
            self._noted = {k: v for k, v in self._noted.items() if v > cutoff}
        if not batch:
            return 0
        try:
            with transaction(factory) as session:
                _write(session, batch)
        except Exception as exc:  # bookkeeping must never fail a request: keep the marks for next time
            log.warning("could not record last use (%s); will retry", exc.__class__.__name__)
            with self._lock:
                for key, at in batch.items():
                    self._pending.setdefault(key, at)
            return 0
        return len(batch)


def _write(session: Session, batch: dict[tuple[str, int], datetime]) -> None:
    for kind, model, name in (("token", ApiToken, "last_used_at"), ("session", UserSession, "last_seen_at")):
        table = Base.metadata.tables[model.__tablename__]
        rows = [{"row_id": i, "at": at} for (k, i), at in sorted(batch.items()) if k == kind]
        if not rows:
            continue
        column = table.c[name]
        stmt = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .where(or_(column.is_(None), column < bindparam("at")))
            .values({name: bindparam("at")})
        )
        session.connection().execute(stmt, rows)
