"""Exception handlers: JSON errors for the API, friendly pages for people, never a stack trace."""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citydip.core.errors import AppError, FieldProblem, NotAuthenticated
from citydip.core.i18n import _
from citydip.core.web import json_or_form

log = logging.getLogger("citydip.web")

TITLES = {
    400: "Bad request",
    401: "Please sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Request too large",
    422: "Please check the form",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Busy, try again",
}


def error_body(code: str, message: str, details: list[FieldProblem] | list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON error envelope."""
    items = [d.as_dict() if isinstance(d, FieldProblem) else d for d in details]
    return {"error": {"code": code, "message": message, "details": items}}


def _page(request: Request, status: int, message: str, details: list[FieldProblem]) -> Response:
    from citydip.core.templating import render

    try:
        return render(
            request,
            "error.html",
            {
                "status": status,
                "title": _(TITLES.get(status, "Error")),
                "message": message,
                "details": details,
            },
            status_code=status,
        )
    except Exception:  # rendering the error page must never fail into a trace
        log.exception("error page failed to render")
        return Response(f"{status} {message}", status_code=status, media_type="text/plain")


def respond(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[FieldProblem],
    reason: str = "sign_in",
) -> Response:
    """An error response in the form the client wants (a 401 page sends people to sign in, for ``reason``)."""
    if json_or_form(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}&reason={quote(reason)}", status_code=303)
    return _page(request, status, message, details)


async def app_error(request: Request, exc: Exception) -> Response:
    """Errors raised on purpose."""
    assert isinstance(exc, AppError)
    status = exc.status_code
    # A 403 on a record would reveal that it exists; only workspace-level role checks use 403.
    reason = exc.reason if isinstance(exc, NotAuthenticated) else "sign_in"
    return respond(request, status, exc.code, exc.message, exc.details, reason)


async def validation_error(request: Request, exc: Exception) -> Response:
    """Request validation by FastAPI (bad JSON, wrong types, missing fields)."""
    assert isinstance(exc, RequestValidationError)
    problems: list[FieldProblem] = []
    malformed = False
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            malformed = True
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        problems.append(FieldProblem(".".join(loc) or "body", str(err.get("msg", "invalid"))))
    if malformed:
        return respond(request, 400, "malformed_json", _("The request body is not valid JSON."), problems)
    return respond(request, 422, "validation_failed", _("Some fields are not valid."), problems)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTP errors (unknown path, wrong method)."""
    assert isinstance(exc, StarletteHTTPException)
    messages = {
        404: _("There is nothing at this address."),
        405: _("This address does not accept that method."),
    }
    message = messages.get(exc.status_code) or str(exc.detail)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    response = respond(request, exc.status_code, code, message, [])
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    if exc.status_code == 405:  # Allow lists every method of the address, not only the first route's
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


_PATH_PARAM = re.compile(r"{[^}]+}")


def _allowed_methods(request: Request) -> list[str]:
    from citydip.web.routes import flat_routes

    path = request.url.path
    allowed: set[str] = set()
    for route in flat_routes(request.app):
        pattern = (
            "^"
            + _PATH_PARAM.sub("[^/]+", re.escape(route.path).replace(r"\{", "{").replace(r"\}", "}"))
            + "$"
        )
        if re.match(pattern, path):
            allowed |= set(route.methods)
    exact = {m for route in flat_routes(request.app) if route.path == path for m in route.methods}
    # A literal address (/index-runs/upload) is not also the parameterised one (/index-runs/{id}).
    return sorted((exact or allowed) - {"HEAD"})  # as the OpenAPI document lists them


class ErrorDetail(BaseModel):
    """Where a problem is."""

    field: str = Field(description="The field, parameter or 'file' the problem is about")
    message: str = Field(description="What is wrong, in words")
    row: int | None = Field(default=None, description="Row of an uploaded file")
    file: str | None = Field(default=None, description="Name of an uploaded file")


class ErrorBody(BaseModel):
    """The error envelope's content."""

    code: str = Field(description="A stable code: not_found, validation_failed, busy, ...")
    message: str = Field(description="What happened, in words")
    details: list[ErrorDetail] = Field(description="Each problem, naming its field")


class ErrorOut(BaseModel):
    """Every error the API answers (4xx and 5xx)."""

    error: ErrorBody


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": TITLES.get(status, "Error")}
    for status in (400, 401, 403, 404, 405, 409, 410, 413, 422, 429, 500, 503)
}
"""Declared on every API operation, so the OpenAPI document lists every status the API can answer."""


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Anything else: logged with a reference, shown without internals."""
    reference = secrets.token_hex(4)
    log.error("unhandled error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
    message = _("Something went wrong on our side. Nothing was changed. Reference: {ref}.", ref=reference)
    return respond(request, 500, "internal_error", message, [])


# SQLSTATEs of PostgreSQL that mean "another transaction was in the way", not "this request is wrong".
_PG_BUSY = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def _busy(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    return getattr(exc.orig, "sqlstate", None) in _PG_BUSY


async def database_error(request: Request, exc: Exception) -> Response:
    """A write that lost a race: 503 (try again) when the database was busy, 409 for a unique clash."""
    assert isinstance(exc, DBAPIError)
    if _busy(exc):
        log.warning("database busy on %s %s: %s", request.method, request.url.path, exc.orig)
        response = respond(
            request,
            503,
            "busy",
            _("The database is busy with another change. Nothing was changed; please try again."),
            [],
        )
        response.headers["Retry-After"] = "1"
        return response
    if column := _null_column(exc):
        return respond(
            request,
            422,
            "validation_failed",
            _("Some fields are not valid."),
            [FieldProblem(column, _("may not be empty (null); leave the field out to keep its value"))],
        )
    if getattr(exc.orig, "sqlstate", None) == "22003":  # numeric value out of range
        return _out_of_range(request)
    if isinstance(exc, IntegrityError):
        log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return respond(
            request,
            409,
            "conflict",
            _("Someone else changed the same records at the same moment. Nothing was changed; try again."),
            [],
        )
    return await unexpected_error(request, exc)


_NOT_NULL = (
    re.compile(r"NOT NULL constraint failed: \w+\.(\w+)"),  # SQLite
    re.compile(r'null value in column "(\w+)"'),  # PostgreSQL
)


def _null_column(exc: DBAPIError) -> str | None:
    """The column a NOT NULL constraint refused (a request that sent null for a required field)."""
    if not isinstance(exc, IntegrityError):
        return None
    text = str(exc.orig)
    for pattern in _NOT_NULL:
        if match := pattern.search(text):
            return match.group(1)
    return None


def _out_of_range(request: Request) -> Response:
    return respond(
        request,
        422,
        "validation_failed",
        _("A number is larger than the database can hold."),
        [FieldProblem("number", _("out of range"))],
    )


async def overflow_error(request: Request, exc: Exception) -> Response:
    """A Python integer too large for SQLite's 64-bit INTEGER reached the driver: the request is at fault."""
    return _out_of_range(request)


class CatchAllMiddleware:
    """Turn any exception into a clean 500 *inside* the app, so the server keeps the connection open.

    Starlette hands a handler registered for ``Exception`` to its outermost middleware, which sends the page
    and then re-raises; uvicorn then closes the keep-alive connection and the client's next request on it
    fails. This middleware sits just outside the handlers of known errors and answers instead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise  # half a response was sent: only closing the connection can tell the client
            response = await unexpected_error(Request(scope, receive), exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the app (call before adding other middleware: this one must be innermost)."""
    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(OverflowError, overflow_error)
    app.add_middleware(CatchAllMiddleware)
    app.add_exception_handler(Exception, unexpected_error)  # last resort, outside every middleware
