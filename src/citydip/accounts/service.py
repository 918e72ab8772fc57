"""Accounts: users, passwords, sign-in with throttling, sessions, API tokens, memberships.

Services only flush; the caller (request or CLI command) commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from citydip.accounts import repository as repo
from citydip.accounts.models import ApiToken, LoginAttempt, Membership, User, UserSession
from citydip.accounts.security import hash_password, needs_rehash, password_problem, verify_password
from citydip.core.actor import Actor, set_actor
from citydip.core.config import Settings
from citydip.core.database import transaction, utcnow
from citydip.core.errors import (
    Conflict,
    FieldProblem,
    NotAuthenticated,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)
from citydip.core.i18n import _
from citydip.core.security import new_token, token_digest
from citydip.core.tenancy import Role

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_PREFIX = "cdp_"  # noqa: S105 (a visible prefix, not a secret)
# A fixed hash so that unknown accounts take as long to reject as known ones.
_DUMMY_HASH = hash_password("not-a-real-password-for-timing")


def normalise_email(email: str) -> str:
    """Lower-case, trimmed email."""
    return email.strip().lower()


def parse_role(value: str) -> Role:
    """A role from text, with a clear error."""
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise ValidationFailed(
            _("Unknown role."), [FieldProblem("role", f"'{value}' is not one of owner, editor, viewer")]
        ) from None


def create_user(
    session: Session, email: str, password: str, name: str = "", *, is_admin: bool = False
) -> User:
    """Create a user with an argon2id password hash."""
    email = normalise_email(email)
    problems = []
    if not EMAIL_RE.match(email):
        problems.append(FieldProblem("email", _("Enter an email address like name@city.gov.")))
    reason = password_problem(password)
    if reason:
        problems.append(FieldProblem("password", reason))
    if problems:
        raise ValidationFailed(_("The user could not be created."), problems)
    if repo.user_by_email(session, email):
        raise Conflict(
            _("A user with this email already exists."), [FieldProblem("email", _("already registered"))]
        )
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin)
    session.add(user)
    session.flush()
    return user


def require_user(session: Session, email: str) -> User:
    """The user with this email or a NotFound naming it."""
    user = repo.user_by_email(session, normalise_email(email))
    if user is None:
        raise NotFound(f"No user with email {email}.")
    return user


def set_password(session: Session, user: User, password: str, *, keep_session_id: int | None = None) -> None:
    """Change a password and end the user's other sessions."""
    reason = password_problem(password)
    if reason:
        raise ValidationFailed(_("The password was not changed."), [FieldProblem("password", reason)])
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    for s in repo.live_sessions_of(session, user.id):
        if s.id != keep_session_id:
            s.revoked_at = utcnow()
    session.flush()


def change_password(
    session: Session, user: User, current: str, new: str, *, keep_session_id: int | None
) -> None:
    """Change one's own password after checking the current one."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(
            _("The password was not changed."),
            [FieldProblem("current_password", _("The current password is wrong."))],
        )
    set_password(session, user, new, keep_session_id=keep_session_id)


def disable_user(session: Session, user: User) -> None:
    """Disable a user and revoke their sessions and tokens."""
    user.is_active = False
    now = utcnow()
    for s in repo.live_sessions_of(session, user.id):
        s.revoked_at = now
    for t in repo.tokens(session, user.id):
        if t.revoked_at is None:
            t.revoked_at = now
    session.flush()


@dataclass(frozen=True)
class Throttle:
    """Sign-in throttling parameters."""

    max_failures: int
    window: timedelta
    max_failures_per_address: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> Throttle:
        return cls(
            settings.login_max_failures,
            timedelta(minutes=settings.login_window_minutes),
            settings.login_max_failures_per_address,
        )


def _check_throttle(session: Session, email: str, ip: str, throttle: Throttle, now: datetime) -> None:
    since = now - throttle.window
    for who, limit in ((email, throttle.max_failures), (None, throttle.max_failures_per_address)):
        if repo.recent_failures(session, ip, since, who) < limit:
            continue
        first = repo.oldest_failure_since(session, ip, since, who) or now
        wait = max(1, int(((first + throttle.window) - now).total_seconds() // 60) + 1)
        minutes = f"{wait} minute{'s' if wait != 1 else ''}"
        if who is None:
            raise TooManyRequests(
                f"Too many failed sign-in attempts from your address. Try again in {minutes}."
            )
        raise TooManyRequests(
            f"Too many failed sign-in attempts for this account from your address. Try again in {minutes}."
        )


def count_attempt(factory: sessionmaker[Session], email: str, ip: str, throttle: Throttle) -> int:
    """Count a sign-in attempt before its password is checked, in a transaction of its own; returns its id.

    Counting and the throttle check are one atomic step (``lock_login_address``), so parallel guesses cannot
    all slip under the limit: of 40 at once, exactly ``max_failures`` are let through to the password check.
    Raises TooManyRequests (nothing counted) when the account or the address is over its limit.
    """
    email, ip = normalise_email(email)[:254], ip[:64]
    with transaction(factory) as session:
        now = utcnow()
        repo.lock_login_address(session, ip)
        _check_throttle(session, email, ip, throttle, now)
        attempt = LoginAttempt(email=email, ip=ip, at=now, success=False)
        session.add(attempt)
        session.flush()
        return attempt.id


def check_password(session: Session, email: str, password: str) -> User:
    """The active user with these credentials, or NotAuthenticated (unknown accounts take as long)."""
    user = repo.user_by_email(session, normalise_email(email))
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.is_active:
        raise NotAuthenticated(_("The email or password is not correct."))
    return user


def complete_sign_in(session: Session, user: User, attempt_id: int, password: str) -> None:
    """Mark a counted attempt successful (it no longer counts as a failure) and rehash an old hash."""
    attempt = session.get(LoginAttempt, attempt_id)
    if attempt is not None:
        attempt.success = True
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()


def sign_in(
    factory: sessionmaker[Session],
    email: str,
    password: str,
    *,
    ip: str,
    user_agent: str,
    throttle: Throttle,
    days: int,
) -> tuple[str, User]:
    """Count the attempt, check the password, open a sign-in session; returns the cookie value and the user.

    Three short transactions, so the slow password check holds no lock and no connection: the attempt is
    counted first in a transaction of its own (it stays counted whatever happens next), the password is
    checked in a reader, and a successful sign-in is written in a writer. Raises TooManyRequests or
    NotAuthenticated.
    """
    attempt_id = count_attempt(factory, email, ip, throttle)
    with transaction(factory, write=False) as reader:
        user_id = check_password(reader, email, password).id
    with transaction(factory) as writer:
        user = writer.get(User, user_id)
        assert user is not None
        set_actor(writer, Actor(user.email, user.id))
        complete_sign_in(writer, user, attempt_id, password)
        token, _row = start_session(writer, user, ip=ip, user_agent=user_agent, days=days)
    return token, user


def prune_login_attempts(session: Session, older_than: timedelta) -> None:
    """Forget sign-in attempts older than a window."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - older_than))


