"""World geometry without a tile server: TopoJSON arcs decoded by hand, the Equal Earth projection and
great-circle arcs split where they cross the antimeridian.

Equal Earth: Šavrič, Patterson and Jenny (2018), "The Equal Earth map projection", International Journal of
Geographical Information Science 33(3); the polynomial coefficients below are the published ones.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

Point = tuple[float, float]  # (longitude, latitude) in degrees

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
ATLAS = "vendor/world-atlas-2.0.2/countries-110m.json"


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project degrees to Equal Earth plane coordinates (unit sphere; y grows northwards)."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_MAX = equal_earth(180.0, 0.0)[0]
Y_MAX = equal_earth(0.0, 90.0)[1]


def decode_topology(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute coordinates of every arc (delta-decoded and de-quantised when a transform is given)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def ring(arcs: list[list[Point]], indexes: list[int]) -> list[Point]:
    """Join arcs into a ring; a negative index ~i means arc i reversed; shared end points appear once."""
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def polygons(topology: dict[str, Any], name: str) -> list[tuple[dict[str, Any], list[list[list[Point]]]]]:
    """Each geometry of an object as (properties, polygons made of rings)."""
    arcs = decode_topology(topology)
    out = []
    for geometry in topology["objects"][name]["geometries"]:
        if geometry["type"] == "Polygon":
            groups = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            groups = geometry["arcs"]
        else:
            continue
        out.append((geometry.get("properties", {}), [[ring(arcs, r) for r in poly] for poly in groups]))
    return out


@lru_cache(maxsize=1)
def world_atlas() -> dict[str, Any]:
    """The vendored world-atlas TopoJSON (Natural Earth 1:110m, public domain)."""
    path = resources.files("citydip").joinpath("static", *ATLAS.split("/"))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def great_circle(a: Point, b: Point, steps: int = 48) -> list[list[Point]]:
    """Points along the shorter great circle from a to b, split into pieces at the antimeridian."""
    lon1, lat1, lon2, lat2 = (math.radians(v) for v in (*a, *b))
    v1 = (math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1))
    v2 = (math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2))
    dot = max(-1.0, min(1.0, sum(p * q for p, q in zip(v1, v2, strict=True))))
    omega = math.acos(dot)
    if omega < 1e-9:
        return [[a, b]]
    pieces: list[list[Point]] = [[]]
    previous: Point | None = None
    for i in range(steps + 1):
        t = i / steps
        s1, s2 = math.sin((1 - t) * omega) / math.sin(omega), math.sin(t * omega) / math.sin(omega)
        x, y, z = (s1 * p + s2 * q for p, q in zip(v1, v2, strict=True))
        point = (math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y))))
        if previous is not None and abs(point[0] - previous[0]) > 180:
            pieces.append([])
        pieces[-1].append(point)
        previous = point
    return [p for p in pieces if len(p) > 1]


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance on a sphere of radius 6371 km."""
    lon1, lat1, lon2, lat2 = (math.radians(v) for v in (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
