"""Dashboard panel: the workspace's SDG indicators by reporting status."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.dashboard import Panel
from citydip.core.i18n import _
from citydip.sdg.display import STATUS_LABELS
from citydip.sdg.indicators import repository as repo
from citydip.sdg.indicators.models import REPORTING_STATUSES


def panels(db: Session, ctx: WorkspaceContext) -> list[Panel]:
    """One box: how many indicators are reported, in progress, not started."""
    counts = repo.status_counts(db, ctx.id)
    totals = {s: sum(c.get(s, 0) for c in counts.values()) for s in REPORTING_STATUSES}
    rows = [(s, _(STATUS_LABELS[s]), totals[s]) for s in REPORTING_STATUSES if totals[s]]
    return [
        Panel(
            _("SDG indicators"),
            "sdg/_panel.html",
            {"rows": rows, "total": sum(totals.values()), "base": f"/w/{ctx.slug}/sdg"},
            order=40,
            empty=not rows,
        )
    ]
