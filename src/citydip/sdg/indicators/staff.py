"""What every staff page of the SDG data shares: the section's base URL, the indicator of the URL (404 when it
is not the workspace's), form errors and the common template context."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from citydip.core.errors import AppError, NotFound
from citydip.core.i18n import _
from citydip.core.web import Ctx
from citydip.sdg.display import STATUS_LABELS, fmt_value
from citydip.sdg.indicators import repository as repo
from citydip.sdg.indicators.models import REPORTING_STATUSES, CityIndicator

VISIBILITIES = ("private", "network", "public")


def staff_base(ctx: Ctx) -> str:
    """The staff SDG section of the workspace."""
    return f"/w/{ctx.slug}/sdg"


def indicator_or_404(db: Session, ctx: Ctx, indicator_code: str) -> CityIndicator:
    """The workspace's indicator with this code, or NotFound."""
    ind = repo.indicator_by_code(db, ctx.id, indicator_code)
    if ind is None:
        raise NotFound(_("No such indicator."))
    return ind


def form_errors(exc: AppError) -> dict[str, str]:
    """Field -> message of an error, for a form (the whole message when no field is named)."""
    return {p.field: p.message for p in exc.details} or {"form": exc.message}


def staff_context(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    """The template context every staff SDG page needs, plus ``extra``."""
    defaults: dict[str, Any] = {"errors": {}, "values": {}}
    return defaults | {
        "base": staff_base(ctx),
        "can_edit": ctx.role.can_edit,
        "status_label": lambda s: _(STATUS_LABELS.get(s) or str(s)),
        "statuses": REPORTING_STATUSES,
        "status_choices": [(s, _(STATUS_LABELS[s])) for s in REPORTING_STATUSES],
        "visibilities": VISIBILITIES,
        "fmt_value": fmt_value,
        **extra,
    }
