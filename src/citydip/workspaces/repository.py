"""Every query on workspaces and networks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.workspaces.models import Network, NetworkCoordinator, NetworkMember, Workspace


def workspace_by_slug(session: Session, slug: str) -> Workspace | None:
    """A workspace by slug."""
    return session.scalar(select(Workspace).where(Workspace.slug == slug))


def workspace_by_id(session: Session, workspace_id: int) -> Workspace | None:
    """A workspace by id."""
    return session.get(Workspace, workspace_id)


def workspaces(session: Session, ids: Iterable[int] | None = None) -> Sequence[Workspace]:
    """Workspaces by name, optionally only some ids."""
    stmt = select(Workspace).order_by(Workspace.name)
    if ids is not None:
        stmt = stmt.where(Workspace.id.in_(list(ids)))
    return session.scalars(stmt).all()


def network_by_slug(session: Session, slug: str) -> Network | None:
    """A network by slug."""
    return session.scalar(select(Network).where(Network.slug == slug))


def networks(session: Session) -> Sequence[Network]:
    """All networks by name."""
    return session.scalars(select(Network).order_by(Network.name)).all()


def network_members(session: Session, network_id: int) -> Sequence[Workspace]:
    """The member workspaces of a network."""
    return session.scalars(
        select(Workspace)
        .join(NetworkMember, NetworkMember.workspace_id == Workspace.id)
        .where(NetworkMember.network_id == network_id)
        .order_by(Workspace.name)
    ).all()


def membership_row(session: Session, network_id: int, workspace_id: int) -> NetworkMember | None:
    """A workspace's membership row in a network."""
    return session.scalar(
        select(NetworkMember).where(
            NetworkMember.network_id == network_id, NetworkMember.workspace_id == workspace_id
        )
    )


def coordinator_row(session: Session, network_id: int, user_id: int) -> NetworkCoordinator | None:
    """A coordinator row."""
    return session.scalar(
        select(NetworkCoordinator).where(
            NetworkCoordinator.network_id == network_id, NetworkCoordinator.user_id == user_id
        )
    )


def networks_of_workspaces(session: Session, workspace_ids: Iterable[int]) -> set[int]:
    """Ids of networks any of these workspaces belong to."""
    ids = list(workspace_ids)
    if not ids:
        return set()
    return set(
        session.scalars(select(NetworkMember.network_id).where(NetworkMember.workspace_id.in_(ids))).all()
    )


def coordinated_networks(session: Session, user_id: int) -> set[int]:
    """Ids of networks a user coordinates."""
    return set(
        session.scalars(
            select(NetworkCoordinator.network_id).where(NetworkCoordinator.user_id == user_id)
        ).all()
    )


def member_ids_of_networks(session: Session, network_ids: Iterable[int]) -> set[int]:
    """Ids of workspaces in any of these networks."""
    ids = list(network_ids)
    if not ids:
        return set()
    return set(
        session.scalars(select(NetworkMember.workspace_id).where(NetworkMember.network_id.in_(ids))).all()
    )


def networks_with_members(session: Session) -> list[tuple[Network, list[Workspace]]]:
    """Every network with its members."""
    return [(n, list(network_members(session, n.id))) for n in networks(session)]
