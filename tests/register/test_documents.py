"""Agreement documents: typed by content, at most 20 MB, stored in the data directory, always downloads."""

from __future__ import annotations

import io
import zipfile

import pytest

from register.helpers import upload
from support.web import flash_of

API = "/api/v1/workspaces/la/agreements"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ooxml(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{part}/document.xml", "<doc/>")
    return out.getvalue()


def odf(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mimetype)
        z.writestr("content.xml", "<office/>")
    return out.getvalue()


@pytest.fixture
def agreement(ana) -> str:
    r = ana.api("POST", API, json={"kind": "mou", "title": "Port MoU"})
    return r.json()["id"]


@pytest.mark.parametrize(
    ("name", "content", "ctype"),
    [
        ("mou.pdf", PDF, "application/pdf"),
        (
            "mou.docx",
            ooxml("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("budget.xlsx", ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "notes.odt",
            odf("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "application/msword"),
    ],
)
def test_accepted_documents_are_always_served_as_downloads(ana, agreement, settings, name, content, ctype):
    r = upload(ana, f"{API}/{agreement}/documents", name, content)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["content_type"] == ctype and doc["size"] == len(content)
    stored = list((settings.data_dir / "documents").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == content for p in stored)
    for url in (
        f"{API}/{agreement}/documents/{doc['id']}",
        f"/w/la/agreements/{agreement}/documents/{doc['id']}",
    ):
        got = ana.get(url)
        assert got.status_code == 200 and got.content == content
        assert got.headers["content-disposition"].startswith("attachment;")
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in got.headers["content-security-policy"]
    assert ana.api("GET", f"{API}/{agreement}").json()["documents"][0]["filename"] == name


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not a PDF"),
        ("mou.docx", b"MZ\x90\x00" + b"\0" * 100, "not an office document"),
        ("mou.docx", ooxml("xl"), "different kind of file"),
        ("notes.odt", odf("application/vnd.oasis.opendocument.spreadsheet"), "different kind of file"),
        ("page.html", b"<html></html>", "not accepted"),
        ("virus.exe", b"MZ", "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_documents_name_the_reason(ana, agreement, settings, name, content, reason):
    r = upload(ana, f"{API}/{agreement}/documents", name, content)
    assert r.status_code == 422, r.text
    detail = r.json()["error"]["details"][0]
    assert detail["field"] == "file" and reason in detail["message"]
    assert not (settings.data_dir / "documents").exists() or not any(
        p.is_file() for p in (settings.data_dir / "documents").rglob("*")
    )


def test_over_twenty_megabytes_is_refused(ana, agreement):
    big = PDF + b"0" * (20 * 1024 * 1024)
    r = upload(ana, f"{API}/{agreement}/documents", "big.pdf", big)
    assert r.status_code in (413, 422)
    assert ana.api("GET", f"{API}/{agreement}").json()["documents"] == []


def test_page_upload_and_delete(ana, agreement, settings):
    r = ana.client.post(
        f"/w/la/agreements/{agreement}/documents",
        data={"csrf_token": ana.csrf},
        files={"file": ("../../etc/passwd.pdf", PDF)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "attached" in flash_of(r.headers["location"])
    doc = ana.api("GET", f"{API}/{agreement}").json()["documents"][0]
    assert doc["filename"] == "passwd.pdf"  # no path parts survive
    page = ana.get(f"/w/la/agreements/{agreement}").text
    assert "passwd.pdf" in page and " download>" in page
    r = ana.post(f"/w/la/agreements/{agreement}/documents/{doc['id']}/delete")
    assert r.status_code == 303
    assert not any(p.is_file() for p in (settings.data_dir / "documents").rglob("*"))
    r = ana.client.post(
        f"/w/la/agreements/{agreement}/documents",
        data={"csrf_token": ana.csrf},
        files={"file": ("x.pdf", b"GIF89a")},
        follow_redirects=False,
    )
    assert "Not attached" in flash_of(r.headers["location"])
