"""``export_opensdg``: write the files an Open SDG site reads (per language: data/, headline/, edges/, comb/,
meta/, stats/), so a site can switch its data source to CityDip."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from citydip.core import csvout
from citydip.sdg.opensdg.frame import (
    Cell,
    Frame,
    edges,
    format_csv_cell,
    headline,
    translate_frame,
    typed_frame,
)
from citydip.sdg.opensdg.model import NON_DISAGGREGATION_COLUMNS, Indicator
from citydip.sdg.opensdg.stats import disaggregation_stats, reporting_stats
from citydip.sdg.opensdg.translations import Translator

_NON_DIS = frozenset(NON_DISAGGREGATION_COLUMNS)


class RepositoryLike(Protocol):
    """What the exporters need: indicators, translations, the metadata schema and settings."""

    @property
    def indicators(self) -> Mapping[str, Indicator]:
        """Indicators by id."""
        ...

    @property
    def translations(self) -> Mapping[str, Mapping[str, Mapping[str, str]]]:
        """language -> group -> key -> text."""
        ...

    @property
    def schema(self) -> Sequence[Mapping[str, Any]]:
        """The metadata schema as prose.io fields."""
        ...

    @property
    def settings(self) -> Mapping[str, Any]:
        """Data configuration settings (config_first, reporting_status_extra_fields ...)."""
        ...

    @property
    def languages(self) -> Sequence[str]:
        """Languages to publish."""
        ...


@dataclass
class ExportSummary:
    """What an export wrote."""

    out_dir: str
    languages: list[str]
    indicators: int
    files: int = 0
    skipped: list[str] = field(default_factory=list)


def sort_order(number: str) -> str:
    """Open SDG's sortable indicator key: each dotted part padded to two characters (``01-01-01``)."""
    return "-".join(p if len(p) > 1 else "0" + p for p in number.split("."))


def build_meta(ind: Indicator, config_first: bool, has_data: bool) -> dict[str, Any]:
    """Metadata as Open SDG's builder publishes it (before translation): merged inputs plus its defaults."""
    meta = ind.merged_meta(config_first)
    standalone = bool(meta.get("standalone"))
    number = ind.id if standalone else ind.id.replace("-", ".")
    goal = ind.id if standalone else ind.id.split("-")[0]
    target = ind.id if standalone else ".".join(ind.id.split("-")[0:2])
    meta.setdefault("indicator_number", number)
    meta.setdefault("target_number", target)
    meta.setdefault("goal_number", goal)
    non_stat = meta.get("data_non_statistical")
    # Same test as the builder: unset or false means statistical, true means not, anything else: has data.
    statistical = non_stat in (None, False) or (non_stat not in (True,) and has_data)
    minimum: dict[str, Any] = {
        "indicator": number,
        "target_id": target,
        "sdg_goal": goal,
        "reporting_status": "complete" if has_data or not statistical else "notstarted",
        "data_non_statistical": not has_data,
        "graph_type": "line",
        "indicator_sort_order": sort_order(number),
    }
    name = meta.get("indicator_name")
    if name is not None:
        minimum["indicator_name"] = name
        minimum["graph_title"] = name
    for key, value in minimum.items():
        meta.setdefault(key, value)
    return meta


def _translate_meta(value: Any, translator: Translator, language: str) -> Any:
    if isinstance(value, list):
        return [_translate_meta(v, translator, language) for v in value]
    if isinstance(value, dict):
        return {k: _translate_meta(v, translator, language) for k, v in value.items()}
    return translator.translate(value, language, ("data",))


