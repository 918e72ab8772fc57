"""Sign-in, sign-out, account page (password, sessions, API tokens) and ``/api/v1/me``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from citydip.accounts import repository as repo
from citydip.accounts import service
from citydip.accounts.models import User, UserSession
from citydip.accounts.schemas import MembershipOut, MeOut
from citydip.core.errors import AppError, NotAuthenticated, NotFound, PermissionDenied, TooManyRequests
from citydip.core.i18n import _
from citydip.core.pages import login_reason, redirect
from citydip.core.templating import render
from citydip.core.tenancy import Role
from citydip.core.web import (
    SESSION_COOKIE,
    AppSettings,
    CurrentPrincipal,
    CurrentUser,
    Db,
    DbRoute,
    client_ip,
    own_transactions,
    set_cookie,
)
from citydip.workspaces import repository as ws_repo

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["accounts"])


def _account_user(db: Db, user: CurrentUser) -> User:
    """The signed-in user's own row (the gate loaded it already, so this is no second query)."""
    row = db.get(User, user.id)
    if row is None:
        raise NotAuthenticated()
    return row


AccountUser = Annotated[User, Depends(_account_user)]


def _session_user(principal: CurrentPrincipal, user: AccountUser) -> User:
    """The user of a browser session: passwords, sessions and tokens are never changed through an API token
    (a viewer token could otherwise mint itself an owner token)."""
    if principal.kind == "token":
        raise PermissionDenied(_("Account settings can only be changed when signed in with a browser."))
    return user


SessionUser = Annotated[User, Depends(_session_user)]


def safe_next(target: str | None) -> str:
    """Only local paths are allowed as a redirect target after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", include_in_schema=False)
def login_page(request: Request, principal: CurrentPrincipal, next: str = "/", reason: str = "") -> Response:
    if principal.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    message = login_reason(reason)
    if principal.session_expired and not message:
        message = login_reason("expired")
    return render(request, "accounts/login.html", {"next": safe_next(next), "message": message, "email": ""})


@router.post("/login", include_in_schema=False)
@own_transactions
def login_submit(
    request: Request,
    settings: AppSettings,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        token, _user = service.sign_in(
            request.app.state.sessionmaker,
            email,
            password,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            throttle=service.Throttle.from_settings(settings),
            days=settings.session_days,
        )
    except (TooManyRequests, NotAuthenticated) as exc:
        return render(
            request,
            "accounts/login.html",
            {"next": safe_next(next), "message": exc.message, "email": email},
            status_code=exc.status_code,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, token, max_age=settings.session_days * 86400)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, db: Db, principal: CurrentPrincipal) -> Response:
    row = db.get(UserSession, principal.session_id) if principal.session_id is not None else None
    if row is not None:
        service.revoke_session(db, row)
    response = RedirectResponse("/login?reason=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_context(db: Db, principal: CurrentPrincipal, user: AccountUser) -> dict[str, object]:
    sessions = repo.live_sessions_of(db, user.id)
    tokens = repo.tokens(db, user.id)
    workspaces = {w.id: w for w in ws_repo.workspaces(db, principal.roles)}
    return {
        "sessions": sessions,
        "current_session_id": principal.session_id,
        "tokens": tokens,
        "workspaces": workspaces,
        "roles": principal.roles,
        "role_choices": [(r.value, _(r.value)) for r in Role],
        "errors": {},
        "new_token": None,
    }


@router.get("/account", include_in_schema=False)
def account_page(request: Request, db: Db, principal: CurrentPrincipal, user: AccountUser) -> Response:
    return render(request, "accounts/account.html", _account_context(db, principal, user))


@router.post("/account/password", include_in_schema=False)
def change_password(
    request: Request,
    db: Db,
    principal: CurrentPrincipal,
    user: SessionUser,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.change_password(
            db, user, current_password, new_password, keep_session_id=principal.session_id
        )
    except AppError as exc:
        ctx = _account_context(db, principal, user)
        ctx["errors"] = {p.field: p.message for p in exc.details}
        return render(request, "accounts/account.html", ctx, status_code=exc.status_code)
    return redirect(request, "/account", _("Your password was changed."))


@router.post("/account/sessions/{session_id}/revoke", include_in_schema=False)
def revoke_session(request: Request, db: Db, user: SessionUser, session_id: int) -> Response:
    row = next((s for s in repo.live_sessions_of(db, user.id) if s.id == session_id), None)
    if row is None:
        raise NotFound()
    service.revoke_session(db, row)
    return redirect(request, "/account", _("The session was ended."))


@router.post("/account/tokens", include_in_schema=False)
def create_token(
    request: Request,
    db: Db,
    principal: CurrentPrincipal,
    user: SessionUser,
    workspace: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "viewer",
    name: Annotated[str, Form()] = "",
    expires_days: Annotated[str, Form()] = "",
) -> Response:
    ctx = _account_context(db, principal, user)
    try:
        ws = ws_repo.workspace_by_slug(db, workspace)
        if ws is None or ws.id not in principal.roles:
            raise NotFound(_("Choose one of your workspaces."))
        days = int(expires_days) if expires_days.strip().isdigit() else None
        token, _row = service.create_api_token(
            db, user, ws.id, service.parse_role(role), name, expires_days=days
        )
    except AppError as exc:
        ctx["errors"] = {p.field: p.message for p in exc.details} or {"workspace": exc.message}
        return render(request, "accounts/account.html", ctx, status_code=422)
    ctx = _account_context(db, principal, user)
    ctx["new_token"] = token
    return render(request, "accounts/account.html", ctx)


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def revoke_token(request: Request, db: Db, user: SessionUser, token_id: int) -> Response:
    row = repo.token_by_id(db, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound()
    service.revoke_api_token(db, token_id)
    return redirect(request, "/account", _("The token was revoked."))


@api.get("/me", response_model=MeOut, summary="The signed-in user and their workspaces")
def me(db: Db, principal: CurrentPrincipal, user: CurrentUser) -> MeOut:
    workspaces = ws_repo.workspaces(db, principal.roles)
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        is_admin=user.is_admin,
        via=principal.kind,
        workspaces=[
            MembershipOut(workspace=w.slug, name=w.name, role=principal.roles[w.id].value) for w in workspaces
        ],
    )
