"""Progress badges for any page: the SDG pages call these and include ``sdgprogress/_badge.html``.

    from citydip.sdgprogress.badges import badges_for, goal_summary
    badges = badges_for(db, workspace.id, [indicator.code])      # code -> Badge
    {% from "sdgprogress/_badge.html" import progress_badge %}{{ progress_badge(badges.get(code)) }}

On public pages (anonymous scope) only public indicators and observations are read, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from citydip.sdgprogress.service import STATUS_ORDER, status_label, workspace_progress

# Background colours behind dark text (contrast >= 4.5:1), one per status.
BADGE_COLOURS = {
    "target_achieved": "#a6dba0",
    "substantial_progress": "#c7e9c0",
    "moderate_progress": "#fee08b",
    "fair_progress": "#fee08b",
    "limited_progress": "#fdb863",
    "limited_or_no_progress": "#fdb863",
    "deterioration": "#f4a3a3",
    "not_available": "#eeeeee",
}


@dataclass(frozen=True)
class Badge:
    """An indicator's progress status, ready to show."""

    status: str
    label: str
    score: float | None
    source: str  # auto | manual | default

    @property
    def colour(self) -> str:
        """Background colour of the badge."""
        return BADGE_COLOURS.get(self.status, "#eeeeee")


@dataclass(frozen=True)
class GoalProgress:
    """A goal's progress: how many indicators per status (best first), and each indicator's badge."""

    goal: int
    counts: list[tuple[str, str, int, str]]  # (status, label, count, colour)
    badges: dict[str, Badge]

    @property
    def total(self) -> int:
        """Indicators with a progress status."""
        return sum(row[2] for row in self.counts)


def badges_for(session: Session, workspace_id: int, codes: Sequence[str] | None = None) -> dict[str, Badge]:
    """Indicator code -> badge, for configured indicators (optionally only some codes)."""
    return {
        r.code: Badge(r.status, r.label, r.score, r.source)
        for r in workspace_progress(session, workspace_id, codes=codes)
    }


def summarise(goal: int, badges: dict[str, Badge]) -> GoalProgress:
    """Counts by status for a set of badges."""
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for badge in badges.values():
        counts[badge.status] = counts.get(badge.status, 0) + 1
    rows = [(s, status_label(s), n, BADGE_COLOURS.get(s, "#eeeeee")) for s, n in counts.items() if n]
    return GoalProgress(goal=goal, counts=rows, badges=badges)


def goal_summary(session: Session, workspace_id: int, goal: int) -> GoalProgress:
    """Progress of one goal's configured indicators."""
    results = [r for r in workspace_progress(session, workspace_id) if r.goal == goal]
    return summarise(goal, {r.code: Badge(r.status, r.label, r.score, r.source) for r in results})
