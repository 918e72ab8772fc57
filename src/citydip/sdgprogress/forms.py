"""The progress options form: rows of series options (one level of groups by name) and a YAML alternative.

Both turn into the Open SDG keys that ``parse_progress_config`` validates; deeper group nesting needs YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.sdgprogress.method.types import (
    DEFAULT_BASE_YEAR,
    DEFAULT_TARGET_YEAR,
    IndicatorProgressConfig,
    ProgressGroup,
    SeriesOptions,
)
from citydip.sdgprogress.service import PROGRESS_KEYS

ROW_FIELDS = (
    "series",
    "unit",
    "disaggregation",
    "direction",
    "base_year",
    "target",
    "target_year",
    "limit",
    "method",
    "group",
)
MAX_ROWS = 40


@dataclass
class OptionRow:
    """One row of the form (all text, as shown in the inputs)."""

    series: str = ""
    unit: str = ""
    disaggregation: str = ""
    direction: str = ""
    base_year: str = ""
    target: str = ""
    target_year: str = ""
    limit: str = ""
    method: str = ""
    group: str = ""


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _row(options: SeriesOptions, group: str) -> OptionRow:
    return OptionRow(
        series=options.series or "",
        unit=options.unit or "",
        disaggregation="; ".join(f"{d.field}={d.value}" for d in options.disaggregation),
        direction=options.direction,
        base_year="" if options.base_year == DEFAULT_BASE_YEAR else str(options.base_year),
        target=_number_text(options.target),
        target_year="" if options.target_year == DEFAULT_TARGET_YEAR else str(options.target_year),
        limit=_number_text(options.limit),
        method="" if options.method == "opensdg" else options.method,
        group=group,
    )


def rows_from_config(config: IndicatorProgressConfig | None) -> tuple[list[OptionRow], bool]:
    """Form rows for a config, and whether it nests groups deeper than the form shows (then use YAML)."""
    if config is None:
        return [], False
    rows: list[OptionRow] = []
    too_deep = False
    for n, item in enumerate(config.items, start=1):
        if isinstance(item, ProgressGroup):
            for member in item.items:
                if isinstance(member, ProgressGroup):
                    too_deep = True
                    continue
                rows.append(_row(member, f"group {n}"))
        else:
            rows.append(_row(item, ""))
    return rows, too_deep


def _disaggregation(text: str, where: str, problems: list[FieldProblem]) -> list[dict[str, str]]:
    out = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if "=" not in part:
            problems.append(
                FieldProblem(where, _("write each disaggregation as field=value, separated by ;"))
            )
            continue
        name, value = (x.strip() for x in part.split("=", 1))
        if not name or not value:
            problems.append(
                FieldProblem(where, _("write each disaggregation as field=value, separated by ;"))
            )
            continue
        out.append({"field": name, "value": value})
    return out


def settings_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """Open SDG progress keys from the submitted form (rows with every cell blank are ignored)."""
    problems: list[FieldProblem] = []
    items: list[dict[str, Any]] = []
    groups: dict[str, list[dict[str, Any]]] = {}
    for i in range(MAX_ROWS):
        cells = {name: str(form.get(f"{name}_{i}", "") or "").strip() for name in ROW_FIELDS}
        if not any(cells.values()):
            continue
        item: dict[str, Any] = {}
        for name in ("series", "unit", "direction", "base_year", "target", "target_year", "limit", "method"):
            if cells[name]:
                item[name] = cells[name]
        dis = _disaggregation(cells["disaggregation"], f"disaggregation_{i}", problems)
        if dis:
            item["disaggregation"] = dis
        if cells["group"]:
            if cells["group"] not in groups:
                groups[cells["group"]] = []
                items.append({"group": groups[cells["group"]]})
            groups[cells["group"]].append(item)
        else:
            items.append(item)
    if problems:
        raise ValidationFailed(_("The progress options were not saved."), problems)
    settings: dict[str, Any] = {"auto_progress_calculation": str(form.get("auto", "")) in ("on", "true", "1")}
    if items:
        settings["progress_calculation_options"] = items
    manual = str(form.get("progress_status", "") or "").strip()
    if manual:
        settings["progress_status"] = manual
    return settings


def settings_from_yaml(text: str) -> dict[str, Any]:
    """Open SDG progress keys from YAML text; errors name the line or the key."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationFailed(
            _("The progress options were not saved."), [FieldProblem("yaml", f"{where}{problem}")]
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed(
            _("The progress options were not saved."),
            [FieldProblem("yaml", _("expected a mapping of progress keys"))],
        )
    unknown = sorted(str(k) for k in data if k not in PROGRESS_KEYS)
    if unknown:
        raise ValidationFailed(
            _("The progress options were not saved."),
            [
                FieldProblem(
                    "yaml",
                    _(
                        "unknown key(s) {keys}; allowed: {allowed}",
                        keys=", ".join(unknown),
                        allowed=", ".join(PROGRESS_KEYS),
                    ),
                )
            ],
        )
    return dict(data)


def yaml_of(settings: Mapping[str, Any]) -> str:
    """The progress keys as YAML (for the advanced editor)."""
    shown = {k: settings[k] for k in PROGRESS_KEYS if k in settings}
    return yaml.safe_dump(shown, sort_keys=False, allow_unicode=True) if shown else ""
