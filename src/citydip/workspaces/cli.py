"""Commands: ``citydip workspace ...`` and ``citydip network ...``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from citydip.accounts import service as accounts
from citydip.core.cli import cli_session, console, group, run
from citydip.reference import repository as ref_repo
from citydip.workspaces import repository as repo
from citydip.workspaces import service


def workspace_add(
    slug: Annotated[str, typer.Argument(help="Short name used in URLs, e.g. los-angeles")],
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    city: Annotated[str | None, typer.Option(help='The office\'s city, e.g. "Los Angeles, US"')] = None,
    owner: Annotated[str | None, typer.Option(help="Email of an existing user to make owner")] = None,
) -> None:
    """Create a workspace for a city's office.

    Example: citydip workspace add los-angeles --city "Los Angeles, US" --owner ana@lacity.org
    """

    def act() -> None:
        with cli_session() as session:
            ws = service.create_workspace(session, slug, name, city)
            if owner:
                accounts.set_membership(
                    session, accounts.require_user(session, owner), ws.id, accounts.parse_role("owner")
                )
            label = ws.name
            city_row = ref_repo.city(session, ws.city_id) if ws.city_id else None
        where = f" in {city_row.name}, {city_row.country_code}" if city_row else ""
        console.print(f"Workspace [bold]{slug}[/] ({label}){where} created.")

    run(act)


def workspace_list() -> None:
    """List workspaces.

    Example: citydip workspace list
    """
    with cli_session() as session:
        table = Table("slug", "name", "city", "demo")
        for w in repo.workspaces(session):
            city = ref_repo.city(session, w.city_id) if w.city_id else None
            table.add_row(
                w.slug,
                w.name,
                f"{city.name}, {city.country_code}" if city else "",
                "yes" if w.is_demo else "",
            )
    console.print(table)


def workspace_member(
    slug: Annotated[str, typer.Argument(help="Workspace slug")],
    email: Annotated[str, typer.Argument(help="User's email")],
    role: Annotated[str, typer.Option(help="owner, editor or viewer")] = "editor",
) -> None:
    """Add a user to a workspace or change their role.

    Example: citydip workspace member los-angeles ana@lacity.org --role owner
    """

    def act() -> None:
        with cli_session() as session:
            ws = service.require_workspace(session, slug)
            accounts.set_membership(
                session, accounts.require_user(session, email), ws.id, accounts.parse_role(role)
            )
        console.print(f"{email} is now {role} of {slug}.")

    run(act)


def network_add(
    slug: Annotated[str, typer.Argument(help="Short name, e.g. summit-2026")],
    name: Annotated[str, typer.Option(help="Display name")],
    description: Annotated[str, typer.Option(help="What the network is")] = "",
    coordinator: Annotated[str | None, typer.Option(help="Email of a coordinator")] = None,
) -> None:
    """Create a network of workspaces.

    Example: citydip network add summit-2026 --name "Summit on City Diplomacy" --coordinator coord@usmayors.org
    """

    def act() -> None:
        with cli_session() as session:
            net = service.create_network(session, slug, name, description)
            if coordinator:
                service.add_coordinator(session, net, accounts.require_user(session, coordinator))
        console.print(f"Network [bold]{slug}[/] created.")

    run(act)


def network_join(
    network: Annotated[str, typer.Argument(help="Network slug")],
    workspace: Annotated[str, typer.Argument(help="Workspace slug")],
) -> None:
    """Add a workspace to a network.

    Example: citydip network join summit-2026 los-angeles
    """

    def act() -> None:
        with cli_session() as session:
            service.join_network(
                session,
                service.require_network(session, network),
                service.require_workspace(session, workspace),
            )
        console.print(f"{workspace} joined {network}.")

    run(act)


def network_coordinator(
    network: Annotated[str, typer.Argument(help="Network slug")],
    email: Annotated[str, typer.Argument(help="User's email")],
) -> None:
    """Make a user a coordinator of a network.

    Example: citydip network coordinator summit-2026 coord@usmayors.org
    """

    def act() -> None:
        with cli_session() as session:
            service.add_coordinator(
                session, service.require_network(session, network), accounts.require_user(session, email)
            )
        console.print(f"{email} coordinates {network}.")

    run(act)


def network_list() -> None:
    """List networks and their members.

    Example: citydip network list
    """
    with cli_session() as session:
        table = Table("slug", "name", "members")
        for net, members in repo.networks_with_members(session):
            table.add_row(net.slug, net.name, ", ".join(w.slug for w in members))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``workspace`` and ``network`` groups."""
    ws = group("workspace", "Workspaces (one per city office): add, list, member.")
    ws.command("add")(workspace_add)
    ws.command("list")(workspace_list)
    ws.command("member")(workspace_member)
    net = group("network", "Networks of workspaces: add, join, coordinator, list.")
    net.command("add")(network_add)
    net.command("join")(network_join)
    net.command("coordinator")(network_coordinator)
    net.command("list")(network_list)
