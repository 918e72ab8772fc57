"""Reference data: city resolution, SDG framework import, public city pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from citydip.core.errors import ValidationFailed
from citydip.reference.cities import resolve_city
from citydip.reference.models import City, Country, SdgGoal, SdgIndicator
from citydip.reference.sdg_framework import apply_framework, parse_framework_file
from support.paths import FIXTURES, shared


@pytest.mark.parametrize(
    ("query", "country", "expected"),
    [
        ("Los Angeles", None, ("Los Angeles", "US")),
        ("Los Angeles, US", None, ("Los Angeles", "US")),
        ("Sao Paulo", None, ("São Paulo", "BR")),
        ("sao paulo, brazil", None, ("São Paulo", "BR")),
        ("Guangzou", None, ("Guangzhou", "CN")),
        ("Muenchen", "DE", ("Munich", "DE")),
        ("Cologne", None, ("Köln", "DE")),
        ("Springfield", "US", ("Springfield", "US")),
    ],
)
def test_city_resolution(sys_session, query, country, expected):
    with sys_session() as s:
        match = resolve_city(s, query, country)
        assert match.city is not None, match
        assert (match.city.name, match.city.country_code) == expected


def test_ambiguity_and_no_match(sys_session):
    with sys_session() as s:
        assert resolve_city(s, "Springfield", "US").ambiguous
        assert not resolve_city(s, "Los Angeles").ambiguous
        assert resolve_city(s, "Xqzvwpl Hhhkk").city is None
        assert resolve_city(s, "   ").city is None


def test_reference_tables_are_loaded(sys_session):
    with sys_session() as s:
        # GeoNames' 1,000+ list; the 15,000 list (what pickers offer by default) is its class 15000.
        assert s.scalar(select(func.count()).select_from(City)) == 170_391
        assert (
            s.scalar(select(func.count()).select_from(City).where(City.population_class == 15000)) == 34_006
        )
        assert s.scalar(select(func.count()).select_from(SdgGoal)) == 17
        us = s.get(Country, "US")
        assert us is not None and us.region == "Americas" and us.subregion == "Northern America"
        ind = s.get(SdgIndicator, "11.6.2")
        assert ind is not None and ind.target == "11.6" and ind.short_label


def test_framework_import_from_own_csv(sys_session):
    fw = parse_framework_file(FIXTURES / "reference" / "framework_small.csv")
    assert len(fw.goals) == 17
    with sys_session() as s:
        report = apply_framework(s, fw)
        assert report.indicators_updated == 18
        assert report.indicators_added == 1
        assert s.get(SdgIndicator, "11.6.2").official_title.startswith("Annual mean levels")
        assert s.get(SdgIndicator, "11.6.9").goal == 11


def test_framework_import_rejects_bad_rows(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("goal,target,indicator,indicator_title\nx,1.1,1.1.1,t\n1,1.1,one,t\n")
    with pytest.raises(ValidationFailed) as err:
        parse_framework_file(bad)
    assert {d.row for d in err.value.details} == {2, 3}
    assert {d.field for d in err.value.details} == {"goal", "indicator"}


def test_framework_import_from_the_un_spreadsheet(sys_session):
    path = shared("sdg_framework/Global-Indicator-Framework-after-2025-review-English.xlsx")
    fw = parse_framework_file(path)
    assert len(fw.goals) == 17 and len(fw.targets) == 169
    assert len(fw.indicators) == 251
    with sys_session() as s:
        report = apply_framework(s, fw)
        assert report.indicators_added == 0
        assert report.indicators_updated == 251
        assert "PM2.5" in s.get(SdgIndicator, "11.6.2").official_title


def test_city_pages_and_api(client):
    page = client.get("/reference/cities?q=guangzhou")
    assert page.status_code == 200 and "Guangzhou" in page.text
    city = client.get("/reference/cities/1809858")
    assert city.status_code == 200 and "Guangzhou" in city.text
    r = client.get("/api/v1/reference/cities/resolve", params={"name": "Sao Paulo"})
    assert r.json()["city"]["name"] == "São Paulo" and r.json()["method"] == "exact"
    assert client.get("/api/v1/reference/cities/999999999").status_code == 404
    goals = client.get("/api/v1/reference/sdg/goals").json()
    assert len(goals) == 17 and goals[10]["number"] == 11
