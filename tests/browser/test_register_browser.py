"""Issue 3's "Done when", in a real browser: a partner city and its consulate, an incoming delegation with
participants and gifts, two follow-ups seen on the calendar, the partner's timeline and the dashboard, and
the .ics download."""

from __future__ import annotations

import icalendar
import pytest

from support.browser import sign_in
from support.factories import PASSWORD, make_user, make_workspace

pytestmark = pytest.mark.browser


def test_register_done_when(live_server, page, sys_session, tmp_path):
    with sys_session() as s:
        user = make_user(s, "ana@lacity.example", name="Ana Ruiz")
        make_workspace(s, "la", city="Los Angeles, US", owner=user, name="Los Angeles Office")
    base = live_server.url
    sign_in(page, base, "ana@lacity.example", PASSWORD)

    # a partner city...
    page.goto(f"{base}/w/la/partners")
    page.get_by_role("link", name="Add a partner").click()
    page.get_by_label("Type").select_option("city")
    page.get_by_label("Name").fill("Guangzhou")
    page.get_by_label("Reference city").fill("Guangzhou, CN")
    page.get_by_role("button", name="Save partner").click()
    assert page.get_by_role("heading", name="Guangzhou").is_visible()
    assert page.get_by_role("link", name="Guangzhou, CN").is_visible()
    # ...and its consulate
    page.goto(f"{base}/w/la/partners/new")
    page.get_by_label("Type").select_option("consulate")
    page.get_by_label("Name").fill("Consulate General of China in Los Angeles")
    page.get_by_label("Reference city").fill("Los Angeles, US")
    page.get_by_label("Country represented").select_option("CN")
    page.get_by_label("Head of post").fill("Zhang Ping")
    page.get_by_label("National day (MM-DD)").fill("10-01")
    page.get_by_role("button", name="Save partner").click()
    assert page.get_by_text("Zhang Ping").is_visible()

    # an incoming delegation with both, from the city's page
    page.goto(f"{base}/w/la/partners?kind=city")
    page.get_by_role("link", name="Guangzhou").click()
    page.get_by_role("link", name="Record an engagement").click()
    page.get_by_label("Type").select_option("incoming_delegation")
    page.get_by_label("Title").fill("Guangzhou trade delegation")
    page.get_by_label("First day").fill("2027-03-10")
    page.get_by_label("Last day").fill("2027-03-12")
    page.get_by_label("Place").fill("City Hall")
    page.get_by_label("Partners", exact=True).select_option(
        label=["Guangzhou (CN)", "Consulate General of China in Los Angeles (US)"]
    )
    page.get_by_role("button", name="Save engagement").click()
    assert page.get_by_role("heading", name="Guangzhou trade delegation").is_visible()

    # participants on both sides and the gift register
    for side, name, title in (("theirs", "Wen Li", "Vice Mayor"), ("ours", "Karen Bass", "Mayor")):
        page.get_by_label("Side").select_option(side)
        page.get_by_label("Participant name").fill(name)
        page.get_by_label("Participant title").fill(title)
        page.get_by_role("button", name="Add participant").click()
    page.get_by_label("Given or received").select_option("received")
    page.get_by_label("Gift description").fill("Cantonese porcelain vase")
    page.get_by_label("Estimated value").fill("180")
    page.get_by_label("Currency").fill("USD")
    page.get_by_role("button", name="Record gift").click()
    participants = page.locator("#participants")
    assert (
        participants.get_by_text("Wen Li").is_visible()
        and participants.get_by_text("Karen Bass").is_visible()
    )
    assert page.locator("#gifts").get_by_text("Cantonese porcelain vase").is_visible()
    assert page.locator("#gifts").get_by_text("180.00 USD").is_visible()

    # two follow-ups
    for task, due in (("Send thank-you letters", "2027-03-15"), ("Share the port study", "2027-03-20")):
        page.get_by_label("Follow-up task").fill(task)
        page.get_by_label("Owner").select_option(label="Ana Ruiz")
        page.get_by_label("Due date").fill(due)
        page.get_by_role("button", name="Add follow-up").click()
        assert page.locator("#followups").get_by_role("link", name=task).is_visible()

    # the calendar shows the delegation and both follow-ups
    page.goto(f"{base}/w/la/calendar?month=2027-03")
    assert page.get_by_role("heading", name="Calendar: March 2027").is_visible()
    assert page.get_by_role("link", name="Guangzhou trade delegation").first.is_visible()
    for task in ("Send thank-you letters", "Share the port study"):
        assert page.get_by_role("link", name=task).last.is_visible()

    # the partner's timeline
    page.goto(f"{base}/w/la/partners?kind=city")
    page.get_by_role("link", name="Guangzhou").click()
    timeline = page.locator("table.timeline")
    for text in ("Guangzhou trade delegation", "Send thank-you letters", "Share the port study"):
        assert timeline.get_by_role("link", name=text).is_visible()

    # the dashboard
    page.get_by_role("link", name="Dashboard").click()
    mine = page.locator("section", has=page.get_by_role("heading", name="My open follow-ups"))
    assert mine.get_by_role("link", name="Send thank-you letters").is_visible()
    assert mine.get_by_role("link", name="Share the port study").is_visible()
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Upcoming engagements"))
    assert upcoming.get_by_role("link", name="Guangzhou trade delegation").is_visible()

    # the .ics download
    page.goto(f"{base}/w/la/calendar?month=2027-03")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download .ics").click()
    path = tmp_path / "la.ics"
    info.value.save_as(path)
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    delegation = next(e for e in events if str(e["SUMMARY"]) == "Guangzhou trade delegation")
    assert delegation["DTSTART"].dt.isoformat() == "2027-03-10"
    assert "Guangzhou (CN)" in str(delegation["DESCRIPTION"])
