"""Who is working, and in which workspace: one context for pages, the API, the command line and the demo.

Services and repositories take a ``WorkspaceContext`` (or the ``WorkspaceId`` it hands out) and never a bare
integer, so a query cannot be pointed at a workspace nobody resolved. This module knows nothing of HTTP: the
web layer builds contexts for signed-in requests and API tokens (``core.web``), the command line and the demo
build operator contexts (``WorkspaceContext.for_operator``).

Workspaces and users are described by protocols (``WorkspaceRecord``, ``UserRecord``) that the workspaces and
accounts tables satisfy, so core names no domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NewType, Protocol

from citydip.core.errors import NotFound, PermissionDenied
from citydip.core.i18n import _
from citydip.core.tenancy import Role, Scope

WorkspaceId = NewType("WorkspaceId", int)
"""A workspace id that a context resolved (hand it to repositories); only this module creates one."""

PrincipalKind = Literal["anonymous", "session", "token", "operator"]


class WorkspaceRecord(Protocol):
    """What the rest of the code reads of a workspace (the ``workspaces`` table satisfies it)."""

    @property
    def id(self) -> int: ...

    @property
    def slug(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def city_id(self) -> int | None: ...

    @property
    def country_code(self) -> str | None: ...

    @property
    def description(self) -> str: ...

    @property
    def is_demo(self) -> bool: ...

    @property
    def public_site(self) -> bool: ...


class UserRecord(Protocol):
    """What the rest of the code reads of a signed-in user (the ``users`` table satisfies it)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def is_admin(self) -> bool: ...

    @property
    def locale(self) -> str: ...


@dataclass(frozen=True)
class Principal:
    """Who is asking, what they may see (``scope``) and their role in each of their workspaces."""

    kind: PrincipalKind
    scope: Scope
    user: UserRecord | None = None
    roles: dict[int, Role] = field(default_factory=dict)
    session_id: int | None = None
    token_prefix: str | None = None
    session_expired: bool = False
    operator_label: str = ""

    @classmethod
    def anonymous(cls, *, session_expired: bool = False) -> Principal:
        """A visitor who is not signed in (``session_expired`` when a stale cookie came along)."""
        return cls("anonymous", Scope.anonymous(), session_expired=session_expired)

    @classmethod
    def signed_in(cls, user: UserRecord, scope: Scope, roles: dict[int, Role], session_id: int) -> Principal:
        """A person signed in with a browser session."""
        return cls("session", scope, user=user, roles=roles, session_id=session_id)

    @classmethod
    def api_token(cls, user: UserRecord, scope: Scope, roles: dict[int, Role], prefix: str) -> Principal:
        """A script calling the API with a bearer token (roles hold at most the token's one workspace)."""
        return cls("token", scope, user=user, roles=roles, token_prefix=prefix)

    @classmethod
    def operator(cls, label: str = "cli") -> Principal:
        """Whoever runs the command line or the demo on this machine: system scope, no user."""
        return cls("operator", Scope.system_scope(label), operator_label=label)

    @property
    def authenticated(self) -> bool:
        """Whether a user is behind this principal."""
        return self.user is not None

    def may_change(self) -> bool:
        """Whether the user's rights beyond workspace records (coordinating a network, administering the
        platform) may change things: through a browser session yes; through an API token only when the
        token's role (capped by the membership) can edit, so a viewer token stays read-only everywhere."""
        if self.kind == "operator":
            return True
        if self.user is None:
            return False
        if self.kind == "token":
            return any(role.can_edit for role in self.roles.values())  # roles hold the token's one workspace
        return True

    @property
    def label(self) -> str:
        """How the principal is named in records it writes (``created_by``) and in the audit log."""
        if self.kind == "operator":
            return self.operator_label
        if self.user is None:
            return "anonymous"
        if self.token_prefix is not None:
            return f"{self.user.email} (token {self.token_prefix}…)"
        return self.user.email


@dataclass(frozen=True)
class WorkspaceContext:
    """The workspace being worked on, the caller's role there, and who the caller is."""

    workspace: WorkspaceRecord
    role: Role
    principal: Principal

    @classmethod
    def for_member(cls, workspace: WorkspaceRecord, principal: Principal) -> WorkspaceContext:
        """The context of a signed-in request or API token; 404 unless the principal is a member."""
        role = principal.roles.get(workspace.id)
        if role is None:
            raise NotFound(_("This workspace does not exist or you are not a member of it."))
        return cls(workspace, role, principal)

    @classmethod
    def for_operator(
        cls, workspace: WorkspaceRecord, role: Role = Role.owner, label: str = "cli"
    ) -> WorkspaceContext:
        """The context of an operator at the command line (or the demo seeder) acting with ``role``."""
        return cls(workspace, role, Principal.operator(label))

    @property
    def id(self) -> WorkspaceId:
        """The workspace id, for repositories."""
        return WorkspaceId(self.workspace.id)

    @property
    def slug(self) -> str:
        """The workspace's slug, for addresses."""
        return self.workspace.slug

    def require_edit(self) -> None:
        """Raise unless the caller may edit this workspace's records."""
        if not self.role.can_edit:
            raise PermissionDenied(_("Your role in this workspace is read-only."))

    def require_manage(self) -> None:
        """Raise unless the caller owns this workspace."""
        if not self.role.can_manage:
            raise PermissionDenied(_("Only the workspace's owners can do this."))


@dataclass(frozen=True)
class PublicSite:
    """A workspace's public site as a visitor reads it; the session's scope shows only what it may see.

    It reads like the workspace itself (``site.slug``, ``site.name``...) and hands repositories a
    ``WorkspaceId`` like a ``WorkspaceContext`` does.
    """

    workspace: WorkspaceRecord

    @property
    def id(self) -> WorkspaceId:
        """The workspace id, for repositories."""
        return WorkspaceId(self.workspace.id)

    @property
    def slug(self) -> str:
        """The workspace's slug."""
        return self.workspace.slug

    @property
    def name(self) -> str:
        """The workspace's name."""
        return self.workspace.name

    @property
    def city_id(self) -> int | None:
        """The workspace's reference city."""
        return self.workspace.city_id

    @property
    def country_code(self) -> str | None:
        """The workspace's country."""
        return self.workspace.country_code

    @property
    def description(self) -> str:
        """The workspace's description."""
        return self.workspace.description

    @property
    def is_demo(self) -> bool:
        """Whether the workspace holds sample data."""
        return self.workspace.is_demo

    @property
    def public_site(self) -> bool:
        """Whether the public site is on (always, for a site that was served)."""
        return self.workspace.public_site
