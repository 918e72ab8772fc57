"""Practice attachments: typed by content, at most 20 MB, shown to whoever sees the practice, files that follow
the transaction (written for a new record, removed only after a delete commits), audited through the ORM."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from sqlalchemy import select

from citydip.audit.models import AuditEntry
from citydip.core import files
from citydip.core.context import WorkspaceContext
from citydip.core.tenancy import Role, Scope, set_scope
from citydip.practices import service
from citydip.practices.importing import import_practices
from citydip.practices.models import PracticeAttachment
from citydip.workspaces import service as workspaces
from citydip.workspaces.repository import workspace_by_slug
from practices.practice_helpers import add_practice
from support.factories import PASSWORD, add_member, make_user, make_workspace
from support.web import flash_of

PDF = b"%PDF-1.5\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
API = "/api/v1/workspaces/{ws}/practices/{pid}/attachments"


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def upload(browser, url: str, name: str, content: bytes):
    """POST a file with the browser's session and CSRF header."""
    return browser.client.post(url, files={"file": (name, content)}, headers={"X-CSRF-Token": browser.csrf})


def stored(settings) -> list[bytes]:
    """Contents of every file under the data directory's documents folder."""
    folder = settings.data_dir / files.FOLDER
    return [p.read_bytes() for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def world(sys_session):
    """alpha and beta share a network, gamma is outside it; alpha has a private, a network and a public practice;
    vic is a viewer in alpha."""
    ids = {}
    with sys_session() as s:
        alpha = make_workspace(s, "alpha", owner=make_user(s, "ana@alpha.example"))
        beta = make_workspace(s, "beta", owner=make_user(s, "bo@beta.example"))
        make_workspace(s, "gamma", owner=make_user(s, "gus@gamma.example"))
        add_member(s, make_user(s, "vic@alpha.example"), alpha, Role.viewer)
        net = workspaces.create_network(s, "cycle-net", "Cycling network")
        workspaces.join_network(s, net, alpha)
        workspaces.join_network(s, net, beta)
        for vis in ("private", "network", "public"):
            ids[vis] = str(
                add_practice(
                    s,
                    alpha,
                    f"Cycle lanes ({vis})",
                    summary="Protected cycle lanes.",
                    visibility=vis,
                    external_id=f"cycle-{vis}",
                ).id
            )
    return ids


@pytest.fixture
def ana(make_client, world):
    return make_client().login("ana@alpha.example", PASSWORD)


def test_editor_attaches_lists_downloads_and_deletes(ana, world, settings, sys_session):
    url = API.format(ws="alpha", pid=world["network"])
    r = upload(ana, url, "Lanes report 2024.pdf", PDF)
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["content_type"] == "application/pdf" and att["size"] == len(PDF)
    assert att["filename"] == "Lanes report 2024.pdf" and att["uploaded_by"] == "ana@alpha.example"
    assert stored(settings) == [PDF]
    sheet = upload(ana, url, "budget.xlsx", _xlsx())
    assert sheet.status_code == 201 and sheet.json()["content_type"].endswith("spreadsheetml.sheet")
    listed = ana.api("GET", url).json()
    assert [a["filename"] for a in listed] == ["Lanes report 2024.pdf", "budget.xlsx"]
    for link in (att["download_url"], f"/w/alpha/practices/{world['network']}/attachments/{att['id']}"):
        got = ana.get(link)
        assert got.status_code == 200 and got.content == PDF
        assert got.headers["content-disposition"].startswith('attachment; filename="Lanes report 2024.pdf"')
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in got.headers["content-security-policy"]
    assert ana.api("DELETE", f"{url}/{att['id']}").status_code == 204
    assert ana.get(att["download_url"]).status_code == 404
    left = stored(settings)
    assert len(left) == 1 and left[0].startswith(b"PK"), "only the PDF's file is gone"
    with sys_session() as s:
        actions = {
            (e.action, e.entity)
            for e in s.scalars(select(AuditEntry).where(AuditEntry.entity == "practice_attachments"))
        }
    assert {a for a, _e in actions} >= {"create", "delete"}, actions


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
        ("budget.docx", _xlsx(), "different kind of file"),
        ("lanes.png", b"\x89PNG\r\n\x1a\n", "not accepted"),
        ("tool.exe", b"MZ\x90\x00", "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_kept(
    ana, world, settings, sys_session, name, content, reason
):
    r = upload(ana, API.format(ws="alpha", pid=world["public"]), name, content)
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "file" and reason in detail["message"]
    assert stored(settings) == []
    with sys_session() as s:
        assert s.scalars(select(PracticeAttachment)).all() == []


def test_over_twenty_megabytes_is_refused_by_the_app_and_the_middleware(ana, world, settings, sys_session):
    url = API.format(ws="alpha", pid=world["public"])
    # just over 20 MB: the body limit lets an /attachments path through, the content check refuses it
    r = upload(ana, url, "big.pdf", PDF + b"0" * files.MAX_BYTES)
    assert r.status_code == 422 and "larger than 20 MB" in r.json()["error"]["details"][0]["message"]
    # far over: the middleware stops the body before the app reads it
    r = upload(ana, url, "huge.pdf", PDF + b"0" * (22 * 1024 * 1024))
    assert r.status_code == 413
    assert stored(settings) == []
    with sys_session() as s:
        assert s.scalars(select(PracticeAttachment)).all() == []


def test_page_upload_shows_download_link_and_delete(ana, world, settings):
    pid = world["private"]
    r = ana.client.post(
        f"/w/alpha/practices/{pid}/attachments",
        data={"csrf_token": ana.csrf},
        files={"file": ("../../etc/plan.pdf", PDF)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"].endswith("#attachments") and "attached" in flash_of(r.headers["location"])
    page = ana.get(f"/w/alpha/practices/{pid}").text
    assert "plan.pdf" in page and "../" not in page.split('id="attachments"')[1].split("</section>")[0]
    assert " download>plan.pdf</a>" in page
    att = ana.api("GET", API.format(ws="alpha", pid=pid)).json()[0]
    assert att["filename"] == "plan.pdf"
    r = ana.client.post(
        f"/w/alpha/practices/{pid}/attachments",
        data={"csrf_token": ana.csrf},
        files={"file": ("x.pdf", b"GIF89a")},
        follow_redirects=False,
    )
    assert "Not attached" in flash_of(r.headers["location"]) and r.headers["location"].endswith(
        "#attachments"
    )
    r = ana.post(f"/w/alpha/practices/{pid}/attachments/{att['id']}/delete")
    assert r.status_code == 303 and stored(settings) == []
    assert "No files attached." in ana.get(f"/w/alpha/practices/{pid}").text


def test_viewers_download_but_cannot_attach_or_delete(ana, world, make_client):
    url = API.format(ws="alpha", pid=world["private"])
    att = upload(ana, url, "plan.pdf", PDF).json()
    vic = make_client().login("vic@alpha.example", PASSWORD)
    assert vic.get(att["download_url"]).content == PDF
    assert upload(vic, url, "more.pdf", PDF).status_code == 403
    assert vic.api("DELETE", f"{url}/{att['id']}").status_code == 403
    page = vic.get(f"/w/alpha/practices/{world['private']}").text
    assert "plan.pdf" in page and 'type="file"' not in page


def test_attachments_are_seen_by_whoever_sees_the_practice(ana, world, make_client):
    ids = {
        vis: upload(ana, API.format(ws="alpha", pid=world[vis]), f"{vis}.pdf", PDF).json()["id"]
        for vis in ("private", "network", "public")
    }
    bo = make_client().login("bo@beta.example", PASSWORD)
    gus = make_client().login("gus@gamma.example", PASSWORD)
    expected = {("beta", bo): {"network", "public"}, ("gamma", gus): {"public"}}
    for (ws, who), allowed in expected.items():
        for vis, att_id in ids.items():
            lst = API.format(ws=ws, pid=world[vis])
            got = who.get(f"{lst}/{att_id}")
            page = who.get(f"/w/{ws}/practices/{world[vis]}/attachments/{att_id}")
            if vis in allowed:
                assert got.status_code == 200 and got.content == PDF, (ws, vis)
                assert page.status_code == 200 and page.content == PDF, (ws, vis)
                assert [a["id"] for a in who.api("GET", lst).json()] == [att_id]
                assert f"{vis}.pdf" in who.get(f"/w/{ws}/practices/{world[vis]}").text
            else:
                assert got.status_code == 404 and page.status_code == 404, (ws, vis)
                assert who.api("GET", lst).status_code == 404
            # nobody but alpha's editors changes alpha's attachments, whatever they may read
            assert who.api("DELETE", f"{lst}/{att_id}").status_code == 404
            assert upload(who, lst, "mine.pdf", PDF).status_code == 404
            r = who.post(f"/w/{ws}/practices/{world[vis]}/attachments/{att_id}/delete")
            assert r.status_code == 404
    assert ana.get(f"{API.format(ws='alpha', pid=world['network'])}/{ids['network']}").status_code == 200


def test_attachment_visibility_follows_the_practice(ana, world, make_client, sys_session, tmp_path):
    pid = world["network"]
    att = upload(ana, API.format(ws="alpha", pid=pid), "lanes.pdf", PDF).json()
    bo = make_client().login("bo@beta.example", PASSWORD)
    beta_url = f"{API.format(ws='beta', pid=pid)}/{att['id']}"
    assert bo.get(beta_url).status_code == 200
    practice = ana.api("GET", f"/api/v1/workspaces/alpha/practices/{pid}").json()
    body = {k: practice[k] for k in ("title", "summary", "external_id")} | {"visibility": "private"}
    assert ana.api("PUT", f"/api/v1/workspaces/alpha/practices/{pid}", json=body).status_code == 200
    assert bo.get(beta_url).status_code == 404
    # a re-import that shares the practice again takes its attachments along (bulk update path)
    path = tmp_path / "share.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "cycle-network",
                "title": "Cycle lanes (network)",
                "summary": "Protected cycle lanes.",
                "visibility": "network",
            }
        )
        + "\n"
    )
    with sys_session() as s:
        ws = workspace_by_slug(s, "alpha")
        report = import_practices(s, WorkspaceContext.for_operator(ws), path)
    assert report.updated == 1
    assert bo.get(beta_url).status_code == 200


