"""Backups hold the database and every stored file (issue 11): before, agreement documents and practice
attachments were lost on restore (410) while `citydip doctor` said everything was fine."""

from __future__ import annotations

import json
import shutil
import tarfile

import pytest

from practices.practice_helpers import add_practice
from support.databases import backend
from support.factories import PASSWORD, make_user, make_workspace

PDF = b"%PDF-1.5\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.skipif(
    backend() == "postgresql"
    and not shutil.which("pg_dump")
    and not __import__("glob").glob("/usr/lib/postgresql/*/bin/pg_dump"),
    reason="pg_dump is not installed",
)


def _upload(browser, url: str, name: str, content: bytes):
    return browser.client.post(url, files={"file": (name, content)}, headers={"X-CSRF-Token": browser.csrf})


def test_backup_holds_documents_and_attachments_and_restore_verifies(
    cli, make_client, sys_session, settings, tmp_path
):
    with sys_session() as s:
        ws = make_workspace(s, "la", owner=make_user(s, "ana@la.org"))
        practice_id = str(add_practice(s, ws, "Cycle lanes", summary="Protected lanes.").id)
    ana = make_client().login("ana@la.org", PASSWORD)
    agreement = ana.api("POST", "/api/v1/workspaces/la/agreements", json={"kind": "mou", "title": "Port MoU"})
    doc_url = f"/api/v1/workspaces/la/agreements/{agreement.json()['id']}/documents"
    doc = _upload(ana, doc_url, "mou.pdf", PDF + b"agreement")
    att_url = f"/api/v1/workspaces/la/practices/{practice_id}/attachments"
    att = _upload(ana, att_url, "report.pdf", PDF + b"practice")
    assert doc.status_code == 201 and att.status_code == 201, (doc.text, att.text)
    doc_get = f"{doc_url}/{doc.json()['id']}"

    archive = tmp_path / "backup.tar"
    code, out = cli("backup", str(archive))
    assert code == 0 and "2 stored files" in out, out
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = tar.getnames()
    assert len(manifest["files"]) == 2 and manifest["missing"] == []
    assert all(f["path"] in names and len(f["sha256"]) == 64 for f in manifest["files"])
    assert manifest["database"]["name"] in names and manifest["tables"]["agreement_documents"] == 1

    shutil.rmtree(settings.data_dir / "documents")  # the data directory is lost
    assert ana.api("GET", doc_get).status_code == 410
    code, out = cli("doctor")
    assert code == 1 and "Stored files" in out and "2 of 2 files" in out, out

    code, out = cli("restore", str(archive), "--force")
    assert code == 0 and "2 stored files" in out and "verified" in out, out
    got = ana.api("GET", doc_get)  # the session was restored too (it existed when the backup was taken)
    assert got.status_code == 200 and got.content == PDF + b"agreement"
    code, out = cli("doctor")
    assert "all 2 files the database names are present" in out, out


def test_a_damaged_archive_is_refused_before_anything_changes(cli, make_client, sys_session, tmp_path):
    with sys_session() as s:
        make_workspace(s, "la", owner=make_user(s, "ana@la.org"))
    ana = make_client().login("ana@la.org", PASSWORD)
    agreement = ana.api("POST", "/api/v1/workspaces/la/agreements", json={"kind": "mou", "title": "Port MoU"})
    url = f"/api/v1/workspaces/la/agreements/{agreement.json()['id']}/documents"
    assert _upload(ana, url, "mou.pdf", PDF).status_code == 201
    archive = tmp_path / "backup.tar"
    assert cli("backup", str(archive))[0] == 0
    # Flip the last byte of the stored file inside the archive.
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("files/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            import io

            dst.addfile(member, io.BytesIO(data))
    assert cli("workspace", "add", "houston")[0] == 0
    code, out = cli("restore", str(damaged), "--force")
    assert code == 1 and "does not match its checksum" in out and "Nothing was restored" in out, out
    assert ana.api("GET", "/api/v1/workspaces").status_code == 200
    code, out = cli("workspace", "list")
    assert "houston" in out  # the database was not touched
