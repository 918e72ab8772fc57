"""``read_repository``: an Open SDG data repository (folder or zip) read into the model, one result per
indicator so a caller can import the good ones and keep the previous version of the bad ones."""

from __future__ import annotations

import copy
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from citydip.sdg.opensdg.config import MetaInput, MetaKind, RepositoryConfig, load_config
from citydip.sdg.opensdg.csvdata import is_placeholder, read_data_csv, read_map_csv
from citydip.sdg.opensdg.metadata import (
    MetaFile,
    Schema,
    coerce_checkboxes,
    read_csv_meta,
    read_label_csv,
    read_md_meta,
    read_schema,
    read_yaml_meta,
)
from citydip.sdg.opensdg.model import Indicator, IndicatorResult, Problem, Repository, deep_update
from citydip.sdg.opensdg.safeio import InputFileError, repository_folder
from citydip.sdg.opensdg.translations import read_translation_dir
from citydip.sdg.opensdg.validate import check_indicator

_IGNORED_NAMES = {"readme.md", "readme.txt", "readme", ".gitkeep", ".ds_store"}
_ALTERNATE_EXT = {"md": ("yml", "yaml"), "yaml": ("md",)}
#: Tiny data files repeated this often across a repository are reported as stubs.
STUB_REPEATS = 5


class _Reading:
    """State of one repository read."""

    def __init__(self, root: Path, cfg: RepositoryConfig) -> None:
        self.root = root
        self.cfg = cfg
        self.problems: list[Problem] = list(cfg.problems)
        self.indicators: dict[str, Indicator] = {}
        self.per_indicator: dict[str, list[Problem]] = defaultdict(list)
        self.origin: dict[str, dict[str, str]] = defaultdict(dict)
        self.data_files: dict[str, str] = {}
        self.read_files: set[Path] = set()
        self.scanned_dirs: set[Path] = set()
        self.schema: Schema | None = None
        self._subfolders: dict[Path, list[Path]] = {}

    def rel(self, path: Path) -> str:
        """Path relative to the repository root, with forward slashes."""
        return path.relative_to(self.root).as_posix()

    def indicator(self, ind_id: str) -> Indicator:
        """The indicator being assembled for an id (created on first use)."""
        if ind_id not in self.indicators:
            self.indicators[ind_id] = Indicator(id=ind_id)
        return self.indicators[ind_id]

    def subfolders(self, folder: Path) -> list[Path]:
        """Sub-folders of a folder (cached: language folders are looked up once per folder)."""
        if folder not in self._subfolders:
            self._subfolders[folder] = sorted(p for p in folder.iterdir() if p.is_dir())
        return self._subfolders[folder]

    def glob(self, pattern: str) -> list[Path]:
        """Files matching a pattern relative to the root, remembering the folder as scanned."""
        self.scanned_dirs.add((self.root / pattern).parent)
        return sorted(p for p in self.root.glob(pattern) if p.is_file())


def _data_id(path: Path) -> str:
    return path.stem.replace("indicator_", "")


def _load_maps(
    reading: _Reading,
) -> tuple[dict[str, str] | None, dict[str, dict[str, str]] | None]:
    column_map: dict[str, str] | None = None
    code_map: dict[str, dict[str, str]] | None = None
    for spec in reading.cfg.data_inputs:
        if spec.column_map and column_map is None:
            path = reading.root / spec.column_map
            if path.is_file():
                rows, problems = read_map_csv(path, spec.column_map, 2)
                reading.problems.extend(problems)
                column_map = {r[0]: r[1] for r in rows}
                reading.read_files.add(path)
            else:
                reading.problems.append(
                    Problem(
                        "error", "map-missing", "the configured column map does not exist", spec.column_map
                    )
                )
        if spec.code_map and code_map is None:
            path = reading.root / spec.code_map
            if path.is_file():
                rows, problems = read_map_csv(path, spec.code_map, 3)
                reading.problems.extend(problems)
                code_map = {}
                for text, dimension, value in rows:
                    code_map.setdefault(dimension, {})[text] = value
                reading.read_files.add(path)
            else:
                reading.problems.append(
                    Problem("error", "map-missing", "the configured code map does not exist", spec.code_map)
                )
    return column_map, code_map


