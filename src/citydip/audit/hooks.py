"""The ``hooks`` room: the audit recorder on every session (an entry for each ORM insert, update and delete)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citydip.audit.recorder import install_audit


def install(session_class: type[Session] = Session) -> None:
    """Attach the audit recorder (idempotent)."""
    install_audit(session_class)
