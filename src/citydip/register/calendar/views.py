"""Calendar pages (month view with an accessible table, feed management), the .ics download and feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from citydip.core.errors import FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.pages import Form, redirect
from citydip.core.templating import render
from citydip.core.tenancy import Role, Scope, set_scope
from citydip.core.web import Ctx, Db, DbRoute
from citydip.register.calendar import service
from citydip.workspaces.repository import workspace_by_id

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["calendar"])
ICS_TYPE = "text/calendar; charset=utf-8"


def parse_month(raw: str | None, today: dt.date) -> tuple[int, int]:
    """``YYYY-MM`` to (year, month); the current month when empty."""
    if not raw:
        return today.year, today.month
    try:
        year, month = (int(x) for x in raw.split("-", 1))
        dt.date(year, month, 1)
    except ValueError:
        raise ValidationFailed(
            "Invalid month.", [FieldProblem("month", "use YYYY-MM, e.g. 2026-12")]
        ) from None
    if not 1900 <= year <= 2200:
        raise ValidationFailed("Invalid month.", [FieldProblem("month", "year out of range")])
    return year, month


def _shift(year: int, month: int, delta: int) -> str:
    index = year * 12 + (month - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@router.get("/w/{ws}/calendar", include_in_schema=False)
def calendar_page(request: Request, db: Db, ctx: Ctx) -> Response:
    today = dt.date.today()
    year, month = parse_month(request.query_params.get("month"), today)
    grid = service.month_grid(db, ctx.id, year, month)
    return render(
        request,
        "register/calendar.html",
        grid
        | {
            "year": year,
            "month": month,
            "title": dt.date(year, month, 1).strftime("%B %Y"),
            "today": today,
            "prev": _shift(year, month, -1),
            "next": _shift(year, month, 1),
            "weekdays": [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        },
    )


def _ics_response(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type=ICS_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/w/{ws}/calendar.ics", include_in_schema=False)
def calendar_download(request: Request, db: Db, ctx: Ctx) -> Response:
    text = service.workspace_ics(db, ctx.workspace, str(request.base_url), dt.date.today())
    return _ics_response(text, f"{ctx.slug}-engagements.ics")


@router.get("/w/{ws}/calendar/feeds", include_in_schema=False)
def feeds_page(request: Request, db: Db, ctx: Ctx) -> Response:
    return render(request, "register/feeds.html", {"feeds": service.feeds(db, ctx), "new_url": None})


@router.post("/w/{ws}/calendar/feeds", include_in_schema=False)
def create_feed_page(request: Request, db: Db, ctx: Ctx, form: Form) -> Response:
    ctx.require_edit()
    label = form.get("label")
    token, _feed = service.create_feed(db, ctx, label if isinstance(label, str) else "")
    url = f"{str(request.base_url).rstrip('/')}/ical/{token}.ics"
    return render(request, "register/feeds.html", {"feeds": service.feeds(db, ctx), "new_url": url})


@router.post("/w/{ws}/calendar/feeds/{feed_id}/revoke", include_in_schema=False)
def revoke_feed_page(request: Request, db: Db, ctx: Ctx, feed_id: int) -> Response:
    ctx.require_edit()
    service.revoke_feed(db, ctx, feed_id)
    return redirect(request, f"/w/{ctx.slug}/calendar/feeds", _("The feed address no longer works."))


@router.get("/ical/{feed_token}.ics", include_in_schema=False)
def feed(request: Request, db: Db, feed_token: str) -> Response:
    """The secret feed: the token alone grants read access to this workspace's engagements."""
    row = service.feed_by_token(db, feed_token)
    workspace = workspace_by_id(db, row.workspace_id) if row else None
    if row is None or workspace is None:
        raise NotFound("This calendar address does not exist or was revoked.")
    set_scope(db, Scope(label=f"calendar-feed:{row.prefix}", roles={workspace.id: Role.viewer}))
    return _ics_response(
        service.workspace_ics(db, workspace, str(request.base_url), dt.date.today()),
        f"{workspace.slug}-engagements.ics",
    )


class FeedIn(BaseModel):
    """A new feed address."""

    label: str = Field("", max_length=120, description="What the address is for, e.g. 'Protocol team phone'")


class FeedOut(BaseModel):
    """A feed address; `url` is only present right after creation."""

    id: int
    label: str
    prefix: str = Field(description="First characters of the token, to tell feeds apart")
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    url: str | None = Field(None, description="The secret address (shown once)")


def _out(feed_row: Any, url: str | None = None) -> FeedOut:
    return FeedOut(
        id=feed_row.id,
        label=feed_row.label,
        prefix=feed_row.prefix,
        created_at=feed_row.created_at,
        revoked_at=feed_row.revoked_at,
        url=url,
    )


@api.get("/workspaces/{ws}/calendar/feeds", response_model=list[FeedOut], summary="Calendar feed addresses")
def api_feeds(db: Db, ctx: Ctx) -> list[FeedOut]:
    return [_out(f) for f in service.feeds(db, ctx)]


@api.post(
    "/workspaces/{ws}/calendar/feeds",
    response_model=FeedOut,
    status_code=201,
    summary="Create a secret iCalendar feed address",
)
def api_create_feed(request: Request, db: Db, ctx: Ctx, body: FeedIn) -> FeedOut:
    ctx.require_edit()
    token, row = service.create_feed(db, ctx, body.label)
    return _out(row, f"{str(request.base_url).rstrip('/')}/ical/{token}.ics")


@api.delete("/workspaces/{ws}/calendar/feeds/{feed_id}", status_code=204, summary="Revoke a feed address")
def api_revoke_feed(db: Db, ctx: Ctx, feed_id: int) -> Response:
    ctx.require_edit()
    service.revoke_feed(db, ctx, feed_id)
    return Response(status_code=204)


@api.get(
    "/workspaces/{ws}/calendar.ics",
    summary="The workspace's engagements as iCalendar (RFC 5545)",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def api_ics(request: Request, db: Db, ctx: Ctx) -> Response:
    text = service.workspace_ics(db, ctx.workspace, str(request.base_url), dt.date.today())
    return _ics_response(text, f"{ctx.slug}-engagements.ics")
