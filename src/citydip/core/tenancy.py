"""Row-level tenancy: one mechanism that every query on a workspace's records goes through.

Two layers, so that forgetting one is not a leak:

1. Repositories start every query from ``workspace_id == ctx.id`` (a ``WorkspaceId`` from ``core.context``).
2. A session-wide safety net (``install_tenancy``) adds, to every ORM SELECT, UPDATE and DELETE that touches a
   tenant table, the criteria of the session's ``Scope``: rows of the principal's own workspaces, plus
   network-shared rows of peer workspaces, plus public rows. A session without a scope refuses to query tenant
   tables at all, and ``before_flush`` re-checks that every written row belongs to a workspace the principal may
   write (the NetBox idea of re-checking inside the transaction).

Why 404 and not 403 elsewhere: a row filtered out here simply does not exist for the caller, so its existence
cannot leak through a different status code.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, ForeignKey, ForeignKeyConstraint, String, event, false, or_
from sqlalchemy.orm import (
    Mapped,
    Mapper,
    ORMExecuteState,
    Session,
    mapped_column,
    with_loader_criteria,
)

from citydip.core.database import new_id
from citydip.core.errors import PermissionDenied, TenancyError


class Role(StrEnum):
    """A user's role in one workspace."""

    owner = "owner"
    editor = "editor"
    viewer = "viewer"

    @property
    def can_edit(self) -> bool:
        return self in (Role.owner, Role.editor)

    @property
    def can_manage(self) -> bool:
        return self is Role.owner


class Visibility(StrEnum):
    """Who may see a shareable record."""

    private = "private"
    network = "network"
    public = "public"


@dataclass(frozen=True)
class Scope:
    """What a principal may read and write, resolved once per request or command."""

    label: str
    roles: Mapping[int, Role] = field(default_factory=dict)
    network_peers: frozenset[int] = frozenset()
    system: bool = False

    @classmethod
    def anonymous(cls) -> Scope:
        """A visitor who is not signed in: public records only."""
        return cls(label="anonymous")

    @classmethod
    def system_scope(cls, label: str = "system") -> Scope:
        """Unrestricted scope for the CLI's administrative commands and migrations."""
        return cls(label=label, system=True)

    @property
    def member_ids(self) -> frozenset[int]:
        return frozenset(self.roles)

    @property
    def writable_ids(self) -> frozenset[int]:
        return frozenset(ws for ws, role in self.roles.items() if role.can_edit)

    def can_read_workspace(self, workspace_id: int) -> bool:
        return self.system or workspace_id in self.roles

    def can_write_workspace(self, workspace_id: int) -> bool:
        return self.system or workspace_id in self.writable_ids

    def can_see(self, workspace_id: int, visibility: Visibility | str | None) -> bool:
        """Whether a record of this workspace with this visibility is visible."""
        if self.system or workspace_id in self.roles:
            return True
        if visibility == Visibility.public:
            return True
        return visibility == Visibility.network and workspace_id in self.network_peers


class TenantScoped:
    """Marker: rows of this class belong to a workspace (attribute ``workspace_id``) and are scoped."""

    __tenant__: ClassVar[bool] = True


class TenantRecord(TenantScoped):
    """A tenant row with a time-ordered UUID; the key is ``(workspace_id, id)`` for Citus co-location."""

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True, sort_order=-100
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id, sort_order=-99)


class Shareable:
    """Mixin for records a workspace may share with its networks or publish."""

    visibility: Mapped[Visibility] = mapped_column(
        String(16), default=Visibility.private, server_default=Visibility.private.value, index=True
    )


def tenant_fk(column: str, target: str, *, ondelete: str | None = "CASCADE") -> ForeignKeyConstraint:
    """A composite foreign key ``(workspace_id, column) -> target(workspace_id, id)``.

    Keeping ``workspace_id`` in every reference makes a cross-workspace link impossible in the database and
    keeps joins on one shard when tables are distributed by ``workspace_id``. Use ``ondelete="CASCADE"`` for
    owned children; optional references use ``ondelete=None`` and the service clears them before a delete
    (``SET NULL`` would also null ``workspace_id``).
    """
    return ForeignKeyConstraint(
        ["workspace_id", column], [f"{target}.workspace_id", f"{target}.id"], ondelete=ondelete
    )


def is_tenant_class(cls: type[Any]) -> bool:
    """Whether a mapped class is a tenant table."""
    return isinstance(cls, type) and issubclass(cls, TenantScoped)


def read_criteria(cls: Any, scope: Scope) -> ColumnElement[bool]:
    """The rows of ``cls`` this scope may read."""
    members = sorted(scope.member_ids)
    if issubclass(cls, Shareable):
        peers = sorted(scope.network_peers)
        clauses: list[ColumnElement[bool]] = [cls.visibility == Visibility.public.value]
        if members:
            clauses.append(cls.workspace_id.in_(members))
        if peers:
            clauses.append((cls.visibility == Visibility.network.value) & cls.workspace_id.in_(peers))
        return or_(*clauses)
    if not members:
        return false()
    result: ColumnElement[bool] = cls.workspace_id.in_(members)
    return result


def write_criteria(cls: Any, scope: Scope) -> ColumnElement[bool]:
    """The rows of ``cls`` this scope may update or delete in bulk."""
    writable = sorted(scope.writable_ids)
    if not writable:
        return false()
    result: ColumnElement[bool] = cls.workspace_id.in_(writable)
    return result


def get_scope(session: Session) -> Scope:
    """The scope bound to a session; raises when none was set."""
    scope = session.info.get("scope")
    if not isinstance(scope, Scope):
        raise TenancyError("this session has no tenancy scope; set one with set_scope() before querying")
    return scope


def set_scope(session: Session, scope: Scope) -> None:
    """Bind a scope to a session (once per request or command)."""
    session.info["scope"] = scope


def _tenant_classes(mappers: Iterable[Mapper[Any]]) -> list[type[Any]]:
    return [m.class_ for m in mappers if is_tenant_class(m.class_)]


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load:
        return  # refreshing attributes of a row this session already loaded under its scope
    classes = _tenant_classes(state.all_mappers)
    if not classes:
        return
    scope = get_scope(state.session)
    if scope.system:
        return
    options = []
    for cls in classes:
        crit = read_criteria(cls, scope) if state.is_select else write_criteria(cls, scope)
        options.append(with_loader_criteria(cls, crit, include_aliases=True))
    state.statement = state.statement.options(*options)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    dirty_or_new = list(session.new) + list(session.dirty) + list(session.deleted)
    tenant_objs = [o for o in dirty_or_new if is_tenant_class(type(o))]
    if not tenant_objs:
        return
    scope = get_scope(session)
    if scope.system:
        return
    for obj in tenant_objs:
        ws = obj.workspace_id
        if ws is None or not scope.can_write_workspace(ws):
            raise PermissionDenied("you cannot change records of this workspace")


def install_tenancy(session_class: type[Session] = Session) -> None:
    """Attach the safety net to a Session class (idempotent)."""
    if not event.contains(session_class, "do_orm_execute", _on_execute):
        event.listen(session_class, "do_orm_execute", _on_execute)
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
