"""The register's ``views`` room: one page router and one API router made of each part's routers."""

from __future__ import annotations

import importlib

from fastapi import APIRouter

from citydip.core.web import DbRoute

PARTS = (
    "partners",
    "agreements",
    "engagements",
    "followups",
    "calendar",
    "geo",
    "io",
    "challenges",
)

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute)

for _part in PARTS:
    try:
        _module = importlib.import_module(f"citydip.register.{_part}.views")
    except ModuleNotFoundError as exc:  # a part without pages yet
        if exc.name != f"citydip.register.{_part}.views":
            raise
        continue
    router.include_router(_module.router)
    api.include_router(_module.api)
