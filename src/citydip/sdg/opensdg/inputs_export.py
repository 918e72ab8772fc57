"""``export_inputs``: write a model back as an Open SDG data repository (the files a repository holds, not the
published site files), so that reading the result gives the same model again."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from citydip.core import csvout
from citydip.sdg.opensdg.site_export import RepositoryLike

_SKIP_SETTINGS = {"config_first", "inputs", "translations", "schema_file", "src_dir", "languages"}


@dataclass
class InputsSummary:
    """What ``export_inputs`` wrote."""

    out_dir: str
    indicators: int
    files: int


def _dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)


def _csv_text(columns: list[str], rows: Iterable[list[str]]) -> str:
    buf = io.StringIO()
    writer = csvout.writer(buf)
    writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue()


def export_inputs(
    repo: RepositoryLike, out_dir: str | Path, indicator_ids: Iterable[str] | None = None
) -> InputsSummary:
    """Write ``config_data.yml``, ``data/``, ``meta/`` (YAML; a folder per extra language),
    ``indicator-config/``, ``translations/`` and ``metadata_schema.yml`` for the indicators (default: all)."""
    base = Path(out_dir)
    files = 0

    def write(rel: str, text: str) -> None:
        """Write one file below the output folder."""
        nonlocal files
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1

    ids = list(indicator_ids) if indicator_ids is not None else list(repo.indicators)
    for ind_id in ids:
        ind = repo.indicators[ind_id]
        wrote = False
        if ind.data is not None:
            write(f"data/indicator_{ind_id}.csv", _csv_text(ind.data.columns, ind.data.rows))
            wrote = True
        if ind.config:
            write(f"indicator-config/{ind_id}.yml", _dump_yaml(ind.config))
            wrote = True
        if ind.meta or ind.meta_translations or not wrote:
            # An indicator with nothing else still gets a (possibly empty) metadata file, so it is read back.
            write(f"meta/{ind_id}.yml", _dump_yaml(ind.meta))
        for language, fields in ind.meta_translations.items():
            write(f"meta/{language}/{ind_id}.yml", _dump_yaml(fields))

    for language, groups in repo.translations.items():
        for group, entries in groups.items():
            write(f"translations/{language}/{group}.yml", _dump_yaml(dict(entries)))
    if repo.schema:
        write(
            "metadata_schema.yml",
            _dump_yaml({"prose": {"metadata": {"meta": [dict(f) for f in repo.schema]}}}),
        )

    meta_inputs = [
        {"class": "InputYamlMeta", "path_pattern": "meta/*.yml", "git": False},
    ]
    config_input = {"class": "InputYamlMeta", "path_pattern": "indicator-config/*.yml", "git": False}
    config_first = bool(repo.settings.get("config_first", False))
    inputs: list[dict[str, Any]] = [{"class": "InputCsvData", "path_pattern": "data/*.csv"}]
    inputs += [config_input, *meta_inputs] if config_first else [*meta_inputs, config_input]
    config: dict[str, Any] = {
        "languages": list(repo.languages),
        "schema_file": "metadata_schema.yml",
        "src_dir": "",
        "inputs": inputs,
        "translations": [{"class": "TranslationInputYaml", "source": "translations"}],
    }
    for key, value in repo.settings.items():
        if key not in _SKIP_SETTINGS and key not in config:
            config[key] = value
    write("config_data.yml", _dump_yaml(config))
    return InputsSummary(out_dir=str(base), indicators=len(ids), files=files)
