"""Commands: ``citydip user ...`` and ``citydip token ...``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from citydip.accounts import repository as repo
from citydip.accounts import service
from citydip.core.cli import cli_session, console, group, run
from citydip.core.database import utcnow
from citydip.workspaces import service as workspaces


def _password(value: str | None, confirm: bool = True) -> str:
    if value:
        return value
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))


def user_add(
    email: Annotated[str, typer.Argument(help="Email address (the login)")],
    name: Annotated[str, typer.Option(help="Full name")] = "",
    password: Annotated[str | None, typer.Option(help="Password (prompted when omitted)")] = None,
    admin: Annotated[bool, typer.Option(help="Platform administrator")] = False,
    workspace: Annotated[str | None, typer.Option(help="Also add to this workspace")] = None,
    role: Annotated[str, typer.Option(help="Role in --workspace: owner, editor or viewer")] = "editor",
) -> None:
    """Create a user.

    Example: citydip user add ana@lacity.org --name "Ana Ruiz" --workspace los-angeles --role owner
    """
    secret = _password(password)

    def act() -> None:
        with cli_session() as session:
            user = service.create_user(session, email, secret, name, is_admin=admin)
            if workspace:
                ws = workspaces.require_workspace(session, workspace)
                service.set_membership(session, user, ws.id, service.parse_role(role))
        console.print(
            f"User [bold]{email}[/] created" + (f" ({role} of {workspace})" if workspace else "") + "."
        )

    run(act)


def user_list() -> None:
    """List users with their workspaces and roles.

    Example: citydip user list
    """
    from citydip.workspaces import repository as ws_repo

    with cli_session() as session:
        table = Table("email", "name", "active", "admin", "workspaces")
        names = {w.id: w.slug for w in ws_repo.workspaces(session)}
        for u in repo.all_users(session):
            roles = ", ".join(
                f"{names.get(m.workspace_id, m.workspace_id)}:{m.role}"
                for m in repo.memberships_of(session, u.id)
            )
            table.add_row(u.email, u.name, "yes" if u.is_active else "no", "yes" if u.is_admin else "", roles)
    console.print(table)


def user_disable(email: Annotated[str, typer.Argument(help="The user's email")]) -> None:
    """Disable a user and revoke their sessions and tokens.

    Example: citydip user disable former.colleague@lacity.org
    """

    def act() -> None:
        with cli_session() as session:
            service.disable_user(session, service.require_user(session, email))
        console.print(f"User {email} disabled; sessions and tokens revoked.")

    run(act)


def user_set_password(
    email: Annotated[str, typer.Argument(help="The user's email")],
    password: Annotated[str | None, typer.Option(help="New password (prompted when omitted)")] = None,
) -> None:
    """Set a user's password (ends their sessions).

    Example: citydip user set-password ana@lacity.org
    """
    secret = _password(password)

    def act() -> None:
        with cli_session() as session:
            service.set_password(session, service.require_user(session, email), secret)
        console.print(f"Password of {email} changed; their sessions were ended.")

    run(act)


def token_create(
    user: Annotated[str, typer.Option("--user", help="Email of the token's user")],
    workspace: Annotated[str, typer.Option(help="Workspace slug the token works in")],
    role: Annotated[str, typer.Option(help="viewer, editor or owner (at most the user's role)")] = "viewer",
    name: Annotated[str, typer.Option(help="What the token is for")] = "api",
    expires_days: Annotated[int | None, typer.Option(help="Expire after this many days")] = None,
) -> None:
    """Create an API token; it is printed once.

    Example: citydip token create --user ana@lacity.org --workspace los-angeles --role viewer --name dashboard
    """

    def act() -> None:
        with cli_session() as session:
            u = service.require_user(session, user)
            ws = workspaces.require_workspace(session, workspace)
            token, row = service.create_api_token(
                session, u, ws.id, service.parse_role(role), name, expires_days=expires_days
            )
            token_id = row.id
        console.print(f"Token {token_id} created. Copy it now, it will not be shown again:")
        typer.echo(token)

    run(act)


def token_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens")] = None,
) -> None:
    """List API tokens (never their secrets).

    Example: citydip token list --user ana@lacity.org
    """

    def act() -> None:
        from citydip.workspaces import repository as ws_repo

        with cli_session() as session:
            uid = service.require_user(session, user).id if user else None
            names = {w.id: w.slug for w in ws_repo.workspaces(session)}
            emails = {u.id: u.email for u in repo.all_users(session)}
            table = Table("id", "name", "prefix", "user", "workspace", "role", "status", "last used")
            now = utcnow()
            for t in repo.tokens(session, uid):
                status = (
                    "revoked"
                    if t.revoked_at
                    else ("expired" if t.expires_at and t.expires_at <= now else "active")
                )
                table.add_row(
                    str(t.id),
                    t.name,
                    t.prefix + "…",
                    emails.get(t.user_id, "?"),
                    names.get(t.workspace_id, "?"),
                    t.role,
                    status,
                    t.last_used_at.isoformat(timespec="minutes") if t.last_used_at else "",
                )
        console.print(table)

    run(act)


def token_revoke(token_id: Annotated[int, typer.Argument(help="Token id from `citydip token list`")]) -> None:
    """Revoke an API token.

    Example: citydip token revoke 3
    """

    def act() -> None:
        with cli_session() as session:
            service.revoke_api_token(session, token_id)
        console.print(f"Token {token_id} revoked.")

    run(act)


def register(app: typer.Typer) -> None:
    """Add ``user`` and ``token`` groups."""
    users = group("user", "Users: add, list, disable, set-password.")
    users.command("add")(user_add)
    users.command("list")(user_list)
    users.command("disable")(user_disable)
    users.command("set-password")(user_set_password)
    tokens = group("token", "API tokens: create, list, revoke.")
    tokens.command("create")(token_create)
    tokens.command("list")(token_list)
    tokens.command("revoke")(token_revoke)
