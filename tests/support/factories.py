"""Factories that build real records through the product's own services."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from citydip.accounts import service as accounts
from citydip.accounts.models import User
from citydip.core.actor import Actor, set_actor
from citydip.core.database import transaction
from citydip.core.tenancy import Role, Scope, set_scope
from citydip.workspaces import service as workspaces
from citydip.workspaces.models import Workspace

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


@contextmanager
def system_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A committed transaction with system scope (what the CLI uses)."""
    with transaction(factory) as session:
        set_scope(session, Scope.system_scope("test"))
        set_actor(session, Actor("test"))
        yield session


def make_user(
    session: Session,
    email: str | None = None,
    *,
    password: str = PASSWORD,
    name: str = "",
    admin: bool = False,
) -> User:
    """A user with a known password."""
    email = email or f"user{next(_seq)}@example.org"
    return accounts.create_user(session, email, password, name or email.split("@")[0], is_admin=admin)


def make_workspace(
    session: Session,
    slug: str | None = None,
    *,
    city: str | None = None,
    owner: User | None = None,
    name: str | None = None,
) -> Workspace:
    """A workspace, optionally with an owner."""
    slug = slug or f"ws{next(_seq)}"
    ws = workspaces.create_workspace(session, slug, name or slug.title(), city)
    if owner is not None:
        accounts.set_membership(session, owner, ws.id, Role.owner)
    return ws


def add_member(session: Session, user: User, workspace: Workspace, role: Role = Role.editor) -> None:
    """Give a user a role in a workspace."""
    accounts.set_membership(session, user, workspace.id, role)
