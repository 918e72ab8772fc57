"""The page kit: what every HTML handler needs besides ``render()``, written once.

- ``Form`` (a dependency) and ``form_values()`` read a submitted form; ``parse_model()`` builds a Pydantic
  model from it or raises ``ValidationFailed`` naming each field; ``errors_of()`` turns an ``AppError`` into
  the ``{field: message}`` a form template shows.
- ``form_errors(show)`` wraps the service call of a form handler: on an ``AppError`` the request's
  transaction is rolled back by ``DbRoute`` and the page ``show(errors)`` returns is sent instead, with the
  error's status. Views never call ``db.rollback()`` themselves.
- ``redirect(request, path, message)`` is the one flash-and-redirect: a 303 whose banner message is signed
  for this browser (HMAC over the message and the browser's session or anonymous cookie). ``render()``
  shows a banner only when the signature holds, so ``?flash=anything`` typed into the address bar or sent
  in a link shows nothing (a phishing aid otherwise). The sign-in page likewise shows only the fixed
  messages of ``LOGIN_REASONS``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from citydip.core.errors import AppError
from citydip.core.i18n import _
from citydip.core.security import same, sign
from citydip.core.validation import parse_model as parse_model  # re-exported: the kit in one import
from citydip.core.validation import problems_of as problems_of
from citydip.core.web import ShowInstead, csrf_binding, finish_anon_cookie, new_anon_binding

FLASH_PARAM = "flash"
MAX_FLASH = 300


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]
"""The submitted form of a POST handler."""


def form_values(form: Any, multi: Iterable[str] = ()) -> dict[str, Any]:
    """A submitted form as a dict: blank strings dropped, ``multi`` fields as lists (empty when none ticked)."""
    many = set(multi)
    data: dict[str, Any] = {}
    for key in set(form.keys()):
        if key == "csrf_token":
            continue
        if key in many:
            data[key] = [v for v in form.getlist(key) if isinstance(v, str) and v.strip()]
            continue
        value = form.get(key)
        if isinstance(value, str) and value.strip() != "":
            data[key] = value.strip()
    for key in many:
        data.setdefault(key, [])
    return data


def errors_of(exc: AppError, rename: Mapping[str, str] | None = None) -> dict[str, str]:
    """Field -> message for a form (the first problem of each field; ``rename`` maps a model field to the
    form field that shows it); a message without a field goes under ``_``."""
    errors: dict[str, str] = {}
    for problem in exc.details:
        key = problem.field.split(".")[0]
        errors.setdefault((rename or {}).get(key, key), problem.message)
    if not errors:
        errors["_"] = exc.message
    return errors


@contextmanager
def form_errors(
    show: Callable[[dict[str, str]], Response], rename: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Run a form's service call; on an ``AppError`` roll the request back and answer ``show(errors)``:
    a page gets the error's status (422 for invalid fields, 409 for a conflict...), a redirect stays one."""
    try:
        yield
    except AppError as exc:
        errors, status = errors_of(exc, rename), exc.status_code

        def respond() -> Response:
            response = show(errors)
            if response.status_code == 200:
                response.status_code = status
            return response

        raise ShowInstead(respond) from exc


# --- flash messages ---------------------------------------------------------------------------------------


def _flash_signature(request: Request, binding: str, message: str) -> str:
    secret: str = request.app.state.secret_key
    return sign(secret, f"flash:{binding}:{message}")[:32]


def flash_token(request: Request, message: str) -> str:
    """``message`` encoded and signed for this browser (the value of ``?flash=``)."""
    message = message[:MAX_FLASH]
    binding = csrf_binding(request) or new_anon_binding(request)
    encoded = base64.urlsafe_b64encode(message.encode()).decode().rstrip("=")
    return f"{encoded}.{_flash_signature(request, binding, message)}"


def flash_message(request: Request) -> str:
    """The banner message of this page: only one the server signed for this browser, else nothing."""
    token = request.query_params.get(FLASH_PARAM, "")
    binding = csrf_binding(request)
    encoded, dot, signature = token.partition(".")
    if not token or not dot or binding is None:
        return ""
    try:
        message = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    return message if same(signature, _flash_signature(request, binding, message)) else ""


def redirect(request: Request, path: str, message: str = "") -> RedirectResponse:
    """303 to a local page, with an optional banner message (signed, URL-quoted, before any #fragment)."""
    path, hash_, fragment = path.partition("#")
    if message:
        path += ("&" if "?" in path else "?") + f"{FLASH_PARAM}={quote(flash_token(request, message))}"
    response = RedirectResponse(path + hash_ + fragment, status_code=303)
    finish_anon_cookie(request, response)
    return response


LOGIN_REASONS: dict[str, str] = {
    "sign_in": "Please sign in.",
    "expired": "Your session has expired. Please sign in again.",
    "signed_out": "You have signed out.",
}
"""Why the sign-in page is shown (``/login?reason=<key>``); any other value shows no message."""


def login_reason(key: str) -> str:
    """The sign-in page's message for a reason key (translated), or nothing for an unknown key."""
    text = LOGIN_REASONS.get(key)
    return _(text) if text else ""
