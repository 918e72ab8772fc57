"""Dashboard panels: my open follow-ups, overdue follow-ups, upcoming engagements, renewals due."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from citydip.accounts import repository as accounts_repo
from citydip.core.context import WorkspaceContext
from citydip.core.dashboard import Panel
from citydip.core.i18n import _
from citydip.register.agreements import repository as agreements_repo
from citydip.register.engagements import repository as engagements_repo
from citydip.register.followups import repository as followups_repo


def panels(db: Session, ctx: WorkspaceContext) -> list[Panel]:
    """The register's boxes on the workspace dashboard."""
    today = dt.date.today()
    user = ctx.principal.user
    mine = followups_repo.open_of_owner(db, ctx.id, user.id) if user else []
    overdue = followups_repo.overdue(db, ctx.id, today)
    upcoming = engagements_repo.upcoming(db, ctx.id, today, 8)
    renewals = agreements_repo.renewals_due(db, ctx.id, today)
    owners = {u.id: u.name or u.email for _m, u in accounts_repo.members_of(db, ctx.id)} if overdue else {}
    return [
        Panel(
            _("My open follow-ups"),
            "register/panels/followups.html",
            {
                "rows": mine,
                "today": today,
                "owners": {},
                "more": f"?owner_id={user.id if user else ''}&open=true",
                "empty_text": _("Nothing open for you."),
            },
            order=10,
            empty=not mine,
        ),
        Panel(
            _("Overdue follow-ups"),
            "register/panels/followups.html",
            {
                "rows": overdue,
                "today": today,
                "owners": owners,
                "more": "?overdue=true",
                "empty_text": _("Nothing overdue."),
            },
            order=11,
            empty=not overdue,
        ),
        Panel(
            _("Upcoming engagements"),
            "register/panels/upcoming.html",
            {"rows": upcoming},
            order=12,
            empty=not upcoming,
        ),
        Panel(
            _("Renewals due"),
            "register/panels/renewals.html",
            {"rows": renewals, "today": today},
            order=13,
            empty=not renewals,
        ),
    ]
