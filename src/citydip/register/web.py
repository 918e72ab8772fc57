"""Page helpers shared by the register's views: form parsing, error display, redirects."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from citydip.core.errors import AppError
from citydip.core.i18n import _
from citydip.register.vocab import Choices


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


def errors_of(exc: AppError) -> dict[str, str]:
    """Field -> message for a form; a message without field goes under ``_``."""
    errors: dict[str, str] = {}
    for problem in exc.details:
        key = problem.field.split(".")[0]
        errors.setdefault(key, problem.message)
    if not errors:
        errors["_"] = exc.message
    return errors


def redirect(path: str, flash: str = "") -> RedirectResponse:
    """303 to a page, with an optional flash message."""
    path, hash_, fragment = path.partition("#")
    if flash:
        path += ("&" if "?" in path else "?") + f"flash={quote(flash)}"
    return RedirectResponse(path + hash_ + fragment, status_code=303)


def translated(choices: Choices) -> list[tuple[str, str]]:
    """A vocabulary with translated labels."""
    return [(code, _(text)) for code, text in choices]


def list_values(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Make sure multi-valued form keys are lists (empty when nothing was ticked)."""
    for key in keys:
        value = data.get(key)
        if value is None:
            data[key] = []
        elif not isinstance(value, list):
            data[key] = [value]
    return data