def _csv_text(columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    buf = io.StringIO()
    writer = csvout.writer(buf)
    writer.writerow(columns)
    writer.writerows([format_csv_cell(v) for v in row] for row in rows)
    return buf.getvalue()


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class _Writer:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.count = 0
        self.made: set[Path] = set()

    def write(self, folder: str, name: str, text: str) -> None:
        """Write one file below the language folder."""
        path = self.base / folder
        if path not in self.made:
            path.mkdir(parents=True, exist_ok=True)
            self.made.add(path)
        (path / name).write_text(text, encoding="utf-8")
        self.count += 1


def _schema_output(schema: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The metadata schema in the shape Open SDG's builder publishes as ``meta/schema.json``."""
    out: list[dict[str, Any]] = []
    mapping = (
        ("help", "help"),
        ("label", "label"),
        ("value", "value"),
        ("translation_key", "translation_key"),
        ("scope", "scope"),
    )
    for item in schema:
        spec = item.get("field") or {}
        fld: dict[str, Any] = {}
        for src, dst in mapping:
            if src in spec:
                fld[dst] = spec[src]
        element = spec.get("element")
        fld["element"] = "text"
        if element in ("select", "multiselect"):
            fld["element"] = element
            options = []
            for opt in spec.get("options") or []:
                entry = {"name": opt.get("name"), "value": opt.get("value")}
                entry["translation_key"] = opt.get("translation_key", opt.get("name"))
                options.append(entry)
            fld["options"] = options
        out.append({"name": item.get("name"), "field": fld})
    return out


def export_opensdg(
    repo: RepositoryLike,
    out_dir: str | Path,
    languages: Sequence[str] | None = None,
    *,
    include_placeholder_data: bool = True,
    extra_translations: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
    indicator_ids: Iterable[str] | None = None,
) -> ExportSummary:
    """Write Open SDG's published files for each language under ``out_dir/<language>/``.

    ``languages`` defaults to the repository's languages; an empty list writes one untranslated build
    straight into ``out_dir``. ``extra_translations`` (language -> group -> key -> text) are added to the
    repository's own, for example the shared sdg-translations texts. Placeholder data is published like any
    data unless ``include_placeholder_data`` is False.
    """
    base = Path(out_dir)
    langs = list(repo.languages if languages is None else languages)
    merged_tr: dict[str, dict[str, dict[str, str]]] = {}
    for source in (extra_translations or {}, repo.translations):
        for lang, groups in source.items():
            for group, entries in groups.items():
                merged_tr.setdefault(lang, {}).setdefault(group, {}).update(entries)
    translator = Translator(merged_tr)
    config_first = bool(repo.settings.get("config_first", False))
    extra_fields = [str(f) for f in repo.settings.get("reporting_status_extra_fields") or []]
    status_order: list[str] | None = None
    for item in repo.schema:
        if item.get("name") == "reporting_status":
            opts = (item.get("field") or {}).get("options") or []
            status_order = [str(o.get("value")) for o in opts if isinstance(o, Mapping)] or None

    wanted = list(indicator_ids) if indicator_ids is not None else list(repo.indicators)
    prepared: list[tuple[str, Indicator, Frame, dict[str, Any]]] = []
    for ind_id in wanted:
        ind = repo.indicators[ind_id]
        table = ind.data
        if table is not None and ind.placeholder and not include_placeholder_data:
            table = None
        frame = typed_frame(table) if table is not None else Frame(["Year", "Value"], [[], []])
        meta = build_meta(ind, config_first, frame.nrows > 0)
        prepared.append((ind_id, ind, frame, meta))

    summary = ExportSummary(out_dir=str(base), languages=langs, indicators=len(prepared))
    targets: list[str | None] = list(langs) if langs else [None]
    for language in targets:
        writer = _Writer(base / language if language else base)
        _export_language(writer, prepared, language, translator, extra_fields, status_order, repo.schema)
        summary.files += writer.count
    return summary


def _translated(frame: Frame, translator: Translator, language: str) -> Frame:
    return translate_frame(
        frame,
        lambda text, column: translator.translate(text, language, (column, "data")),
        lambda header: translator.translate(header, language, (header, "data")),
    )


def _export_language(
    writer: _Writer,
    prepared: list[tuple[str, Indicator, Frame, dict[str, Any]]],
    language: str | None,
    translator: Translator,
    extra_fields: list[str],
    status_order: list[str] | None,
    schema: Sequence[Mapping[str, Any]],
) -> None:
    writer.write("meta", "schema.json", _json(_schema_output(schema)))
    all_meta: dict[str, Any] = {}
    all_headline: dict[str, Any] = {}
    for ind_id, ind, frame, base_meta in prepared:
        meta = copy.deepcopy(base_meta)
        if language:
            meta.update(copy.deepcopy(ind.meta_translations.get(language, {})))
            meta = {k: _translate_meta(v, translator, language) for k, v in meta.items()}
            frame = _translated(frame, translator, language)
        head = headline(frame)
        links = edges(frame)
        writer.write("data", f"{ind_id}.csv", _csv_text(frame.columns, zip(*frame.cells, strict=True)))
        writer.write("headline", f"{ind_id}.csv", _csv_text(head.columns, zip(*head.cells, strict=True)))
        writer.write("edges", f"{ind_id}.csv", _csv_text(["From", "To"], links))
        data_json: Any = frame.column_dict() if frame.nrows else []
        edges_json: Any = {"From": [a for a, _ in links], "To": [b for _, b in links]} if links else []
        head_json = head.records()
        writer.write("data", f"{ind_id}.json", _json(data_json))
        writer.write("edges", f"{ind_id}.json", _json(edges_json))
        writer.write("headline", f"{ind_id}.json", _json(head_json))
        writer.write("comb", f"{ind_id}.json", _json({"data": data_json, "edges": edges_json}))
        writer.write("meta", f"{ind_id}.json", _json(meta))
        all_meta[ind_id] = meta
        all_headline[ind_id] = head_json
    writer.write("meta", "all.json", _json(all_meta))
    writer.write("headline", "all.json", _json(all_headline))
    writer.write("stats", "reporting.json", _json(reporting_stats(all_meta, extra_fields, status_order)))

    expected: dict[str, list[str]] = {}
    actual: dict[str, list[str]] = {}
    goals: dict[str, str] = {}
    extra: dict[str, dict[str, Any]] = {name: {} for name in extra_fields}
    for ind_id, ind, frame, base_meta in prepared:
        if base_meta.get("standalone"):
            continue
        want = base_meta.get("expected_disaggregations")
        expected[ind_id] = list(want) if isinstance(want, list) else []
        actual[ind_id] = [c for c in frame.columns if c not in _NON_DIS] if frame.nrows else []
        goals[ind_id] = ind.id.split("-")[0]
        for name in extra_fields:
            if base_meta.get(name) is not None:
                extra[name][ind_id] = base_meta[name]
    writer.write("stats", "disaggregation.json", _json(disaggregation_stats(expected, actual, goals, extra)))
