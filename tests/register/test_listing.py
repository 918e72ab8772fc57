"""Capped counts: past the cap a list says "more than" and still pages on; below it counts exactly."""

from __future__ import annotations

from citydip.core.tenancy import Scope, set_scope
from citydip.register.engagements import repository as er
from citydip.register.listing import paginate_capped
from citydip.register.partners import repository as pr
from citydip.register.partners.schemas import PartnerIn
from citydip.register.partners.service import create_partner
from register.helpers import ctx_for


def test_capped_count_and_paging(office, sys_session):
    with sys_session() as s:
        ctx = ctx_for(s)
        for i in range(7):
            create_partner(
                s, ctx, PartnerIn(kind="company", name=f"Company {i}", country="MX" if i % 2 else "CN")
            )
    with sys_session() as s:
        set_scope(s, Scope.system_scope())
        first = paginate_capped(
            s,
            pr.partners_query(office.workspace_id),
            pr.PARTNER_LIST,
            pr.PARTNER_LIST.parse({"per_page": "2"}),
            office.workspace_id,
            cap=3,
        )
        assert first.capped and first.total == 3 and first.has_next and len(first.items) == 2
        exact = paginate_capped(
            s,
            pr.partners_query(office.workspace_id),
            pr.PARTNER_LIST,
            pr.PARTNER_LIST.parse({"country": "CN", "per_page": "2"}),
            office.workspace_id,
            cap=10,
        )
        assert not exact.capped and exact.total == 4 and exact.pages == 2
        last = paginate_capped(
            s,
            pr.partners_query(office.workspace_id),
            pr.PARTNER_LIST,
            pr.PARTNER_LIST.parse({"per_page": "2", "page": "4"}),
            office.workspace_id,
            cap=3,
        )
        assert last.capped and len(last.items) == 1 and not last.has_next
        none = paginate_capped(
            s,
            er.engagements_query(office.workspace_id),
            er.ENGAGEMENT_LIST,
            er.ENGAGEMENT_LIST.parse({"sdg": "11", "q": "100%_"}),
            office.workspace_id,
        )
        assert none.total == 0 and not none.capped


def test_capped_list_page_says_more_than(ana, office, monkeypatch):
    import citydip.register.listing as listing

    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    monkeypatch.setattr(listing.paginate_capped, "__defaults__", (2,))
    for name in ("Lyon", "Nantes", "Lille"):
        ana.api(
            "POST", "/api/v1/workspaces/la/partners", json={"kind": "city", "name": name, "country": "FR"}
        )
    page = ana.get("/w/la/partners?per_page=1").text
    assert "more than 2 items" in page and 'rel="next"' in page
    body = ana.api("GET", "/api/v1/workspaces/la/partners?per_page=1").json()
    assert body["total_capped"] is True and body["total"] == 2


def test_a_two_character_search_counts_to_a_lower_cap(office, sys_session, monkeypatch):
    import citydip.core.listing as core_listing

    monkeypatch.setattr(core_listing, "SCAN_COUNT_CAP", 2)
    with sys_session() as s:
        ctx = ctx_for(s)
        for i in range(5):
            create_partner(s, ctx, PartnerIn(kind="company", name=f"Firm {i} Oy", country="FI"))
    with sys_session() as s:
        set_scope(s, Scope.system_scope())

        def page(q: str):
            return paginate_capped(
                s,
                pr.partners_query(office.workspace_id),
                pr.PARTNER_LIST,
                pr.PARTNER_LIST.parse({"q": q, "per_page": "10"}),
                office.workspace_id,
            )

        short = page("Oy")  # no trigram index can serve two characters: a scan, counted to the lower cap
        assert short.capped and short.total == 5 and len(short.items) == 5
        longer = page("Firm")  # the index serves it: counted exactly
        assert not longer.capped and longer.total == 5
