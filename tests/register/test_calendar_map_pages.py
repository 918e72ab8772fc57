"""Pages, the calendar (month view, .ics, secret feeds) and the map."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from citydip.register.calendar.ics import Event, calendar, escape_text, fold
from citydip.register.geo.projection import (
    decode_topology,
    equal_earth,
    great_circle,
    polygons,
    ring,
    world_atlas,
)
from citydip.register.geo.svgmap import render
from register.helpers import soon
from support.factories import PASSWORD, make_user, make_workspace

API = "/api/v1/workspaces/la"


@pytest.fixture
def visit(ana, office):
    gz = ana.api(
        "POST", f"{API}/partners", json={"kind": "city", "name": "Guangzhou", "city": "Guangzhou, CN"}
    ).json()
    mx = ana.api(
        "POST", f"{API}/partners", json={"kind": "city", "name": "Mexico City", "city": "Mexico City, MX"}
    ).json()
    agreement = ana.api(
        "POST",
        f"{API}/agreements",
        json={
            "kind": "sister_city",
            "title": "LA – Guangzhou",
            "status": "active",
            "party_ids": [gz["id"]],
            "renews_on": soon(20),
        },
    ).json()
    ana.api(
        "POST",
        f"{API}/agreements",
        json={
            "kind": "friendship_city",
            "title": "LA – Mexico City",
            "status": "active",
            "party_ids": [mx["id"]],
        },
    )
    start = dt.date.today().replace(day=1) + dt.timedelta(days=40)
    engagement = ana.api(
        "POST",
        f"{API}/engagements",
        json={
            "kind": "incoming_delegation",
            "title": "Guangzhou delegation; port, trade",
            "starts_on": start.isoformat(),
            "ends_on": (start + dt.timedelta(days=2)).isoformat(),
            "place": "City Hall, Room 1",
            "partner_ids": [gz["id"]],
            "purpose": "Line one\nLine two",
        },
    ).json()
    timed = ana.api(
        "POST",
        f"{API}/engagements",
        json={
            "kind": "meeting",
            "title": "Consul breakfast",
            "starts_on": start.isoformat(),
            "start_time": "08:30",
            "end_time": "09:15",
            "status": "confirmed",
        },
    ).json()
    followup = ana.api(
        "POST",
        f"{API}/followups",
        json={
            "task": "Send the port study",
            "owner_id": office.owner_id,
            "due_on": (start + dt.timedelta(days=5)).isoformat(),
            "engagement_id": engagement["id"],
        },
    ).json()
    return {
        "gz": gz,
        "agreement": agreement,
        "engagement": engagement,
        "timed": timed,
        "followup": followup,
        "start": start,
    }


def test_ics_text_rules():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long = "SUMMARY:" + "Délégation de Guangzhou " * 10
    folded = fold(long)
    assert all(len(line.encode()) <= 75 for line in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == long
    text = calendar("Test", [Event("x@citydip", "All day", dt.date(2026, 12, 3), dt.date(2026, 12, 5))])
    assert "DTSTART;VALUE=DATE:20261203" in text and "DTEND;VALUE=DATE:20261206" in text
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")


def test_ics_download_parses_back(ana, visit):
    r = ana.get("/w/la/calendar.ics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    delegation = events["Guangzhou delegation; port, trade"]
    assert delegation["DTSTART"].dt == visit["start"]
    assert delegation["DTEND"].dt == visit["start"] + dt.timedelta(days=3)
    assert str(delegation["LOCATION"]) == "City Hall, Room 1"
    assert "Line one\nLine two" in str(delegation["DESCRIPTION"])
    assert str(delegation["UID"]) == f"{visit['engagement']['id']}@citydip"
    breakfast = events["Consul breakfast"]
    start = breakfast["DTSTART"].dt
    assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(0)
    los_angeles = dt.datetime.combine(
        visit["start"], dt.time(8, 30), tzinfo=__import__("zoneinfo").ZoneInfo("America/Los_Angeles")
    )
    assert start == los_angeles
    assert breakfast["DTEND"].dt - start == dt.timedelta(minutes=45)
    assert str(breakfast["STATUS"]) == "CONFIRMED"


def test_secret_feed_is_revocable_and_shows_only_its_workspace(ana, visit, make_client, sys_session):
    with sys_session() as s:
        other = make_user(s, "hou@example.org")
        make_workspace(s, "houston", owner=other)
    houston = make_client().login("hou@example.org", PASSWORD)
    houston.api(
        "POST",
        "/api/v1/workspaces/houston/engagements",
        json={"kind": "meeting", "title": "Houston secret", "starts_on": soon(3)},
    )
    r = ana.post("/w/la/calendar/feeds", {"label": "Protocol team"})
    url = re.search(r"http://testserver(/ical/cdcal_[\w-]+\.ics)", r.text).group(1)
    anonymous = make_client()
    feed = anonymous.get(url)
    assert feed.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")]
    assert "Consul breakfast" in summaries and "Houston secret" not in summaries
    assert anonymous.get("/ical/cdcal_not-a-real-token.ics").status_code == 404
    feed_id = ana.api("GET", f"{API}/calendar/feeds").json()[0]["id"]
    assert houston.post(f"/w/la/calendar/feeds/{feed_id}/revoke").status_code == 404
    assert ana.post(f"/w/la/calendar/feeds/{feed_id}/revoke").status_code == 303
    assert anonymous.get(url).status_code == 404
    assert "revoked" in ana.get("/w/la/calendar/feeds").text


def test_month_view_lists_engagements_and_followups(ana, visit):
    month = visit["start"].strftime("%Y-%m")
    page = ana.get(f"/w/la/calendar?month={month}").text
    assert page.count("Guangzhou delegation; port, trade") >= 4  # three grid days and the table
    assert "Send the port study" in page and "Consul breakfast" in page
    assert ana.get("/w/la/calendar?month=2026-13").status_code == 422


def test_partner_timeline_agreement_renewal_and_dashboard(ana, visit):
    page = ana.get(f"/w/la/partners/{visit['gz']['id']}").text
    for text in ("LA – Guangzhou", "Guangzhou delegation; port, trade", "Send the port study"):
        assert text in page
    page = ana.get(f"/w/la/agreements/{visit['agreement']['id']}").text
    assert 'class="renewal due"' in page and "in 20 days" in page
    listing = ana.get("/w/la/agreements").text
    assert 'class="deadline due"' in listing
    dashboard = ana.get("/w/la/").text
    assert "My open follow-ups" in dashboard and "Send the port study" in dashboard
    assert "Renewals due" in dashboard and "LA – Guangzhou" in dashboard


def test_overdue_follow_ups_reach_the_dashboard(ana, office):
    ana.api(
        "POST",
        f"{API}/followups",
        json={"task": "Late letter", "owner_id": office.editor_id, "due_on": soon(-2)},
    )
    dashboard = ana.get("/w/la/").text
    overdue = dashboard.split("Overdue follow-ups")[1]
    assert "Late letter" in overdue and "Ben Okafor" in overdue
    mine = dashboard.split("My open follow-ups")[1].split("Overdue follow-ups")[0]
    assert "Late letter" not in mine  # it belongs to Ben
    assert "Late letter" in ana.get("/w/la/followups?overdue=true").text


def test_partner_timeline_marks_overdue_follow_ups(ana, office, visit):
    gz = visit["gz"]["id"]
    ana.api(
        "POST",
        f"{API}/followups",
        json={"task": "Late letter", "owner_id": office.editor_id, "due_on": soon(-2), "partner_id": gz},
    )
    rows = re.findall(r'<tr class="tl-followup">(.*?)</tr>', ana.get(f"/w/la/partners/{gz}").text, re.S)
    late = [r for r in rows if "Late letter" in r]
    assert late and "overdue" in late[0]
    assert all("overdue" not in r for r in rows if "Late letter" not in r)


def test_map_page_draws_points_lines_and_a_table(ana, visit):
    page = ana.get("/w/la/map").text
    assert page.count("<circle") == 3  # two partner cities and the home city
    assert page.count('data-kind="sister_city"') == 1 and page.count('data-kind="friendship_city"') == 1
    assert "<td>Guangzhou</td>" in page and "<td>Mexico City</td>" in page
    assert "nan" not in page.lower().replace("nanjing", "")
    svg = ana.get(f"{API}/map.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and svg.text.startswith("<svg")


def test_topojson_and_projection():
    topo = {
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0]]],
    }
    arcs = decode_topology(topo)
    assert arcs == [[(0, 0), (2, 0), (2, 2)], [(2, 2), (0, 2)]]
    assert ring(arcs, [0, 1]) == [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert ring(arcs, [~1]) == [(0, 2), (2, 2)]
    assert equal_earth(0, 0) == (0.0, 0.0)
    x, _y = equal_earth(180, 0)
    assert x == pytest.approx(2.7066, abs=1e-3) and equal_earth(-180, 0)[0] == -x
    assert equal_earth(0, 90)[1] == pytest.approx(1.3173, abs=1e-3)
    countries = polygons(world_atlas(), "countries")
    assert len(countries) == 177 and any(p.get("name") == "Fiji" for p, _ in countries)
    pieces = great_circle((-118.24, 34.05), (113.25, 23.12))  # Los Angeles to Guangzhou crosses the Pacific
    assert (
        len(pieces) == 2
        and pieces[0][0] == pytest.approx((-118.24, 34.05))
        and pieces[-1][-1][0] == pytest.approx(113.25)
    )
    svg = render([], [], None, "Empty & <safe>")
    assert "Empty &amp; &lt;safe&gt;" in svg and "NaN" not in svg
