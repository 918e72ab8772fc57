"""Every query of the SDG index domain: stored runs of a workspace or a network, and network access."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, load_only

from citydip.core.context import Principal, WorkspaceContext
from citydip.core.listing import Filter, ListSpec
from citydip.reference import repository as ref_repo
from citydip.sdgindex.models import IndexRun, NetworkIndexRun
from citydip.workspaces import repository as ws_repo
from citydip.workspaces.models import Network, Workspace

_LIST_COLUMNS = (
    "title",
    "source",
    "goal_colour_rule",
    "impute",
    "city_count",
    "indicator_count",
    "created_by",
    "created_at",
)

RUNS = ListSpec(
    filters=(
        Filter(
            "source", "Source", IndexRun.source, choices=(("upload", "upload"), ("indicators", "indicators"))
        ),
    ),
    sorts={"created_at": IndexRun.created_at, "title": IndexRun.title},
    default_sort="-created_at",
    search_columns=(IndexRun.title,),
    per_page=25,
)
NETWORK_RUNS = ListSpec(
    filters=(
        Filter(
            "source",
            "Source",
            NetworkIndexRun.source,
            choices=(("upload", "upload"), ("indicators", "indicators")),
        ),
    ),
    sorts={"created_at": NetworkIndexRun.created_at, "title": NetworkIndexRun.title},
    default_sort="-created_at",
    search_columns=(NetworkIndexRun.title,),
    per_page=25,
)


def runs_query(ctx: WorkspaceContext) -> Select[Any]:
    """The workspace's runs, without their (large) inputs and results."""
    return (
        select(IndexRun)
        .where(IndexRun.workspace_id == ctx.id)
        .options(load_only(*(getattr(IndexRun, c) for c in _LIST_COLUMNS)))
    )


def run(session: Session, ctx: WorkspaceContext, run_id: uuid.UUID) -> IndexRun | None:
    """One run of the workspace."""
    return session.scalar(select(IndexRun).where(IndexRun.workspace_id == ctx.id, IndexRun.id == run_id))


def network_runs_query(network_id: int) -> Select[Any]:
    """A network's runs, without inputs and results (call only after network_access)."""
    return (
        select(NetworkIndexRun)
        .where(NetworkIndexRun.network_id == network_id)
        .options(load_only(*(getattr(NetworkIndexRun, c) for c in _LIST_COLUMNS)))
    )


def network_run(session: Session, network_id: int, run_id: uuid.UUID) -> NetworkIndexRun | None:
    """One run of a network (call only after network_access)."""
    return session.scalar(
        select(NetworkIndexRun).where(NetworkIndexRun.network_id == network_id, NetworkIndexRun.id == run_id)
    )


def visible_networks(session: Session, principal: Principal) -> list[tuple[Network, bool]]:
    """Networks the principal belongs to (through a workspace) or coordinates, with 'coordinates'."""
    member = ws_repo.networks_of_workspaces(session, principal.roles)
    coordinated = ws_repo.coordinated_networks(session, principal.user.id) if principal.user else set()
    return [
        (net, net.id in coordinated)
        for net in ws_repo.networks(session)
        if net.id in member or net.id in coordinated
    ]


def network_access(session: Session, principal: Principal, slug: str) -> tuple[Network, bool] | None:
    """The network and whether the principal may build and delete its runs; None when it may not see it.

    Coordinators and the members of its member workspaces may read the network's index runs; only
    coordinators build or delete them. An API token acts for its one workspace with its role: it reaches a
    network as that workspace does (a member reads), and its user's coordinator rights only as far as the
    token's role goes (a viewer token reads; an editor or owner token may build and delete).
    """
    net = ws_repo.network_by_slug(session, slug)
    if net is None or principal.user is None:
        return None
    coordinates = net.id in ws_repo.coordinated_networks(session, principal.user.id)
    member = net.id in ws_repo.networks_of_workspaces(session, principal.roles)
    if not (coordinates or member):
        return None
    return net, coordinates and principal.may_change()