def test_files_leave_the_disk_only_when_the_delete_commits(ana, world, settings, factory):
    pid = world["public"]
    upload(ana, API.format(ws="alpha", pid=pid), "a.pdf", PDF)
    upload(ana, API.format(ws="alpha", pid=pid), "b.pdf", PDF + b"%b")
    assert len(stored(settings)) == 2

    def run(work, commit: bool) -> None:
        s = factory()
        set_scope(s, Scope.system_scope())
        try:
            ws = workspace_by_slug(s, "alpha")
            work(s, WorkspaceContext.for_operator(ws))
            s.commit() if commit else s.rollback()
        finally:
            s.close()

    def delete_one(s, ctx):
        first = s.scalars(select(PracticeAttachment).order_by(PracticeAttachment.filename)).first()
        service.delete_attachment(s, ctx, first, settings.data_dir)

    def delete_practice(s, ctx):
        service.delete_practice(s, ctx, service.get_own(s, ctx, uuid.UUID(pid)), settings.data_dir)

    run(delete_one, commit=False)
    assert len(stored(settings)) == 2, "a rolled-back delete keeps the file"
    run(delete_one, commit=True)
    assert stored(settings) == [PDF + b"%b"]
    run(delete_practice, commit=False)
    assert stored(settings) == [PDF + b"%b"]
    run(delete_practice, commit=True)
    assert stored(settings) == []
    assert ana.api("GET", API.format(ws="alpha", pid=pid)).status_code == 404


def test_a_rolled_back_upload_leaves_no_file(world, settings, factory):
    s = factory()
    set_scope(s, Scope.system_scope())
    try:
        ws = workspace_by_slug(s, "alpha")
        ctx = WorkspaceContext.for_operator(ws)
        practice = service.get_own(s, ctx, uuid.UUID(world["public"]))
        service.add_attachment(s, ctx, practice, "plan.pdf", PDF, settings.data_dir, "test")
        assert stored(settings) == [PDF]
        s.rollback()
    finally:
        s.close()
    assert stored(settings) == []
