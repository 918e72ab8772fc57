"""The backup archive: one tar file with a manifest, the database dump and every stored file, all checksummed.

Layout (``format: citydip-backup``, ``version: 1``)::

    manifest.json                      format, version, created_at, backend, revision, tables (row counts),
                                       database {name, size, sha256}, files [{path, size, sha256}], missing [...]
    database.sqlite3 | database.pgdump
    files/documents/<workspace id>/<storage key>

Reading an archive checks everything before anything is restored: every member the manifest lists is present,
a regular file, at a path of the expected shape (no ``..``, no links), of the listed size and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citydip.core.database import utcnow
from citydip.core.errors import AppError, ValidationFailed
from citydip.core.files import StoredFileRow

FORMAT = "citydip-backup"
VERSION = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
_FILE_RE = re.compile(r"^files/documents/[0-9]+/[0-9a-f]{32}$")
_DB_NAMES = {"database.sqlite3", "database.pgdump"}


@dataclass
class Dump:
    """A database dump and what was read inside its snapshot."""

    path: Path
    backend: str
    tables: dict[str, int]
    revision: str | None
    files: list[StoredFileRow] = field(default_factory=list)


@dataclass
class Contents:
    """A verified archive, extracted into a work folder."""

    manifest: dict[str, Any]
    database: Path
    files: list[tuple[str, Path, str]]  # (path below the data directory, extracted file, sha256)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_archive(path: Path) -> bool:
    """Whether a file is a CityDip backup archive (rather than an older bare database backup)."""
    if not tarfile.is_tarfile(path):
        return False
    with tarfile.open(path) as tar:
        try:
            tar.getmember(MANIFEST)
        except KeyError:
            return False
    return True


def write(target: Path, dump: Dump, data_dir: Path) -> dict[str, Any]:
    """Write the archive atomically (a ``.partial`` file renamed at the end); returns the manifest."""
    members: list[tuple[str, Path, int, str]] = []
    missing: list[str] = []
    for row in dump.files:
        path = data_dir / row.relative_path
        if not path.is_file():
            missing.append(row.relative_path)  # deleted after the snapshot was taken
            continue
        digest = sha256_of(path)
        if digest != row.sha256:
            raise AppError(
                f"{path} does not match the checksum the database recorded for it ({row.table}); "
                "the file is damaged. Restore it from an earlier backup, then back up again."
            )
        members.append((FILES_PREFIX + row.relative_path, path, path.stat().st_size, digest))
    db_name = "database.sqlite3" if dump.backend == "sqlite" else "database.pgdump"
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "backend": dump.backend,
        "revision": dump.revision,
        "tables": dump.tables,
        "database": {"name": db_name, "size": dump.path.stat().st_size, "sha256": sha256_of(dump.path)},
        "files": [{"path": name, "size": size, "sha256": digest} for name, _p, size, digest in members],
        "missing": missing,
    }
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with tarfile.open(partial, "w") as tar:
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        tar.add(dump.path, arcname=db_name, recursive=False)
        for name, path, _size, _digest in members:
            tar.add(path, arcname=name, recursive=False)
    os.replace(partial, target)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(utcnow().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _bad(source: Path, message: str) -> ValidationFailed:
    return ValidationFailed(f"{source} is not a complete CityDip backup: {message}. Nothing was restored.")


def read(source: Path, workdir: Path) -> Contents:
    """Extract and verify an archive into ``workdir``; ValidationFailed naming the first problem."""
    with tarfile.open(source) as tar:
        try:
            raw = tar.extractfile(MANIFEST)
            manifest = json.loads(raw.read()) if raw else None
        except (KeyError, json.JSONDecodeError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _bad(source, "manifest.json is missing or not a CityDip manifest")
        if manifest.get("version") != VERSION:
            raise _bad(source, f"made by a newer CityDip (backup format version {manifest.get('version')})")
        db = manifest.get("database") or {}
        if db.get("name") not in _DB_NAMES:
            raise _bad(source, "the manifest names no database")
        wanted = [(str(db["name"]), int(db["size"]), str(db["sha256"]))]
        for item in manifest.get("files") or []:
            name = str(item.get("path", ""))
            if not _FILE_RE.match(name):
                raise _bad(source, f"unexpected member name {name!r}")
            wanted.append((name, int(item["size"]), str(item["sha256"])))
        extracted: dict[str, Path] = {}
        for name, size, digest in wanted:
            extracted[name] = _extract_checked(tar, source, name, size, digest, workdir)
    files = [(name[len(FILES_PREFIX) :], extracted[name], digest) for name, _s, digest in wanted[1:]]
    return Contents(manifest, extracted[wanted[0][0]], files)


def _extract_checked(
    tar: tarfile.TarFile, source: Path, name: str, size: int, digest: str, workdir: Path
) -> Path:
    try:
        member = tar.getmember(name)
    except KeyError:
        raise _bad(source, f"{name} is listed in the manifest but not in the archive") from None
    if not member.isfile() or member.size != size:
        raise _bad(source, f"{name} is not the file the manifest lists (size {member.size}, expected {size})")
    target = workdir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tar.extractfile(member)
    if handle is None:
        raise _bad(source, f"{name} cannot be read")
    with handle, target.open("wb") as out:
        shutil.copyfileobj(handle, out)
    if sha256_of(target) != digest:
        raise _bad(source, f"{name} does not match its checksum (the archive is damaged)")
    return target


def install_files(files: Iterable[tuple[str, Path, str]], data_dir: Path) -> int:
    """Move verified files into the data directory (replacing what is there) and check them once more."""
    count = 0
    for relative, path, digest in files:
        dest = data_dir / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), dest)
        if sha256_of(dest) != digest:
            raise AppError(f"{dest} was not written correctly (checksum differs); run the restore again.")
        count += 1
    return count
