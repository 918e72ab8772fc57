"""Badges that other domains show next to indicators on the public SDG site (the ``sdg_badges`` room).

A domain adds ``citydip/<domain>/sdg_badges.py`` with

    def badges(db: Session, workspace_id: int, codes: Sequence[str], gettext: Gettext)
        -> tuple[dict[str, Markup], Markup]: ...

returning ready-made HTML: indicator code -> badge, and one summary of those indicators (empty when there is
nothing to say). ``gettext`` translates into the page's language. The SDG site imports no such domain: the
progress domain builds on the SDG data, so the site finds its badges here instead of importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import Session

from citydip.domains import rooms
from citydip.sdg.site.i18n import Gettext

BadgeProvider = Callable[[Session, int, Sequence[str], Gettext], tuple[dict[str, Markup], Markup]]


@dataclass
class Badges:
    """Badges of some indicators from every domain that has the room, and their summaries."""

    per_indicator: dict[str, Markup] = field(default_factory=dict)
    summary: Markup = field(default_factory=Markup)

    def get(self, code: str) -> Markup:
        """The badges of one indicator (empty when none)."""
        return self.per_indicator.get(code, Markup(""))


def badges_for(db: Session, workspace_id: int, codes: Sequence[str], gettext: Gettext) -> Badges:
    """Ask each ``sdg_badges`` room for the badges of these indicators."""
    out = Badges()
    for _package, module in rooms("sdg_badges"):
        provider: BadgeProvider | None = getattr(module, "badges", None)
        if provider is None:
            continue
        per_indicator, summary = provider(db, workspace_id, codes, gettext)
        for code, html in per_indicator.items():
            out.per_indicator[code] = out.get(code) + html
        out.summary += summary
    return out
