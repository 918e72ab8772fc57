"""Progress pages: summary by goal, indicator page, editing options (form, YAML, API), public summary."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citydip.core.tenancy import Role
from support.factories import PASSWORD, add_member, make_user, make_workspace

REPO = Path(__file__).resolve().parents[1] / "fixtures" / "sdg_progress_repo"
NAN_RE = re.compile(r"\bnan\b|\binf\b", re.IGNORECASE)


@pytest.fixture
def site(cli, sys_session):
    with sys_session() as s:
        owner = make_user(s, "ana@example.org")
        ws = make_workspace(s, "pc", owner=owner)
        add_member(s, make_user(s, "val@example.org"), ws, Role.viewer)
    code, output = cli("sdg", "import-opensdg", str(REPO), "--workspace", "pc")
    assert code == 0, output
    return cli


def _publish(sys_session, codes: list[str]) -> None:
    from sqlalchemy import update

    from citydip.sdg.models import CityIndicator, SdgObservation

    with sys_session() as s:
        ids = [
            i
            for (i,) in s.execute(
                CityIndicator.__table__.select()
                .with_only_columns(CityIndicator.id)
                .where(CityIndicator.code.in_(codes))
            )
        ]
        s.execute(update(CityIndicator).where(CityIndicator.id.in_(ids)).values(visibility="public"))
        s.execute(
            update(SdgObservation).where(SdgObservation.indicator_id.in_(ids)).values(visibility="public")
        )


def test_summary_counts_by_goal_and_lists_indicators(site, make_client):
    ana = make_client().login("ana@example.org", PASSWORD)
    page = ana.get("/w/pc/progress")
    assert page.status_code == 200
    text = page.text
    # Goal 4 has one substantial and one moderate indicator; both are listed with their badges.
    goal4 = text[text.index('id="goal-4"') : text.index('id="goal-5"')]
    assert "Substantial progress: 1" in goal4 and "Moderate progress: 1" in goal4
    assert "Reading proficiency" in goal4 and "Early school leaving" in goal4
    # The overall counts add up to the configured indicators (15 of 16; 15-1-1 has no options).
    overall = text[text.index("<h2>Overall</h2>") : text.index("<h2>By goal</h2>")]
    assert sum(int(n) for n in re.findall(r": (\d+)</span>", overall)) == 15
    # The unconfigured indicator with data is offered for configuration.
    assert 'href="/w/pc/progress/15-1-1"' in text
    assert "progress_calculation_options[0].target: &#39;ninety&#39; is not a number" in text
    assert not NAN_RE.search(text)
    csv_text = ana.get("/w/pc/progress.csv").text
    assert csv_text.startswith("indicator,goal,level,series_id") and "1-2-1:headline" in csv_text


def test_edit_options_with_the_form_then_yaml(site, make_client, tmp_path):
    ana = make_client().login("ana@example.org", PASSWORD)
    page = ana.get("/w/pc/progress/15-1-1")
    assert page.status_code == 200 and "has no progress options" in page.text
    form = {"auto": "on", "direction_0": "positive", "target_0": "40", "base_year_0": "2015"}
    r = ana.post("/w/pc/progress/15-1-1/options", form)
    assert r.status_code == 303, r.text[:2000]
    out = tmp_path / "p.csv"
    _code, _output = site("sdg", "progress", "--workspace", "pc", "--out", str(out))
    row = next(line for line in out.read_text().splitlines() if line.startswith("15-1-1,15,series"))
    assert ",positive," in row and ",40," in row
    cagr = (31 / 30) ** (1 / 5) - 1
    expected_r = cagr / abs((40 / 30) ** (1 / 15) - 1)
    assert float(row.split(",")[13]) == pytest.approx(expected_r, rel=1e-9)

    # Bad form input: the field path is named and nothing changes.
    r = ana.post(
        "/w/pc/progress/15-1-1/options", {"auto": "on", "target_0": "abc", "disaggregation_0": "Sex"}
    )
    assert r.status_code == 422
    assert "disaggregation_0" in r.text and "field=value" in r.text
    r = ana.post("/w/pc/progress/15-1-1/options", {"auto": "on", "target_0": "abc"})
    assert (
        r.status_code == 422
        and "progress_calculation_options[0].target: &#39;abc&#39; is not a number" in r.text
    )

    # YAML with nested groups, then a YAML syntax error and an unknown key.
    yaml_text = (
        "auto_progress_calculation: true\nprogress_calculation_options:\n"
        "  - group:\n      - direction: positive\n      - group:\n          - direction: negative\n"
    )
    r = ana.post("/w/pc/progress/15-1-1/options/yaml", {"yaml": yaml_text})
    assert r.status_code == 303, r.text[:2000]
    page = ana.get("/w/pc/progress/15-1-1")
    assert "nest groups inside groups" in page.text
    r = ana.post("/w/pc/progress/15-1-1/options/yaml", {"yaml": "auto_progress_calculation: [true\n"})
    assert r.status_code == 422 and "line 2" in r.text
    r = ana.post("/w/pc/progress/15-1-1/options/yaml", {"yaml": "graph_type: line\n"})
    assert r.status_code == 422 and "unknown key(s) graph_type" in r.text


def test_viewers_cannot_edit_and_api(site, make_client):
    val = make_client().login("val@example.org", PASSWORD)
    assert val.get("/w/pc/progress/1-2-1").status_code == 200
    assert 'action="/w/pc/progress/1-2-1/options"' not in val.get("/w/pc/progress/1-2-1").text
    assert val.post("/w/pc/progress/1-2-1/options", {"auto": "on"}).status_code == 403
    assert val.api("PUT", "/api/v1/workspaces/pc/progress/1-2-1/options", json={}).status_code == 403

    ana = make_client().login("ana@example.org", PASSWORD)
    listed = ana.api("GET", "/api/v1/workspaces/pc/progress").json()
    by_code = {x["indicator"]: x for x in listed}
    assert by_code["1-2-1"]["status"] == "moderate_progress"
    assert by_code["1-2-1"]["series"][0]["progress_value"] == pytest.approx(0.8084, abs=5e-5)
    body = {"progress_calculation_options": [{"direction": "negative", "target": 18}]}
    r = ana.api("PUT", "/api/v1/workspaces/pc/progress/1-2-1/options", json=body)
    assert r.status_code == 200 and r.json()["status"] == "target_achieved"
    r = ana.api(
        "PUT",
        "/api/v1/workspaces/pc/progress/1-2-1/options",
        json={"progress_calculation_options": [{"base_year": "soon"}]},
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "progress_calculation_options[0].base_year"
    assert ana.api("PUT", "/api/v1/workspaces/pc/progress/0-0-0/options", json={}).status_code == 404


def test_public_summary_shows_only_public_indicators(site, make_client, sys_session):
    anon = make_client()
    assert "Poverty rate" not in anon.get("/public/pc/progress").text
    _publish(sys_session, ["1-2-1", "4-1-1"])
    page = anon.get("/public/pc/progress")
    assert page.status_code == 200
    assert "Poverty rate" in page.text and "Reading proficiency" in page.text
    assert "Vaccination coverage" not in page.text
    assert "/w/pc/progress" not in page.text  # no staff links on the public page
    front = anon.get("/public/pc/")
    assert "Progress towards 2030 targets" in front.text and "Moderate progress: 1" in front.text


def test_badge_helpers_for_the_sdg_pages(site, factory, sys_session):
    """What the SDG goal and indicator pages call: staff see every badge, anonymous visitors public ones."""
    from citydip.core.templating import environment
    from citydip.core.tenancy import Scope, set_scope
    from citydip.sdgprogress.badges import badges_for, goal_summary
    from citydip.workspaces.repository import workspace_by_slug

    _publish(sys_session, ["4-1-1"])
    with sys_session() as s:
        ws = workspace_by_slug(s, "pc")
        staff = badges_for(s, ws.id, ["4-1-1", "4-2-1", "15-1-1"])
        summary = goal_summary(s, ws.id, 4)
    assert {code: b.status for code, b in staff.items()} == {
        "4-1-1": "substantial_progress",
        "4-2-1": "moderate_progress",
    }
    assert [(status, n) for status, _label, n, _colour in summary.counts] == [
        ("substantial_progress", 1),
        ("moderate_progress", 1),
    ]
    with factory() as anon_session:
        set_scope(anon_session, Scope.anonymous())
        public = badges_for(anon_session, ws.id)
    assert set(public) == {"4-1-1"}
    macro = environment().from_string(
        '{% from "sdgprogress/_badge.html" import progress_badge %}{{ progress_badge(b) }}{{ progress_badge(none) }}'
    )
    html = macro.render(b=public["4-1-1"])
    assert "Substantial progress" in html and "#c7e9c0" in html and html.count("<span") == 1


def test_public_goal_and_indicator_pages_show_progress_badges(cli, sys_session, client):
    with sys_session() as s:
        make_workspace(s, "pub", owner=make_user(s, "pub@example.org"))
    code, output = cli("sdg", "import-opensdg", str(REPO), "--workspace", "pub", "--visibility", "public")
    assert code == 0, output
    goal = client.get("/public/pub/sdg/goals/1")
    assert goal.status_code == 200
    assert 'class="progress-badge moderate_progress"' in goal.text  # 1-2-1: the first worked example
    assert "Moderate progress: 1" in goal.text
    page = client.get("/public/pub/sdg/indicators/1-2-1")
    assert page.status_code == 200 and "Moderate progress" in page.text
    assert not NAN_RE.search(goal.text + page.text)
