"""The app's ``Gate``: who is asking (accounts' sessions and API tokens) and which workspace a slug names.

Core's request plumbing (``core.web``) asks the gate the app registered at start-up, so core itself names no
domain; this module is where the accounts and workspaces domains meet the request.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from citydip.accounts import service as accounts
from citydip.accounts.lastuse import LastUse
from citydip.accounts.models import User
from citydip.core.context import Principal, WorkspaceRecord
from citydip.core.errors import NotAuthenticated
from citydip.core.i18n import _
from citydip.core.tenancy import Role
from citydip.workspaces import repository as ws_repo
from citydip.workspaces.service import scope_for


class AccountsGate:
    """Principals from the accounts domain, workspaces from the workspaces domain.

    Resolving never writes (a read stays a reader): the use of a session or token is noted in ``last_use``
    and written after the response (``accounts/lastuse.py``).
    """

    def __init__(self, last_use: LastUse | None = None) -> None:
        self.last_use = last_use

    def principal(
        self, db: Session, *, bearer: str | None, session_cookie: str | None, idle: timedelta
    ) -> Principal:
        """The principal behind a bearer token (401 when it is not valid) or a session cookie."""
        if bearer is not None:
            return self._token_principal(db, bearer)
        if session_cookie:
            row = accounts.resolve_session(db, session_cookie, idle=idle)
            user = db.get(User, row.user_id) if row else None
            if row is None or user is None or not user.is_active:
                return Principal.anonymous(session_expired=True)
            if self.last_use is not None:
                self.last_use.note("session", row.id, row.last_seen_at)
            roles = accounts.roles_of(db, user.id)
            return Principal.signed_in(user, scope_for(db, user.email, roles, user.id), roles, row.id)
        return Principal.anonymous()

    def _token_principal(self, db: Session, bearer: str) -> Principal:
        token = accounts.resolve_api_token(db, bearer)
        user = db.get(User, token.user_id) if token else None
        if token is None or user is None or not user.is_active:
            raise NotAuthenticated(_("The API token is not valid, has expired or was revoked."))
        if self.last_use is not None:
            self.last_use.note("token", token.id, token.last_used_at)
        member_roles = accounts.roles_of(db, user.id)
        roles: dict[int, Role] = {}
        if token.workspace_id in member_roles:
            roles[token.workspace_id] = accounts.effective_role(
                Role(token.role), member_roles[token.workspace_id]
            )
        scope = scope_for(db, f"token:{token.prefix}", roles, None)
        return Principal.api_token(user, scope, roles, token.prefix)

    def workspace(self, db: Session, slug: str) -> WorkspaceRecord | None:
        """The workspace with this slug, or None."""
        return ws_repo.workspace_by_slug(db, slug)
