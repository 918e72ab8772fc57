"""Request plumbing: one transaction per request, who is asking, the workspace context and CSRF.

``DbRoute`` opens a session before the handler runs, binds an anonymous scope, and commits after the response
is built when its status is below 400; any exception or error status rolls the whole request back.

Who is asking is worked out by the ``Gate`` the app registers at start-up, so this module names no domain;
the context types themselves live in ``core.context`` (free of FastAPI) for services and repositories.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTasks
from starlette.concurrency import run_in_threadpool

from citydip.core.actor import Actor, set_actor
from citydip.core.config import Settings
from citydip.core.context import Principal, PublicSite, UserRecord, WorkspaceContext, WorkspaceRecord
from citydip.core.database import open_session
from citydip.core.errors import CsrfFailed, NotAuthenticated, NotFound
from citydip.core.i18n import _, set_locale
from citydip.core.security import same, sign, token_digest
from citydip.core.tenancy import Scope, set_scope
from citydip.core.writegate import WriteGate

SESSION_COOKIE = "citydip_session"
ANON_COOKIE = "citydip_anon"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ShowInstead(Exception):
    """Raised by a handler to answer with another page once the transaction is rolled back.

    ``core.pages.form_errors`` raises it so a rejected form is shown again with its errors; views never roll
    back themselves.
    """

    def __init__(self, respond: Callable[[], Response]) -> None:
        super().__init__("show another page instead")
        self.respond = respond


_OWN_TRANSACTIONS = "__citydip_own_transactions__"
EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


def own_transactions(endpoint: EndpointT) -> EndpointT:
    """Mark an unsafe endpoint whose request session only reads: it writes in short transactions of its own.

    For the rare handler that must not hold the write lock for its whole run (sign-in: the slow password
    check sits between two small writes). Put it under the ``@router.post(...)`` line.
    """
    setattr(endpoint, _OWN_TRANSACTIONS, True)
    return endpoint


class DbRoute(APIRoute):
    """A route whose request is one database transaction.

    Unsafe methods (POST, PUT, PATCH, DELETE) are writers: their body is read first, then they queue at the
    app's write gate (SQLite) and open a writer session whose transaction takes the write lock when it begins.
    GET requests are readers: a read-only transaction that never waits for writers (see core/database.py).
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


async def _run_in_transaction(
    request: Request, original: Callable[[Request], Coroutine[Any, Any, Response]], write: bool
) -> Response:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    db = open_session(factory, write=write, strict=True)
    set_scope(db, Scope.anonymous())
    set_actor(db, Actor("anonymous"))
    request.state.db = db
    try:
        try:
            response = await original(request)
        except ShowInstead as instead:
            # Undo the failed change first, so the page shown instead reads the state before it.
            await run_in_threadpool(db.rollback)
            response = await run_in_threadpool(instead.respond)
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


_NO_GATE = WriteGate(enabled=False)


class LastUseBuffer(Protocol):
    """Session and token uses noted during requests, written after them (``accounts.lastuse.LastUse``)."""

    def pending(self) -> bool:
        """Whether there is anything to write."""
        ...

    def flush(self, factory: sessionmaker[Session]) -> int:
        """Write the pending marks in a transaction of their own; never raises."""
        ...


def _record_last_use_after(request: Request, response: Response, gate: WriteGate) -> None:
    """Write noted session/token uses after the response is sent, as a writer of its own (never fails it)."""
    last_use: LastUseBuffer | None = getattr(request.app.state, "last_use", None)
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


class Gate(Protocol):
    """Tells core who is asking and which workspace an address names, without core naming a domain.

    The app registers one at start-up (``app.state.gate``; ``citydip.web.identity`` reads sessions and tokens
    from the accounts domain and workspaces from the workspaces domain).
    """

    def principal(
        self, db: Session, *, bearer: str | None, session_cookie: str | None, idle: timedelta
    ) -> Principal:
        """The principal behind a bearer token or a session cookie (anonymous without either)."""
        ...

    def workspace(self, db: Session, slug: str) -> WorkspaceRecord | None:
        """The workspace with this slug, or None."""
        ...


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


def _gate(request: Request) -> Gate:
    gate: Gate = request.app.state.gate
    return gate


def resolve_principal(request: Request) -> Principal:
    """Work out the principal from a bearer token or the session cookie; binds scope, actor and locale."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    db = get_db(request)
    settings = get_settings_dep(request)
    principal = _gate(request).principal(
        db,
        bearer=_bearer(request),
        session_cookie=request.cookies.get(SESSION_COOKIE),
        idle=timedelta(hours=settings.session_idle_hours),
    )
    set_scope(db, principal.scope)
    set_actor(db, Actor(principal.label, principal.user.id if principal.user else None))
    if principal.user is not None:
        set_locale(principal.user.locale)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(resolve_principal)]


def require_user(principal: CurrentPrincipal) -> UserRecord:
    """The signed-in user, or 401 (HTML pages redirect to the sign-in page)."""
    if principal.user is None:
        if principal.session_expired:
            raise NotAuthenticated(_("Your session has expired. Please sign in again."), reason="expired")
        raise NotAuthenticated(_("Please sign in."))
    return principal.user


CurrentUser = Annotated[UserRecord, Depends(require_user)]


def require_admin(principal: CurrentPrincipal, user: CurrentUser) -> UserRecord:
    """A signed-in platform administrator (not through a read-only API token)."""
    if not user.is_admin or not principal.may_change():
        raise NotFound()
    return user


def workspace_context(request: Request, ws: str, principal: CurrentPrincipal) -> WorkspaceContext:
    """Resolve ``{ws}`` for a member; anyone else gets 404 so existence does not leak."""
    workspace = _gate(request).workspace(get_db(request), ws)
    if workspace is None:
        raise NotFound(_("This workspace does not exist or you are not a member of it."))
    ctx = WorkspaceContext.for_member(workspace, principal)
    request.state.workspace_ctx = ctx
    return ctx


Ctx = Annotated[WorkspaceContext, Depends(workspace_context)]


def public_workspace(request: Request, ws: str) -> PublicSite:
    """A workspace for public pages (its public site must be on)."""
    resolve_principal(request)
    workspace = _gate(request).workspace(get_db(request), ws)
    if workspace is None or not workspace.public_site:
        raise NotFound(_("No such public site."))
    return PublicSite(workspace)


PublicWorkspace = Annotated[PublicSite, Depends(public_workspace)]


# --- CSRF -------------------------------------------------------------------------------------------------


def csrf_binding(request: Request) -> str | None:
    """What this browser's CSRF tokens (and flash messages) are bound to: its session, or its anonymous cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return "s:" + token_digest(cookie)
    anon = request.cookies.get(ANON_COOKIE) or getattr(request.state, "new_anon", None)
    return "a:" + anon if anon else None


def new_anon_binding(request: Request) -> str:
    """Start an anonymous binding for a browser without cookies (``finish_anon_cookie`` persists it)."""
    anon = secrets.token_urlsafe(24)
    request.state.new_anon = anon
    return "a:" + anon


def csrf_token(request: Request) -> str:
    """The CSRF token for forms on this page (bound to the session, or to an anonymous cookie)."""
    binding = csrf_binding(request) or new_anon_binding(request)
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
    binding = csrf_binding(request)
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
