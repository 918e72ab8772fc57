"""A network's index built from its members' shared indicator data: coordinators pick indicators and bounds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select, update

from citydip.sdg.models import CityIndicator, SdgObservation
from citydip.sdgindex.compute import IndicatorSpec, compute_index
from citydip.workspaces import service as ws_service
from citydip.workspaces.repository import workspace_by_slug
from support.factories import PASSWORD, make_user, make_workspace

REPO = Path(__file__).resolve().parents[1] / "fixtures" / "sdg_progress_repo"


def _scale(sys_session, slug: str, code: str, factor: float) -> None:
    with sys_session() as s:
        ws = workspace_by_slug(s, slug)
        ind = s.scalar(
            select(CityIndicator.id).where(CityIndicator.workspace_id == ws.id, CityIndicator.code == code)
        )
        s.execute(
            update(SdgObservation)
            .where(SdgObservation.workspace_id == ws.id, SdgObservation.indicator_id == ind)
            .values(value=SdgObservation.value * factor)
        )


@pytest.fixture
def network(cli, sys_session):
    with sys_session() as s:
        coord = make_user(s, "coord@example.org")
        owners = {slug: make_user(s, f"{slug}@example.org") for slug in ("aa", "bb", "cc")}
        # AA is linked to a reference city: the index shows the city's name, not the workspace's.
        cities = {"aa": "Lyon, FR"}
        spaces = {
            slug: make_workspace(
                s, slug, owner=owners[slug], name=f"City {slug.upper()}", city=cities.get(slug)
            )
            for slug in owners
        }
        make_workspace(s, "out", owner=make_user(s, "out@example.org"))
        net = ws_service.create_network(s, "summit", "Summit")
        for w in spaces.values():
            ws_service.join_network(s, net, w)
        ws_service.add_coordinator(s, net, coord)
    for slug, visibility in (("aa", "network"), ("bb", "public"), ("cc", "private")):
        code, output = cli(
            "sdg", "import-opensdg", str(REPO), "--workspace", slug, "--visibility", visibility
        )
        assert code == 0, output
    _scale(sys_session, "bb", "1-2-1", 1.5)  # B: 30 in 2015 ... 24 in 2021
    _scale(sys_session, "bb", "3-2-1", 0.5)  # B: 30 in 2015 ... 33 in 2022
    return cli


FORM = {
    "title": "Summit from data",
    "goal_colour": "two-worst",
    "impute": "",
    "year": "",
}


def _form(rows: list[dict[str, str]], **extra: str) -> dict[str, str]:
    data = dict(FORM, **extra)
    for i, row in enumerate(rows):
        data[f"use_{i}"] = "on"
        data[f"code_{i}"] = row["code"]
        for key in ("direction", "best", "worst", "green", "red"):
            data[f"{key}_{i}"] = row.get(key, "")
    return data


PICKS = [
    {"code": "1-2-1", "direction": "lower", "best": "0", "worst": "40", "green": "10", "red": "25"},
    {"code": "3-2-1", "direction": "higher", "best": "100", "worst": "0", "green": "90", "red": "50"},
]


def test_coordinator_builds_from_shared_data_only(network, make_client):
    coord = make_client().login("coord@example.org", PASSWORD)
    page = coord.get("/n/summit/index")
    assert 'action="/n/summit/index/build"' in page.text
    assert "1-2-1 Poverty rate" in page.text
    r = coord.post("/n/summit/index/build", _form(PICKS))
    assert r.status_code == 303, r.text[:3000]
    url = r.headers["location"].split("?")[0]
    rows = {row["city"]: row for row in csv.DictReader(io.StringIO(coord.get(url + "/export.csv").text))}

    # The same numbers straight from the library: latest headline values of the cities sharing data.
    specs = [
        IndicatorSpec("1-2-1", "1", "lower", best=0, worst=40, green=10, red=25),
        IndicatorSpec("3-2-1", "3", "higher", best=100, worst=0, green=90, red=50),
    ]
    expected = compute_index(
        {"Lyon": {"1-2-1": 16.0, "3-2-1": 66.0}, "City BB": {"1-2-1": 24.0, "3-2-1": 33.0}}, specs
    )
    for city in expected.cities:
        assert float(rows[city.city]["index"]) == pytest.approx(city.index, abs=1e-6)
        assert rows[city.city]["rank"] == str(city.rank)
        assert rows[city.city]["goal_1_colour"] == city.goal_colours["1"]
    # City CC keeps its data private: it is listed without data, never with its values.
    assert rows["City CC"]["status"] == "no_data" and rows["City CC"]["index"] == ""
    profile = coord.get(url + "/city", params={"name": "Lyon"})
    assert "2021" in profile.text and "2022" in profile.text  # the year each value comes from

    # A year picks that year's values instead of the latest.
    r = coord.post("/n/summit/index/build", _form(PICKS[:1], year="2015", title="2015 values"))
    assert r.status_code == 303
    url2 = r.headers["location"].split("?")[0]
    rows2 = {row["city"]: row for row in csv.DictReader(io.StringIO(coord.get(url2 + "/export.csv").text))}
    assert float(rows2["Lyon"]["goal_1_score"]) == pytest.approx(100 * (20 - 40) / (0 - 40))
    assert float(rows2["City BB"]["goal_1_score"]) == pytest.approx(100 * (30 - 40) / (0 - 40))


def test_build_errors_and_permissions(network, make_client):
    coord = make_client().login("coord@example.org", PASSWORD)
    r = coord.post("/n/summit/index/build", _form([]))
    assert r.status_code == 422 and "choose at least one indicator" in r.text
    r = coord.post("/n/summit/index/build", _form([{"code": "99-9-9", "direction": "higher"}]))
    assert r.status_code == 422 and "no member shares data for 99-9-9" in r.text
    # Problems name the coordinator's selection (indicator and field), never the generated files.
    r = coord.post("/n/summit/index/build", _form([dict(PICKS[0], best="x")]))
    text = r.text.replace("&#39;", "'")
    assert r.status_code == 422 and "1-2-1, best: 'x' is not a number" in text
    assert "selection.csv" not in text and "member-values.csv" not in text
    # 15-1-1 has the same latest value (31) in both sharing cities: bounds derived from them are equal, and
    # the message says what to do.
    r = coord.post("/n/summit/index/build", _form([{"code": "15-1-1", "direction": "higher"}]))
    text = r.text.replace("&#39;", "'")
    assert r.status_code == 422 and "15-1-1: best and worst bounds are equal" in text, text[-3000:]
    assert "enter a best and a worst bound" in text and "selection.csv" not in text
    # No direction chosen and none in the members' settings: the coordinator is asked to choose.
    r = coord.post("/n/summit/index/build", _form([{"code": "15-1-1"}]))
    assert r.status_code == 422 and "15-1-1: the members" in r.text and "choose one" in r.text
    r = coord.post("/n/summit/index/build", _form(PICKS, year="1850"))
    assert r.status_code == 422 and "enter a year" in r.text
    r = coord.post("/n/summit/index/build", _form(PICKS, year="2030"))
    assert r.status_code == 422 and "no member shares a value" in r.text

    member = make_client().login("aa@example.org", PASSWORD)
    assert member.post("/n/summit/index/build", _form(PICKS)).status_code == 403
    outsider = make_client().login("out@example.org", PASSWORD)
    assert outsider.post("/n/summit/index/build", _form(PICKS)).status_code == 404

    body = {"title": "API", "indicators": PICKS, "goal_colour": "all-indicators"}
    r = coord.api("POST", "/api/v1/networks/summit/index-runs/from-indicators", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "indicators" and r.json()["city_count"] == 3
    assert (
        member.api("POST", "/api/v1/networks/summit/index-runs/from-indicators", json=body).status_code == 403
    )


def test_directions_come_from_the_members_settings_and_series_give_trends(network, make_client):
    coord = make_client().login("coord@example.org", PASSWORD)
    rows = coord.get("/n/summit/index").text.split("<tr>")
    poverty = next(r for r in rows if "1-2-1 Poverty rate" in r)
    # The fixture's indicator-config says 1-2-1's desired direction is negative: lower is better.
    assert 'value="lower" selected' in poverty and "from the indicator&#39;s settings" in poverty
    picks = [{k: v for k, v in p.items() if k != "direction"} for p in PICKS]
    r = coord.post("/n/summit/index/build", _form(picks, title="Directions from settings"))
    assert r.status_code == 303, r.text[-3000:]
    url = r.headers["location"].split("?")[0]
    by_city = {row["city"]: row for row in csv.DictReader(io.StringIO(coord.get(url + "/export.csv").text))}
    # Lower is better for 1-2-1: Lyon's 16 on bounds 0 (best) to 40 (worst) scores 60, not 40.
    assert float(by_city["Lyon"]["goal_1_score"]) == pytest.approx(60.0)
    # Trends from the shared series, latest year against the earliest year 3 to 5 years before:
    # Lyon 1-2-1: 18 (2018) -> 16 (2021) is +1.67 points a year, as fast as green (75) by 2030 needs.
    assert by_city["Lyon"]["goal_1_trend"] == "on_track"
    # City BB 1-2-1 (scaled 1.5): 27 -> 24 is +2.5 a year, at least half of the 3.9 needed.
    assert by_city["City BB"]["goal_1_trend"] == "moderately_improving"
    # 3-2-1: Lyon 63 (2019) -> 66 (2022) is +1 a year where 3 are needed.
    assert by_city["Lyon"]["goal_3_trend"] == "stagnating"
    detail = list(csv.DictReader(io.StringIO(coord.get(url + "/indicators.csv").text)))
    lyon = next(d for d in detail if d["city"] == "Lyon" and d["indicator"] == "1-2-1")
    assert (lyon["trend"], lyon["trend_from_year"], lyon["trend_to_year"]) == ("on_track", "2018", "2021")
    assert float(lyon["normalised"]) == pytest.approx(60.0) and lyon["year"] == "2021"
    api = coord.api("GET", "/api/v1/networks/summit/index-runs/" + url.rsplit("/", 1)[1] + "/indicators")
    assert api.status_code == 200
    same = next(d for d in api.json() if d["city"] == "Lyon" and d["indicator"] == "1-2-1")
    assert same["trend"] == "on_track" and same["normalised"] == pytest.approx(60.0)
    page = coord.get(url).text
    assert "moderately improving" in page and "not ranked" in page  # City CC shares nothing
