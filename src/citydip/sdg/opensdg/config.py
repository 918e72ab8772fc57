"""Reading ``config_data.yml``: where data, metadata, configuration, translations and the schema live."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml

from citydip.sdg.opensdg.model import Problem
from citydip.sdg.opensdg.safeio import InputFileError, read_text

CONFIG_FILENAMES = ("config_data.yml", "config_data.yaml", "open_sdg_config.yml")

MetaKind = Literal["md", "yaml", "csv"]
MetaRole = Literal["meta", "config"]

_META_CLASSES: dict[str, MetaKind] = {
    "InputYamlMdMeta": "md",
    "InputYamlMeta": "yaml",
    "InputCsvMeta": "csv",
}


@dataclass
class DataInput:
    """A data input (``InputCsvData``): a glob pattern and optional column/code maps."""

    path_pattern: str
    column_map: str | None = None
    code_map: str | None = None


@dataclass
class MetaInput:
    """A metadata or indicator-configuration input."""

    kind: MetaKind
    path_pattern: str
    role: MetaRole
    metadata_mapping: str | None = None


@dataclass
class RepositoryConfig:
    """What ``config_data.yml`` says, resolved to paths relative to the repository root."""

    file: str | None
    raw: dict[str, Any]
    languages: list[str]
    schema_file: str | None
    data_inputs: list[DataInput]
    meta_inputs: list[MetaInput]
    translation_dirs: list[str]
    config_first: bool
    problems: list[Problem] = field(default_factory=list)


def _join(src_dir: str, rel: str) -> str:
    if not src_dir:
        return rel
    return str(PurePosixPath(src_dir) / rel)


def _role_for(pattern: str) -> MetaRole:
    parts = PurePosixPath(pattern).parts[:-1]
    return "config" if any("indicator-config" in p or "indicator_config" in p for p in parts) else "meta"


def find_config(root: Path) -> Path | None:
    """The repository's data configuration file, if it has one."""
    for name in CONFIG_FILENAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def load_config(root: Path, config_file: Path | None = None) -> RepositoryConfig:
    """Read the configuration (``config_file`` or the repository's own), falling back to Open SDG defaults."""
    problems: list[Problem] = []
    raw: dict[str, Any] = {}
    path = config_file if config_file is not None else find_config(root)
    shown: str | None = None
    if path is not None:
        try:
            shown = str(path.relative_to(root))
        except ValueError:
            shown = path.name
        try:
            loaded = yaml.safe_load(read_text(path, shown))
        except InputFileError as exc:
            problems.append(Problem("error", exc.code, exc.reason, file=shown))
            loaded = {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(
                Problem(
                    "error",
                    "config-yaml",
                    f"is not valid YAML ({getattr(exc, 'problem', exc)}); Open SDG defaults were used",
                    file=shown,
                    row=mark.line + 1 if mark is not None else None,
                )
            )
            loaded = {}
        if isinstance(loaded, dict):
            raw = loaded
        elif loaded is not None:
            problems.append(Problem("error", "config-shape", "does not hold a YAML mapping", file=shown))
    else:
        problems.append(
            Problem("info", "config-missing", "no config_data.yml: Open SDG's default locations were used")
        )

    src_dir = str(raw.get("src_dir") or "")
    languages = [str(x) for x in raw.get("languages") or []]

    schema_file = raw.get("schema_file", "_prose.yml")
    schema_rel = _join(src_dir, str(schema_file)) if schema_file else None

    data_inputs: list[DataInput] = []
    meta_inputs: list[MetaInput] = []
    order: list[MetaRole] = []
    inputs = raw.get("inputs")
    if inputs is None:
        inputs = [
            {"class": "InputCsvData", "path_pattern": "data/*-*.csv"},
            {"class": "InputYamlMdMeta", "path_pattern": "meta/*-*.md"},
        ]
    for item in inputs if isinstance(inputs, list) else []:
        if not isinstance(item, dict):
            continue
        cls = str(item.get("class", ""))
        pattern = item.get("path_pattern")
        if cls == "InputCsvData" and pattern:
            data_inputs.append(
                DataInput(
                    path_pattern=_join(src_dir, str(pattern)),
                    column_map=_join(src_dir, str(item["column_map"])) if item.get("column_map") else None,
                    code_map=_join(src_dir, str(item["code_map"])) if item.get("code_map") else None,
                )
            )
        elif cls in _META_CLASSES and pattern:
            role = _role_for(str(pattern))
            order.append(role)
            mapping = item.get("metadata_mapping")
            meta_inputs.append(
                MetaInput(
                    kind=_META_CLASSES[cls],
                    path_pattern=_join(src_dir, str(pattern)),
                    role=role,
                    metadata_mapping=_join(src_dir, str(mapping)) if isinstance(mapping, str) else None,
                )
            )
        else:
            problems.append(
                Problem(
                    "info",
                    "input-not-read",
                    f"input {cls or '(no class)'} is not read here (remote or unsupported source)",
                    file=shown,
                )
            )

    translation_dirs: list[str] = []
    translations = raw.get("translations")
    if translations is None:
        translations = [{"class": "TranslationInputYaml", "source": "translations"}]
    for item in translations if isinstance(translations, list) else []:
        if not isinstance(item, dict):
            continue
        cls = str(item.get("class", ""))
        source = str(item.get("source", ""))
        if cls == "TranslationInputYaml" and source and not source.startswith("http"):
            translation_dirs.append(_join(src_dir, source))
        else:
            problems.append(
                Problem(
                    "info",
                    "translations-not-read",
                    f"translations from {cls} {source} are not fetched (no network); keys they define stay "
                    "untranslated unless supplied another way",
                    file=shown,
                )
            )

    config_first = "config" in order and "meta" in order and order.index("config") < order.index("meta")
    return RepositoryConfig(
        file=shown,
        raw=raw,
        languages=languages,
        schema_file=schema_rel,
        data_inputs=data_inputs,
        meta_inputs=meta_inputs,
        translation_dirs=translation_dirs,
        config_first=config_first,
        problems=problems,
    )