def _read_data(reading: _Reading) -> None:
    column_map, code_map = _load_maps(reading)
    for spec in reading.cfg.data_inputs:
        paths = reading.glob(spec.path_pattern)
        if not paths:
            reading.problems.append(
                Problem(
                    "warning", "pattern-empty", f"no data files match {spec.path_pattern!r}", reading.cfg.file
                )
            )
        for path in paths:
            reading.read_files.add(path)
            ind_id = _data_id(path)
            shown = reading.rel(path)
            result = read_data_csv(path, shown, ind_id, column_map, code_map)
            ind = reading.indicator(ind_id)
            reading.per_indicator[ind_id].extend(result.problems)
            ind.sources.append(shown)
            reading.data_files[ind_id] = shown
            if result.table is not None:
                ind.data = result.table
                ind.placeholder = "starter-template" if is_placeholder(result.table) else None


def _read_one_meta(
    reading: _Reading, spec: MetaInput, path: Path, mapping: dict[str, str] | None
) -> MetaFile:
    shown = reading.rel(path)
    if spec.kind == "md":
        return read_md_meta(path, shown)
    if spec.kind == "yaml":
        return read_yaml_meta(path, shown)
    result = read_csv_meta(path, shown, mapping)
    if result.fields is not None and reading.schema is not None:
        result.problems.extend(coerce_checkboxes(result.fields, reading.schema, shown))
    return result


def _meta_paths(reading: _Reading, spec: MetaInput) -> list[Path]:
    paths = reading.glob(spec.path_pattern)
    if paths or spec.kind == "csv":
        if not paths:
            reading.problems.append(
                Problem("warning", "pattern-empty", f"no files match {spec.path_pattern!r}", reading.cfg.file)
            )
        return paths
    stem = spec.path_pattern.rpartition(".")[0]
    for alt in _ALTERNATE_EXT.get(spec.kind, ()):
        alt_paths = reading.glob(f"{stem}.{alt}")
        if alt_paths:
            kind: MetaKind = "md" if alt == "md" else "yaml"
            reading.problems.append(
                Problem(
                    "warning",
                    "pattern-fallback",
                    f"no files match {spec.path_pattern!r}; read the {len(alt_paths)} {stem}.{alt} files "
                    "instead (Open SDG's builder would find no metadata here)",
                    reading.cfg.file,
                )
            )
            spec.kind = kind
            return alt_paths
    reading.problems.append(
        Problem("warning", "pattern-empty", f"no files match {spec.path_pattern!r}", reading.cfg.file)
    )
    return []


def _read_meta(reading: _Reading) -> None:
    for original in reading.cfg.meta_inputs:
        spec = copy.copy(original)
        mapping: dict[str, str] | None = None
        if spec.kind == "csv" and spec.metadata_mapping:
            mpath = reading.root / spec.metadata_mapping
            rows, problems = read_label_csv(mpath, spec.metadata_mapping) if mpath.is_file() else ([], [])
            if not mpath.is_file():
                problems = [
                    Problem(
                        "error", "map-missing", "the metadata mapping does not exist", spec.metadata_mapping
                    )
                ]
            reading.problems.extend(problems)
            mapping = {label: key for _, label, key in rows}
            reading.read_files.add(mpath)
        for path in _meta_paths(reading, spec):
            reading.read_files.add(path)
            ind_id = path.stem
            result = _read_one_meta(reading, spec, path, mapping)
            reading.per_indicator[ind_id].extend(result.problems)
            ind = reading.indicator(ind_id)
            shown = reading.rel(path)
            ind.sources.append(shown)
            if result.fields is None:
                continue
            target = ind.config if spec.role == "config" else ind.meta
            deep_update(target, result.fields)
            origin = reading.origin[ind_id]
            origin.setdefault("", shown)
            for key in result.fields:
                origin[key] = shown
            # Language subfolders (meta/es/1-1-1.md) hold translated metadata.
            for sub in reading.subfolders(path.parent):
                translated = sub / path.name
                if not translated.is_file():
                    continue
                reading.read_files.add(translated)
                tres = _read_one_meta(reading, spec, translated, mapping)
                reading.per_indicator[ind_id].extend(tres.problems)
                if tres.fields is not None:
                    deep_update(ind.meta_translations.setdefault(sub.name, {}), tres.fields)
                    ind.sources.append(reading.rel(translated))


def _read_schema(reading: _Reading) -> list[dict[str, Any]]:
    rel = reading.cfg.schema_file
    if not rel:
        return []
    path = reading.root / rel
    if not path.is_file():
        reading.problems.append(
            Problem(
                "info", "schema-missing", "no metadata schema file: metadata fields were not checked", rel
            )
        )
        return []
    reading.read_files.add(path)
    fields, problems = read_schema(path, rel)
    reading.problems.extend(problems)
    reading.schema = Schema(fields) if fields else None
    return fields


