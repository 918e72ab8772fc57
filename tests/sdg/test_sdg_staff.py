"""Staff pages and API: indicator list, data entry, CSV upload with preview and validation, metadata editing,
visibility, history; viewers cannot change anything."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.tenancy import Role
from citydip.sdg.models import CityIndicator, SdgMetadata, SdgObservation
from support.factories import PASSWORD, add_member, make_user, make_workspace
from support.sdg_helpers import CITY, do_import, indicator_rows, raw_rows

SysSession = Callable[[], AbstractContextManager[Session]]
BASE = "/w/sample/sdg"


@pytest.fixture
def sample(sys_session: SysSession) -> Any:
    with sys_session() as s:
        owner = make_user(s, "owner@sample.org")
        viewer = make_user(s, "viewer@sample.org")
        ws = make_workspace(s, "sample", owner=owner, name="Sample City Office")
        add_member(s, viewer, ws, Role.viewer)
    with sys_session() as s:
        do_import(s, ws, CITY)
    return ws


@pytest.fixture
def owner(sample: Any, make_client: Any) -> Any:
    return make_client().login("owner@sample.org", PASSWORD)


def _indicator(sys_session: SysSession, ws_id: int, code: str) -> CityIndicator:
    with sys_session() as s:
        return s.scalars(
            select(CityIndicator).where(CityIndicator.workspace_id == ws_id, CityIndicator.code == code)
        ).one()


def test_indicator_list_filters_and_reporting(owner: Any) -> None:
    r = owner.get(BASE + "/")
    assert r.status_code == 200
    for code in ("1-2-1", "5-1-1", "11-6-1", "city-1"):
        assert f"{BASE}/indicators/{code}" in r.text
    assert "placeholder data" in r.text
    only = owner.get(BASE + "/?reporting_status=inprogress").text
    assert f"{BASE}/indicators/11-6-1" in only and f"{BASE}/indicators/1-2-1" not in only
    assert owner.get(BASE + "/?goal=abc").status_code == 422
    rep = owner.get(BASE + "/reporting")
    assert rep.status_code == 200 and "Local indicators" in rep.text


def test_indicator_settings_and_visibility_propagate(
    owner: Any, sample: Any, sys_session: SysSession, client: Any
) -> None:
    page = owner.get(BASE + "/indicators/1-2-1")
    assert page.status_code == 200 and "Findings of the last import" in page.text
    r = owner.post(
        BASE + "/indicators/1-2-1",
        {
            "name": "Residents in poverty",
            "department": "Economic development",
            "reporting_status": "inprogress",
            "visibility": "public",
        },
    )
    assert r.status_code == 303
    ind = _indicator(sys_session, sample.id, "1-2-1")
    assert (ind.name, ind.department, ind.reporting_status, ind.visibility) == (
        "Residents in poverty",
        "Economic development",
        "inprogress",
        "public",
    )
    with sys_session() as s:
        rows = indicator_rows(s, sample.id, "1-2-1")
        assert {r["visibility"] for table in rows.values() for r in table} == {"public"}
        meta = s.scalars(
            select(SdgMetadata).where(SdgMetadata.indicator_id == ind.id, SdgMetadata.language == "")
        ).one()
        assert (
            meta.fields["reporting_status"] == "inprogress"
            and meta.fields["indicator_name"] == "Residents in poverty"
        )
    assert client.get("/public/sample/sdg/indicators/1-2-1").status_code == 200
    bad = owner.post(BASE + "/indicators/1-2-1", {"name": "", "reporting_status": "done"})
    assert bad.status_code == 422 and "is required" in bad.text


def test_data_entry_add_edit_delete(owner: Any, sample: Any, sys_session: SysSession) -> None:
    r = owner.post(
        BASE + "/indicators/1-2-1/data",
        {"year": "2019", "value": "18.4", "unit": "Percent", "dim:Sex": "Female", "footnote": "Provisional"},
    )
    assert r.status_code == 303, r.text[:500]
    ind = _indicator(sys_session, sample.id, "1-2-1")
    assert ind.observation_count == 15
    with sys_session() as s:
        new = [o for o in raw_rows(s, sample.id, SdgObservation, indicator_id=ind.id) if o["year"] == "2019"]
    assert len(new) == 1 and new[0]["disaggregation"] == {"Sex": "Female"} and new[0]["value"] == 18.4
    assert new[0]["attributes"] == {"Units": "Percent", "COMMENT_OBS": "Provisional"} and new[0]["seq"] == 14
    assert ind.data_columns == ["Year", "Sex", "Age", "Units", "COMMENT_OBS", "Value"]

    dup = owner.post(
        BASE + "/indicators/1-2-1/data",
        {"year": "2019", "value": "1", "unit": "Percent", "dim:Sex": "Female"},
    )
    assert dup.status_code == 409 and "already has a value" in dup.text
    bad = owner.post(BASE + "/indicators/1-2-1/data", {"year": "2019", "value": "12.5%", "unit": "Percent"})
    assert bad.status_code == 422 and "has a percent sign" in bad.text and "write 12.5" in bad.text
    noyear = owner.post(BASE + "/indicators/1-2-1/data", {"year": "last year", "value": "3"})
    assert noyear.status_code == 422 and "four-digit year" in noyear.text

    obs_id = new[0]["id"]
    form = owner.get(f"{BASE}/indicators/1-2-1/data/{obs_id}")
    assert form.status_code == 200 and 'value="18.4"' in form.text
    edit = owner.post(
        f"{BASE}/indicators/1-2-1/data/{obs_id}",
        {"year": "2019", "value": "18.6", "unit": "Percent", "dim:Sex": "Female"},
    )
    assert edit.status_code == 303
    with sys_session() as s:
        row = s.get(SdgObservation, (sample.id, obs_id))
        assert row is not None and row.value == 18.6 and row.footnote is None
    assert owner.post(f"{BASE}/indicators/1-2-1/data/{obs_id}/delete").status_code == 303
    assert _indicator(sys_session, sample.id, "1-2-1").observation_count == 14

    history = owner.get(BASE + "/indicators/1-2-1/history")
    assert history.status_code == 200
    assert "imported 14 rows" in history.text and "18.4 → 18.6" in history.text and "delete" in history.text


def test_upload_with_bad_rows_previews_and_saves_nothing(
    owner: Any, sample: Any, sys_session: SysSession
) -> None:
    with sys_session() as s:
        before = indicator_rows(s, sample.id, "11-6-1")
    bad = "Year,Series,Units,Value\n2021,Waste diverted from landfill,Percent,71.5%\n2021,Waste diverted from landfill,Percent,70\n,x,Percent,3\n"
    r = owner.client.post(
        BASE + "/indicators/11-6-1/upload",
        data={"csrf_token": owner.csrf, "action": "save"},
        files={"file": ("waste.csv", bad.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 422
    assert "nothing was saved" in r.text and "percent sign" in r.text
    assert re.search(r"<td>error</td><td>2</td><td>Value</td>", r.text)  # names the row and column
    assert "First 3 of 3 rows" in r.text
    with sys_session() as s:
        assert indicator_rows(s, sample.id, "11-6-1") == before

    good = "Year,Series,Units,Value\n2021,Waste diverted from landfill,Percent,71.5\n2022,Waste diverted from landfill,Percent,73\n"
    check = owner.client.post(
        BASE + "/indicators/11-6-1/upload",
        data={"csrf_token": owner.csrf, "action": "check"},
        files={"file": ("waste.csv", good.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert check.status_code == 200 and "2 rows are ready" in check.text
    with sys_session() as s:
        assert indicator_rows(s, sample.id, "11-6-1") == before  # a check writes nothing
    saved = owner.client.post(
        BASE + "/indicators/11-6-1/upload",
        data={"csrf_token": owner.csrf, "action": "save"},
        files={"file": ("waste.csv", good.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    ind = _indicator(sys_session, sample.id, "11-6-1")
    assert ind.observation_count == 2 and ind.sources == ["waste.csv"]
    latin1 = owner.client.post(
        BASE + "/indicators/11-6-1/upload",
        data={"csrf_token": owner.csrf, "action": "check"},
        files={"file": ("w.csv", "Year,Value\n2020,Año\n".encode("latin-1"), "text/csv")},
        follow_redirects=False,
    )
    assert latin1.status_code == 422 and "is not UTF-8" in latin1.text


def test_metadata_editing(owner: Any, sample: Any, sys_session: SysSession) -> None:
    page = owner.get(BASE + "/indicators/city-1/metadata")
    assert page.status_code == 200 and "national_geographical_coverage: Sample City" in page.text
    r = owner.post(
        BASE + "/indicators/city-1/metadata",
        {
            "language": "",
            "field:indicator_name": "Trust in the council",
            "other_yaml": "reporting_status: complete\ncomputation_units: Percent\n",
        },
    )
    assert r.status_code == 303
    ind = _indicator(sys_session, sample.id, "city-1")
    assert ind.name == "Trust in the council"
    es = owner.post(
        BASE + "/indicators/city-1/metadata",
        {"language": "es", "field:indicator_name": "Confianza en el ayuntamiento", "other_yaml": ""},
    )
    assert es.status_code == 303
    with sys_session() as s:
        rows = {m["language"]: m["fields"] for m in raw_rows(s, sample.id, SdgMetadata, indicator_id=ind.id)}
    assert rows["es"] == {"indicator_name": "Confianza en el ayuntamiento"}
    assert rows[""]["computation_units"] == "Percent" and "national_geographical_coverage" not in rows[""]
    broken = owner.post(
        BASE + "/indicators/city-1/metadata", {"language": "", "other_yaml": "a: b\n  c: : d\n"}
    )
    assert broken.status_code == 422 and "on line 2" in broken.text
    wrong = owner.post(BASE + "/indicators/city-1/metadata", {"language": "de", "other_yaml": "a: 1"})
    assert wrong.status_code == 422


def test_new_indicator_and_local_target(owner: Any, sample: Any, sys_session: SysSession) -> None:
    r = owner.post(BASE + "/new", {"code": "11-1-1", "name": "Housing cost burden", "visibility": "private"})
    assert r.status_code == 303
    ind = _indicator(sys_session, sample.id, "11-1-1")
    assert (ind.kind, ind.global_code, ind.goal, ind.target_code) == ("global", "11.1.1", 11, "11.1")
    local = owner.post(BASE + "/new", {"code": "city-housing", "name": "Homes built"})
    assert local.status_code == 303 and _indicator(sys_session, sample.id, "city-housing").kind == "local"
    dup = owner.post(BASE + "/new", {"code": "11-1-1", "name": "Again"})
    assert dup.status_code == 409
    target = owner.post(
        BASE + "/indicators/11-1-1/targets", {"text": "Halve cost burden", "value": "15", "year": "2030"}
    )
    assert target.status_code == 303
    assert "Halve cost burden" in owner.get(BASE + "/indicators/11-1-1").text
    bad = owner.post(BASE + "/indicators/11-1-1/targets", {"value": "lots"})
    assert bad.status_code == 422


def test_viewer_reads_but_cannot_change(sample: Any, make_client: Any, sys_session: SysSession) -> None:
    viewer = make_client().login("viewer@sample.org", PASSWORD)
    assert viewer.get(BASE + "/").status_code == 200
    assert viewer.get(BASE + "/indicators/1-2-1/data").status_code == 200
    assert viewer.post(BASE + "/indicators/1-2-1/data", {"year": "2020", "value": "1"}).status_code == 403
    assert viewer.post(BASE + "/new", {"code": "x-1", "name": "X"}).status_code == 403
    assert (
        viewer.api(
            "POST", "/api/v1/workspaces/sample/sdg/indicators/1-2-1/observations", json={"year": "2020"}
        ).status_code
        == 403
    )
    assert _indicator(sys_session, sample.id, "1-2-1").observation_count == 14


def test_api_indicators_and_observations(owner: Any, sample: Any) -> None:
    listing = owner.api("GET", "/api/v1/workspaces/sample/sdg/indicators?goal=1").json()
    assert [i["code"] for i in listing] == ["1-2-1"]
    detail = owner.api("GET", "/api/v1/workspaces/sample/sdg/indicators/1-2-1").json()
    assert detail["dimensions"] == {"Sex": ["Female", "Male"], "Age": ["Under 18"]}
    assert detail["units"] == ["Percent", "Count"] and set(detail["metadata"]) == {"", "es"}
    page = owner.api(
        "GET", "/api/v1/workspaces/sample/sdg/indicators/1-2-1/observations?limit=5&offset=10"
    ).json()
    assert page["total"] == 14 and len(page["items"]) == 4 and page["items"][0]["seq"] == 10
    assert page["items"][-1]["value"] is None and page["items"][-1]["value_text"] == ""
    created = owner.api(
        "POST",
        "/api/v1/workspaces/sample/sdg/indicators/city-1/observations",
        json={"year": "2022", "value": 47, "disaggregation": {"District": "North"}},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["value_text"] == "47" and body["disaggregation"] == {"District": "North"}
    obs_url = f"/api/v1/workspaces/sample/sdg/indicators/city-1/observations/{body['id']}"
    changed = owner.api(
        "PUT", obs_url, json={"year": "2022", "value": "48.5", "disaggregation": {"District": "North"}}
    )
    assert changed.status_code == 200 and changed.json()["value"] == 48.5
    invalid = owner.api("PUT", obs_url, json={"year": "2022", "value": "n/a"})
    assert invalid.status_code == 422 and invalid.json()["error"]["details"][0]["field"] == "value"
    assert owner.api("DELETE", obs_url).status_code == 204
    assert owner.api("GET", obs_url).status_code == 404
    patched = owner.api(
        "PATCH", "/api/v1/workspaces/sample/sdg/indicators/city-1", json={"visibility": "public"}
    )
    assert patched.status_code == 200 and patched.json()["visibility"] == "public"
    meta = owner.api(
        "PUT",
        "/api/v1/workspaces/sample/sdg/indicators/city-1/metadata",
        json={"language": "es", "fields": {"indicator_name": "Confianza"}},
    )
    assert meta.status_code == 200 and meta.json()["metadata"]["es"] == {"indicator_name": "Confianza"}


def test_dashboard_panel_counts_indicators(owner: Any) -> None:
    html = owner.get("/w/sample/").text
    assert "SDG indicators" in html and "/w/sample/sdg/?reporting_status=complete" in html
    assert "Reported online</a>: 3" in html
