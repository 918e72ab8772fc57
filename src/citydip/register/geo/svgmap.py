"""Draw the workspace's ties as an SVG world map: countries, partner cities (points), agreements (lines)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from citydip.register.geo.projection import (
    X_MAX,
    Y_MAX,
    Point,
    equal_earth,
    great_circle,
    polygons,
    world_atlas,
)

WIDTH = 1000.0
SCALE = WIDTH / (2 * X_MAX)
HEIGHT = round(2 * Y_MAX * SCALE, 1)

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
AGREEMENT_COLOURS = {
    "sister_city": "#0072B2",
    "friendship_city": "#009E73",
    "mou": "#E69F00",
    "cooperation": "#CC79A7",
    "network_membership": "#56B4E9",
}
PARTNER_COLOURS = {"city": "#D55E00"}
OTHER_PARTNER_COLOUR = "#6A3D9A"
HOME_COLOUR = "#000000"


@dataclass(frozen=True)
class MapPoint:
    """A partner (or the home city) on the map."""

    label: str
    kind: str
    where: Point


@dataclass(frozen=True)
class MapLine:
    """An agreement drawn from the home city to a partner city."""

    label: str
    kind: str
    start: Point
    end: Point


def xy(point: Point) -> tuple[float, float]:
    """Degrees to SVG user units."""
    x, y = equal_earth(*point)
    return round((x + X_MAX) * SCALE, 1), round((Y_MAX - y) * SCALE, 1)


def _path(points: Sequence[Point], close: bool) -> str:
    coords = [xy(p) for p in points]
    if len(coords) < 2:
        return ""
    head, *rest = coords
    text = f"M{head[0]:g},{head[1]:g}" + "".join(f"L{x:g},{y:g}" for x, y in rest)
    return text + ("Z" if close else "")


def unwrap(points: Sequence[Point]) -> list[list[Point]]:
    """A ring that crosses the antimeridian, made continuous and repeated one turn east or west so that,
    clipped to the world's outline, both sides show (Fiji, Chukotka) without a stroke across the map."""
    out: list[Point] = []
    for lon, lat in points:
        if out:
            previous = out[-1][0]
            while lon - previous > 180:
                lon -= 360
            while lon - previous < -180:
                lon += 360
        out.append((lon, lat))
    copies = [out]
    if max(p[0] for p in out) > 180:
        copies.append([(lon - 360, lat) for lon, lat in out])
    if min(p[0] for p in out) < -180:
        copies.append([(lon + 360, lat) for lon, lat in out])
    return copies


@lru_cache(maxsize=1)
def countries_path() -> str:
    """One SVG path with every country of the 1:110m atlas (computed once)."""
    parts: list[str] = []
    for _props, polys in polygons(world_atlas(), "countries"):
        for poly in polys:
            for ring_points in poly:
                parts.extend(_path(copy, close=True) for copy in unwrap(ring_points))
    return "".join(parts)


def outline_path() -> str:
    """The edge of the projected world (the 180° meridians)."""
    east = [(180.0, lat) for lat in range(-90, 91, 5)]
    west = [(-180.0, lat) for lat in range(90, -91, -5)]
    return _path([*east, *west], close=True)


def render(points: Sequence[MapPoint], lines: Sequence[MapLine], home: MapPoint | None, title: str) -> str:
    """The whole SVG document (inline-able in HTML)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" role="img" '
        f'aria-labelledby="map-title map-desc">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{len(points)} partner locations and {len(lines)} agreement lines; the table below '
        f"lists the same ties as text.</desc>",
        f'<defs><clipPath id="map-edge"><path d="{outline_path()}"/></clipPath></defs>',
        f'<path d="{outline_path()}" fill="#eaf2f8" stroke="#9bb" stroke-width="0.6"/>',
        f'<path d="{countries_path()}" fill="#d9d9d0" stroke="#ffffff" stroke-width="0.4" fill-rule="evenodd" '
        'clip-path="url(#map-edge)"/>',
        '<g fill="none" stroke-width="1.6" stroke-linecap="round" opacity="0.9">',
    ]
    for line in lines:
        colour = AGREEMENT_COLOURS.get(line.kind, "#444444")
        d = "".join(_path(piece, close=False) for piece in great_circle(line.start, line.end))
        out.append(
            f'<path d="{d}" stroke="{colour}" data-kind="{escape(line.kind)}"><title>{escape(line.label)}</title></path>'
        )
    out.append('</g><g stroke="#ffffff" stroke-width="0.8">')
    for point in points:
        x, y = xy(point.where)
        colour = PARTNER_COLOURS.get(point.kind, OTHER_PARTNER_COLOUR)
        out.append(
            f'<circle cx="{x:g}" cy="{y:g}" r="4" fill="{colour}" data-kind="{escape(point.kind)}">'
            f"<title>{escape(point.label)}</title></circle>"
        )
    if home is not None:
        x, y = xy(home.where)
        out.append(
            f'<circle cx="{x:g}" cy="{y:g}" r="6" fill="{HOME_COLOUR}"><title>{escape(home.label)}</title></circle>'
        )
    out.append("</g></svg>")
    return "\n".join(out)