def network_members(session: Session, network_id: int) -> Sequence[Workspace]:
    """Member workspaces of a network."""
    return ws_repo.network_members(session, network_id)


def goal_titles(session: Session) -> dict[int, tuple[str, str]]:
    """SDG number -> (short label, colour) from the reference tables."""
    return {g.number: (g.short_label, g.colour) for g in ref_repo.goals(session)}


SHARED = ("network", "public")


def shared_indicators(
    session: Session, workspace_ids: Sequence[int]
) -> list[tuple[str, str, int | None, int]]:
    """Indicators with real data the workspaces share with their networks: (code, name, goal, cities)."""
    from sqlalchemy import func

    from citydip.sdg.models import CityIndicator

    if not workspace_ids:
        return []
    rows = session.execute(
        select(
            CityIndicator.code,
            func.min(CityIndicator.name),
            func.min(CityIndicator.goal),
            func.count(func.distinct(CityIndicator.workspace_id)),
            func.min(CityIndicator.sort_key),
        )
        .where(
            CityIndicator.workspace_id.in_(list(workspace_ids)),
            CityIndicator.visibility.in_(SHARED),
            CityIndicator.placeholder.is_(None),
            CityIndicator.observation_count > 0,
        )
        .group_by(CityIndicator.code)
    ).all()
    ordered = sorted(rows, key=lambda r: (r[4] or "", r[0]))
    return [(code, name or "", goal, int(cities)) for code, name, goal, cities, _sort in ordered]


def shared_configs(session: Session, workspace_ids: Sequence[int]) -> list[tuple[str, dict[str, Any]]]:
    """(code, indicator-config) of the indicators with data the workspaces share with their networks."""
    from citydip.sdg.models import CityIndicator

    if not workspace_ids:
        return []
    rows = session.execute(
        select(CityIndicator.code, CityIndicator.config).where(
            CityIndicator.workspace_id.in_(list(workspace_ids)),
            CityIndicator.visibility.in_(SHARED),
            CityIndicator.placeholder.is_(None),
            CityIndicator.observation_count > 0,
        )
    ).all()
    return [(code, dict(config or {})) for code, config in rows]


def reference_city_names(session: Session, workspaces: Sequence[Workspace]) -> dict[int, str]:
    """Workspace id -> the name of the reference city it is linked to (workspaces without one left out)."""
    out = {}
    for w in workspaces:
        city = ref_repo.city(session, w.city_id) if w.city_id is not None else None
        if city is not None:
            out[w.id] = city.name
    return out


def shared_headlines(
    session: Session, workspace_ids: Sequence[int], codes: Sequence[str]
) -> list[tuple[int, str, str, int | None, float, str | None, str | None]]:
    """Shared headline observations: (workspace, code, year label, year, value, series, unit), file order."""
    from citydip.sdg.models import CityIndicator, SdgObservation

    if not workspace_ids or not codes:
        return []
    stmt = (
        select(
            SdgObservation.workspace_id,
            CityIndicator.code,
            SdgObservation.year,
            SdgObservation.year_num,
            SdgObservation.value,
            SdgObservation.series,
            SdgObservation.unit,
        )
        .join(
            CityIndicator,
            (CityIndicator.workspace_id == SdgObservation.workspace_id)
            & (CityIndicator.id == SdgObservation.indicator_id),
        )
        .where(
            SdgObservation.workspace_id.in_(list(workspace_ids)),
            CityIndicator.code.in_(list(codes)),
            CityIndicator.visibility.in_(SHARED),
            CityIndicator.placeholder.is_(None),
            SdgObservation.visibility.in_(SHARED),
            SdgObservation.dis_key == "",
            SdgObservation.value.is_not(None),
        )
        .order_by(SdgObservation.workspace_id, CityIndicator.code, SdgObservation.seq)
    )
    return [
        (ws, code, year, year_num, float(value), series, unit)
        for ws, code, year, year_num, value, series, unit in session.execute(stmt)
        if value is not None
    ]
