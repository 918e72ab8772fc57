"""Jinja2 environment and the ``render()`` helper every page uses.

Templates live in each domain's ``templates/`` folder (named ``<domain>/<page>.html``) and in
``citydip/web/templates`` for the shell (base layout, errors). Everything shown goes through ``_()``.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from citydip.core.i18n import _, get_locale, ngettext
from citydip.domains import folders, nav_items


def template_dirs() -> list[str]:
    """The shell's templates first, then each domain's."""
    dirs = [str(resources.files("citydip.web").joinpath("templates"))]
    dirs.extend(str(path) for _package, path in folders("templates"))
    return dirs


def fmt_number(value: Any, digits: int = 0) -> str:
    """A number with thousands separators; never 'nan' (missing values show as an en dash)."""
    if value is None or value == "":
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    return f"{number:,.{digits}f}"


def fmt_date(value: Any, style: str = "medium") -> str:
    """A date or datetime for display (ISO-like, unambiguous across locales)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC") if style != "date" else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y") if style == "long" else value.isoformat()
    return str(value)


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) != 6:
        return 0.0
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink_for(background: str) -> str:
    """Black or white text, whichever has the higher WCAG contrast ratio on ``background``."""
    lum = _luminance(background)
    on_white = 1.05 / (lum + 0.05)
    on_black = (lum + 0.05) / 0.05
    return "#ffffff" if on_white >= on_black else "#1b1f24"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared Jinja environment."""
    env = Environment(
        loader=FileSystemLoader(template_dirs()),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(_=_, ngettext=ngettext, nav_items=nav_items, get_locale=get_locale)
    env.filters.update(number=fmt_number, date=fmt_date, ink=ink_for)
    return env


def static_url(path: str) -> str:
    """URL of a packaged static file."""
    return "/static/" + path.lstrip("/")


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page with the shell's context (principal, workspace, CSRF token, flash messages)."""
    from citydip.core.pages import flash_message
    from citydip.core.web import csrf_token, finish_anon_cookie

    principal = getattr(request.state, "principal", None)
    ctx: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "user": getattr(principal, "user", None),
        "ctx": getattr(request.state, "workspace_ctx", None),
        "csrf_token": csrf_token(request),
        "static": static_url,
        "flash": flash_message(request),
        "htmx": request.headers.get("hx-request") == "true",
        "Markup": Markup,
    }
    ctx.update(context or {})
    html = environment().get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    finish_anon_cookie(request, response)
    return response
