"""Writes an audit entry for every ORM insert, update and delete, inside the same transaction.

The recorder runs in ``after_flush`` (primary keys are known, attribute history is still there) and writes
with one Core INSERT so it never re-enters the flush. Bulk loads that bypass the ORM call ``record()``
themselves with a summary.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import uuid
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from citydip.audit.models import AuditEntry
from citydip.core.actor import get_actor as get_actor  # re-exported: bulk writers read the actor here
from citydip.core.database import utcnow

MASKED = "***"


def jsonable(value: Any) -> Any:
    """Convert a column value to something JSON can hold."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return {"bytes": len(value), "head": base64.b64encode(value[:12]).decode()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return str(value)


def _audited(obj: Any) -> bool:
    return bool(getattr(type(obj), "__audit__", True))


def _excluded(obj: Any) -> set[str]:
    base = {"password_hash", "token_hash"}
    return base | set(getattr(type(obj), "__audit_exclude__", ()))


def _snapshot(obj: Any, *, old: bool) -> dict[str, Any]:
    state = inspect(obj)
    hidden = _excluded(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in hidden:
            out[key] = MASKED
            continue
        hist = state.attrs[key].history
        if old and hist.deleted:
            value = hist.deleted[0]
        elif old and hist.added and not hist.deleted and state.persistent:
            value = None
        else:
            value = state.attrs[key].loaded_value
            if value is NO_VALUE:
                continue
        out[key] = jsonable(value)
    return out


def _entity_id(obj: Any) -> str:
    state = inspect(obj)
    ident = state.mapper.primary_key_from_instance(obj)
    if not ident or all(v is None for v in ident):
        return ""
    parts = [str(v) for v in ident]
    # Tenant keys are (workspace_id, id); the id alone names the record.
    return parts[-1] if len(parts) > 1 and hasattr(obj, "workspace_id") else ":".join(parts)


def _workspace_of(obj: Any) -> int | None:
    if getattr(type(obj), "__tablename__", None) == "workspaces":
        workspace_id = obj.id
        return workspace_id if isinstance(workspace_id, int) else None
    ws = getattr(obj, "workspace_id", None)
    return ws if isinstance(ws, int) else None


def _describe(obj: Any) -> str:
    for attr in ("name", "title", "email", "slug", "label"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value[:300]
    return ""


def _after_flush(session: Session, _ctx: Any) -> None:
    actor = get_actor(session)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    changes = (("create", session.new), ("update", session.dirty), ("delete", session.deleted))
    for action, objs in changes:
        for obj in objs:
            if not _audited(obj):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            before = None if action == "create" else _snapshot(obj, old=True)
            after = None if action == "delete" else _snapshot(obj, old=False)
            if action == "update" and before is not None and after is not None:
                changed = {k for k in after if before.get(k) != after.get(k)}
                if not changed or changed <= set(getattr(type(obj), "__audit_quiet__", ())):
                    continue
            workspace_id = _workspace_of(obj)
            if action == "delete" and type(obj).__tablename__ == "workspaces":
                workspace_id = None  # the row (and its log) is gone; keep the entry at installation level
            rows.append(
                {
                    "at": now,
                    "workspace_id": workspace_id,
                    "actor_user_id": actor.user_id,
                    "actor": actor.label,
                    "action": action,
                    "entity": type(obj).__tablename__,
                    "entity_id": _entity_id(obj),
                    "summary": _describe(obj),
                    "before": before,
                    "after": after,
                }
            )
    if rows:
        session.execute(insert(AuditEntry), rows)


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: str,
    workspace_id: int | None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Write one audit entry by hand (bulk imports and other non-ORM writes)."""
    actor = get_actor(session)
    session.execute(
        insert(AuditEntry),
        [
            {
                "at": utcnow(),
                "workspace_id": workspace_id,
                "actor_user_id": actor.user_id,
                "actor": actor.label,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "summary": summary[:300],
                "before": jsonable(before) if before is not None else None,
                "after": jsonable(after) if after is not None else None,
            }
        ],
    )


def install_audit(session_class: type[Session] = Session) -> None:
    """Attach the recorder to a Session class (idempotent)."""
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
