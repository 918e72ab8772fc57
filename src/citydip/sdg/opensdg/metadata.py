"""Reading indicator metadata: Markdown with YAML front matter (1.x), YAML (2.x SDMX concepts, indicator
configuration), label,value CSV files (with a metadata mapping), and the prose.io metadata schema."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from citydip.sdg.opensdg.model import Problem
from citydip.sdg.opensdg.safeio import InputFileError, read_text

_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):  # type: ignore[misc]
    """Safe YAML loader (libyaml when present) that keeps dates as the text written (JSON has no dates)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Parse YAML safely, dates kept as text."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from a safe loader


@dataclass
class MetaFile:
    """Fields read from one metadata file, with any problems."""

    fields: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)


def _yaml_problem(exc: yaml.YAMLError, shown: str, offset: int = 0) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    row = mark.line + 1 + offset if mark is not None else None
    what = getattr(exc, "problem", None) or str(exc)
    return Problem("error", "meta-yaml", f"YAML cannot be read: {what}", shown, row)


def _mapping_or_problem(loaded: Any, shown: str) -> MetaFile:
    if loaded is None:
        return MetaFile({})
    if not isinstance(loaded, dict):
        return MetaFile(None, [Problem("error", "meta-shape", "does not hold field: value pairs", shown)])
    bad = [k for k in loaded if not isinstance(k, str)]
    fields = {str(k): v for k, v in loaded.items()}
    problems = [Problem("warning", "meta-key-type", f"field name {k!r} is not text", shown) for k in bad]
    return MetaFile(fields, problems)


def read_md_meta(path: Path, shown: str) -> MetaFile:
    """Read ``---`` YAML front matter; the Markdown after it becomes the ``page_content`` field."""
    try:
        text = read_text(path, shown)
    except InputFileError as exc:
        return MetaFile(None, [Problem("error", exc.code, exc.reason, shown)])
    lines = text.splitlines(keepends=True)
    problems: list[Problem] = []
    lead = 0
    while lead < len(lines) and not lines[lead].strip():
        lead += 1
    if lead:
        problems.append(
            Problem("warning", "meta-leading-blank", "blank line(s) before the opening '---' line", shown, 1)
        )
        lines = lines[lead:]
    if not lines or lines[0].strip() != "---":
        return MetaFile(
            None, [Problem("error", "meta-no-front-matter", "does not start with a '---' line", shown, 1)]
        )
    end = None
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") == "---":
            end = i
            break
    if end is None:
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                end = i
                problems.append(
                    Problem(
                        "warning", "meta-indented-fence", "the closing '---' line is indented", shown, i + 1
                    )
                )
                break
    if end is None:
        return MetaFile(
            None, [Problem("error", "meta-no-front-matter", "the front matter has no closing '---'", shown)]
        )
    try:
        loaded = load_yaml("".join(lines[1:end]))
    except yaml.YAMLError as exc:
        return MetaFile(None, [_yaml_problem(exc, shown, offset=1)])
    result = _mapping_or_problem(loaded, shown)
    result.problems[:0] = problems
    if result.fields is not None:
        result.fields["page_content"] = "".join(lines[end + 1 :])
    return result


def read_yaml_meta(path: Path, shown: str) -> MetaFile:
    """Read a YAML mapping of field: value."""
    try:
        text = read_text(path, shown)
    except InputFileError as exc:
        return MetaFile(None, [Problem("error", exc.code, exc.reason, shown)])
    try:
        loaded = load_yaml(text)
    except yaml.YAMLError as exc:
        return MetaFile(None, [_yaml_problem(exc, shown)])
    return _mapping_or_problem(loaded, shown)


