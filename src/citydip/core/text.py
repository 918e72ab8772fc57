"""Small text helpers shared by importers and lookups."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th"})


def fold(text: str) -> str:
    """Lower-case ASCII key: accents stripped, punctuation collapsed ("São Paulo" -> "sao paulo")."""
    text = text.casefold().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", text).strip()


def ascii_name(text: str) -> str:
    """The name with accents stripped but case kept ("São Paulo" -> "Sao Paulo")."""
    text = text.translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch) and ord(ch) < 128)


def slugify(text: str, max_length: int = 64) -> str:
    """A URL slug ("Los Angeles" -> "los-angeles")."""
    return fold(text).replace(" ", "-")[:max_length].strip("-")
