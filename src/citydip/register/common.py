"""Helpers shared by the register's services and pages: validation, countries, SDGs, challenges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.reference.cities import country_code_for
from citydip.reference.models import Country, SdgGoal
from citydip.register.challenges.models import Challenge
from citydip.register.vocab import Choices, codes


def check_choice(value: str, choices: Choices, field: str) -> str:
    """The value if it is one of the codes, else a ValidationFailed naming the field."""
    if value not in codes(choices):
        raise ValidationFailed(
            "Some fields are not valid.",
            [FieldProblem(field, f"'{value}' is not one of: {', '.join(codes(choices))}")],
        )
    return value


def country_or_problem(session: Session, text: str | None, field: str) -> str | None:
    """ISO alpha-2 for a code or English name, None for blank; unknown countries are an error."""
    if text is None or not text.strip():
        return None
    code = country_code_for(text)
    if code is None or session.get(Country, code) is None:
        raise ValidationFailed(
            "Unknown country.", [FieldProblem(field, f"unknown country '{text.strip()[:60]}'")]
        )
    return code


def check_goals(session: Session, goals: Sequence[int], field: str = "sdgs") -> list[int]:
    """Distinct SDG numbers 1-17, in order."""
    wanted = sorted(set(goals))
    bad = [g for g in wanted if not 1 <= g <= 17]
    if bad:
        raise ValidationFailed(
            "Unknown SDG.", [FieldProblem(field, f"SDGs are numbered 1 to 17, not {bad[0]}")]
        )
    known = set(session.scalars(select(SdgGoal.number)).all())
    if known and not set(wanted) <= known:
        raise ValidationFailed("Unknown SDG.", [FieldProblem(field, "SDG not in the reference data")])
    return wanted


def challenge_codes(session: Session) -> list[tuple[str, str]]:
    """The shared challenge list as (code, label), in order."""
    rows = session.execute(
        select(Challenge.code, Challenge.label).order_by(Challenge.position, Challenge.code)
    )
    return [(c, label) for c, label in rows.all()]


def check_challenges(session: Session, values: Sequence[str], field: str = "challenges") -> list[str]:
    """Distinct challenge codes from the shared list."""
    known = dict(challenge_codes(session))
    by_label = {label.casefold(): code for code, label in known.items()}
    out: list[str] = []
    for raw in values:
        value = raw.strip()
        code = value if value in known else by_label.get(value.casefold())
        if code is None:
            raise ValidationFailed(
                "Unknown challenge.", [FieldProblem(field, f"'{value[:60]}' is not in the challenge list")]
            )
        if code not in out:
            out.append(code)
    return out


def check_order(start: dt.date | None, end: dt.date | None, field: str, what: str = "start date") -> None:
    """An end date must not be before its start date."""
    if start is not None and end is not None and end < start:
        raise ValidationFailed(
            "The dates are in the wrong order.", [FieldProblem(field, f"is before the {what}")]
        )


def goal_labels(session: Session) -> list[tuple[str, str]]:
    """SDG choices for forms: ("11", "11 Sustainable cities...")."""
    rows = session.execute(select(SdgGoal.number, SdgGoal.short_label).order_by(SdgGoal.number)).all()
    return [(str(n), f"{n} {label}") for n, label in rows]


def countries(session: Session) -> list[tuple[str, str]]:
    """Country choices for forms, by name."""
    rows = session.execute(select(Country.alpha2, Country.name).order_by(Country.name)).all()
    return [(code, name) for code, name in rows]
