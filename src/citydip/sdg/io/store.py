"""Writing indicators to the tables in batches: one statement per table for a group of indicators (and one
COPY of their observations on PostgreSQL), so an import makes a few dozen round trips instead of ten per
indicator. The importer wraps each batch in a SAVEPOINT and, should a batch fail, writes its indicators one by
one to find the one that cannot be stored."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.orm import Session

from citydip.audit.models import AuditEntry
from citydip.audit.recorder import get_actor, jsonable
from citydip.core.database import new_id
from citydip.sdg.indicators.models import (
    BASE_LANGUAGE,
    REPORTING_STATUSES,
    CityIndicator,
    SdgLocalTarget,
    SdgMetadata,
    table_of,
)
from citydip.sdg.observations import rows as rowlib
from citydip.sdg.observations.bulk import insert_rows
from citydip.sdg.observations.models import SdgDimension, SdgObservation, SdgSeries, SdgUnit
from citydip.sdg.opensdg.model import Indicator, IndicatorResult
from citydip.sdg.opensdg.site_export import build_meta, sort_order

#: Child tables replaced when an indicator is imported again (staff-made local targets are kept).
CHILDREN = (SdgObservation, SdgMetadata, SdgSeries, SdgUnit, SdgDimension, SdgLocalTarget)
_TARGET_DEFAULTS = {"text": "", "value": None, "year": None, "series": None, "unit": None}


class UnstorableIndicator(ValueError):
    """An indicator whose inputs cannot be stored as they are (the message says which field and why)."""


def _finite(value: Any, where: str) -> None:
    """Refuse NaN and infinity (YAML ``.nan``/``.inf``): JSON cannot hold them and pages must never show them."""
    if isinstance(value, float) and not math.isfinite(value):
        raise UnstorableIndicator(
            f"{where} is {value!r}, which cannot be stored; write a number or leave it out"
        )
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _finite(inner, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _finite(inner, f"{where}[{i}]")


@dataclass
class Context:
    """What every indicator of one import shares."""

    workspace_id: int
    ref_codes: set[str]
    goals: set[int]
    config_first: bool
    now: datetime
    source: str


@dataclass
class Pending:
    """One indicator to write: its id (existing or new) and visibility."""

    result: IndicatorResult
    ind_id: uuid.UUID
    new: bool
    visibility: str

    @property
    def code(self) -> str:
        """Open SDG id."""
        return self.result.indicator.id


def indicator_values(
    ind: Indicator, config_first: bool, known_codes: set[str], goals: set[int]
) -> dict[str, Any]:
    """The indicator row's descriptive columns, derived the way Open SDG publishes the indicator."""
    meta = build_meta(ind, config_first, ind.has_data())
    number = str(meta.get("indicator_number") or ind.number)
    status = str(meta.get("reporting_status") or "notstarted")
    if status not in REPORTING_STATUSES:
        status = "notstarted"
    goal_text = str(meta.get("goal_number") or ind.goal)
    goal = int(goal_text) if goal_text.isdigit() and int(goal_text) in goals else None
    name = meta.get("indicator_name") or meta.get("graph_title") or ""
    global_code = ind.number if not ind.standalone and ind.number in known_codes else None
    return {
        "number": number[:60],
        "kind": "global" if global_code else "local",
        "global_code": global_code,
        "goal": goal,
        "target_code": str(meta.get("target_number") or ind.target)[:60],
        "name": name if isinstance(name, str) else str(name),
        "reporting_status": status,
        "placeholder": ind.placeholder,
        "data_columns": list(ind.data.columns) if ind.data is not None else None,
        "config": ind.config,
        "sources": list(ind.sources),
        "sort_key": str(meta.get("indicator_sort_order") or sort_order(number))[:80],
    }


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _year(value: Any, default: int | None) -> int | None:
    number = _number(value)
    return int(number) if number is not None and 1900 <= number <= 2200 else default


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def imported_targets(ind: Indicator) -> list[dict[str, Any]]:
    """Local targets found in an indicator's inputs: ``national_target_line`` text, numeric targets of the
    progress options and ``target_line`` graph annotations."""
    out: list[dict[str, Any]] = []
    for language, fields in [(BASE_LANGUAGE, ind.meta), *ind.meta_translations.items()]:
        text = fields.get("national_target_line")
        if isinstance(text, str) and text.strip():
            out.append({"language": language, "text": text.strip(), "source": "metadata"})
    merged = ind.merged_meta()
    options = merged.get("progress_calculation_options")
    for item in options if isinstance(options, list) else []:
        if isinstance(item, Mapping) and _number(item.get("target")) is not None:
            out.append(
                {
                    "language": BASE_LANGUAGE,
                    "value": _number(item.get("target")),
                    "year": _year(item.get("target_year"), 2030),
                    "series": _text_or_none(item.get("series")),
                    "unit": _text_or_none(item.get("unit")),
                    "source": "config",
                }
            )
    annotations = merged.get("graph_annotations")
    for item in annotations if isinstance(annotations, list) else []:
        if not isinstance(item, Mapping) or item.get("preset") != "target_line":
            continue
        value = _number(item.get("value"))
        if value is None:
            continue
        label = item.get("label")
        label_text = label.get("content") if isinstance(label, Mapping) else label
        out.append(
            {
                "language": BASE_LANGUAGE,
                "text": label_text if isinstance(label_text, str) else "",
                "value": value,
                "series": _text_or_none(item.get("series")),
                "unit": _text_or_none(item.get("unit")),
                "source": "config",
            }
        )
    return [{**_TARGET_DEFAULTS, "target_code": ind.target, **t} for t in out]


