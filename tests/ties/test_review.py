"""The review queue: administrators pick the city a name means (remembered for later imports) or dismiss rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from citydip.audit.models import AuditEntry
from citydip.core.errors import Conflict, ValidationFailed
from citydip.reference.models import City
from citydip.ties import decisions
from citydip.ties.models import CityAlias, Tie, TieReview
from support.factories import PASSWORD, make_user
from ties.ties_helpers import NAMES, TIES, city_named, run_import, snapshot


@pytest.fixture
def springfields(sys_session, tmp_path):
    """The list fixture plus a second file naming Springfield (United States) again."""
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    more = tmp_path / "more.csv"
    more.write_text(
        "city1,country1,city2,country2\nSpringfield,United States,Lyon,France\n", encoding="utf-8"
    )
    run_import(sys_session, more, "wikipedia")
    return more


def _review_of(s, name: str) -> TieReview:
    return s.scalars(select(TieReview).where(TieReview.a_name == name).order_by(TieReview.id)).first()


def _springfield_il(s) -> City:
    """Springfield, Illinois (the state capital), one of several Springfields in the reference list."""
    return s.scalars(select(City).where(City.name == "Springfield", City.admin1_code == "IL")).one()


def test_a_pick_settles_every_row_naming_the_place(sys_session, springfields):
    with sys_session() as s:
        first = _review_of(s, "Springfield")
        assert first.status == "ambiguous" and len(first.a_candidates.split(",")) >= 3
        chosen = _springfield_il(s)
        assert str(chosen.geonames_id) in first.a_candidates.split(",")
        result = decisions.pick_city(s, first.id, "a", chosen.geonames_id, "admin@example.org")
        assert result.rows_settled == 2 and result.ties_created == 2
    with sys_session() as s:
        rows = s.scalars(select(TieReview).where(TieReview.a_name == "Springfield")).all()
        assert {r.status for r in rows} == {"resolved"} and {r.decided_by for r in rows} == {
            "admin@example.org"
        }
        partners = {
            s.get(City, t.city_a_id if t.city_b_id == chosen.geonames_id else t.city_b_id).label
            for t in s.scalars(
                select(Tie).where(
                    (Tie.city_a_id == chosen.geonames_id) | (Tie.city_b_id == chosen.geonames_id)
                )
            )
        }
        assert partners == {"Brest, FR", "Lyon, FR"}
        alias = s.scalar(select(CityAlias))
        assert alias.key == "name:springfield|US" and alias.city_id == chosen.geonames_id
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "ref_tie_reviews")).all()
        assert len(audit) == 1 and "2 row(s) settled" in audit[0].summary
        assert s.scalar(select(AuditEntry).where(AuditEntry.entity == "ref_city_aliases")) is not None


def test_later_imports_remember_the_decision(sys_session, springfields):
    with sys_session() as s:
        decisions.pick_city(s, _review_of(s, "Springfield").id, "a", _springfield_il(s).geonames_id, "admin")
    before = snapshot(sys_session)
    again = run_import(sys_session, springfields, "wikipedia")
    assert again.resolved == 1 and again.methods == {"alias": 1, "exact": 1}
    assert not again.changed and snapshot(sys_session) == before


def test_picking_a_wikidata_item_stores_its_id(sys_session):
    run_import(sys_session, TIES / "relations.tsv", "wikidata", names=NAMES)
    with sys_session() as s:
        row = s.scalars(select(TieReview).where(TieReview.a_qid == "Q26345")).one()
        kalmar = city_named(s, "Kalmar", "SE")
        result = decisions.pick_city(s, row.id, "a", kalmar.geonames_id, "admin")
        assert result.wikidata_id_stored and result.ties_created == 1
    with sys_session() as s:
        assert city_named(s, "Kalmar", "SE").wikidata_id == "Q26345"
    again = run_import(sys_session, TIES / "relations.tsv", "wikidata", names=NAMES)
    assert again.methods.get("wikidata", 0) >= 9
    with sys_session() as s:  # the other "Kalmar" item still needs a person, now with a clearer reason
        other = s.scalars(select(TieReview).where(TieReview.a_qid == "Q508153")).one()
        assert other.status == "ambiguous" and "already has Wikidata id Q26345" in other.problem


def test_dismissed_rows_stay_dismissed(sys_session):
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    with sys_session() as s:
        row = _review_of(s, "Atlantis")
        decisions.dismiss(s, row.id, "admin")
        row_id = row.id
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    with sys_session() as s:
        assert s.get(TieReview, row_id).status == "dismissed"
        with pytest.raises(Conflict):
            decisions.dismiss(s, row_id, "admin")


def test_bad_decisions(sys_session):
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    with sys_session() as s:
        row = _review_of(s, "Springfield")
        with pytest.raises(ValidationFailed) as info:
            decisions.pick_city(s, row.id, "a", 999_999_999, "admin")
        assert info.value.details[0].field == "geonames_id"
        with pytest.raises(ValidationFailed):
            decisions.pick_city(s, row.id, "c", 5368361, "admin")
        # Picking the city that is already the other side would twin a city with itself.
        brest = city_named(s, "Brest", "FR")
        decisions.pick_city(s, row.id, "a", brest.geonames_id, "admin")
        assert s.get(TieReview, row.id).status == "ambiguous"
        assert "same city" in s.get(TieReview, row.id).problem


def _admin_and_user(sys_session):
    with sys_session() as s:
        make_user(s, "root@example.org", admin=True)
        make_user(s, "someone@example.org")


def test_review_page_is_for_administrators_only(sys_session, make_client):
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    _admin_and_user(sys_session)
    anon = make_client()
    r = anon.get("/reference/ties/review", follow_redirects=False)
    assert r.status_code == 303 and "/login" in r.headers["location"]
    user = make_client().login("someone@example.org", PASSWORD)
    assert user.get("/reference/ties/review").status_code == 404
    assert user.api("GET", "/api/v1/reference/ties/review").status_code == 404
    admin = make_client().login("root@example.org", PASSWORD)
    page = admin.get("/reference/ties/review")
    assert page.status_code == 200
    assert "Springfield" in page.text and "Lidice" in page.text and "Springfield, Illinois, US" in page.text
    assert "Los Angeles" not in page.text  # resolved rows are not in the queue
    with sys_session() as s:
        row_id = _review_of(s, "Springfield").id
    denied = user.post(f"/reference/ties/review/{row_id}", {"action": "dismiss"})
    assert denied.status_code == 404
    with sys_session() as s:
        assert s.get(TieReview, row_id).status == "ambiguous"


def test_admin_settles_rows_from_the_page_and_the_api(sys_session, make_client):
    run_import(sys_session, TIES / "twin_towns.csv", "wikipedia")
    _admin_and_user(sys_session)
    admin = make_client().login("root@example.org", PASSWORD)
    with sys_session() as s:
        spring = _review_of(s, "Springfield")
        chosen = _springfield_il(s).geonames_id
        atlantis = _review_of(s, "Atlantis").id
    r = admin.post(
        f"/reference/ties/review/{spring.id}", {"action": "pick", "side": "a", "geonames_id": str(chosen)}
    )
    assert r.status_code == 303 and "flash=" in r.headers["location"]
    bad = admin.post(f"/reference/ties/review/{atlantis}", {"action": "pick", "side": "a", "other_id": "abc"})
    assert bad.status_code == 422 and "GeoNames id" in bad.text
    api = admin.api("POST", f"/api/v1/reference/ties/review/{atlantis}", json={"action": "dismiss"})
    assert api.status_code == 200 and api.json()["status"] == "dismissed"
    listed = admin.api("GET", "/api/v1/reference/ties/review?status=resolved")
    assert listed.status_code == 200
    assert [i["a_name"] for i in listed.json()["items"]] == ["Springfield"]
    again = admin.api("POST", f"/api/v1/reference/ties/review/{atlantis}", json={"action": "dismiss"})
    assert again.status_code == 409
    missing = admin.api("POST", "/api/v1/reference/ties/review/999999", json={"action": "dismiss"})
    assert missing.status_code == 404
    unknown_field = admin.api("POST", f"/api/v1/reference/ties/review/{spring.id}", json={"city": 1})
    assert unknown_field.status_code == 422
