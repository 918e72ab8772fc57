"""The ``sdg_badges`` room: progress badges next to indicators on the public SDG site (see
:mod:`citydip.sdg.site.badges`). Only indicators with progress options get one; the public scope reads public
indicators only, as everywhere else."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup
from sqlalchemy.orm import Session

from citydip.core.templating import environment
from citydip.sdgprogress.badges import badges_for, summarise


def badges(
    db: Session, workspace_id: int, codes: Sequence[str], gettext: Callable[..., str]
) -> tuple[dict[str, Markup], Markup]:
    """Indicator code -> progress badge, and the counts by status of those indicators."""
    found = badges_for(db, workspace_id, list(codes))
    macros = environment().get_template("sdgprogress/_badge.html").module
    badge_html = getattr(macros, "progress_badge")  # noqa: B009 -- a template macro, not a Python attribute
    counts_html = getattr(macros, "progress_counts")  # noqa: B009
    # The macros render through the autoescaping environment, so their output is already safe markup.
    per_indicator = {code: Markup(badge_html(badge)) for code, badge in found.items()}  # noqa: S704
    summary = Markup(counts_html(summarise(0, found)))  # noqa: S704
    return per_indicator, summary
