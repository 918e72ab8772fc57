"""The Voluntary Local Review draft: CLI and button write HTML and PDF with every part the issue lists."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path

import pypdf
import pytest

from citydip.core.tenancy import Role
from support.factories import PASSWORD, add_member, make_user, make_workspace

REPO = Path(__file__).resolve().parents[1] / "fixtures" / "sdg_progress_repo"
NAN_RE = re.compile(r"\bnan\b|\binf(inity)?\b", re.IGNORECASE)


def _link_records(sys_session) -> None:
    """An agreement and an engagement linked to goal 4, and a practice tagged with goals 4 and 11."""
    from citydip.core.database import new_id
    from citydip.practices.models import Practice
    from citydip.practices.service import search_key_for
    from citydip.register.agreements.models import Agreement, AgreementSdg
    from citydip.register.engagements.models import Engagement, EngagementSdg
    from citydip.workspaces.repository import workspace_by_slug

    with sys_session() as s:
        ws = workspace_by_slug(s, "pc")
        assert ws is not None
        agreement = Agreement(
            workspace_id=ws.id,
            kind="sister_city",
            title="Reading partnership with Turku",
            status="active",
            signed_on=dt.date(2019, 5, 2),
            parties_label="Turku",
        )
        engagement = Engagement(
            workspace_id=ws.id,
            kind="mission",
            title="Study visit on school meals",
            starts_on=dt.date(2024, 3, 4),
            place="Lyon",
        )
        s.add_all([agreement, engagement])
        s.flush()
        s.add_all(
            [
                AgreementSdg(workspace_id=ws.id, agreement_id=agreement.id, goal=4),
                EngagementSdg(workspace_id=ws.id, engagement_id=engagement.id, goal=4),
            ]
        )
        practice_id = new_id()
        s.add(
            Practice(
                workspace_id=ws.id,
                id=practice_id,
                search_key=search_key_for(practice_id),
                title="Library cards for every pupil",
                sdgs=[4, 11],
                start_year=2021,
            )
        )


@pytest.fixture
def city(cli, sys_session):
    with sys_session() as s:
        owner = make_user(s, "ana@example.org")
        ws = make_workspace(s, "pc", owner=owner, name="Progress City Office")
        add_member(s, make_user(s, "val@example.org"), ws, Role.viewer)
    code, output = cli("sdg", "import-opensdg", str(REPO), "--workspace", "pc")
    assert code == 0, output
    _link_records(sys_session)
    return cli


def _pdf(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def _xobject_kinds(reader: pypdf.PdfReader) -> set[str]:
    kinds: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if xobjects is None:
            continue
        for value in xobjects.get_object().values():
            kinds.add(str(value.get_object().get("/Subtype")))
    return kinds


def test_cli_writes_html_and_pdf_with_every_part(city, make_client, tmp_path):
    ana = make_client().login("ana@example.org", PASSWORD)
    r = ana.post(
        "/w/pc/reports/texts",
        {"approach": "We adopted the goals in 2019.\n\nEvery department reports yearly."},
    )
    assert r.status_code == 303
    code, output = city("report", "vlr", "--workspace", "pc", "--year", "2026", "--out", str(tmp_path))
    assert code == 0, output
    assert "could not be read" not in output  # every contributing domain was read
    html = (tmp_path / "vlr-pc-2026.html").read_text(encoding="utf-8")
    pdf = (tmp_path / "vlr-pc-2026.pdf").read_bytes()

    # Cover, contents, texts (written and to-be-written), one chapter per goal, both annexes, sources.
    assert "Voluntary Local Review 2026" in html and "Progress City Office" in html
    assert (
        "<p>We adopted the goals in 2019.</p>" in html and "<p>Every department reports yearly.</p>" in html
    )
    assert html.count("[To be written]") == 5  # the other five blocks
    for goal in range(1, 18):
        assert f'id="goal-{goal}"' in html
    assert "Annex A: Data availability" in html and "Annex B: Methodology" in html
    assert "Statistics Canada" in html and "United Nations Statistics Division" in html
    assert "Progress City statistics office" in html  # data source from the indicators' metadata

    # Goal 4: reporting status, progress badges, a key indicator chart with its table, linked records.
    goal4 = html[html.index('id="goal-4"') : html.index('id="goal-5"')]
    assert "Reported: 2" in goal4
    assert "Substantial progress: 1" in goal4 and "Moderate progress: 1" in goal4
    assert goal4.count("<svg") == 2 and "Reading proficiency" in goal4
    assert '<td class="num">110</td>' in goal4  # the chart's data table
    assert "Reading partnership with Turku" in goal4 and "Study visit on school meals" in goal4
    assert "Library cards for every pupil" in goal4
    goal11 = html[html.index('id="goal-11"') : html.index('id="goal-12"')]
    assert "Library cards for every pupil" in goal11 and "Deterioration: 1" in goal11
    goal3 = html[html.index('id="goal-3"') : html.index('id="goal-4"')]
    assert "Reading partnership" not in goal3
    # Charts keep unique ids so every SVG's title labels its own chart.
    ids = re.findall(r'<title id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == html.count("<svg")
    assert not NAN_RE.search(html)

    reader = _pdf(pdf)
    assert len(reader.pages) >= 20
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Voluntary Local Review",
        "Goal 17",
        "Annex A: Data availability",
        "Annex B: Methodology",
        "Library cards for every pupil",
        "We adopted the goals in 2019.",
    ):
        assert expected in text, expected
    assert not NAN_RE.search(text)
    # The SVG charts stayed vector: drawn as form XObjects, no raster image anywhere.
    kinds = _xobject_kinds(reader)
    assert "/Form" in kinds and "/Image" not in kinds


def test_button_writes_a_stored_draft_and_viewers_download(city, make_client):
    ana = make_client().login("ana@example.org", PASSWORD)
    r = ana.post("/w/pc/reports/vlr", {"year": "2026"})
    assert r.status_code == 303, r.text[:2000]
    page = ana.get("/w/pc/reports")
    links = re.findall(r'href="(/w/pc/reports/vlr/[^"]+/(?:html|pdf))"', page.text)
    assert len(links) == 2
    val = make_client().login("val@example.org", PASSWORD)
    html = val.get(links[0])
    pdf = val.get(links[1])
    assert html.status_code == 200 and "Voluntary Local Review 2026" in html.text
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(_pdf(pdf.content).pages) >= 20
    assert 'action="/w/pc/reports/vlr"' not in val.get("/w/pc/reports").text
    assert val.post("/w/pc/reports/vlr", {"year": "2026"}).status_code == 403
    draft_id = links[0].split("/")[-2]
    assert val.post(f"/w/pc/reports/vlr/{draft_id}/delete").status_code == 403
    for bad in ("", "20x6", "1999"):
        r = ana.post("/w/pc/reports/vlr", {"year": bad})
        assert r.status_code == 422 and "enter a year between 2015 and 2100" in r.text
    assert ana.post(f"/w/pc/reports/vlr/{draft_id}/delete").status_code == 303
    assert ana.get(links[0]).status_code == 404


def test_texts_editor_validation_and_api(city, make_client):
    ana = make_client().login("ana@example.org", PASSWORD)
    r = ana.post("/w/pc/reports/texts", {"foreword": "x" * 20_001})
    assert r.status_code == 422 and "use at most 20000 characters" in r.text
    val = make_client().login("val@example.org", PASSWORD)
    assert val.post("/w/pc/reports/texts", {"foreword": "Hello"}).status_code == 403
    assert (
        val.api("PUT", "/api/v1/workspaces/pc/reports/texts", json={"texts": {"foreword": "Hi"}}).status_code
        == 403
    )
    r = ana.api("PUT", "/api/v1/workspaces/pc/reports/texts", json={"texts": {"foreword": "Dear residents"}})
    assert r.status_code == 200 and r.json()["foreword"] == "Dear residents"
    assert "Dear residents" in val.get("/w/pc/reports/texts").text
    r = ana.api("POST", "/api/v1/workspaces/pc/reports/vlr", json={"year": 2030})
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["pages"] >= 20 and draft["summary"]["charts"] >= 5
    assert ana.get(draft["pdf_url"]).content.startswith(b"%PDF")
    listed = ana.api("GET", "/api/v1/workspaces/pc/reports/vlr").json()
    assert [d["id"] for d in listed] == [draft["id"]]
    assert ana.api("POST", "/api/v1/workspaces/pc/reports/vlr", json={"year": 3000}).status_code == 422


def test_empty_workspace_still_gets_a_complete_draft(cli, sys_session, tmp_path):
    with sys_session() as s:
        make_workspace(s, "empty", owner=make_user(s, "e@example.org"))
    code, output = cli(
        "report", "vlr", "--workspace", "empty", "--year", "2026", "--out", str(tmp_path), "--json"
    )
    assert code == 0, output
    html = (tmp_path / "vlr-empty-2026.html").read_text()
    assert html.count("does not track an indicator for this goal yet") == 17
    assert not NAN_RE.search(html)
    assert len(_pdf((tmp_path / "vlr-empty-2026.pdf").read_bytes()).pages) >= 17
    code, output = cli("report", "vlr", "--workspace", "nowhere", "--year", "2026", "--out", str(tmp_path))
    assert code == 1 and "No workspace 'nowhere'" in output


def test_headline_choice_and_numbers_never_nan():
    from citydip.reports.builder import fmt_value
    from citydip.reports.data import pick_headline

    rows = [
        ("2015", 2015, 1.0, None, "Percent"),
        ("2016", 2016, math.nan, None, "Percent"),
        ("2015", 2015, 5.0, None, "Count"),
        ("2016", 2016, 6.0, None, "Count"),
        ("2017", 2017, math.inf, None, "Count"),
        ("2016-17", 2016, 7.0, None, "Count"),
    ]
    headline = pick_headline(rows)
    assert headline is not None and headline.unit == "Count"
    assert [p[0] for p in headline.points] == ["2015", "2016", "2016-17"]
    assert headline.latest == ("2016-17", 7.0)
    assert pick_headline([("2015", 2015, math.nan, None, None)]) is None
    assert [fmt_value(v) for v in (None, math.nan, math.inf, 1234567.0, 12.5, 0.0, -0.001)] == [
        "–",
        "–",
        "–",
        "1,234,567",
        "12.5",
        "0",
        "0",
    ]


def test_a_failing_contributor_does_not_stop_the_review(sys_session):
    from datetime import UTC, datetime

    from citydip.core.vlr import VlrContext, VlrItem
    from citydip.reports.rooms import items_for_goal
    from citydip.workspaces.service import operator_context

    def broken(db, ctx, goal):
        raise RuntimeError("bug in a contributing domain")

    def fine(db, ctx, goal):
        return [VlrItem(kind="Things", title=f"Item for goal {goal}")]

    with sys_session() as s:
        make_workspace(s, "w1")
        ctx = VlrContext(operator_context(s, "w1"), 2026, datetime.now(UTC))
        failures: set[str] = set()
        items = items_for_goal(s, ctx, 3, [("broken", broken), ("fine", fine)], failures)
    assert [i.title for i in items] == ["Item for goal 3"]
    assert failures == {"broken"}
