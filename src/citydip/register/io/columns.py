"""Column definitions shared by import, export and templates, and the parsers that check each cell."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.text import fold
from citydip.reference.cities import country_code_for
from citydip.reference.models import Country, SdgGoal
from citydip.register.common import challenge_codes
from citydip.register.vocab import Choices, codes


@dataclass
class Vocab:
    """Reference values loaded once per import (countries, SDGs, challenges)."""

    countries: set[str]
    goals: set[int]
    challenges: dict[str, str]  # code or folded label -> code

    @classmethod
    def load(cls, session: Session) -> Vocab:
        """Read the reference tables."""
        challenges: dict[str, str] = {}
        for code, label in challenge_codes(session):
            challenges[code] = code
            challenges[fold(label)] = code
        return cls(
            set(session.scalars(select(Country.alpha2)).all()),
            set(session.scalars(select(SdgGoal.number)).all()) or set(range(1, 18)),
            challenges,
        )


Parser = Callable[[str, Vocab], Any]


@dataclass(frozen=True)
class Column:
    """One column of an import/export file."""

    name: str
    parse: Parser
    required: bool = False
    help: str = ""
    example: str = ""
    choices: Sequence[str] = field(default_factory=tuple)


def text(max_length: int) -> Parser:
    """Free text up to a length."""

    def parse(value: str, _v: Vocab) -> str:
        value = value.strip()
        if len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        return value

    return parse


def choice(choices: Choices) -> Parser:
    """A code from a vocabulary (its English label is accepted too)."""
    by_key = {c: c for c in codes(choices)} | {fold(label): c for c, label in choices}

    def parse(value: str, _v: Vocab) -> str:
        found = by_key.get(value.strip()) or by_key.get(fold(value))
        if found is None:
            raise ValueError(f"'{value.strip()[:40]}' is not one of: {', '.join(codes(choices))}")
        return found

    return parse


def date(value: str, _v: Vocab) -> dt.date:
    """An ISO date (YYYY-MM-DD)."""
    text_value = value.strip()
    try:
        return dt.date.fromisoformat(
            text_value[:10] if len(text_value) > 10 and text_value[10] in " T" else text_value
        )
    except ValueError:
        raise ValueError(f"'{text_value[:40]}' is not a date; use YYYY-MM-DD") from None


def time(value: str, _v: Vocab) -> dt.time:
    """A time of day (HH:MM)."""
    try:
        return dt.time.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'{value.strip()[:20]}' is not a time; use HH:MM") from None


def whole(value: str, _v: Vocab) -> int:
    """A whole number, not negative."""
    try:
        number = int(value.strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"'{value.strip()[:20]}' is not a whole number") from None
    if number < 0:
        raise ValueError("must not be negative")
    return number


def amount(value: str, _v: Vocab) -> float:
    """A finite amount, not negative."""
    try:
        number = float(value.strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"'{value.strip()[:20]}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    if number < 0:
        raise ValueError("must not be negative")
    return number


def currency(value: str, _v: Vocab) -> str:
    """An ISO 4217 code."""
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError("use a three-letter currency code such as USD")
    return code


def country(value: str, vocab: Vocab) -> str:
    """An ISO country code or English name."""
    code = country_code_for(value)
    if code is None or code not in vocab.countries:
        raise ValueError(f"unknown country '{value.strip()[:40]}'")
    return code


def national_day(value: str, _v: Vocab) -> str:
    """MM-DD (a full date keeps its month and day)."""
    text_value = value.strip()
    if len(text_value) == 10:
        text_value = text_value[5:]
    try:
        dt.date.fromisoformat(f"2000-{text_value}")
    except ValueError:
        raise ValueError("use MM-DD, e.g. 10-01") from None
    return text_value


def items(value: str) -> list[str]:
    """Values separated by semicolons."""
    return [part.strip() for part in value.split(";") if part.strip()]


def goals(value: str, vocab: Vocab) -> list[int]:
    """SDG numbers separated by semicolons ("11; 13")."""
    out: list[int] = []
    for part in items(value):
        number = part.upper().removeprefix("SDG").strip()
        if not number.isdigit() or int(number) not in vocab.goals:
            raise ValueError(f"'{part[:20]}' is not an SDG number (1-17)")
        if int(number) not in out:
            out.append(int(number))
    return out


def challenges(value: str, vocab: Vocab) -> list[str]:
    """Challenge codes or labels separated by semicolons."""
    out: list[str] = []
    for part in items(value):
        code = vocab.challenges.get(part) or vocab.challenges.get(fold(part))
        if code is None:
            raise ValueError(f"'{part[:40]}' is not in the challenge list")
        if code not in out:
            out.append(code)
    return out


def choice_list(choices: Choices) -> Parser:
    """Several vocabulary codes separated by semicolons."""
    one = choice(choices)

    def parse(value: str, vocab: Vocab) -> list[str]:
        return list(dict.fromkeys(one(part, vocab) for part in items(value)))

    return parse


def references(value: str, _v: Vocab) -> list[str]:
    """Names or ids of other records, separated by semicolons (resolved later)."""
    return items(value)


def signatories(value: str, _v: Vocab) -> list[dict[str, str]]:
    """ "Name | Title | On behalf of; ..."."""
    out = []
    for part in items(value):
        bits = [b.strip() for b in part.split("|")]
        if not bits[0]:
            raise ValueError("a signatory needs a name")
        out.append(
            {
                "name": bits[0][:200],
                "title": (bits[1] if len(bits) > 1 else "")[:200],
                "on_behalf_of": (bits[2] if len(bits) > 2 else "")[:200],
            }
        )
    return out


def record_id(value: str, _v: Vocab) -> str:
    """A CityDip record id (as exported)."""
    import uuid

    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise ValueError("is not a CityDip record id; leave it empty for new rows") from None
