"""Built-in VLR contributions for domains that have no ``vlr.py`` room of their own.

Each provider reads through the domain's own repository (list specs and queries), imported lazily so the
report works when a domain is not installed or its tables are not there yet.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.vlr import VlrContext, VlrItem
from citydip.domains import DOMAIN_PACKAGES

MAX_ITEMS = 200
Provider = Callable[[Session, VlrContext, int], list[VlrItem]]


def _date(value: Any) -> str:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else ""


def _register_page(db: Session, stmt: Any, spec: Any, params: Any, workspace_id: int) -> list[Any]:
    """A page of a register list, through the register's own paginator (it binds the workspace)."""
    try:
        from citydip.register.listing import paginate_capped
    except ImportError:  # an older register without its own paginator
        return list(paginate(db, stmt, spec, params).items)
    return list(paginate_capped(db, stmt, spec, params, workspace_id).items)


def agreements(db: Session, ctx: VlrContext, goal: int) -> list[VlrItem]:
    """The workspace's agreements linked to the goal (register domain)."""
    from citydip.register.agreements import repository as agreements_repo

    spec = agreements_repo.AGREEMENT_LIST
    params = spec.parse({"sdg": str(goal), "per_page": str(MAX_ITEMS), "sort": "-signed"})
    rows = _register_page(db, agreements_repo.agreements_query(ctx.id), spec, params, ctx.id)
    return [
        VlrItem(
            kind=_("Agreements"),
            title=a.title,
            when=_date(a.signed_on),
            detail=", ".join(p for p in (a.parties_label, _(a.status)) if p),
            order=20,
        )
        for a in rows
    ]


def engagements(db: Session, ctx: VlrContext, goal: int) -> list[VlrItem]:
    """The workspace's engagements linked to the goal (register domain)."""
    from citydip.register.engagements import repository as engagements_repo

    spec = engagements_repo.ENGAGEMENT_LIST
    params = spec.parse({"sdg": str(goal), "per_page": str(MAX_ITEMS), "sort": "-starts"})
    rows = _register_page(db, engagements_repo.engagements_query(ctx.id), spec, params, ctx.id)
    return [
        VlrItem(
            kind=_("Engagements"),
            title=e.title,
            when=_date(e.starts_on),
            detail=", ".join(p for p in (e.partners_label, e.place) if p),
            order=30,
        )
        for e in rows
    ]


def _goals_of(values: Any) -> set[int]:
    out: set[int] = set()
    for value in values or []:
        try:
            out.add(int(str(value).strip().lower().removeprefix("sdg").strip()))
        except ValueError:
            continue
    return out


def practices(db: Session, ctx: VlrContext, goal: int) -> list[VlrItem]:
    """The workspace's own practices tagged with the goal (practices domain; sample records left out)."""
    from citydip.practices import repository as practices_repo

    cache: dict[int, list[tuple[set[int], VlrItem]]] = db.info.setdefault("vlr_practices", {})
    if ctx.id not in cache:
        rows = []
        for p in db.scalars(practices_repo.own_practices(ctx.id)):
            if p.is_sample:
                continue
            years = "–".join(str(y) for y in (p.start_year, p.end_year) if y)
            item = VlrItem(kind=_("Practices"), title=p.title, when=years, detail=p.city_name, order=10)
            rows.append((_goals_of(p.sdgs), item))
        cache[ctx.id] = rows
    return [item for goals, item in cache[ctx.id] if goal in goals][:MAX_ITEMS]


BUILTIN: dict[str, list[tuple[str, Provider]]] = {
    "citydip.practices": [("citydip.practices.repository", practices)],
    "citydip.register": [
        ("citydip.register.agreements.repository", agreements),
        ("citydip.register.engagements.repository", engagements),
    ],
}


def available() -> Iterator[tuple[str, Provider]]:
    """Built-in providers whose domain is registered and whose repository module exists."""
    for package, entries in BUILTIN.items():
        if package not in DOMAIN_PACKAGES:
            continue
        for module, fn in entries:
            if importlib.util.find_spec(module) is not None:
                yield package, fn
