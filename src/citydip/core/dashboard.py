"""Dashboard panels contributed by domains (room ``dashboard`` with ``panels(db, ctx)``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.domains import rooms


@dataclass
class Panel:
    """One box on the workspace dashboard."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    empty: bool = False


def collect_panels(db: Session, ctx: WorkspaceContext) -> list[Panel]:
    """Every domain's panels for this workspace, ordered."""
    panels: list[Panel] = []
    for _package, module in rooms("dashboard"):
        panels.extend(module.panels(db, ctx))
    return sorted(panels, key=lambda p: p.order)
