"""Careful file access: size limits, explicit decoding, and safe unpacking of zipped repositories."""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 200 * 1024 * 1024
#: Whole-archive budget when a repository arrives as a zip file.
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 50_000
#: Highest compression ratio accepted for a single zip member; text CSVs compress about 5-15 times.
MAX_COMPRESSION_RATIO = 200


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n} bytes"


class InputFileError(Exception):
    """A file that cannot be read: too large, not UTF-8, unsafe archive ... (the message names the file)."""

    def __init__(self, path: str, reason: str, code: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.code = code


def read_text(path: Path, shown: str, max_bytes: int | None = None) -> str:
    """Read a text file as UTF-8 (with or without a byte-order mark), refusing huge or undecodable files."""
    if max_bytes is None:
        max_bytes = MAX_FILE_BYTES
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(shown, f"cannot be read ({exc.strerror or exc})", "file-unreadable") from exc
    if size > max_bytes:
        raise InputFileError(
            shown,
            f"is {_size(size)}, over the {_size(max_bytes)} limit; split it or trim it",
            "file-too-large",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFileError(shown, f"cannot be read ({exc.strerror or exc})", "file-unreadable") from exc
    return decode_bytes(raw, shown)


def decode_bytes(raw: bytes, shown: str) -> str:
    """Decode UTF-8 with BOM, else UTF-8; otherwise raise an error naming the file, line and byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise InputFileError(
            shown,
            f"is not UTF-8 (byte 0x{bad} on line {line}); save it as UTF-8 and try again",
            "file-not-utf8",
        ) from exc


def _check_member(info: zipfile.ZipInfo, archive: str) -> PurePosixPath:
    name = PurePosixPath(info.filename)
    if (
        name.is_absolute()
        or ".." in name.parts
        or info.filename.startswith(("/", "\\"))
        or ":" in name.parts[0]
    ):
        raise InputFileError(archive, f"member {info.filename!r} points outside the archive", "zip-unsafe")
    mode = (info.external_attr >> 16) & 0o170000
    if mode == stat.S_IFLNK:
        raise InputFileError(archive, f"member {info.filename!r} is a symbolic link", "zip-unsafe")
    if info.file_size > MAX_FILE_BYTES:
        raise InputFileError(
            archive,
            f"member {info.filename!r} would unpack to {info.file_size} bytes (limit 200 MB)",
            "zip-bomb",
        )
    if info.file_size > 1024 * 1024 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
        raise InputFileError(
            archive,
            f"member {info.filename!r} expands {info.file_size // max(info.compress_size, 1)} times; "
            "refused as a possible zip bomb",
            "zip-bomb",
        )
    return name


def unpack_zip(archive: Path, dest: Path) -> Path:
    """Unpack a zipped repository into ``dest`` after checking sizes, ratios and paths; return its root."""
    shown = archive.name
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(shown, f"is not a readable zip file ({exc})", "zip-unreadable") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            raise InputFileError(shown, f"holds {len(infos)} files (limit {MAX_ARCHIVE_MEMBERS})", "zip-bomb")
        total = 0
        for info in infos:
            _check_member(info, shown)
            total += info.file_size
        if total > MAX_ARCHIVE_BYTES:
            raise InputFileError(
                shown, f"would unpack to {total // 1024 // 1024} MB (limit 1024 MB)", "zip-bomb"
            )
        for info in infos:
            if info.is_dir():
                continue
            target = dest.joinpath(*PurePosixPath(info.filename).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with zf.open(info) as src, target.open("wb") as out:
                while True:
                    chunk = src.read(1 << 20)
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > info.file_size or written > MAX_FILE_BYTES:
                        # The header lied about the size: stop before the disk fills.
                        raise InputFileError(
                            shown, f"member {info.filename!r} unpacks beyond its declared size", "zip-bomb"
                        )
                    out.write(chunk)
    return _repository_root(dest)


def _repository_root(folder: Path) -> Path:
    """A zip often wraps the repository in one top folder: descend into it when that is all there is."""
    entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


@contextmanager
def repository_folder(path: Path) -> Iterator[Path]:
    """Yield a folder to read: ``path`` itself, or a temporary unpacked copy when it is a ``.zip`` file."""
    if path.is_file() and zipfile.is_zipfile(path):
        tmp = Path(tempfile.mkdtemp(prefix="citydip-opensdg-"))
        try:
            yield unpack_zip(path, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        yield path
