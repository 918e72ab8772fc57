"""Small helpers shared by the signed-in and the public practice pages."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citydip.core.i18n import _
from citydip.practices.models import Practice
from citydip.reference import repository as ref_repo


def goal_choices(db: Session) -> list[tuple[str, str]]:
    """(number, "number short label") of the 17 goals."""
    return [(str(g.number), f"{g.number} {g.short_label}") for g in ref_repo.goals(db)]


def text_sections(practice: Practice) -> list[tuple[str, str]]:
    """(heading, text) of the practice's written sections that are filled in."""
    labels = {
        "summary": _("Summary"),
        "problem": _("Problem"),
        "solution": _("Solution"),
        "approach": _("Approach"),
        "participation": _("Participation"),
        "outcomes": _("Outcomes"),
        "cost": _("Cost"),
        "transferability": _("Transferability"),
    }
    return [(labels[name], text) for name, text in practice.text_sections().items()]
