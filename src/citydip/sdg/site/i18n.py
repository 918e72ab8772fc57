"""Texts of the public SDG site in the languages a repository publishes.

The site follows the repository's languages (Los Angeles: English and Spanish), not the visitor's account
language, so it carries its own small catalogues (``sdg/locales/<lang>.json``, English text -> translation)
and falls back to the application's catalogue, then to English. Goal titles come from the reference data's
translated labels.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

from citydip.core.i18n import catalogue as core_catalogue

Gettext = Callable[..., str]


@lru_cache(maxsize=8)
def catalogue(language: str) -> dict[str, str]:
    """The SDG site's own translations for a language (empty when there is none)."""
    path = resources.files("citydip.sdg.site").joinpath("locales", f"{language}.json")
    if not path.is_file():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def gettext_for(language: str) -> Gettext:
    """A ``_()`` for one language: SDG catalogue, then the application's, then English."""
    own = catalogue(language)
    core = core_catalogue(language) if language != "en" else {}

    def gettext(message: str, /, **values: Any) -> str:
        """Translate a message and fill its placeholders."""
        text = own.get(message) or core.get(message) or message
        return text.format(**values) if values else text

    return gettext


@lru_cache(maxsize=1)
def _goal_labels() -> dict[int, dict[str, str]]:
    path = resources.files("citydip.reference").joinpath("data", "sdg_goals.csv")
    out: dict[int, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
        labels = {"en": row.get("label", "")}
        for key, value in row.items():
            if key and key.startswith("label_") and value:
                labels[key[6:]] = value
        out[int(row["goal"])] = labels
    return out


def goal_title(number: int, language: str, english: str) -> str:
    """A goal's short title in a language (English when the reference data has no translation)."""
    labels = _goal_labels().get(number, {})
    return labels.get(language) or english
