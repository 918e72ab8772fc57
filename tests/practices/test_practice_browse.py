"""Browsing the practice library: a goal, challenge, city or other facet chosen without a query lists every
matching practice the workspace may see, sorted and page by page (page, API, command line)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from citydip.core.context import WorkspaceContext
from citydip.core.tenancy import Role
from citydip.practices import searching
from citydip.workspaces.models import Workspace
from practices.practice_helpers import add_practice
from support.factories import PASSWORD, add_member, make_user, make_workspace

TITLE = re.compile(r'<li class="hit">\s*<h3><a [^>]*>(.*?)</a>', re.S)


@pytest.fixture
def library(sys_session):
    """Bologna's own practices, a public and a private one of Lyon (not a network peer)."""
    with sys_session() as s:
        owner = make_user(s, "ana@bologna.example")
        ws = make_workspace(s, "bologna", owner=owner)
        add_member(s, make_user(s, "vic@bologna.example"), ws, Role.viewer)
        for n in range(5):
            add_practice(s, ws, f"Heat plan {n}", city="Bologna", sdgs=[13], challenges=["heatwaves"])
        add_practice(s, ws, "Cycle lanes", city="Bologna", sdgs=[11])
        lyon = make_workspace(s, "lyon")
        add_practice(
            s, lyon, "Cool islands", city="Lyon", sdgs=[13], challenges=["heatwaves"], visibility="public"
        )
        add_practice(s, lyon, "Private heat notes", city="Lyon", sdgs=[13], visibility="private")
    return ws


def _browse(s, **raw):
    ws = s.scalar(select(Workspace).where(Workspace.slug == "bologna"))
    return searching.search(s, WorkspaceContext.for_operator(ws), raw)


def test_a_goal_without_a_query_lists_every_visible_match_page_by_page(sys_session, library):
    with sys_session() as s:
        first = _browse(s, sdg="13", limit="4", sort="title")
        assert (
            first.total == 6 and first.pages == 2
        )  # five of Bologna's, Lyon's public one; not the private one
        second = _browse(s, sdg="13", limit="4", sort="title", page="2")
        titles = [h.practice.title for h in first.hits + second.hits]
        assert titles == ["Cool islands", *(f"Heat plan {n}" for n in range(5))]
        assert not {"Private heat notes", "Cycle lanes"} & set(titles)
        recent = _browse(s, sdg="13", limit="10")
        assert [h.practice.title for h in recent.hits][:1] == ["Cool islands"]  # most recently changed first
        assert all(h.snippet is not None for h in recent.hits)


def test_challenge_and_city_filters_browse_and_combine_with_a_query(sys_session, library):
    with sys_session() as s:
        assert {h.practice.title for h in _browse(s, challenge="Heatwaves", city="lyon").hits} == {
            "Cool islands"
        }
        assert _browse(s, city="Bologna").total == 6
        found = _browse(s, q="cycle lanes", city="Bologna")
        assert found.total is None and found.hits[0].practice.title == "Cycle lanes"
        assert all(h.practice.city_name == "Bologna" for h in found.hits)
        assert _browse(s, city="Nowhere").total == 0
        assert _browse(s).total is None and _browse(s).hits == []  # nothing chosen: nothing listed


def test_bad_page_and_sort_values_are_reported(sys_session, library):
    with sys_session() as s:
        result = _browse(s, sdg="13", page="two", sort="random")
        assert {p.field for p in result.problems} == {"page", "sort"}
        assert result.params.page == 1 and result.total == 6


def test_the_page_lists_a_goal_with_a_pager(make_client, library):
    b = make_client().login("vic@bologna.example", PASSWORD)
    page = b.get("/w/bologna/practices/search", params={"sdg": "13", "limit": "4", "sort": "title"})
    assert page.status_code == 200
    assert "6 practices match these filters" in page.text
    assert TITLE.findall(page.text) == ["Cool islands", "Heat plan 0", "Heat plan 1", "Heat plan 2"]
    assert "Page 1 of 2" in page.text
    nxt = re.search(r'<a rel="next" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    assert "page=2" in nxt and "sdg=13" in nxt and "sort=title" in nxt
    last = b.get(nxt)
    assert TITLE.findall(last.text) == ["Heat plan 3", "Heat plan 4"] and 'rel="prev"' in last.text
    empty = b.get("/w/bologna/practices/search", params={"city": "Nowhere"})
    assert "No practice matches these filters." in empty.text


def test_the_api_browses_with_a_total(make_client, library):
    b = make_client().login("ana@bologna.example", PASSWORD)
    r = b.get("/api/v1/workspaces/bologna/practices/search", params={"challenge": "heatwaves", "limit": "2"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 6 and body["page"] == 1 and len(body["hits"]) == 2
    bad = b.get("/api/v1/workspaces/bologna/practices/search", params={"sdg": "13", "page": "x"})
    assert bad.status_code == 422 and "page" in json.dumps(bad.json())