@dataclass
class Batch:
    """Rows of several indicators, written with one statement per table."""

    ctx: Context
    new_indicators: list[dict[str, Any]] = field(default_factory=list)
    updated_indicators: list[dict[str, Any]] = field(default_factory=list)
    children: dict[type[Any], list[dict[str, Any]]] = field(default_factory=dict)
    observations: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    def add(self, item: Pending) -> int:
        """Prepare one indicator's rows; returns how many observations it has."""
        ctx, ind, ws_id = self.ctx, item.result.indicator, self.ctx.workspace_id
        _finite(ind.meta, "metadata field")
        for language, fields in ind.meta_translations.items():
            _finite(fields, f"{language} metadata field")
        _finite(ind.config, "configuration field")
        rows = len(ind.data.rows) if ind.data is not None else 0
        values = {
            **indicator_values(ind, ctx.config_first, ctx.ref_codes, ctx.goals),
            "visibility": item.visibility,
            "import_notes": [p.as_dict() for p in item.result.problems],
            "observation_count": rows,
            "data_updated_at": ctx.now,
            "meta_updated_at": ctx.now,
            "updated_at": ctx.now,
        }
        if item.new:
            self.new_indicators.append(
                {"workspace_id": ws_id, "id": item.ind_id, "code": ind.id, "created_at": ctx.now, **values}
            )
        else:
            self.updated_indicators.append({"b_ws": ws_id, "b_id": item.ind_id, **values})
        base = {"workspace_id": ws_id, "indicator_id": item.ind_id, "visibility": item.visibility}
        meta = [{**base, "id": new_id(), "language": BASE_LANGUAGE, "fields": ind.meta}]
        meta += [
            {**base, "id": new_id(), "language": k, "fields": v} for k, v in ind.meta_translations.items()
        ]
        self.children.setdefault(SdgMetadata, []).extend(meta)
        for model, catalogue in rowlib.catalogue_rows(ws_id, item.ind_id, ind, item.visibility).items():
            self.children.setdefault(model, []).extend(catalogue)
        self.children.setdefault(SdgLocalTarget, []).extend(
            {**base, "id": new_id(), "created_at": ctx.now, "updated_at": ctx.now, **t}
            for t in imported_targets(ind)
        )
        if ind.data is not None:
            self.observations.extend(
                rowlib.observation_rows(
                    ind.data, workspace_id=ws_id, indicator_id=item.ind_id, visibility=item.visibility
                )
            )
        self.audit.append(self._audit_row(item, rows))
        return rows

    def _audit_row(self, item: Pending, rows: int) -> dict[str, Any]:
        ind = item.result.indicator
        warnings = sum(1 for p in item.result.problems if p.severity == "warning")
        summary = (
            f"{ind.id}: imported {rows} rows from {self.ctx.source}"
            + (" (placeholder data)" if ind.placeholder else "")
            + (f", {warnings} warnings" if warnings else "")
        )
        after = {
            "code": ind.id,
            "rows": rows,
            "languages": sorted(ind.meta_translations),
            "placeholder": ind.placeholder,
            "source": self.ctx.source,
            "warnings": warnings,
        }
        return {
            "at": self.ctx.now,
            "workspace_id": self.ctx.workspace_id,
            "action": "import",
            "entity": "sdgloc_indicators",
            "entity_id": str(item.ind_id),
            "summary": summary[:300],
            "before": None,
            "after": jsonable(after),
        }

    def write(self, session: Session) -> None:
        """Replace the previous versions of the updated indicators and insert everything prepared."""
        ws_id = self.ctx.workspace_id
        if self.updated_indicators:
            ids = [row["b_id"] for row in self.updated_indicators]
            for model in CHILDREN:
                t = table_of(model)
                stmt = delete(t).where(t.c.workspace_id == ws_id, t.c.indicator_id.in_(ids))
                if model is SdgLocalTarget:
                    stmt = stmt.where(t.c.source != "staff")
                session.execute(stmt)
            t = table_of(CityIndicator)
            # executemany: the SET clause takes the columns named in the parameter dicts.
            change = update(t).where(t.c.workspace_id == bindparam("b_ws"), t.c.id == bindparam("b_id"))
            session.connection().execute(change, self.updated_indicators)
        if self.new_indicators:
            session.execute(insert(table_of(CityIndicator)), self.new_indicators)
        for model, rows in self.children.items():
            if rows:
                session.execute(insert(table_of(model)), rows)
        insert_rows(session, table_of(SdgObservation), self.observations)
        if self.audit:
            actor = get_actor(session)
            session.execute(
                insert(AuditEntry),
                [{**row, "actor_user_id": actor.user_id, "actor": actor.label} for row in self.audit],
            )
