"""The registry of domains and of the rooms they may have. A new capability is one folder plus one line here.

A *room* is a module (or folder, or attribute) that a domain may hold under a fixed name, with a fixed
signature, so the app, the command line, the demo, the dashboard, the public pages, the VLR and the briefing
book find every domain's contribution without naming the domain (the Dispatch layout, the Datasette habit of
declaring every hook). ``ROOMS`` declares each one once; looking up a room that is not declared is an error,
and ``tests/platform/test_rooms.py`` fails when a room is used but not declared here or not described in
docs/architecture.md.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Literal

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
class Room:
    """One extension point: its name, what kind of thing it is, the signature it must have, what it is for."""

    name: str
    kind: Literal["module", "folder", "attribute"]
    signature: str
    meaning: str
    provides: tuple[str, ...] = ()  # attributes a module room must define (checked by the rooms test)


ROOMS: dict[str, Room] = {
    room.name: room
    for room in (
        Room(
            "models",
            "module",
            "SQLAlchemy classes on core.database.Base",
            "the domain's tables; imported before the app, the command line or Alembic touch the database",
        ),
        Room(
            "views",
            "module",
            "router: APIRouter (pages); api: APIRouter (JSON, mounted under /api/v1)",
            "the domain's pages and API, mounted by the app factory",
        ),
        Room(
            "api",
            "module",
            "api: APIRouter (JSON, mounted under /api/v1)",
            "a domain's JSON API kept apart from views.py when both are large",
            ("api",),
        ),
        Room(
            "cli",
            "module",
            "register(app: typer.Typer) -> None",
            "the domain's commands under `citydip ...`",
            ("register",),
        ),
        Room(
            "demo",
            "module",
            "seed(session: Session, workspace: WorkspaceRecord) -> None",
            "sample records for `citydip demo`, marked as sample data",
            ("seed",),
        ),
        Room(
            "dashboard",
            "module",
            "panels(db: Session, ctx: WorkspaceContext) -> list[core.dashboard.Panel]",
            "boxes on the workspace dashboard",
            ("panels",),
        ),
        Room(
            "public",
            "module",
            "sections(db: Session, site: PublicSite) -> list[core.public.Section]",
            "sections of a workspace's public front page (/public/{ws}/); only public rows are visible",
            ("sections",),
        ),
        Room(
            "city_sections",
            "module",
            "sections(db: Session, city: reference City) -> list[object with .title and .template]",
            "sections of a reference city's page (/reference/cities/{id})",
            ("sections",),
        ),
        Room(
            "vlr",
            "module",
            "goal_items(db: Session, ctx: core.vlr.VlrContext, goal: int) -> list[core.vlr.VlrItem]",
            "what the domain lists under each goal of the Voluntary Local Review",
            ("goal_items",),
        ),
        Room(
            "sdg_badges",
            "module",
            "badges(db: Session, workspace_id: int, codes: Sequence[str], gettext)"
            " -> tuple[dict[str, Markup], Markup]",
            "badges next to indicators on the public SDG site, and their counts (progress)",
            ("badges",),
        ),
        Room(
            "briefing",
            "module",
            "sections(db: Session, ctx: WorkspaceContext, subject: core.briefing.BriefingSubject)"
            " -> list[core.briefing.BriefingSection]",
            "the domain's section of the briefing book for a partner or an engagement (issue 16)",
            ("sections",),
        ),
        Room(
            "agenda",
            "module",
            "items(db: Session, ctx: WorkspaceContext, window: core.agenda.AgendaWindow)"
            " -> list[core.agenda.AgendaItem]; KINDS: list[tuple[code, label]]",
            "dated things (events and deadlines) for the workspace home's agenda, the calendar, the iCalendar"
            " feeds and the daily digest",
            ("items", "KINDS"),
        ),
        Room(
            "hooks",
            "module",
            "install(session_class: type[Session] = Session) -> None",
            "session event hooks the domain attaches at start-up (the audit recorder)",
            ("install",),
        ),
        Room(
            "templates",
            "folder",
            "templates/<domain>/<page>.html",
            "the domain's Jinja templates, on the template path after the shell's",
        ),
        Room(
            "NAV",
            "attribute",
            "NAV: list[NavItem] in the package's __init__",
            "the domain's navigation entries",
        ),
    )
}


@dataclass(frozen=True)
class NavItem:
    """A navigation entry; ``path`` may contain ``{ws}`` for the current workspace slug."""

    label: str
    path: str
    order: int = 100
    section: str = "workspace"  # workspace | global | admin
    min_role: str = "viewer"


def declared(name: str) -> Room:
    """The declaration of a room; an undeclared name is a programming error."""
    try:
        return ROOMS[name]
    except KeyError:
        known = ", ".join(sorted(ROOMS))
        raise LookupError(
            f"room '{name}' is not declared in citydip.domains.ROOMS (known: {known})"
        ) from None


def room(package: str, name: str) -> ModuleType | None:
    """Import ``<package>.<name>`` if the domain has that module room."""
    if declared(name).kind != "module":
        raise LookupError(f"room '{name}' is not a module")
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


def folders(name: str) -> Iterator[tuple[str, Path]]:
    """Every domain's folder room of one kind (``templates``), in registry order."""
    if declared(name).kind != "folder":
        raise LookupError(f"room '{name}' is not a folder")
    for package in DOMAIN_PACKAGES:
        path = Path(str(resources.files(package))) / name
        if path.is_dir():
            yield package, path


def load_models() -> None:
    """Import every domain's models so the metadata is complete (Alembic, create_all)."""
    for _ in rooms("models"):
        pass


def install_session_hooks() -> None:
    """Import every table and attach the session hooks: core's tenancy net, then each domain's ``hooks``."""
    from citydip.core.tenancy import install_tenancy

    load_models()
    install_tenancy()
    for _package, module in rooms("hooks"):
        module.install()


def nav_items() -> list[NavItem]:
    """All navigation entries, ordered."""
    declared("NAV")
    items: list[NavItem] = []
    for package in DOMAIN_PACKAGES:
        module = importlib.import_module(package)
        items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda i: (i.order, i.label))
