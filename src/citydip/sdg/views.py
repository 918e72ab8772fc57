"""SDG pages: the public SDG site (``views_public``) and the staff pages (``views_staff``), gathered into the
``router`` the app factory mounts. The JSON API lives in the ``api`` room (``citydip.sdg.api``)."""

from __future__ import annotations

from fastapi import APIRouter

from citydip.core.web import DbRoute
from citydip.sdg import views_public, views_staff

router = APIRouter(route_class=DbRoute)
router.include_router(views_public.router)
router.include_router(views_staff.router)
