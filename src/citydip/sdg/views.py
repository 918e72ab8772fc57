"""The SDG data's ``views`` room: one page router and one API router made of each part's routers (the public
site first, then the staff pages of indicators, data and uploads)."""

from __future__ import annotations

from fastapi import APIRouter

from citydip.core.web import DbRoute
from citydip.sdg.indicators import views as indicators
from citydip.sdg.io import views as io
from citydip.sdg.observations import views as observations
from citydip.sdg.site import views as site

router = APIRouter(route_class=DbRoute)
api = APIRouter(route_class=DbRoute)

for _part in (site, indicators, observations, io):
    router.include_router(_part.router)
for _part in (indicators, observations):
    api.include_router(_part.api)
