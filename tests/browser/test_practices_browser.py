"""Practice exchange in a real browser: search, filter by SDG, open a practice, use "more like this"."""

from __future__ import annotations

import pytest

from practices.practice_helpers import add_practice
from support.browser import accessibility_problems, sign_in
from support.factories import PASSWORD, make_user, make_workspace

pytestmark = pytest.mark.browser


@pytest.fixture
def library(sys_session):
    with sys_session() as s:
        user = make_user(s, "ana@bologna.example", name="Ana")
        ws = make_workspace(s, "bologna", owner=user, name="Bologna Office")
        add_practice(
            s,
            ws,
            "Protected cycle lanes on main roads",
            city="Leeds",
            sdgs=[11, 13],
            summary="The council built 25 km of cycle lanes separated from car traffic by kerbs.",
        )
        add_practice(
            s,
            ws,
            "Nuove piste ciclabili protette",
            city="Bologna",
            sdgs=[11],
            summary="Il comune ha realizzato una rete di piste ciclabili protette lungo le strade.",
        )
        add_practice(
            s,
            ws,
            "Ausbau des Radwegenetzes",
            city="Freiburg",
            sdgs=[3, 11],
            summary="Die Stadt baut sichere, vom Autoverkehr getrennte Radwege aus.",
        )
        add_practice(
            s,
            ws,
            "Food waste hubs",
            sdgs=[2, 12],
            summary="Neighbourhood hubs collect surplus food from supermarkets for families in need.",
        )
    return ws


def test_search_filter_by_sdg_open_and_more_like_this(live_server, page, library):
    sign_in(page, live_server.url, "ana@bologna.example", PASSWORD)
    page.goto(f"{live_server.url}/w/bologna/practices")
    page.get_by_label("Search all practices you can see, in any language").fill("cycle lanes")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_load_state("networkidle")
    results = page.locator("#hits")
    assert results.get_by_role("link", name="Protected cycle lanes on main roads").is_visible()
    assert results.get_by_role("link", name="Nuove piste ciclabili protette").is_visible()  # across languages
    assert page.locator("#hits mark").first.inner_text().lower() in ("cycle", "lanes")
    assert accessibility_problems(page) == []

    assert not page.get_by_label("SDG").is_visible()  # filters stay folded until asked for
    page.locator("#search-form summary").click()
    page.get_by_label("SDG").select_option("13")
    page.locator("#search-form").get_by_role("button", name="Apply filters").click()
    page.wait_for_function("() => !document.body.innerText.includes('Nuove piste ciclabili protette')")
    titles = page.locator("#hits h3").all_inner_texts()
    assert titles == ["Protected cycle lanes on main roads"]
    assert "sdg=13" in page.url  # the filtered search has its own address (htmx pushes it)
    page.reload()
    assert page.get_by_label("SDG").is_visible()  # with a filter on, the group opens by itself

    page.locator("#hits").get_by_role("link", name="Protected cycle lanes on main roads").click()
    assert page.get_by_role("heading", level=1, name="Protected cycle lanes on main roads").is_visible()
    similar = page.locator("section[aria-labelledby=similar-h]")
    assert similar.get_by_role("link", name="Nuove piste ciclabili protette").is_visible()
    assert accessibility_problems(page) == []

    page.get_by_role("link", name="More like this").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Practices like")
    found = page.locator("#hits h3").all_inner_texts()
    assert "Protected cycle lanes on main roads" not in found
    assert found[:2] and set(found[:2]) <= {"Nuove piste ciclabili protette", "Ausbau des Radwegenetzes"}


def test_new_practice_form_suggests_goals_with_htmx(live_server, page, library):
    sign_in(page, live_server.url, "ana@bologna.example", PASSWORD)
    page.goto(f"{live_server.url}/w/bologna/practices/new")
    page.get_by_label("Title").fill("Clean drinking water for rural schools")
    page.get_by_label("Summary").fill("Solar pumps provide safe drinking water and sanitation to schools.")
    page.get_by_role("button", name="Suggest goals from the text").click()
    page.wait_for_selector("text=Suggested from the text")
    assert page.locator("#sdg-fieldset input[type=checkbox]:checked").count() == 3
    assert page.url.endswith("/practices/new")  # htmx swapped the goals in place; nothing was saved
    checked = page.locator("#sdg-fieldset input[type=checkbox]:checked")
    goals = [checked.nth(i).get_attribute("value") for i in range(3)]
    checked.nth(2).uncheck()  # suggestions are editable: drop the third one
    page.get_by_role("button", name="Save practice").last.click()
    assert page.get_by_role("heading", level=1, name="Clean drinking water for rural schools").is_visible()
    assert "Practice saved." in page.inner_text("main")
    meta = page.locator("main p.meta").first.inner_text()
    kept = sorted(goals[:2], key=int)
    assert f"SDG {', '.join(kept)}" in meta and goals[2] not in meta.split("SDG")[1].split("·")[0]


def test_attach_download_link_and_delete_on_the_practice_page(live_server, page, library, tmp_path):
    sign_in(page, live_server.url, "ana@bologna.example", PASSWORD)
    page.goto(f"{live_server.url}/w/bologna/practices")
    page.get_by_role("link", name="Protected cycle lanes on main roads").click()
    plan = tmp_path / "Lanes plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Attach a PDF or office document (at most 20 MB)").set_input_files(str(plan))
    page.get_by_role("button", name="Attach", exact=True).click()
    assert "File attached." in page.inner_text("main")
    attachments = page.locator("section#attachments")
    link = attachments.get_by_role("link", name="Lanes plan.pdf")
    assert link.is_visible() and link.get_attribute("download") is not None
    assert accessibility_problems(page) == []

    fake = tmp_path / "notes.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    page.get_by_label("Attach a PDF or office document (at most 20 MB)").set_input_files(str(fake))
    page.get_by_role("button", name="Attach", exact=True).click()
    assert "Not attached: the file is named .pdf but is not a PDF" in page.inner_text("main")

    page.once("dialog", lambda dialog: dialog.accept())
    attachments.get_by_role("button", name="Delete Lanes plan.pdf").click()
    assert "Attachment deleted." in page.inner_text("main")
    assert "No files attached." in page.locator("section#attachments").inner_text()


def test_a_visitor_reads_a_published_practice(live_server, page, sys_session):
    with sys_session() as s:
        ws = make_workspace(s, "leeds", owner=make_user(s, "ana@leeds.example"), name="Leeds Office")
        add_practice(
            s,
            ws,
            "Protected cycle lanes",
            city="Leeds",
            sdgs=[11],
            visibility="public",
            summary="The council built 25 km of protected cycle lanes.",
        )
        add_practice(s, ws, "Unpublished draft", visibility="private", summary="Not for visitors.")
    page.goto(f"{live_server.url}/public/leeds/")
    assert accessibility_problems(page) == []
    assert page.get_by_role("heading", name="Practices we share").is_visible()
    assert page.get_by_text("Unpublished draft").count() == 0
    page.get_by_role("link", name="Protected cycle lanes").click()
    assert page.get_by_role("heading", level=1, name="Protected cycle lanes").is_visible()
    assert page.get_by_text("25 km of protected cycle lanes").is_visible()
    assert accessibility_problems(page) == []
    page.get_by_role("link", name="Practices we share").click()
    assert accessibility_problems(page) == []
    assert page.locator("ol.hits h2").all_inner_texts() == ["Protected cycle lanes"]
