"""ETMUN memberships (Gourdon's database of European transnational municipal networks): network, member, year.

Semicolon-separated, with the columns of ``MembersETMUNGeocode.csv``: ``Network_Name``, ``Full_Name`` (the
member: a city, a metropolis, a province...), ``Locality_Siege`` (the town where it sits, which is what is
matched to a reference city), ``CountryCode``, ``Year_of_Joining`` ("2011", "2008-2012 - CIVITAS PLUS" or NA)
and optionally ``Code_Network``, ``Statut``, and the position as ``lat``/``lon`` (decimal comma) or ``Y``/``X``.
"NA" means empty. A member listed twice in one network (several phases) is one membership from its first year.
The source states no licence; it is credited as a research dataset.
"""

from __future__ import annotations

import re

from citydip.ties.importers.base import (
    NO_NAME,
    REPEATED_MEMBER,
    MemberRow,
    NetworkFormat,
    Problems,
    ReadResult,
    Record,
    check_name,
    parse_coordinate,
    read_table,
    read_text,
)
from citydip.ties.importers.registry import register
from citydip.ties.placenames import parse_country
from citydip.ties.resolution import Place

_YEAR = re.compile(r"^(1[89][0-9]{2}|20[0-9]{2})\b")


def _na(value: str) -> str:
    return "" if value.upper() == "NA" else value


def _year(value: str, row: int, problems: Problems) -> tuple[int | None, str]:
    """The year joined and, when the cell says more ("2008-2012 - CIVITAS PLUS"), the whole text."""
    if not value:
        return None, ""
    found = _YEAR.match(value)
    if not found:
        problems.add("Year_of_Joining", f"'{value[:40]}' is not a year", row)
        return None, ""
    return int(found.group(1)), ("" if value == found.group(1) else value[:100])


def _position(r: Record, problems: Problems) -> tuple[float | None, float | None]:
    for lat_col, lon_col in (("lat", "lon"), ("y", "x")):
        lat = parse_coordinate(r.get(lat_col), lat_col, r.row, problems, 90)
        lon = parse_coordinate(r.get(lon_col), lon_col, r.row, problems, 180)
        if lat is not None and lon is not None:
            return lat, lon
    return None, None


@register
class EtmunFormat(NetworkFormat):
    """Memberships of European local authorities in city networks, with the year they joined."""

    name = "etmun"
    source = "etmun"
    licence = "research dataset, no licence stated"
    source_url = "https://github.com/pgourdongeo/Chap3_LocationalAnalysis"
    description = "ETMUN members: network, member, locality, country, year joined (semicolon-separated)"

    def read(self) -> ReadResult:
        """Memberships; a member repeated in a network becomes one membership from its earliest year."""
        problems = self.problems
        text = read_text(self.path, problems)
        required = ["network_name", "full_name", "locality_siege", "countrycode", "year_of_joining"]
        merged: dict[tuple[str, str, str], MemberRow] = {}
        skipped = {REPEATED_MEMBER: 0, NO_NAME: 0}
        for r in read_table(text, problems, required, delimiter=";"):
            network = check_name(_na(r.get("network_name")), "Network_Name", r.row, problems)
            member = check_name(_na(r.get("full_name")), "Full_Name", r.row, problems, required=False)
            locality = check_name(
                _na(r.get("locality_siege")), "Locality_Siege", r.row, problems, required=False
            )
            # An unknown country code is not a broken file: the row goes to review as unresolved.
            country = _na(r.get("countrycode"))[:40]
            year, period = _year(_na(r.get("year_of_joining")), r.row, problems)
            lat, lon = _position(r, problems)
            if not network:
                continue
            if not member and not locality:
                skipped[NO_NAME] += 1
                continue
            codes = parse_country(country).codes if country else ()
            code = codes[0] if codes else country.upper()[:2]
            place = Place(locality or member, codes[0] if codes else country, "", lat, lon)
            entry = MemberRow(
                row=r.row,
                network=network,
                network_code=_na(r.get("code_network"))[:40],
                member=(member or locality).strip(),
                place=place,
                country_code=code,
                year=year,
                period=period,
                member_status=_na(r.get("statut"))[:100],
            )
            key = (network, entry.member, code)
            earlier = merged.get(key)
            if earlier is not None:
                skipped[REPEATED_MEMBER] += 1
                merged[key] = _merge(earlier, entry)
            else:
                merged[key] = entry
        problems.raise_if_any()
        return ReadResult([], list(merged.values()), {k: v for k, v in skipped.items() if v})


def _merge(first: MemberRow, other: MemberRow) -> MemberRow:
    """One membership from two rows: the earliest year, both periods."""
    years = [y for y in (first.year, other.year) if y is not None]
    periods = [p for p in (first.period, other.period) if p]
    period = "; ".join(dict.fromkeys(periods))[:100]
    return MemberRow(
        row=first.row,
        network=first.network,
        network_code=first.network_code or other.network_code,
        member=first.member,
        place=first.place if first.place.lat is not None else other.place,
        country_code=first.country_code,
        year=min(years) if years else None,
        period=period,
        member_status=first.member_status or other.member_status,
    )
