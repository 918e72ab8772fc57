"""One translation function for every user-facing string (English first).

Catalogues are JSON files in ``citydip/locales/<lang>.json`` mapping the English text to its translation;
a missing entry falls back to English. ``{name}`` placeholders are filled with ``str.format``.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from typing import Any

DEFAULT_LOCALE = "en"
_current: ContextVar[str] = ContextVar("citydip_locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=16)
def catalogue(locale: str) -> dict[str, str]:
    """The translations of one locale (empty for English or unknown locales)."""
    path = resources.files("citydip").joinpath("locales", f"{locale}.json")
    if not path.is_file():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def available_locales() -> list[str]:
    """Locales with a catalogue, English first."""
    folder = resources.files("citydip").joinpath("locales")
    found = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))
    return [DEFAULT_LOCALE, *[f for f in found if f != DEFAULT_LOCALE]]


def set_locale(locale: str) -> None:
    """Use a locale for the rest of this request or command."""
    _current.set(locale or DEFAULT_LOCALE)


def get_locale() -> str:
    """The locale in use."""
    return _current.get()


def gettext(message: str, /, **values: Any) -> str:
    """Translate ``message`` into the current locale and fill placeholders."""
    text = catalogue(_current.get()).get(message, message) if _current.get() != DEFAULT_LOCALE else message
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """Translate a message that depends on a count."""
    return gettext(singular if n == 1 else plural, n=n, **values)


_ = gettext
