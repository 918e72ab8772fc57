"""The registry of domains. A new capability is one folder plus one line here.

Each domain package may hold these rooms, found by name: ``models`` (tables), ``views`` (``router`` for
pages and ``api`` for ``/api/v1``), ``cli`` (``register(app)``), ``demo`` (``seed(session, workspace)``), and
``NAV`` in its ``__init__`` (navigation entries). ``sdg_badges`` (``badges(db, workspace_id, codes,
gettext)``) puts badges next to indicators on the public SDG site (see ``citydip.sdg.site.badges``).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

DOMAIN_PACKAGES: tuple[str, ...] = (
    "citydip.system",
    "citydip.reference",
    "citydip.workspaces",
    "citydip.accounts",
    "citydip.audit",
    "citydip.sdg",
    "citydip.sdgindex",
    "citydip.sdgprogress",
    "citydip.reports",
    "citydip.register",
    "citydip.practices",
    "citydip.ties",
)


@dataclass(frozen=True)
class NavItem:
    """A navigation entry; ``path`` may contain ``{ws}`` for the current workspace slug."""

    label: str
    path: str
    order: int = 100
    section: str = "workspace"  # workspace | global | admin
    min_role: str = "viewer"


def room(package: str, name: str) -> ModuleType | None:
    """Import ``<package>.<name>`` if the domain has that room."""
    full = f"{package}.{name}"
    if importlib.util.find_spec(full) is None:
        return None
    return importlib.import_module(full)


def rooms(name: str) -> Iterator[tuple[str, ModuleType]]:
    """Every domain's module of one kind, in registry order."""
    for package in DOMAIN_PACKAGES:
        module = room(package, name)
        if module is not None:
            yield package, module


def load_models() -> None:
    """Import every domain's models so the metadata is complete (Alembic, create_all)."""
    for _ in rooms("models"):
        pass


def nav_items() -> list[NavItem]:
    """All navigation entries, ordered."""
    items: list[NavItem] = []
    for package in DOMAIN_PACKAGES:
        module = importlib.import_module(package)
        items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda i: (i.order, i.label))