def _report_unread(reading: _Reading) -> None:
    for folder in sorted(reading.scanned_dirs):
        if not folder.is_dir():
            continue
        unread = sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p not in reading.read_files and p.name.lower() not in _IGNORED_NAMES
        )
        for path in unread:
            reading.problems.append(
                Problem(
                    "info",
                    "file-not-read",
                    "not matched by any input pattern, so not read",
                    reading.rel(path),
                )
            )


def _report_stubs(reading: _Reading) -> None:
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for ind_id, ind in reading.indicators.items():
        table = ind.data
        if table is None or ind.placeholder or len(table.rows) > 2:
            continue
        key = (tuple(table.columns), tuple(tuple(r) for r in table.rows))
        groups[key].append(ind_id)
    for key, ids in groups.items():
        if len(ids) < STUB_REPEATS:
            continue
        sample = " / ".join(",".join(r) for r in key[1])
        for ind_id in ids:
            reading.per_indicator[ind_id].append(
                Problem(
                    "warning",
                    "stub-data",
                    f"the data ({sample}) is identical in {len(ids)} files: a stub, most likely not "
                    "real data",
                    reading.data_files.get(ind_id),
                    indicator=ind_id,
                )
            )


def _finish(reading: _Reading, display_root: str, schema_fields: list[dict[str, Any]]) -> Repository:
    cfg = reading.cfg
    repo = Repository(root=display_root, languages=list(cfg.languages), schema=schema_fields)
    for tdir in cfg.translation_dirs:
        path = reading.root / tdir
        if path.is_dir():
            translations, problems = read_translation_dir(path, tdir)
            reading.problems.extend(problems)
            for lang, groups in translations.items():
                for group, entries in groups.items():
                    repo.translations.setdefault(lang, {}).setdefault(group, {}).update(entries)
    _report_stubs(reading)
    _report_unread(reading)
    for ind_id in sorted(reading.indicators, key=_sort_key):
        ind = reading.indicators[ind_id]
        merged = ind.merged_meta(cfg.config_first)
        problems = reading.per_indicator.get(ind_id, [])
        problems = [p if p.indicator == ind_id else _with_indicator(p, ind_id) for p in problems]
        problems += check_indicator(
            ind, merged, reading.origin.get(ind_id, {}), reading.schema, reading.data_files.get(ind_id)
        )
        repo.indicators[ind_id] = ind
        repo.results[ind_id] = IndicatorResult(ind, problems)
    repo.problems = reading.problems
    settings = {k: v for k, v in cfg.raw.items() if k not in ("inputs", "translations")}
    settings["config_first"] = cfg.config_first
    settings.setdefault("reporting_status_extra_fields", [])
    repo.settings = settings
    return repo


def _with_indicator(p: Problem, ind_id: str) -> Problem:
    return Problem(p.severity, p.code, p.reason, p.file, p.row, p.column, ind_id)


def _sort_key(ind_id: str) -> tuple[Any, ...]:
    parts = ind_id.split("-")
    return tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in parts)


def read_repository(path: str | Path, config_file: str | Path | None = None) -> Repository:
    """Read an Open SDG data repository (a folder or a ``.zip``) into a :class:`Repository`.

    ``config_file`` overrides the repository's own ``config_data.yml`` (paths in it stay relative to the
    repository root). Every indicator gets an :class:`IndicatorResult` listing the problems in its files;
    repository-wide problems (configuration, schema, translations, unsafe archives) are in ``problems``.
    """
    src = Path(path)
    display = str(path)
    if not src.exists():
        repo = Repository(root=display)
        repo.problems.append(Problem("error", "repository-missing", "does not exist", display))
        return repo
    if src.is_file() and not zipfile.is_zipfile(src):
        repo = Repository(root=display)
        repo.problems.append(
            Problem("error", "repository-not-folder", "is neither a folder nor a .zip archive", display)
        )
        return repo
    try:
        with repository_folder(src) as root:
            cfg_path: Path | None = None
            if config_file is not None:
                given = Path(config_file)
                cfg_path = given if given.is_absolute() or given.exists() else root / given
            cfg = load_config(root, cfg_path)
            reading = _Reading(root, cfg)
            schema_fields = _read_schema(reading)
            _read_data(reading)
            _read_meta(reading)
            repo = _finish(reading, display, schema_fields)
            if not repo.indicators:
                repo.problems.append(
                    Problem(
                        "error",
                        "no-indicators",
                        "no data or metadata files found (is this an Open SDG data repository?)",
                        display,
                    )
                )
            return repo
    except InputFileError as exc:
        repo = Repository(root=display)
        repo.problems.append(Problem("error", exc.code, exc.reason, exc.path))
        return repo
