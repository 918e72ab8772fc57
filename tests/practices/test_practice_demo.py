"""`citydip demo` seeds sample practices, marked as sample, shared across the demo network as labelled."""

from __future__ import annotations

from sqlalchemy import select

from citydip.practices.models import Practice
from citydip.system.demo_workspaces import DEMO_EMAIL, DEMO_PASSWORD, create_demo


def test_demo_seeds_marked_sample_practices_and_sharing_works(sys_session, make_client):
    with sys_session() as s:
        info = create_demo(s)
    assert info.workspaces == ["los-angeles", "houston"]
    with sys_session() as s:
        rows = s.scalars(select(Practice)).all()
        assert len(rows) == 6 and all(p.is_sample and "(sample)" in p.title for p in rows)
        assert all("Sample record" in p.summary for p in rows)
    b = make_client().login(DEMO_EMAIL, DEMO_PASSWORD)
    page = b.get("/w/los-angeles/practices/search", params={"q": "floods storms shelters", "limit": "20"})
    assert "Flood-ready community centres (sample)" in page.text  # Houston shares it with the demo network
    dashboard = b.get("/w/los-angeles/")
    assert "Cool pavement coating" in dashboard.text or "Protocol checklist" in dashboard.text
    # re-running the demo replaces it (workspaces deleted and made again) without stale index entries
    with sys_session() as s:
        create_demo(s)
    b = make_client().login(DEMO_EMAIL, DEMO_PASSWORD)  # the demo resets the password, which ends sessions
    page = b.get("/w/houston/practices/search", params={"q": "clean trucks port", "mode": "keyword"})
    assert page.text.count("Port city exchange on clean trucks (sample)") == 1
