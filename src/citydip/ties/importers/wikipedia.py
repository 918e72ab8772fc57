"""Wikipedia "List of twin towns and sister cities" pairs: city, country, city, country.

Columns ``city1, country1, city2, country2`` (the layout of Hekman's scrape of the lists); optional
``lat1, lng1, lat2, lng2`` give positions that tell namesakes apart. A pair listed under both of its cities
counts once. Text from Wikipedia is CC BY-SA 4.0.
"""

from __future__ import annotations

from citydip.ties.importers.base import (
    REPEATED,
    SAME_PLACE,
    ReadResult,
    TieFormat,
    TieRow,
    check_name,
    parse_coordinate,
    read_table,
    read_text,
)
from citydip.ties.importers.registry import register
from citydip.ties.placenames import name_key
from citydip.ties.resolution import Place


@register
class WikipediaFormat(TieFormat):
    """The Wikipedia twin-town lists as a table of two cities with their countries."""

    name = "wikipedia"
    source = "wikipedia"
    licence = "CC-BY-SA-4.0"
    source_url = "https://en.wikipedia.org/wiki/Lists_of_twin_towns_and_sister_cities"
    description = "Wikipedia twin-town lists: city1, country1, city2, country2"

    def read(self) -> ReadResult:
        """Pairs of named places; each undirected pair once."""
        problems = self.problems
        text = read_text(self.path, problems)
        required = ["city1", "country1", "city2", "country2"]
        seen: set[frozenset[tuple[str, str]]] = set()
        skipped = {REPEATED: 0, SAME_PLACE: 0}
        ties: list[TieRow] = []
        for r in read_table(text, problems, required):
            places: list[Place] = []
            for side in ("1", "2"):
                city = check_name(r.get("city" + side), "city" + side, r.row, problems)
                country = check_name(
                    r.get("country" + side), "country" + side, r.row, problems, required=False
                )
                lat = parse_coordinate(r.get("lat" + side), "lat" + side, r.row, problems, 90)
                lon = parse_coordinate(
                    r.get("lng" + side) or r.get("lon" + side), "lng" + side, r.row, problems, 180
                )
                places.append(
                    Place(city, country, "", lat, lon)
                    if lat is not None and lon is not None
                    else Place(city, country)
                )
            a, b = places
            if not a.name or not b.name:
                continue
            ka, kb = (name_key(a.name), name_key(a.country)), (name_key(b.name), name_key(b.country))
            if ka == kb:
                skipped[SAME_PLACE] += 1
                continue
            key = frozenset((ka, kb))
            if key in seen:
                skipped[REPEATED] += 1
                continue
            seen.add(key)
            ties.append(TieRow(r.row, a, b, f"{a.describe()} – {b.describe()}"))
        problems.raise_if_any()
        return ReadResult(ties, [], {k: v for k, v in skipped.items() if v})
