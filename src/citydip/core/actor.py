"""Who acts on a session, for the audit log: a user, an API token, or the system (command line, import)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user, an API token, or the system (CLI, import)."""

    label: str
    user_id: int | None = None


def set_actor(session: Session, actor: Actor) -> None:
    """Bind the acting principal to a session."""
    session.info["actor"] = actor


def get_actor(session: Session) -> Actor:
    """The actor bound to a session (``system`` when none)."""
    actor = session.info.get("actor")
    return actor if isinstance(actor, Actor) else Actor("system")
