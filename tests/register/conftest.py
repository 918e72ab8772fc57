"""Fixtures for the register's tests: a Los Angeles office with an owner and an editor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from citydip.core.tenancy import Role
from support.factories import PASSWORD, add_member, make_user, make_workspace


@dataclass
class Office:
    """A workspace with two members."""

    slug: str
    workspace_id: int
    owner_id: int
    editor_id: int
    owner_email: str = "ana@lacity.example"
    editor_email: str = "ben@lacity.example"


@pytest.fixture
def office(sys_session) -> Office:
    with sys_session() as s:
        owner = make_user(s, "ana@lacity.example", name="Ana Ruiz")
        editor = make_user(s, "ben@lacity.example", name="Ben Okafor")
        ws = make_workspace(s, "la", city="Los Angeles, US", owner=owner, name="Los Angeles Office")
        add_member(s, editor, ws, Role.editor)
        return Office("la", ws.id, owner.id, editor.id)


@pytest.fixture
def ana(office, make_client):
    return make_client().login(office.owner_email, PASSWORD)
