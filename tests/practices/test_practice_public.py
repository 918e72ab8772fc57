"""Public practice pages: anonymous visitors see what a workspace published, never anything else."""

from __future__ import annotations

import re

import pytest

from practices.practice_helpers import add_practice
from support.factories import PASSWORD, make_user, make_workspace


@pytest.fixture
def leeds(sys_session):
    """A workspace with a public, a network and a private practice."""
    with sys_session() as s:
        owner = make_user(s, "ana@leeds.example")
        ws = make_workspace(s, "leeds", owner=owner, city="Leeds, GB")
        make_workspace(s, "york", owner=make_user(s, "cy@york.example"))
        ids = {}
        for title, visibility in (
            ("Protected cycle lanes", "public"),
            ("Heat shelters", "network"),
            ("Draft flood plan SECRET", "private"),
        ):
            ids[visibility] = str(
                add_practice(
                    s,
                    ws,
                    title,
                    visibility=visibility,
                    city="Leeds",
                    sdgs=[11],
                    summary=f"{title}: what the city did.",
                    contacts=[{"name": "Jo Bloggs", "email": "jo@leeds.example"}],
                ).id
            )
    return ids


def test_anonymous_visitors_see_published_practices_only(client, leeds):
    home = client.get("/public/leeds/")
    assert home.status_code == 200 and "Practices we share" in home.text
    assert "Protected cycle lanes" in home.text
    assert "Heat shelters" not in home.text and "SECRET" not in home.text
    listing = client.get("/public/leeds/practices")
    assert listing.status_code == 200 and "Protected cycle lanes" in listing.text
    assert "Heat shelters" not in listing.text and "SECRET" not in listing.text
    page = client.get(f"/public/leeds/practices/{leeds['public']}")
    assert page.status_code == 200 and "what the city did" in page.text
    assert "jo@leeds.example" not in page.text and "Preview" not in page.text  # contacts stay inside
    for hidden in (leeds["network"], leeds["private"]):
        assert client.get(f"/public/leeds/practices/{hidden}").status_code == 404


def test_another_city_cannot_open_an_unpublished_practice(make_client, leeds):
    york = make_client().login("cy@york.example", PASSWORD)
    assert york.get(f"/public/leeds/practices/{leeds['private']}").status_code == 404
    assert "Draft flood plan" not in york.get("/public/leeds/practices?q=SECRET").text


def test_members_see_a_preview_of_unpublished_practices(make_client, leeds):
    ana = make_client().login("ana@leeds.example", PASSWORD)
    page = ana.get(f"/public/leeds/practices/{leeds['private']}")
    assert page.status_code == 200 and "Preview: this practice is not public" in page.text
    detail = ana.get(f"/w/leeds/practices/{leeds['public']}").text
    assert f'href="/public/leeds/practices/{leeds["public"]}"' in detail  # a link to what visitors see
    assert "/public/leeds/practices/" not in re.sub(
        r"\s+", " ", ana.get(f"/w/leeds/practices/{leeds['private']}").text
    )


def test_search_on_the_public_list(client, leeds):
    found = client.get("/public/leeds/practices", params={"q": "cycle"}).text
    assert "Protected cycle lanes" in found
    assert "No published practice matches" in client.get("/public/leeds/practices", params={"q": "zzz"}).text
