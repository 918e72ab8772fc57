"""The map page (inline SVG plus a text table) and the SVG itself as a file."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from citydip.core.i18n import _
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.register.geo.service import map_data
from citydip.register.geo.svgmap import AGREEMENT_COLOURS, OTHER_PARTNER_COLOUR, PARTNER_COLOURS
from citydip.register.geo.svgmap import render as render_svg
from citydip.register.vocab import AGREEMENT_KINDS, PARTNER_KINDS

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["map"])


@router.get("/w/{ws}/map", include_in_schema=False)
def map_page(request: Request, db: Db, ctx: Ctx) -> Response:
    home, points, lines, rows = map_data(db, ctx.workspace)
    svg = render_svg(points, lines, home, _("Ties of {name}", name=ctx.workspace.name))
    return render(
        request,
        "register/map.html",
        {
            "svg": svg,
            "rows": rows,
            "home": home,
            "agreement_kinds": dict(AGREEMENT_KINDS),
            "partner_kinds": dict(PARTNER_KINDS),
            "agreement_colours": AGREEMENT_COLOURS,
            "city_colour": PARTNER_COLOURS["city"],
            "other_colour": OTHER_PARTNER_COLOUR,
        },
    )


@api.get(
    "/workspaces/{ws}/map.svg",
    summary="The workspace's ties as an SVG world map",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
)
def map_svg(db: Db, ctx: Ctx) -> Response:
    home, points, lines, _rows = map_data(db, ctx.workspace)
    svg = render_svg(points, lines, home, f"Ties of {ctx.workspace.name}")
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )
