"""The app's routes as a flat list (FastAPI nests included routers; tests and docs need them flat)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI


@dataclass(frozen=True)
class RouteInfo:
    """One route: its path template, methods and endpoint."""

    path: str
    methods: frozenset[str]
    endpoint: Callable[..., Any] | None
    include_in_schema: bool


def flat_routes(app: FastAPI) -> Iterator[RouteInfo]:
    """Every HTTP route with its full path."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI keeps routes flat
        for route in app.routes:
            methods = getattr(route, "methods", None)
            if methods:
                yield RouteInfo(
                    str(getattr(route, "path", "")),
                    frozenset(methods),
                    getattr(route, "endpoint", None),
                    bool(getattr(route, "include_in_schema", True)),
                )
        return
    for ctx in iter_route_contexts(app.routes):
        methods = ctx.methods
        path = ctx.path
        if methods and path:
            yield RouteInfo(
                path, frozenset(methods), ctx.endpoint, bool(getattr(ctx, "include_in_schema", True))
            )
