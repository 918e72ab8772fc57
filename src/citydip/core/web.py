"""Request plumbing: one transaction per request, the principal, workspace context and CSRF.

``DbRoute`` opens a session before the handler runs, binds an anonymous scope, and commits after the response
is built when its status is below 400; any exception or error status rolls the whole request back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTasks
from starlette.concurrency import run_in_threadpool

from citydip.accounts import service as accounts
from citydip.accounts.lastuse import LastUse
from citydip.accounts.models import ApiToken, User, UserSession
from citydip.accounts.security import same, sign, token_digest
from citydip.audit.recorder import Actor, set_actor
from citydip.core.config import Settings
from citydip.core.database import open_session
from citydip.core.errors import CsrfFailed, NotAuthenticated, NotFound, PermissionDenied
from citydip.core.i18n import _, set_locale
from citydip.core.tenancy import Role, Scope, set_scope
from citydip.core.writegate import WriteGate
from citydip.workspaces import repository as ws_repo
from citydip.workspaces.models import Workspace
from citydip.workspaces.service import scope_for

SESSION_COOKIE = "citydip_session"
ANON_COOKIE = "citydip_anon"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class DbRoute(APIRoute):
    """A route whose request is one database transaction.

    Unsafe methods (POST, PUT, PATCH, DELETE) are writers: their body is read first, then they queue at the
    app's write gate (SQLite) and open a writer session whose transaction takes the write lock when it begins.
    GET requests are readers: a deferred transaction that never waits for writers (see core/database.py).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        own = getattr(self.endpoint, _OWN_TRANSACTIONS, False)

        async def handler(request: Request) -> Response:
            write = request.method in UNSAFE_METHODS and not own
            if request.method in UNSAFE_METHODS:
                await request.body()  # read it all first: a slow client must not hold the write lock
                await verify_csrf(request)
            gate: WriteGate = getattr(request.app.state, "write_gate", None) or _NO_GATE
            async with gate.hold(write):
                response = await _run_in_transaction(request, original, write)
            _record_last_use_after(request, response, gate)
            return response

        return handler


_NO_GATE = WriteGate(enabled=False)


def _record_last_use_after(request: Request, response: Response, gate: WriteGate) -> None:
    """Write noted session/token uses after the response is sent, as a writer of its own (never fails it)."""
    last_use: LastUse | None = getattr(request.app.state, "last_use", None)
    if last_use is None or not last_use.pending():
        return
    factory: sessionmaker[Session] = request.app.state.sessionmaker

    async def flush() -> None:
        async with gate.hold():
            await run_in_threadpool(last_use.flush, factory)

    tasks = BackgroundTasks()
    if response.background is not None:
        tasks.add_task(response.background)
    tasks.add_task(flush)
    response.background = tasks


async def _run_in_transaction(
    request: Request, original: Callable[[Request], Coroutine[Any, Any, Response]], write: bool
) -> Response:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    db = open_session(factory, write=write, strict=True)
    set_scope(db, Scope.anonymous())
    set_actor(db, Actor("anonymous"))
    request.state.db = db
    try:
        response = await original(request)
        if response.status_code < 400:
            await run_in_threadpool(db.commit)
        else:
            await run_in_threadpool(db.rollback)
        return response
    except BaseException:
        # Detach what was loaded so the error page can still show the user's name, then undo all.
        db.expunge_all()
        await run_in_threadpool(db.rollback)
        raise
    finally:
        await run_in_threadpool(db.close)


_OWN_TRANSACTIONS = "__citydip_own_transactions__"
EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


def own_transactions(endpoint: EndpointT) -> EndpointT:
    """Mark an unsafe endpoint whose request session only reads: it writes in short transactions of its own.

    For the rare handler that must not hold the write lock for its whole run (sign-in: the slow password
    check sits between two small writes). Put it under the ``@router.post(...)`` line.
    """
    setattr(endpoint, _OWN_TRANSACTIONS, True)
    return endpoint


