"""The tenancy safety net itself, on a throwaway tenant table (domain tables are covered by the route walk)."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, String, Table, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from citydip.core.database import transaction
from citydip.core.errors import PermissionDenied, TenancyError
from citydip.core.tenancy import Role, Scope, Shareable, TenantRecord, Visibility, set_scope
from support.factories import make_user, make_workspace


class _ProbeBase(DeclarativeBase):
    metadata = MetaData()


class Probe(TenantRecord, Shareable, _ProbeBase):
    """A shareable tenant record used only by these tests."""

    __tablename__ = "probe_records"
    __audit__ = False
    title: Mapped[str] = mapped_column(String(50))


class PrivateProbe(TenantRecord, _ProbeBase):
    """A tenant record without visibility (always private)."""

    __tablename__ = "probe_private"
    __audit__ = False
    title: Mapped[str] = mapped_column(String(50))


@pytest.fixture
def probes(engine, factory, sys_session):
    Table("workspaces", _ProbeBase.metadata, autoload_with=engine)
    _ProbeBase.metadata.create_all(engine, tables=[Probe.__table__, PrivateProbe.__table__])
    with sys_session() as s:
        a, b, c = (make_workspace(s, slug) for slug in ("alpha", "beta", "gamma"))
        ids = {"alpha": a.id, "beta": b.id, "gamma": c.id}
        for ws_slug, ws_id in ids.items():
            for vis in Visibility:
                s.add(Probe(workspace_id=ws_id, title=f"{ws_slug}-{vis.value}", visibility=vis))
            s.add(PrivateProbe(workspace_id=ws_id, title=f"{ws_slug}-only"))
    return ids


def titles(factory, scope, model=Probe):
    with transaction(factory) as s:
        set_scope(s, scope)
        return sorted(p.title for p in s.scalars(select(model)))


def test_query_without_scope_is_refused(factory, probes):
    with transaction(factory) as s, pytest.raises(TenancyError):
        s.scalars(select(Probe)).all()


def test_member_sees_own_rows_and_public_rows_of_others(factory, probes):
    scope = Scope("alpha-user", roles={probes["alpha"]: Role.viewer})
    assert titles(factory, scope) == sorted(
        ["alpha-private", "alpha-network", "alpha-public", "beta-public", "gamma-public"]
    )


def test_network_peers_see_network_rows_but_not_private(factory, probes):
    scope = Scope(
        "alpha-user", roles={probes["alpha"]: Role.editor}, network_peers=frozenset({probes["beta"]})
    )
    seen = titles(factory, scope)
    assert "beta-network" in seen
    assert "beta-private" not in seen
    assert "gamma-network" not in seen


def test_anonymous_sees_only_public(factory, probes):
    assert titles(factory, Scope.anonymous()) == ["alpha-public", "beta-public", "gamma-public"]


def test_non_shareable_rows_are_member_only(factory, probes):
    scope = Scope("x", roles={probes["beta"]: Role.owner}, network_peers=frozenset({probes["alpha"]}))
    assert titles(factory, scope, PrivateProbe) == ["beta-only"]
    assert titles(factory, Scope.anonymous(), PrivateProbe) == []


def test_get_by_primary_key_is_filtered_too(factory, probes):
    with transaction(factory) as s:
        set_scope(s, Scope.system_scope())
        target = s.scalars(select(Probe).where(Probe.title == "beta-private")).one()
        key = (target.workspace_id, target.id)
    with transaction(factory) as s:
        set_scope(s, Scope("alpha", roles={probes["alpha"]: Role.owner}))
        assert s.get(Probe, key) is None


def test_writes_into_another_workspace_are_refused(factory, probes):
    with pytest.raises(PermissionDenied), transaction(factory) as s:
        set_scope(s, Scope("alpha", roles={probes["alpha"]: Role.owner}))
        s.add(Probe(workspace_id=probes["beta"], title="intruder"))
        s.flush()
    with transaction(factory) as s:
        set_scope(s, Scope.system_scope())
        assert s.scalars(select(Probe).where(Probe.title == "intruder")).first() is None


def test_viewers_cannot_write_their_own_workspace(factory, probes):
    with pytest.raises(PermissionDenied), transaction(factory) as s:
        set_scope(s, Scope("alpha", roles={probes["alpha"]: Role.viewer}))
        row = s.scalars(select(Probe).where(Probe.title == "alpha-private")).one()
        row.title = "changed"
        s.flush()


def test_bulk_update_only_touches_writable_rows(factory, probes):
    with transaction(factory) as s:
        set_scope(
            s, Scope("alpha", roles={probes["alpha"]: Role.editor}, network_peers=frozenset({probes["beta"]}))
        )
        s.execute(update(Probe).values(title="bulk"))
    with transaction(factory) as s:
        set_scope(s, Scope.system_scope())
        rows = s.execute(select(Probe.workspace_id, Probe.title)).all()
    assert {t for w, t in rows if w == probes["alpha"]} == {"bulk"}
    assert "bulk" not in {t for w, t in rows if w != probes["alpha"]}


def test_user_factory_hashes_with_argon2id(sys_session):
    with sys_session() as s:
        user = make_user(s, "hash@example.org")
        assert user.password_hash.startswith("$argon2id$")
