"""The workspace's ties as map data: home city, partner cities and agreement lines, plus the text table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceRecord
from citydip.reference.models import City
from citydip.register.agreements.models import Agreement, AgreementParty
from citydip.register.geo.projection import distance_km
from citydip.register.geo.svgmap import MapLine, MapPoint, render
from citydip.register.partners.models import Partner
from citydip.register.vocab import AGREEMENT_KINDS, PARTNER_KINDS, label

MAX_POINTS = 5000


@dataclass(frozen=True)
class TieRow:
    """One line of the map's text alternative."""

    partner: str
    partner_kind: str
    city: str
    country: str
    agreement: str
    agreement_kind: str
    status: str
    distance_km: float | None


def map_data(
    session: Session, workspace: WorkspaceRecord
) -> tuple[MapPoint | None, list[MapPoint], list[MapLine], list[TieRow]]:
    """Everything the map page draws and lists."""
    home_city = session.get(City, workspace.city_id) if workspace.city_id else None
    home = MapPoint(home_city.label, "home", (home_city.longitude, home_city.latitude)) if home_city else None
    partners = session.execute(
        select(Partner, City)
        .join(City, City.geonames_id == Partner.city_id)
        .where(Partner.workspace_id == workspace.id)
        .order_by(Partner.name)
        .limit(MAX_POINTS)
    ).all()
    points = [
        MapPoint(f"{p.name} ({label(PARTNER_KINDS, p.kind)}), {c.label}", p.kind, (c.longitude, c.latitude))
        for p, c in partners
    ]
    located = {p.id: (p, c) for p, c in partners}
    ties = session.execute(
        select(Agreement, AgreementParty.partner_id)
        .join(
            AgreementParty,
            (AgreementParty.workspace_id == Agreement.workspace_id)
            & (AgreementParty.agreement_id == Agreement.id),
        )
        .where(Agreement.workspace_id == workspace.id)
        .order_by(Agreement.title)
        .limit(MAX_POINTS)
    ).all()
    lines: list[MapLine] = []
    rows: list[TieRow] = []
    for agreement, partner_id in ties:
        found = located.get(partner_id)
        if found is None:
            continue
        partner, city = found
        where = (city.longitude, city.latitude)
        if home is not None and agreement.status not in ("terminated",):
            lines.append(
                MapLine(
                    f"{agreement.title} ({label(AGREEMENT_KINDS, agreement.kind)}, {agreement.status})",
                    agreement.kind,
                    home.where,
                    where,
                )
            )
        rows.append(
            TieRow(
                partner.name,
                partner.kind,
                city.name,
                city.country_code,
                agreement.title,
                agreement.kind,
                agreement.status,
                round(distance_km(home.where, where)) if home else None,
            )
        )
    tied = {r.partner for r in rows}
    for partner, city in located.values():
        if partner.name not in tied:
            rows.append(TieRow(partner.name, partner.kind, city.name, city.country_code, "", "", "", None))
    return home, points, lines, rows


def workspace_map_svg(session: Session, workspace: WorkspaceRecord) -> str:
    """The SVG map of a workspace's ties."""
    home, points, lines, _rows = map_data(session, workspace)
    return render(points, lines, home, f"Ties of {workspace.name}")