def get_db(request: Request) -> Session:
    """The request's session (opened by ``DbRoute``)."""
    db: Session = request.state.db
    return db


def get_settings_dep(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


Db = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]


@dataclass
class Principal:
    """Who is asking, and what they may see."""

    kind: Literal["anonymous", "session", "token"]
    scope: Scope
    user: User | None = None
    session_row: UserSession | None = None
    token: ApiToken | None = None
    roles: dict[int, Role] = field(default_factory=dict)
    session_expired: bool = False

    @property
    def authenticated(self) -> bool:
        return self.user is not None

    def may_change(self) -> bool:
        """Whether the user's rights beyond workspace records (coordinating a network, administering the
        platform) may change things: through a browser session yes; through an API token only when the
        token's role (capped by the membership) can edit, so a viewer token stays read-only everywhere."""
        if self.user is None:
            return False
        if self.token is None:
            return True
        role = self.roles.get(self.token.workspace_id)
        return role is not None and role.can_edit

    @property
    def label(self) -> str:
        if self.user is None:
            return "anonymous"
        if self.token is not None:
            return f"{self.user.email} (token {self.token.prefix}…)"
        return self.user.email


def client_ip(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy says in ``X-Forwarded-For``.

    The header is read only when the peer is one of ``trusted_proxies``, from the right: the first address
    that is not itself a trusted proxy is the client (anything further left was written by the client).
    """
    peer = request.client.host if request.client else "unknown"
    networks = get_settings_dep(request).proxy_networks()
    if not networks or not _within(peer, networks):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop[:64]
    return peer


def _within(address: str, networks: list[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def resolve_principal(request: Request) -> Principal:
    """Work out the principal from a bearer token or the session cookie; binds scope and actor."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    db = get_db(request)
    settings = get_settings_dep(request)
    principal = Principal("anonymous", Scope.anonymous())
    bearer = _bearer(request)
    if bearer is not None:
        token = accounts.resolve_api_token(db, bearer)
        user = db.get(User, token.user_id) if token else None
        if token is None or user is None or not user.is_active:
            raise NotAuthenticated(_("The API token is not valid, has expired or was revoked."))
        member_roles = accounts.roles_of(db, user.id)
        roles: dict[int, Role] = {}
        if token.workspace_id in member_roles:
            roles[token.workspace_id] = accounts.effective_role(
                Role(token.role), member_roles[token.workspace_id]
            )
        scope = scope_for(db, f"token:{token.prefix}", roles, None)
        principal = Principal("token", scope, user=user, token=token, roles=roles)
        _note_use(request, "token", token.id, token.last_used_at)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        row = accounts.resolve_session(db, cookie, idle=timedelta(hours=settings.session_idle_hours))
        user = db.get(User, row.user_id) if row else None
        if row is None or user is None or not user.is_active:
            principal.session_expired = True
        else:
            roles = accounts.roles_of(db, user.id)
            scope = scope_for(db, user.email, roles, user.id)
            principal = Principal("session", scope, user=user, session_row=row, roles=roles)
            _note_use(request, "session", row.id, row.last_seen_at)
    set_scope(db, principal.scope)
    set_actor(db, Actor(principal.label, principal.user.id if principal.user else None))
    if principal.user is not None:
        set_locale(principal.user.locale)
    request.state.principal = principal
    return principal


def _note_use(request: Request, kind: str, row_id: int, stored: datetime | None) -> None:
    last_use: LastUse | None = getattr(request.app.state, "last_use", None)
    if last_use is not None:
        last_use.note(kind, row_id, stored)


CurrentPrincipal = Annotated[Principal, Depends(resolve_principal)]


def require_user(principal: CurrentPrincipal) -> User:
    """The signed-in user, or 401 (HTML pages redirect to the sign-in page)."""
    if principal.user is None:
        message = "Your session has expired. Please sign in again." if principal.session_expired else None
        raise NotAuthenticated(message or "Please sign in.")
    return principal.user


CurrentUser = Annotated[User, Depends(require_user)]


def require_admin(principal: CurrentPrincipal, user: CurrentUser) -> User:
    """A signed-in platform administrator (not through a read-only API token)."""
    if not user.is_admin or not principal.may_change():
        raise NotFound()
    return user


@dataclass(frozen=True)
class WorkspaceContext:
    """The workspace a request works in, and the caller's role there."""

    workspace: Workspace
    role: Role
    principal: Principal

    @property
    def id(self) -> int:
        return self.workspace.id

    @property
    def slug(self) -> str:
        return self.workspace.slug

    def require_edit(self) -> None:
        """Raise unless the caller may edit this workspace's records."""
        if not self.role.can_edit:
            raise PermissionDenied(_("Your role in this workspace is read-only."))

    def require_manage(self) -> None:
        """Raise unless the caller owns this workspace."""
        if not self.role.can_manage:
            raise PermissionDenied(_("Only the workspace's owners can do this."))


def workspace_context(request: Request, ws: str, principal: CurrentPrincipal) -> WorkspaceContext:
    """Resolve ``{ws}`` for a member; anyone else gets 404 so existence does not leak."""
    db = get_db(request)
    workspace = ws_repo.workspace_by_slug(db, ws)
    if workspace is None or workspace.id not in principal.roles:
        raise NotFound(_("This workspace does not exist or you are not a member of it."))
    ctx = WorkspaceContext(workspace, principal.roles[workspace.id], principal)
    request.state.workspace_ctx = ctx
    return ctx


Ctx = Annotated[WorkspaceContext, Depends(workspace_context)]


def public_workspace(request: Request, ws: str) -> Workspace:
    """A workspace for public pages (its public site must be on)."""
    resolve_principal(request)
    workspace = ws_repo.workspace_by_slug(get_db(request), ws)
    if workspace is None or not workspace.public_site:
        raise NotFound(_("No such public site."))
    return workspace


PublicWorkspace = Annotated[Workspace, Depends(public_workspace)]


# --- CSRF -------------------------------------------------------------------------------------------------


def _csrf_binding(request: Request) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return "s:" + token_digest(cookie)
    anon = request.cookies.get(ANON_COOKIE) or getattr(request.state, "new_anon", None)
    return "a:" + anon if anon else None


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page (bound to the session, or to an anonymous cookie)."""
    binding = _csrf_binding(request)
    if binding is None:
        anon = secrets.token_urlsafe(24)
        request.state.new_anon = anon
        binding = "a:" + anon
    secret: str = request.app.state.secret_key
    return sign(secret, "csrf:" + binding)


def session_csrf_token(request: Request, session_cookie: str) -> str:
    """The token forms will carry once a new session cookie is set (used right after sign-in)."""
    secret: str = request.app.state.secret_key
    return sign(secret, "csrf:s:" + token_digest(session_cookie))


async def verify_csrf(request: Request) -> None:
    """Refuse unsafe requests without a valid token, except bearer-token API calls (no ambient cookies)."""
    if _bearer(request) is not None:
        return
    binding = _csrf_binding(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if binding is None or not sent:
        raise CsrfFailed()
    expected = sign(request.app.state.secret_key, "csrf:" + binding)
    if not same(sent, expected):
        raise CsrfFailed()


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    """Set a cookie the project's way: HttpOnly, SameSite=Lax, Secure behind HTTPS."""
    settings = get_settings_dep(request)
    secure = settings.https or request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")


def finish_anon_cookie(request: Request, response: Response) -> None:
    """Persist the anonymous CSRF binding if this page created one."""
    anon = getattr(request.state, "new_anon", None)
    if anon and not request.cookies.get(ANON_COOKIE):
        set_cookie(response, request, ANON_COOKIE, anon, max_age=None)


def json_or_form(request: Request) -> bool:
    """Whether the client wants JSON (API paths or an Accept header preferring JSON)."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


Handler = Callable[..., Any]