def start_session(
    session: Session, user: User, *, ip: str, user_agent: str, days: int
) -> tuple[str, UserSession]:
    """Create a sign-in session; returns the cookie value (shown once) and the row."""
    token = new_token()
    row = UserSession(
        token_hash=token_digest(token),
        user_id=user.id,
        expires_at=utcnow() + timedelta(days=days),
        ip=ip[:64],
        user_agent=user_agent[:300],
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_session(session: Session, token: str, *, idle: timedelta) -> UserSession | None:
    """The live session for a cookie value, or None when unknown, revoked, expired or idle too long."""
    row = repo.session_by_hash(session, token_digest(token))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        return None
    # The caller notes the use (accounts/lastuse.py); resolving never writes, so reads stay reads.
    return row


def revoke_session(session: Session, row: UserSession) -> None:
    """End a sign-in session."""
    row.revoked_at = utcnow()
    session.flush()


def create_api_token(
    session: Session,
    user: User,
    workspace_id: int,
    role: Role,
    name: str,
    *,
    expires_days: int | None = None,
) -> tuple[str, ApiToken]:
    """Create an API token for a workspace and role; the plaintext is returned once."""
    member = repo.membership(session, user.id, workspace_id)
    if member is None:
        raise ValidationFailed(
            _("The token was not created."),
            [FieldProblem("workspace", _("the user is not a member of this workspace"))],
        )
    if _rank(role) > _rank(Role(member.role)):
        raise ValidationFailed(
            _("The token was not created."),
            [FieldProblem("role", f"a token cannot exceed the user's role ({member.role})")],
        )
    token = new_token(TOKEN_PREFIX)
    row = ApiToken(
        name=name.strip() or "token",
        prefix=token[: len(TOKEN_PREFIX) + 6],
        token_hash=token_digest(token),
        user_id=user.id,
        workspace_id=workspace_id,
        role=role.value,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_api_token(session: Session, token: str) -> ApiToken | None:
    """The live token for a bearer value, or None."""
    row = repo.token_by_hash(session, token_digest(token))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        return None
    return row


def revoke_api_token(session: Session, token_id: int) -> ApiToken:
    """Revoke a token by id."""
    row = repo.token_by_id(session, token_id)
    if row is None:
        raise NotFound(f"No API token with id {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.flush()
    return row


def _rank(role: Role) -> int:
    return {Role.viewer: 0, Role.editor: 1, Role.owner: 2}[role]


def effective_role(a: Role, b: Role) -> Role:
    """The weaker of two roles (a token never exceeds its user's membership)."""
    return a if _rank(a) <= _rank(b) else b


def set_membership(session: Session, user: User, workspace_id: int, role: Role) -> Membership:
    """Add a user to a workspace or change their role; a workspace always keeps one owner."""
    row = repo.membership(session, user.id, workspace_id)
    if row is None:
        row = Membership(user_id=user.id, workspace_id=workspace_id, role=role.value)
        session.add(row)
    else:
        if row.role == Role.owner and role != Role.owner and repo.count_owners(session, workspace_id) <= 1:
            raise Conflict(
                _("A workspace needs at least one owner."), [FieldProblem("role", _("last owner"))]
            )
        row.role = role.value
    session.flush()
    return row


def remove_membership(session: Session, user: User, workspace_id: int) -> None:
    """Remove a user from a workspace (never the last owner)."""
    row = repo.membership(session, user.id, workspace_id)
    if row is None:
        raise NotFound(_("This user is not a member of the workspace."))
    if row.role == Role.owner and repo.count_owners(session, workspace_id) <= 1:
        raise Conflict(_("A workspace needs at least one owner."), [FieldProblem("role", _("last owner"))])
    session.delete(row)
    session.flush()


def roles_of(session: Session, user_id: int) -> dict[int, Role]:
    """A user's role in each of their workspaces."""
    return {m.workspace_id: Role(m.role) for m in repo.memberships_of(session, user_id)}


def aware(value: datetime) -> datetime:
    """Treat a naive timestamp as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
