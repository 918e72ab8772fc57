"""Lookups an import loads once: partners and agreements by id, external id and name."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from citydip.core.text import fold
from citydip.register.agreements.models import Agreement
from citydip.register.partners.models import Partner


def resolve_ref(
    ref: str,
    by_external: Mapping[str, uuid.UUID],
    ids: Collection[uuid.UUID],
    by_name: Mapping[str, list[uuid.UUID]],
    *,
    ambiguous: str,
    missing: str,
) -> uuid.UUID:
    """A record id from an external id, a record id or an unambiguous folded name; ValueError otherwise."""
    if ref in by_external:
        return by_external[ref]
    try:
        as_id = uuid.UUID(ref)
    except ValueError:
        as_id = None
    if as_id is not None and as_id in ids:
        return as_id
    found = by_name.get(fold(ref), [])
    if len(found) == 1:
        return found[0]
    raise ValueError(ambiguous if found else missing)


class PartnerRefs:
    """Resolve "partner" cells: a record id, an external id, or an unambiguous name."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.by_id: dict[uuid.UUID, tuple[str, str | None]] = {}
        self.by_external: dict[str, uuid.UUID] = {}
        self.by_name: dict[str, list[uuid.UUID]] = defaultdict(list)
        rows = session.execute(
            select(
                Partner.id,
                Partner.external_id,
                Partner.name,
                Partner.country_code,
                Partner.represented_country,
            ).where(Partner.workspace_id == workspace_id)
        ).all()
        for pid, external, name, own_country, represented in rows:
            country = represented or own_country
            self.by_id[pid] = (name, country)
            if external:
                self.by_external[external] = pid
            self.by_name[fold(name)].append(pid)

    def resolve(self, ref: str) -> uuid.UUID:
        """The partner id for a reference, or ValueError saying why not."""
        return resolve_ref(
            ref,
            self.by_external,
            self.by_id.keys(),
            self.by_name,
            ambiguous=f"several partners are named '{ref[:60]}'; use the partner's external_id",
            missing=f"no partner '{ref[:60]}' (import partners first, or use their external_id)",
        )

    def label(self, ids: list[uuid.UUID]) -> str:
        """The display label of several partners."""
        from citydip.register.labels import LABEL_MAX

        parts = [f"{n} ({c})" if c else n for n, c in (self.by_id[i] for i in ids)]
        text = "; ".join(parts)
        return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"

    def country(self, ids: list[uuid.UUID]) -> str | None:
        """The first country among these partners."""
        return next((self.by_id[i][1] for i in ids if self.by_id[i][1]), None)


class AgreementRefs:
    """Resolve "agreements" cells: a record id, an external id, or an unambiguous title."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.ids: set[uuid.UUID] = set()
        self.by_external: dict[str, uuid.UUID] = {}
        self.by_title: dict[str, list[uuid.UUID]] = defaultdict(list)
        rows = session.execute(
            select(Agreement.id, Agreement.external_id, Agreement.title).where(
                Agreement.workspace_id == workspace_id
            )
        ).all()
        for aid, external, title in rows:
            self.ids.add(aid)
            if external:
                self.by_external[external] = aid
            self.by_title[fold(title)].append(aid)

    def resolve(self, ref: str) -> uuid.UUID:
        """The agreement id for a reference, or ValueError saying why not."""
        return resolve_ref(
            ref,
            self.by_external,
            self.ids,
            self.by_title,
            ambiguous=f"several agreements are titled '{ref[:60]}'; use the external_id",
            missing=f"no agreement '{ref[:60]}'",
        )
