"""Stored index runs of a workspace: upload in the browser, ranking, heat map, city profile, CSV, bad files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from citydip.core.tenancy import Role
from citydip.sdgindex.cli import app as index_cli
from citydip.sdgindex.models import IndexRun
from support.factories import PASSWORD, add_member, make_user, make_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sdgindex"
NAN_RE = re.compile(r"\bnan\b|\binf\b", re.IGNORECASE)


def _setup(sys_session, role: Role = Role.editor) -> None:
    with sys_session() as s:
        owner = make_user(s, "ana@example.org")
        ws = make_workspace(s, "la", owner=owner)
        viewer = make_user(s, "val@example.org")
        add_member(s, viewer, ws, Role.viewer)


def _files(values: str = "values_long.csv", spec: str = "spec.csv", regions: str | None = None) -> dict:
    files = {
        "values_file": (values, (FIXTURES / values).read_bytes(), "text/csv"),
        "spec_file": (spec, (FIXTURES / spec).read_bytes(), "text/csv"),
    }
    if regions:
        files["regions_file"] = (regions, (FIXTURES / regions).read_bytes(), "text/csv")
    return files


def _upload(browser, files: dict, **form: str):
    data = {"title": "Fixture cities", "goal_colour": "two-worst", "impute": "", **form}
    data["csrf_token"] = browser.csrf
    return browser.client.post("/w/la/index/upload", data=data, files=files, follow_redirects=False)


def _run_count(sys_session) -> int:
    with sys_session() as s:
        return int(s.scalar(select(func.count()).select_from(IndexRun)) or 0)


def _cli_csv(*args: str) -> str:
    result = CliRunner().invoke(index_cli, ["compute", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_upload_ranking_heatmap_city_and_csv_match_the_command(make_client, sys_session):
    _setup(sys_session)
    ana = make_client().login("ana@example.org", PASSWORD)
    r = _upload(ana, _files(regions="regions.csv"), impute="region")
    assert r.status_code == 303, r.text[:2000]
    run_url = r.headers["location"].split("?")[0]

    # CSV export equals what `citydip index compute` writes for the same files and options.
    exported = ana.get(run_url + "/export.csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    expected = _cli_csv(
        "--values",
        str(FIXTURES / "values_long.csv"),
        "--spec",
        str(FIXTURES / "spec.csv"),
        "--regions",
        str(FIXTURES / "regions.csv"),
        "--impute-missing-goals",
        "region",
    )
    rows = {r["city"]: r for r in csv.DictReader(io.StringIO(exported.text))}
    want = {r["city"]: r for r in csv.DictReader(io.StringIO(expected))}
    assert rows == want

    # Ranking page: cities in rank order; then those missing more than 20 % of their indicators (Gamma 1 of
    # 4, Epsilon 2 of 4), with the reason; the city without data last.
    page = ana.get(run_url)
    assert page.status_code == 200
    order = re.findall(r'city\?name=([^"&]+)"', page.text)
    ranked = sorted((int(r["rank"]), c) for c, r in want.items() if r["rank"])
    assert order == [c for _rank, c in ranked] + ["Epsilon", "Gamma", "Empty"]
    assert "not ranked: 1 of 4 applicable indicators missing (25.0 %, more than 20 %)" in page.text
    assert "not ranked: 2 of 4 applicable indicators missing (50.0 %, more than 20 %)" in page.text
    assert "not ranked: no data for any applicable indicator" in page.text
    assert "4 of 7 cities ranked." in page.text
    assert want["Gamma"]["status"] == "not_ranked" and want["Gamma"]["rank"] == ""
    assert not NAN_RE.search(page.text)

    # Heat map: every goal score of every city is a cell with its colour in words.
    heat = ana.get(run_url + "/heatmap")
    assert heat.status_code == 200
    for city, row in want.items():
        for goal in ("1", "2", "6"):
            score = row[f"goal_{goal}_score"]
            if score:
                assert f"{float(score):.1f}" in heat.text
    assert heat.text.count("<small>red</small>") == sum(
        1 for r in want.values() for g in ("1", "2", "6") if r[f"goal_{g}_colour"] == "red"
    )
    assert not NAN_RE.search(heat.text)

    # City profile: SVG bars (one per goal with data), tiles with colour words, indicator table.
    prof = ana.get(run_url + "/city", params={"name": "Alpha"})
    assert prof.status_code == 200
    svg = re.search(r"<svg.*?</svg>", prof.text, re.S)
    assert svg is not None
    assert svg.group(0).count("<rect") == 3
    assert "Goal scores of Alpha" in svg.group(0)
    assert f"{float(want['Alpha']['index']):.1f}" in prof.text
    assert not NAN_RE.search(prof.text)
    # Gamma is not ranked, so its missing goal 6 is not imputed; with a limit of 25 % it is ranked and its
    # goal 6 is imputed from its region, and the page says so.
    assert want["Gamma"]["imputed_goals"] == ""
    r = _upload(ana, _files(regions="regions.csv"), impute="region", max_missing="25")
    assert r.status_code == 303, r.text[:2000]
    loose = r.headers["location"].split("?")[0]
    gamma = ana.get(loose + "/city", params={"name": "Gamma"})
    assert "imputed" in gamma.text and not NAN_RE.search(gamma.text)
    loose_rows = {r["city"]: r for r in csv.DictReader(io.StringIO(ana.get(loose + "/export.csv").text))}
    # South's mean of goal 6 leaves out Epsilon (not ranked at 50 % missing): Delta's 70 alone.
    assert loose_rows["Gamma"]["imputed_goals"] == "6" and loose_rows["Gamma"]["goal_6_score"] == "70.000000"
    assert loose_rows["Gamma"]["rank"] == "2" and loose_rows["Epsilon"]["status"] == "not_ranked"
    # A city without any data is never imputed: 'no data' labels instead of bars, never NaN.
    empty = ana.get(run_url + "/city", params={"name": "Empty"})
    assert empty.text.count(">no data</text>") == 3 and not NAN_RE.search(empty.text)
    assert ana.get(run_url + "/city", params={"name": "Nowhere"}).status_code == 404

    # The run is listed on the index page.
    listing = ana.get("/w/la/index")
    assert "Fixture cities" in listing.text


def test_bad_files_name_file_row_and_field_and_store_nothing(make_client, sys_session):
    _setup(sys_session)
    ana = make_client().login("ana@example.org", PASSWORD)

    r = _upload(ana, _files(values="values_bad.csv"))
    assert r.status_code == 422
    text = r.text.replace("&#39;", "'")
    assert "values_bad.csv, row 3, field 'indicator': 'literacy' is not in the spec" in text
    assert "values_bad.csv, row 4, field 'value': '15,000' is not a number" in text
    assert "values_bad.csv, row 5: second value for 'Alpha' / 'poverty'" in text
    assert "values_bad.csv, row 6, field 'city': empty" in text

    r = _upload(ana, _files(spec="spec_bad.csv"))
    assert r.status_code == 422
    text = r.text.replace("&#39;", "'")
    assert "spec_bad.csv, row 2, field 'goal': empty" in text
    assert "spec_bad.csv, row 3, field 'direction'" in text
    assert "spec_bad.csv, row 4, field 'best'" in text

    not_utf8 = {
        "values_file": (
            "latin.csv",
            "city,indicator,value\nSão Paulo,poverty,3\n".encode("latin-1"),
            "text/csv",
        ),
        "spec_file": ("spec.csv", (FIXTURES / "spec.csv").read_bytes(), "text/csv"),
    }
    r = _upload(ana, not_utf8)
    assert r.status_code == 422 and "latin.csv: not UTF-8 text" in r.text

    empty = {
        "values_file": ("V.csv", b"", "text/csv"),
        "spec_file": ("spec.csv", (FIXTURES / "spec.csv").read_bytes(), "text/csv"),
    }
    r = _upload(ana, empty)
    # An empty upload is indistinguishable from no file chosen in some browsers; either message is clear.
    assert r.status_code == 422 and ("choose the values file" in r.text or "empty file" in r.text)

    r = _upload(ana, {"spec_file": ("spec.csv", (FIXTURES / "spec.csv").read_bytes(), "text/csv")})
    assert r.status_code == 422 and "choose the values file (V.csv)" in r.text

    r = _upload(ana, _files(), impute="region")
    assert r.status_code == 422 and "imputation by region needs a regions file" in r.text

    r = _upload(ana, _files(), goal_colour="rainbow")
    assert r.status_code == 422 and "choose two-worst or all-indicators" in r.text

    r = _upload(ana, _files(), title="")
    assert r.status_code == 422 and "enter a title" in r.text

    # A spec with a goal-less indicator and bounds that cannot be used.
    spec = b"indicator,goal,direction,best,worst\nx,1,higher,5,5\n"
    values = b"city,indicator,value\nA,x,1\n"
    r = _upload(ana, {"values_file": ("V.csv", values, "text/csv"), "spec_file": ("S.csv", spec, "text/csv")})
    assert r.status_code == 422 and "best and worst bounds are equal" in r.text
    assert _run_count(sys_session) == 0


def test_all_values_missing_gives_unranked_cities_and_no_nan(make_client, sys_session):
    _setup(sys_session)
    ana = make_client().login("ana@example.org", PASSWORD)
    values = b"city,poverty,water\nA,NaN,\nB,n/a,..\nC,10,90\nD,30,60\n"
    spec = b"indicator,goal,direction,best,worst,green,red\npoverty,1,lower,0,40,5,20\nwater,6,higher,100,50,95,80\n"
    r = _upload(ana, {"values_file": ("V.csv", values, "text/csv"), "spec_file": ("S.csv", spec, "text/csv")})
    assert r.status_code == 303, r.text[:1500]
    url = r.headers["location"].split("?")[0]
    exported = list(csv.DictReader(io.StringIO(ana.get(url + "/export.csv").text)))
    by_city = {row["city"]: row for row in exported}
    assert by_city["A"]["status"] == "no_data" and by_city["A"]["index"] == "" and by_city["A"]["rank"] == ""
    assert by_city["C"]["rank"] == "1"
    for path in ("", "/heatmap", "/city?name=A", "/city?name=C", "/export.csv"):
        body = ana.get(url + path).text
        assert not NAN_RE.search(body), path


def test_viewers_read_but_cannot_upload_or_delete(make_client, sys_session):
    _setup(sys_session)
    ana = make_client().login("ana@example.org", PASSWORD)
    r = _upload(ana, _files())
    url = r.headers["location"].split("?")[0]
    val = make_client().login("val@example.org", PASSWORD)
    assert val.get(url).status_code == 200
    assert 'action="/w/la/index/upload"' not in val.get("/w/la/index").text
    assert _upload(val, _files()).status_code == 403
    assert val.post(url + "/delete").status_code == 403
    assert _run_count(sys_session) == 1
    assert ana.post(url + "/delete").status_code == 303
    assert _run_count(sys_session) == 0


def test_api_create_read_list_delete_and_errors(make_client, sys_session):
    _setup(sys_session)
    ana = make_client().login("ana@example.org", PASSWORD)
    body = {
        "title": "API run",
        "values_csv": (FIXTURES / "values_wide.csv").read_text(),
        "spec_csv": (FIXTURES / "spec.csv").read_text(),
        "goal_colour": "all-indicators",
    }
    r = ana.api("POST", "/api/v1/workspaces/la/index-runs", json=body)
    assert r.status_code == 201, r.text
    run = r.json()
    wide_rows = list(csv.DictReader(io.StringIO(body["values_csv"])))
    assert run["goal_colour_rule"] == "all-indicators" and run["city_count"] == len(wide_rows)
    ranks = [c["rank"] for c in run["cities"] if c["rank"] is not None]
    assert ranks == sorted(ranks)
    got = ana.api("GET", f"/api/v1/workspaces/la/index-runs/{run['id']}").json()
    assert got["cities"] == run["cities"]
    assert [x["id"] for x in ana.api("GET", "/api/v1/workspaces/la/index-runs").json()] == [run["id"]]

    bad = dict(body, values_csv="city,indicator,value\nA,unknown,1\n")
    r = ana.api("POST", "/api/v1/workspaces/la/index-runs", json=bad)
    assert r.status_code == 422
    detail = r.json()["error"]["details"][0]
    assert detail == {
        "field": "indicator",
        "message": "V.csv, row 2, field 'indicator': 'unknown' is not in the spec",
        "row": 2,
        "file": "V.csv",
    }

    files = _files(values="values_wide.csv")
    r = ana.client.post(
        "/api/v1/workspaces/la/index-runs/upload",
        data={"title": "Multipart"},
        files=files,
        headers={"X-CSRF-Token": ana.csrf},
    )
    assert r.status_code == 201, r.text
    multipart = r.json()
    assert multipart["goal_colour_rule"] == "two-worst"
    # Scores do not depend on the colour rule: the same files give the same scores and ranks.
    assert [(c["city"], c["goal_scores"], c["index"], c["rank"]) for c in multipart["cities"]] == [
        (c["city"], c["goal_scores"], c["index"], c["rank"]) for c in run["cities"]
    ]

    assert ana.api("DELETE", f"/api/v1/workspaces/la/index-runs/{run['id']}").status_code == 204
    assert ana.api("GET", f"/api/v1/workspaces/la/index-runs/{run['id']}").status_code == 404


def test_groups_years_and_detail_on_pages_api_and_csv_match_the_command(make_client, sys_session, tmp_path):
    _setup(sys_session)
    ana = make_client().login("ana@example.org", PASSWORD)
    files = {
        "values_file": ("groups.csv", (FIXTURES / "values_groups.csv").read_bytes(), "text/csv"),
        "spec_file": ("spec_groups.csv", (FIXTURES / "spec_groups.csv").read_bytes(), "text/csv"),
    }
    r = _upload(ana, files, title="Groups")
    assert r.status_code == 303, r.text[:2000]
    url = r.headers["location"].split("?")[0]
    run_id = url.rsplit("/", 1)[1]
    # The run's two CSV files equal what the command writes for the same files.
    args = ["--values", str(FIXTURES / "values_groups.csv"), "--spec", str(FIXTURES / "spec_groups.csv")]
    assert ana.get(url + "/export.csv").text == _cli_csv(*args)
    detail = ana.get(url + "/indicators.csv")
    assert detail.headers["content-disposition"].endswith('-indicators.csv"')
    written = tmp_path / "detail.csv"
    result = CliRunner().invoke(
        index_cli, ["compute", *args, "--detail", str(written), "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 0 and detail.text == written.read_text(encoding="utf-8")
    # Pages: the reason a city is not ranked, dashboard-only rows marked, non-applicable rows left out.
    page = ana.get(url).text
    assert "not ranked: 1 of 2 applicable indicators missing (50.0 %, more than 20 %)" in page
    assert "3 of 5 cities ranked." in page
    aland = ana.get(url + "/city", params={"name": "Aland"}).text
    assert "dashboard only" in aland and "Colour scale (0-3)" in aland and "2.20" in aland
    bland = ana.get(url + "/city", params={"name": "Bland"}).text
    assert "safe_water" not in bland and "basic_water" in bland
    listing = ana.get("/w/la/index").text
    assert "(3 ranked)" in listing
    # API: reasons, coverage, groups, and the indicator detail.
    got = ana.api("GET", f"/api/v1/workspaces/la/index-runs/{run_id}").json()
    assert got["ranked_count"] == 3 and got["max_missing"] == 20.0 and got["trend_window"] == 5
    dland = next(c for c in got["cities"] if c["city"] == "Dland")
    assert dland["status"] == "not_ranked" and dland["rank"] is None and dland["missing_percent"] == 50.0
    assert dland["status_reason"].startswith("not ranked: 1 of 2") and dland["groups"] == [
        "HIC",
        "OECD",
        "landlocked",
    ]
    rows = ana.api("GET", f"/api/v1/workspaces/la/index-runs/{run_id}/indicators").json()
    elderly = next(x for x in rows if (x["city"], x["indicator"]) == ("Aland", "elderly_poverty"))
    assert elderly["in_score"] is False and elderly["colour"] == "red" and elderly["rescaled"] == 0.5
    assert not any(x["city"] == "Bland" and x["indicator"] == "safe_water" for x in rows)


def test_trends_from_a_history_upload_and_option_errors(make_client, sys_session):
    _setup(sys_session)
    ana = make_client().login("ana@example.org", PASSWORD)
    files = _files(values="values_long.csv")
    files["history_file"] = ("history.csv", (FIXTURES / "values_years.csv").read_bytes(), "text/csv")
    r = _upload(ana, files, title="With history", max_missing="100", trend_window="5")
    assert r.status_code == 303, r.text[:2000]
    url = r.headers["location"].split("?")[0]
    rows = {x["city"]: x for x in csv.DictReader(io.StringIO(ana.get(url + "/export.csv").text))}
    assert rows["Alpha"]["goal_6_trend"] == "" and "goal_6_trend" in rows["Alpha"]
    heat = ana.get(url + "/heatmap").text
    assert "Trends (towards the green threshold by 2030)" in heat and not NAN_RE.search(heat)
    r = _upload(ana, _files(), max_missing="abc", trend_window="1")
    assert r.status_code == 422
    assert (
        "enter a percentage between 0 and 100" in r.text
        and "enter a whole number of years from 2 to 30" in r.text
    )
    r = _upload(
        ana, dict(_files(), history_file=("h.csv", b"city,indicator,value\nAlpha,poverty,3\n", "text/csv"))
    )
    assert r.status_code == 422 and "h.csv: a history file needs a year column" in r.text
    assert _run_count(sys_session) == 1


NEW_CITY_KEYS = ("groups", "goal_trends", "indicators_applicable", "missing_percent", "years", "trends")


def test_runs_stored_before_the_new_rules_still_show(make_client, sys_session):
    # A run stored before eligibility, applicability and trends: its JSON lacks those keys and its
    # max_missing is NULL (the migration leaves it so). Pages, CSV files and the API still work, no NaN.
    from citydip.sdgindex.io import CsvText
    from citydip.sdgindex.service import IndexInputs, IndexOptions, compute
    from citydip.workspaces.repository import workspace_by_slug

    _setup(sys_session)
    inputs = IndexInputs(
        CsvText("V.csv", (FIXTURES / "values_long.csv").read_text()),
        CsvText("S.csv", (FIXTURES / "spec.csv").read_text()),
    )
    result, cities, indicators = compute(inputs, IndexOptions(max_missing=None))
    result.pop("max_missing")
    for city in result["cities"]:
        for key in NEW_CITY_KEYS:
            city.pop(key)
    for spec in result["indicators"]:
        spec.pop("applies_to")
        spec.pop("in_score")
    with sys_session() as s:
        ws = workspace_by_slug(s, "la")
        run = IndexRun(
            workspace_id=ws.id, title="Old run", result=result, city_count=cities, indicator_count=indicators
        )
        s.add(run)
        s.flush()
        url = f"/w/la/index/{run.id}"
    ana = make_client().login("ana@example.org", PASSWORD)
    for path in ("", "/heatmap", "/city?name=Alpha", "/city?name=Empty", "/export.csv", "/indicators.csv"):
        page = ana.get(url + path)
        assert page.status_code == 200 and not NAN_RE.search(page.text), path
    rows = {r["city"]: r for r in csv.DictReader(io.StringIO(ana.get(url + "/export.csv").text))}
    assert rows["Epsilon"]["rank"] != "" and rows["Epsilon"]["status_reason"] == ""
    api = ana.api("GET", f"/api/v1/workspaces/la/index-runs/{url.rsplit('/', 1)[1]}")
    assert api.status_code == 200 and api.json()["max_missing"] is None
