"""A workspace adopts a public pair as its own agreement, through the register's agreement service."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from citydip.audit.models import AuditEntry
from citydip.core.context import WorkspaceContext
from citydip.core.tenancy import Role
from citydip.register.agreements.models import Agreement
from citydip.register.partners.models import Partner
from citydip.ties import adoption
from citydip.ties.models import Tie
from support.factories import PASSWORD, add_member, make_user, make_workspace
from support.web import flash_of
from ties.ties_helpers import NAMES, TIES, city_named, run_import, snapshot


@pytest.fixture
def world(sys_session):
    """The fixture ties, a Los Angeles office (owner, viewer), a Paris office, and the LA-Guangzhou tie."""
    run_import(sys_session, TIES / "relations.tsv", "wikidata", names=NAMES)
    with sys_session() as s:
        owner = make_user(s, "la.owner@example.org")
        ws = make_workspace(s, "la-office", city="Los Angeles, US", owner=owner, name="LA Office")
        viewer = make_user(s, "la.viewer@example.org")
        add_member(s, viewer, ws, Role.viewer)
        paris = make_user(s, "paris.owner@example.org")
        make_workspace(s, "paris-office", city="Paris, FR", owner=paris)
        la, gz = city_named(s, "Los Angeles", "US"), city_named(s, "Guangzhou", "CN")
        lo, hi = sorted((la.geonames_id, gz.geonames_id))
        tie = s.scalars(select(Tie).where(Tie.city_a_id == lo, Tie.city_b_id == hi)).one()
        return {"tie": tie.id, "gz": gz.geonames_id, "la": la.geonames_id, "ws_id": ws.id}


def _agreements(sys_session) -> list[Agreement]:
    with sys_session() as s:
        return list(s.scalars(select(Agreement)))


def test_an_editor_adopts_from_the_city_page(sys_session, make_client, world):
    editor = make_client().login("la.owner@example.org", PASSWORD)
    page = editor.get(f"/reference/cities/{world['gz']}").text
    assert f"/w/la-office/ties/{world['tie']}/adopt" in page
    r = editor.post(f"/w/la-office/ties/{world['tie']}/adopt", {"back": f"/reference/cities/{world['gz']}"})
    assert r.status_code == 303 and r.headers["location"].startswith("/w/la-office/agreements/")
    (agreement,) = _agreements(sys_session)
    assert (agreement.kind, agreement.status) == ("sister_city", "active")
    assert agreement.title == "Los Angeles – Guangzhou sister cities"
    assert "Wikidata" in agreement.description and "CC0-1.0" in agreement.description
    assert agreement.workspace_id == world["ws_id"] and agreement.country_code == "CN"
    with sys_session() as s:
        partner = s.scalars(select(Partner)).one()
        assert (partner.kind, partner.city_id, partner.workspace_id) == ("city", world["gz"], world["ws_id"])
        created = s.scalars(
            select(AuditEntry.entity).where(
                AuditEntry.workspace_id == world["ws_id"], AuditEntry.action == "create"
            )
        ).all()
        assert "agreements" in created
    shown = editor.get(r.headers["location"])
    assert shown.status_code == 200 and "Guangzhou" in shown.text


def test_a_pair_is_adopted_once(sys_session, make_client, world):
    editor = make_client().login("la.owner@example.org", PASSWORD)
    editor.post(f"/w/la-office/ties/{world['tie']}/adopt")
    before = snapshot(sys_session)
    again = editor.post(
        f"/w/la-office/ties/{world['tie']}/adopt", {"back": f"/reference/cities/{world['la']}"}
    )
    assert again.status_code == 303 and again.headers["location"].startswith(
        f"/reference/cities/{world['la']}?"
    )
    assert "already" in flash_of(again.headers["location"])
    assert snapshot(sys_session) == before
    api = editor.api("POST", f"/api/v1/workspaces/la-office/ties/{world['tie']}/adopt")
    assert api.status_code == 409


def test_the_api_returns_the_new_agreement(sys_session, make_client, world):
    editor = make_client().login("la.owner@example.org", PASSWORD)
    r = editor.api("POST", f"/api/v1/workspaces/la-office/ties/{world['tie']}/adopt")
    assert r.status_code == 201, r.text
    body = r.json()
    got = editor.api("GET", f"/api/v1/workspaces/la-office/agreements/{body['agreement_id']}")
    assert got.status_code == 200 and got.json()["kind"] == "sister_city"
    assert body["url"] == f"/w/la-office/agreements/{body['agreement_id']}"


def test_only_editors_of_a_city_on_one_side(sys_session, make_client, world):
    viewer = make_client().login("la.viewer@example.org", PASSWORD)
    paris = make_client().login("paris.owner@example.org", PASSWORD)
    before = snapshot(sys_session)  # after signing in, which writes sessions
    assert viewer.post(f"/w/la-office/ties/{world['tie']}/adopt").status_code == 403
    assert paris.post(f"/w/la-office/ties/{world['tie']}/adopt").status_code == 404  # not a member
    own = paris.api("POST", f"/api/v1/workspaces/paris-office/ties/{world['tie']}/adopt")
    assert own.status_code == 409 and "not one side" in own.json()["error"]["message"]
    missing = paris.api("POST", "/api/v1/workspaces/paris-office/ties/999999/adopt")
    assert missing.status_code == 404
    assert snapshot(sys_session) == before


def test_adopt_takes_the_agreement_maker_as_a_callable(sys_session, world):
    """The tie side of adoption works with any maker; the register's is the default."""
    seen = []

    def maker(session, ctx, req):
        seen.append((req.own_city.name, req.partner_city.name, req.external_id))
        return adoption.Adopted("x", "/somewhere")

    with sys_session() as s:
        from citydip.workspaces.models import Workspace

        ws = s.get(Workspace, world["ws_id"])
        ctx = WorkspaceContext.for_operator(ws, Role.editor)
        assert adoption.adopt(s, ctx, world["tie"], maker).url == "/somewhere"
        assert s.scalar(select(func.count()).select_from(Agreement)) == 0
    lo, hi = sorted((world["la"], world["gz"]))
    assert seen == [("Los Angeles", "Guangzhou", f"public-tie:{lo}-{hi}")]
