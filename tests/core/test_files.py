"""The shared file rules (citydip.core.files): files follow the transaction, keys never become paths."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text

from citydip.core import files
from citydip.core.errors import ValidationFailed

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def session(factory):
    s = factory()
    s.execute(text("SELECT 1"))  # a transaction is open, as in a request
    yield s
    s.close()


def _record(values: dict, workspace_id: int = 7) -> SimpleNamespace:
    return SimpleNamespace(workspace_id=workspace_id, **values)


def test_a_stored_file_survives_commit_and_is_removed_on_rollback(session, tmp_path):
    kept = files.store(session, tmp_path, 7, "plan.pdf", PDF, "ana@example.org")
    session.commit()
    path = files.storage_path(tmp_path, _record(kept))
    assert path.read_bytes() == PDF and path.parent.name == "7" and path.name != "plan.pdf"
    session.execute(text("SELECT 1"))
    lost = files.store(session, tmp_path, 7, "draft.pdf", PDF, "ana@example.org")
    assert files.storage_path(tmp_path, _record(lost)).is_file()
    session.rollback()
    assert not files.storage_path(tmp_path, _record(lost)).exists()
    assert path.is_file(), "a rollback after a commit must not touch files of the committed transaction"


def test_a_deleted_file_goes_only_after_commit(session, tmp_path):
    values = files.store(session, tmp_path, 7, "plan.pdf", PDF, "")
    session.commit()
    record = _record(values)
    session.execute(text("SELECT 1"))
    files.remove_after_commit(session, tmp_path, record)
    session.rollback()
    assert files.storage_path(tmp_path, record).is_file(), "a rolled-back delete keeps the file"
    session.execute(text("SELECT 1"))
    files.remove_after_commit(session, tmp_path, record)
    session.commit()
    assert not files.storage_path(tmp_path, record).exists()


def test_a_savepoint_rollback_keeps_files_of_the_outer_transaction(session, tmp_path):
    values = files.store(session, tmp_path, 7, "plan.pdf", PDF, "")
    savepoint = session.begin_nested()
    savepoint.rollback()
    session.commit()
    assert files.storage_path(tmp_path, _record(values)).is_file()


def test_refused_files_are_never_written(session, tmp_path):
    with pytest.raises(ValidationFailed) as err:
        files.store(session, tmp_path, 7, "plan.pdf", b"<html>not a pdf</html>", "")
    assert err.value.details[0].field == "file" and "not a PDF" in err.value.details[0].message
    with pytest.raises(ValidationFailed) as err:
        files.store(session, tmp_path, 7, "big.pdf", PDF + b"0" * files.MAX_BYTES, "")
    assert "larger than 20 MB" in err.value.details[0].message
    assert not (tmp_path / files.FOLDER).exists() or not any((tmp_path / files.FOLDER).rglob("*.pdf"))


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABCDEF", "", "0" * 31 + "/"])
def test_storage_keys_that_are_not_ours_never_become_paths(tmp_path, key):
    with pytest.raises(ValueError):
        files.storage_path(tmp_path, _record({"storage_key": key}))


def test_display_names_lose_paths_and_control_characters():
    assert files.safe_filename("..\\..\\secret/plan\x00 2024.pdf") == "plan 2024.pdf"
    assert files.safe_filename("   ") == "document"
    header = files.content_disposition('Bürgerbeteiligung "final".pdf')
    assert header.startswith('attachment; filename="Burgerbeteiligung _final_.pdf"')
    assert "filename*=UTF-8''B%C3%BCrgerbeteiligung" in header
