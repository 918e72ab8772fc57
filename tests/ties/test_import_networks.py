"""Importing ETMUN network memberships: members at their towns, years, phases, review, idempotence."""

from __future__ import annotations

from sqlalchemy import select

from citydip.reference.models import City
from citydip.ties.models import NetworkMembership, TieReview
from ties.ties_helpers import TIES, city_named, run_import, snapshot

ETMUN = TIES / "etmun_members.csv"


def test_memberships_with_years(sys_session):
    report = run_import(sys_session, ETMUN, "etmun", "membership")
    assert report.rows == 8
    assert report.skipped == {"member listed again in the same network": 1, "no member name": 1}
    assert (report.resolved, report.ambiguous, report.unresolved) == (6, 1, 1)
    with sys_session() as s:
        rows = {m.member: m for m in s.scalars(select(NetworkMembership))}
        assert set(rows) == {
            "Köln",
            "Lille Métropole Communauté Urbaine (Lille)",
            "Aalborg",
            "Valencia",
            "Saint Thibéry",  # a village of 2,500 on GeoNames' 1,000 list, placed by its coordinates
            "Comillas",  # the town in Cantabria, told from its namesake by the coordinates
        }
        cologne = rows["Köln"]
        assert cologne.network == "Climate Alliance" and cologne.year_joined == 1992
        assert cologne.city_id == city_named(s, "Köln", "DE").geonames_id
        lille = rows["Lille Métropole Communauté Urbaine (Lille)"]
        assert (
            lille.city_id == city_named(s, "Lille", "FR").geonames_id and lille.member_status == "Full Member"
        )
        aalborg = rows["Aalborg"]  # two CIVITAS phases: one membership from the first
        assert (
            aalborg.year_joined == 2002 and "CIVITAS I" in aalborg.period and "CIVITAS PLUS" in aalborg.period
        )
        assert rows["Valencia"].year_joined is None
        assert rows["Valencia"].city_id == city_named(s, "Valencia", "ES").geonames_id
        assert s.get(City, rows["Comillas"].city_id).admin1_name == "Cantabria"
        assert rows["Saint Thibéry"].network == "Covenant of Mayors"
        reviews = {r.a_name: r for r in s.scalars(select(TieReview).where(TieReview.kind == "membership"))}
        assert set(reviews) == {"Brest", "Mystery Town"}
        brest = reviews["Brest"]  # placed on the Mediterranean: no Brest within reach, so a person decides
        assert brest.status == "ambiguous" and "km" in brest.problem and "Brittany" in brest.problem
        assert brest.details["network"] == "Energy Cities" and brest.details["member"] == "Brest Métropole"
        assert reviews["Mystery Town"].status == "unresolved" and "ZZ" in reviews["Mystery Town"].problem


def test_network_reimport_changes_nothing(sys_session):
    run_import(sys_session, ETMUN, "etmun", "membership")
    before = snapshot(sys_session)
    again = run_import(sys_session, ETMUN, "etmun", "membership")
    assert not again.changed and again.unchanged == 6
    assert snapshot(sys_session) == before


def test_a_changed_year_updates_the_membership(sys_session, tmp_path):
    run_import(sys_session, ETMUN, "etmun", "membership")
    changed = tmp_path / "etmun_members.csv"
    changed.write_text(ETMUN.read_text(encoding="utf-8").replace('"1992"', '"1993"'), encoding="utf-8")
    report = run_import(sys_session, changed, "etmun", "membership")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 5)
    with sys_session() as s:
        assert (
            s.scalar(select(NetworkMembership.year_joined).where(NetworkMembership.member == "Köln")) == 1993
        )


def test_cli_import_networks(cli):
    code, out = cli("reference", "import-networks", str(ETMUN), "--format", "etmun")
    assert code == 0, out
    assert "new memberships" in out and "6 new" in out
    assert "Ambiguous places: 1 of 1" in out and "Brest" in out and "Brittany" in out
    code, out = cli("reference", "import-networks", str(ETMUN), "--format", "wikipedia")
    assert code == 1 and "Unknown format 'wikipedia'" in out and "etmun" in out
