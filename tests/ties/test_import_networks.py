"""Importing ETMUN network memberships: members at their towns, years, phases, review, idempotence."""

from __future__ import annotations

from sqlalchemy import select

from citydip.ties.models import NetworkMembership, TieReview
from ties.ties_helpers import TIES, city_named, run_import, snapshot

ETMUN = TIES / "etmun_members.csv"


def test_memberships_with_years(sys_session):
    report = run_import(sys_session, ETMUN, "etmun", "membership")
    assert report.rows == 7
    assert report.skipped == {"member listed again in the same network": 1, "no member name": 1}
    assert (report.resolved, report.ambiguous, report.unresolved) == (4, 1, 2)
    with sys_session() as s:
        rows = {m.member: m for m in s.scalars(select(NetworkMembership))}
        assert set(rows) == {"Köln", "Lille Métropole Communauté Urbaine (Lille)", "Aalborg", "Valencia"}
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
        reviews = {r.a_name: r for r in s.scalars(select(TieReview).where(TieReview.kind == "membership"))}
        assert set(reviews) == {"Saint Thibéry", "Comillas", "Mystery Town"}
        assert reviews["Comillas"].status == "ambiguous" and "km" in reviews["Comillas"].problem
        assert reviews["Mystery Town"].status == "unresolved" and "ZZ" in reviews["Mystery Town"].problem
        assert reviews["Saint Thibéry"].details["network"] == "Covenant of Mayors"


def test_network_reimport_changes_nothing(sys_session):
    run_import(sys_session, ETMUN, "etmun", "membership")
    before = snapshot(sys_session)
    again = run_import(sys_session, ETMUN, "etmun", "membership")
    assert not again.changed and again.unchanged == 4
    assert snapshot(sys_session) == before


def test_a_changed_year_updates_the_membership(sys_session, tmp_path):
    run_import(sys_session, ETMUN, "etmun", "membership")
    changed = tmp_path / "etmun_members.csv"
    changed.write_text(ETMUN.read_text(encoding="utf-8").replace('"1992"', '"1993"'), encoding="utf-8")
    report = run_import(sys_session, changed, "etmun", "membership")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    with sys_session() as s:
        assert (
            s.scalar(select(NetworkMembership.year_joined).where(NetworkMembership.member == "Köln")) == 1993
        )


def test_cli_import_networks(cli):
    code, out = cli("reference", "import-networks", str(ETMUN), "--format", "etmun")
    assert code == 0, out
    assert "new memberships" in out and "4 new" in out
    code, out = cli("reference", "import-networks", str(ETMUN), "--format", "wikipedia")
    assert code == 1 and "Unknown format 'wikipedia'" in out and "etmun" in out
