"""Every query on users, memberships, sessions and tokens."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citydip.accounts.models import ApiToken, LoginAttempt, Membership, User, UserSession


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this (normalised) email."""
    return session.scalar(select(User).where(User.email == email))


def user_by_id(session: Session, user_id: int) -> User | None:
    """The user with this id."""
    return session.get(User, user_id)


def all_users(session: Session) -> Sequence[User]:
    """Every user, by email."""
    return session.scalars(select(User).order_by(User.email)).all()


def memberships_of(session: Session, user_id: int) -> Sequence[Membership]:
    """A user's memberships."""
    return session.scalars(select(Membership).where(Membership.user_id == user_id)).all()


def membership(session: Session, user_id: int, workspace_id: int) -> Membership | None:
    """A user's membership of one workspace."""
    return session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.workspace_id == workspace_id)
    )


def members_of(session: Session, workspace_id: int) -> Sequence[tuple[Membership, User]]:
    """The members of a workspace with their users, by email."""
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.email)
    ).all()
    return [(m, u) for m, u in rows]


def count_owners(session: Session, workspace_id: int) -> int:
    """How many owners a workspace has."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.workspace_id == workspace_id, Membership.role == "owner")
        )
        or 0
    )


def session_by_hash(session: Session, token_hash: str) -> UserSession | None:
    """A sign-in session by its token hash."""
    return session.scalar(select(UserSession).where(UserSession.token_hash == token_hash))


def live_sessions_of(session: Session, user_id: int) -> Sequence[UserSession]:
    """A user's sessions that are not revoked."""
    return session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    ).all()


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    """An API token by its hash."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def tokens(session: Session, user_id: int | None = None) -> Sequence[ApiToken]:
    """API tokens, newest first, optionally of one user."""
    stmt = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    return session.scalars(stmt).all()


def token_by_id(session: Session, token_id: int) -> ApiToken | None:
    """An API token by id."""
    return session.get(ApiToken, token_id)


def lock_login_address(session: Session, ip: str) -> None:
    """Serialise sign-in attempts from one address until the transaction ends, so counting them is atomic.

    PostgreSQL: a transaction-scoped advisory lock keyed by the address. SQLite: the sign-in request is a
    writer, whose transaction already holds the database's write lock (core/database.py).
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"login:{ip}".encode()).digest()[:8], "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(key)))


def recent_failures(session: Session, ip: str, since: datetime, email: str | None = None) -> int:
    """Failed sign-ins from this address since a moment (for one account, or for all when ``email`` is None)."""
    stmt = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.ip == ip, LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    )
    if email is not None:
        stmt = stmt.where(LoginAttempt.email == email)
    return int(session.scalar(stmt) or 0)


def oldest_failure_since(
    session: Session, ip: str, since: datetime, email: str | None = None
) -> datetime | None:
    """The earliest counted failure in the window (to say when the lock lifts)."""
    stmt = select(func.min(LoginAttempt.at)).where(
        LoginAttempt.ip == ip, LoginAttempt.at >= since, LoginAttempt.success.is_(False)
    )
    if email is not None:
        stmt = stmt.where(LoginAttempt.email == email)
    return session.scalar(stmt)
