"""An indicator's change history from the audit log, and the YAML metadata editor's parsing."""

from __future__ import annotations

import uuid
from typing import Any

import yaml
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from citydip.audit.models import AuditEntry
from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.i18n import _

#: Audit entities of an indicator's child rows (their entries carry ``indicator_id``).
CHILD_ENTITIES = ("sdgloc_observations", "sdgloc_metadata", "sdgloc_local_targets")
MAX_ENTRIES = 500


def indicator_history(session: Session, workspace_id: int, indicator_id: uuid.UUID) -> list[AuditEntry]:
    """Audit entries of the indicator and of its observations, metadata and targets, newest first."""
    ident = str(indicator_id)
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.workspace_id == workspace_id,
            or_(
                (AuditEntry.entity == "sdgloc_indicators") & (AuditEntry.entity_id == ident),
                AuditEntry.entity.in_(CHILD_ENTITIES),
            ),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(MAX_ENTRIES * 4)
    ).all()
    out = []
    for entry in rows:
        if entry.entity != "sdgloc_indicators":
            state = entry.after or entry.before or {}
            if str(state.get("indicator_id")) != ident:
                continue
        out.append(entry)
        if len(out) >= MAX_ENTRIES:
            break
    return out


_SHOWN = ("year", "value_text", "series", "unit", "disaggregation", "footnote", "language", "text", "value")


def describe(entry: AuditEntry) -> str:
    """A one-line account of what changed."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "import" or (entry.entity == "sdgloc_indicators" and entry.action == "create"):
        return entry.summary
    if entry.action == "update":
        changed = [
            k for k in after if before.get(k) != after.get(k) and k not in ("updated_at", "meta_updated_at")
        ]
        parts = [f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in changed if k != "fields"]
        if "fields" in changed:
            old, new = before.get("fields") or {}, after.get("fields") or {}
            keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            parts.append(_("metadata fields: {keys}", keys=", ".join(keys[:12])))
        return "; ".join(parts[:8]) or entry.summary
    state = after or before
    return (
        ", ".join(f"{k}: {_short(state[k])}" for k in _SHOWN if state.get(k) not in (None, "", {}))
        or entry.summary
    )


def _short(value: Any) -> str:
    text = str(value) if value is not None else "–"
    return text if len(text) <= 80 else text[:77] + "…"


def parse_yaml_fields(text: str) -> dict[str, Any]:
    """Metadata fields written as YAML (``field: value`` lines); a clear error naming the line otherwise."""
    if not text.strip():
        return {}
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" on line {n}", n=mark.line + 1) if mark is not None else ""
        reason = getattr(exc, "problem", None) or "invalid YAML"
        raise ValidationFailed(
            _("The other fields could not be read."),
            [
                FieldProblem(
                    "other_yaml", _("YAML cannot be read{where}: {reason}", where=where, reason=reason)
                )
            ],
        ) from None
    if not isinstance(loaded, dict):
        raise ValidationFailed(
            _("The other fields could not be read."),
            [FieldProblem("other_yaml", _("write one 'field: value' per line"))],
        )
    return {str(k): v for k, v in loaded.items()}