def read_label_csv(path: Path, shown: str) -> tuple[list[tuple[int, str, str]], list[Problem]]:
    """Rows of a two-column label,value CSV as (line, label, value)."""
    try:
        text = read_text(path, shown)
    except InputFileError as exc:
        return [], [Problem("error", exc.code, exc.reason, shown)]
    out: list[tuple[int, str, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if not row or not row[0].strip():
                continue
            out.append((reader.line_num, row[0], row[1] if len(row) > 1 else ""))
    except csv.Error as exc:
        return [], [
            Problem("error", "csv-malformed", f"is not well-formed CSV: {exc}", shown, reader.line_num)
        ]
    return out, []


def read_csv_meta(path: Path, shown: str, mapping: dict[str, str] | None) -> MetaFile:
    """Read label,value metadata; labels go through the metadata mapping; rows without a value are skipped."""
    rows, problems = read_label_csv(path, shown)
    if problems:
        return MetaFile(None, problems)
    fields: dict[str, Any] = {}
    for line, label, value in rows:
        if value == "":
            continue
        key = label
        if mapping is not None:
            if label not in mapping:
                problems.append(
                    Problem(
                        "warning",
                        "meta-label-unmapped",
                        f"label {label!r} is not in the metadata mapping; its value was ignored "
                        "(as Open SDG does)",
                        shown,
                        line,
                    )
                )
                continue
            key = mapping[label]
        fields[key] = value
    return MetaFile(fields, problems)


# --------------------------------------------------------------------------------------------- schema


_BOOL_WORDS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False}

#: Indicator fields Open SDG itself understands (page, graph, map, progress and source settings), in addition
#: to whatever a repository's metadata schema lists.
OPEN_SDG_FIELDS = frozenset(
    [
        "auto_progress_calculation",
        "composite_breakdown_label",
        "computation_units",
        "copyright",
        "data_footnote",
        "data_keywords",
        "data_non_statistical",
        "data_notice_class",
        "data_notice_heading",
        "data_notice_text",
        "data_show_map",
        "data_start_values",
        "embedded_feature_footer",
        "embedded_feature_html",
        "embedded_feature_tab_title",
        "embedded_feature_title",
        "embedded_feature_url",
        "embedded_map_title",
        "expected_disaggregations",
        "footer_fields",
        "goal_meta_link",
        "goal_meta_link_text",
        "goal_name",
        "goal_number",
        "graph_annotations",
        "graph_error_bars",
        "graph_limits",
        "graph_series_breaks",
        "graph_stacked_disaggregation",
        "graph_target_lines",
        "graph_target_points",
        "graph_title",
        "graph_titles",
        "graph_type",
        "graph_types",
        "indicator",
        "indicator_available",
        "indicator_definition",
        "indicator_name",
        "indicator_number",
        "indicator_sort_order",
        "indicator_tabs",
        "layout",
        "national_data_updated_date",
        "national_geographical_coverage",
        "national_metadata_updated_date",
        "page_content",
        "permalink",
        "placeholder",
        "precision",
        "progress_calculation_options",
        "progress_status",
        "proxy",
        "proxy_series",
        "publications",
        "published",
        "related_indicators",
        "reporting_status",
        "sdg_goal",
        "sort",
        "sources",
        "standalone",
        "tags",
        "target",
        "target_id",
        "target_name",
        "target_number",
        "title",
        "un_custodian_agency",
        "un_designated_tier",
        "x_axis_label",
    ]
)


@dataclass
class Schema:
    """The metadata schema (prose.io format): field names in order with their element type and options."""

    fields: list[dict[str, Any]]

    def __post_init__(self) -> None:
        self.by_name: dict[str, dict[str, Any]] = {}
        for item in self.fields:
            name = item.get("name")
            if isinstance(name, str):
                spec = item.get("field")
                self.by_name[name] = spec if isinstance(spec, dict) else {}

    def options(self, name: str) -> list[Any] | None:
        """Allowed values of a select/multiselect field, or None."""
        spec = self.by_name.get(name)
        if spec is None or spec.get("element") not in ("select", "multiselect"):
            return None
        return [o.get("value") for o in spec.get("options") or [] if isinstance(o, dict)]

    def element(self, name: str) -> str | None:
        """The prose element type of a field (text, checkbox, select ...), or None if unknown."""
        spec = self.by_name.get(name)
        return str(spec.get("element")) if spec is not None else None

    def knows(self, name: str) -> bool:
        """True when the schema or Open SDG itself defines the field."""
        if name in self.by_name or name in OPEN_SDG_FIELDS or name.endswith("__GLOBAL"):
            return True
        numbered = re.sub(r"_\d+$", "_1", name)
        return numbered != name and numbered in self.by_name


def read_schema(path: Path, shown: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read a prose.io schema (``_prose.yml`` / ``metadata_schema.yml``) as its list of fields."""
    try:
        loaded = load_yaml(read_text(path, shown))
    except InputFileError as exc:
        return [], [Problem("error", exc.code, exc.reason, shown)]
    except yaml.YAMLError as exc:
        return [], [_yaml_problem(exc, shown)]
    try:
        fields = loaded["prose"]["metadata"]["meta"]
    except (KeyError, TypeError):
        return [], [Problem("error", "schema-shape", "has no prose: metadata: meta: list of fields", shown)]
    if not isinstance(fields, list):
        return [], [Problem("error", "schema-shape", "prose: metadata: meta: is not a list", shown)]
    out = [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]
    return out, []


def coerce_checkboxes(fields: dict[str, Any], schema: Schema, shown: str) -> list[Problem]:
    """CSV metadata can only hold text: read yes/no words in checkbox fields as true/false, and say so."""
    problems: list[Problem] = []
    for name, value in list(fields.items()):
        if (
            isinstance(value, str)
            and schema.element(name) == "checkbox"
            and value.strip().lower() in _BOOL_WORDS
        ):
            fields[name] = _BOOL_WORDS[value.strip().lower()]
            problems.append(
                Problem(
                    "warning",
                    "meta-checkbox-text",
                    f"{name} is {value!r}; read as {fields[name]} (write true or false)",
                    shown,
                    column=name,
                )
            )
    return problems
