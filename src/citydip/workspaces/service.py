"""Workspaces and networks: create, join, coordinate, and the scope a user gets from them."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from citydip.accounts.models import User
from citydip.core.context import WorkspaceContext
from citydip.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.tenancy import Role, Scope
from citydip.reference.cities import resolve_city
from citydip.workspaces import repository as repo
from citydip.workspaces.models import Network, NetworkCoordinator, NetworkMember, Workspace

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED = {
    "api",
    "static",
    "login",
    "logout",
    "w",
    "n",
    "public",
    "healthz",
    "account",
    "reference",
    "admin",
}


def check_slug(slug: str) -> str:
    """A valid, unreserved slug or a ValidationFailed naming the field."""
    if not SLUG_RE.match(slug) or slug in RESERVED:
        raise ValidationFailed(
            _("Invalid slug."),
            [
                FieldProblem(
                    "slug", _("use 1-64 lower-case letters, digits and hyphens (not a reserved word)")
                )
            ],
        )
    return slug


def create_workspace(
    session: Session, slug: str, name: str | None = None, city: str | None = None
) -> Workspace:
    """Create a workspace, linking it to a reference city when ``city`` is given ("Los Angeles, US")."""
    check_slug(slug)
    if repo.workspace_by_slug(session, slug):
        raise Conflict(f"A workspace with slug '{slug}' already exists.", [FieldProblem("slug", _("taken"))])
    city_id = None
    country = None
    if city:
        match = resolve_city(session, city)
        if match.city is None:
            raise ValidationFailed(
                _("Unknown city."),
                [FieldProblem("city", f"no reference city matches '{city}'; try 'Name, CC'")],
            )
        city_id, country = match.city.geonames_id, match.city.country_code
        name = name or f"{match.city.name} Office of International Affairs"
    ws = Workspace(slug=slug, name=(name or slug).strip(), city_id=city_id, country_code=country)
    session.add(ws)
    session.flush()
    return ws


def update_workspace(
    session: Session,
    workspace: Workspace,
    *,
    name: str,
    description: str,
    city: str | None,
    public_site: bool,
) -> Workspace:
    """Change a workspace's settings; the city is resolved against the reference cities."""
    problems = []
    if not name.strip():
        problems.append(FieldProblem("name", _("enter a name")))
    if len(name) > 200:
        problems.append(FieldProblem("name", _("use at most 200 characters")))
    city_id, country = workspace.city_id, workspace.country_code
    if city is not None and city.strip():
        match = resolve_city(session, city)
        if match.city is None:
            problems.append(FieldProblem("city", f"no reference city matches '{city}'; try 'Name, CC'"))
        else:
            city_id, country = match.city.geonames_id, match.city.country_code
    elif city is not None:
        city_id, country = None, None
    if problems:
        raise ValidationFailed(_("The settings were not saved."), problems)
    workspace.name = name.strip()
    workspace.description = description.strip()
    workspace.city_id, workspace.country_code = city_id, country
    workspace.public_site = public_site
    session.flush()
    return workspace


def require_workspace(session: Session, slug: str) -> Workspace:
    """The workspace with this slug or NotFound."""
    ws = repo.workspace_by_slug(session, slug)
    if ws is None:
        raise NotFound(f"No workspace '{slug}'.")
    return ws


def operator_context(
    session: Session, slug: str, role: Role = Role.owner, label: str = "cli"
) -> WorkspaceContext:
    """The context of an operator at the command line working in workspace ``slug`` (NotFound when none)."""
    return WorkspaceContext.for_operator(require_workspace(session, slug), role, label)


def create_network(session: Session, slug: str, name: str, description: str = "") -> Network:
    """Create a network of workspaces."""
    check_slug(slug)
    if repo.network_by_slug(session, slug):
        raise Conflict(f"A network with slug '{slug}' already exists.", [FieldProblem("slug", _("taken"))])
    net = Network(slug=slug, name=name.strip() or slug, description=description)
    session.add(net)
    session.flush()
    return net


def require_network(session: Session, slug: str) -> Network:
    """The network with this slug or NotFound."""
    net = repo.network_by_slug(session, slug)
    if net is None:
        raise NotFound(f"No network '{slug}'.")
    return net


def join_network(session: Session, network: Network, workspace: Workspace) -> NetworkMember:
    """Add a workspace to a network (idempotent)."""
    row = repo.membership_row(session, network.id, workspace.id)
    if row is None:
        row = NetworkMember(network_id=network.id, workspace_id=workspace.id)
        session.add(row)
        session.flush()
    return row


def leave_network(session: Session, network: Network, workspace: Workspace) -> None:
    """Remove a workspace from a network."""
    row = repo.membership_row(session, network.id, workspace.id)
    if row is None:
        raise NotFound(_("This workspace is not a member of the network."))
    session.delete(row)
    session.flush()


def add_coordinator(session: Session, network: Network, user: User) -> NetworkCoordinator:
    """Make a user a coordinator of a network (idempotent)."""
    row = repo.coordinator_row(session, network.id, user.id)
    if row is None:
        row = NetworkCoordinator(network_id=network.id, user_id=user.id)
        session.add(row)
        session.flush()
    return row


def scope_for(session: Session, label: str, roles: dict[int, Role], user_id: int | None) -> Scope:
    """The scope of a principal: own workspaces plus the network-shared records of their networks' members."""
    nets = repo.networks_of_workspaces(session, roles)
    if user_id is not None:
        nets |= repo.coordinated_networks(session, user_id)
    peers = repo.member_ids_of_networks(session, nets) - set(roles)
    return Scope(label=label, roles=dict(roles), network_peers=frozenset(peers))
