"""A workspace adopts a public twinning as its own agreement (one of its cities must be a side of the pair).

The agreement itself is made by the register's agreement service; ``adopt`` takes the maker as a callable so
the tie side of the work (which pair, whose city, what the agreement says about its source) stays here and
the register stays the only place that writes agreements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import AppError, Conflict, NotFound
from citydip.reference import repository as ref_repo
from citydip.reference.models import City
from citydip.ties import repository as repo
from citydip.ties.models import Tie

SOURCE_NAMES = {
    "wikidata": "Wikidata (P190)",
    "wikipedia": "Wikipedia twin-town lists",
    "review": "reviewed import",
}


@dataclass(frozen=True)
class AdoptionRequest:
    """What the agreement should say: the pair, which side is the workspace's city, and the source."""

    tie: Tie
    own_city: City
    partner_city: City
    title: str
    description: str
    external_id: str


@dataclass(frozen=True)
class Adopted:
    """The agreement made."""

    agreement_id: str
    url: str


AgreementMaker = Callable[[Session, WorkspaceContext, AdoptionRequest], Adopted]


def request_for(session: Session, ctx: WorkspaceContext, tie_id: int) -> AdoptionRequest:
    """Check the tie exists and involves the workspace's city; describe the agreement to make."""
    tie = repo.tie(session, tie_id)
    if tie is None:
        raise NotFound("No such public tie.")
    own_id = ctx.workspace.city_id
    if own_id not in (tie.city_a_id, tie.city_b_id):
        raise Conflict("Your workspace's city is not one side of this pair, so it cannot adopt it.")
    partner_id = tie.city_b_id if own_id == tie.city_a_id else tie.city_a_id
    own, partner = ref_repo.city(session, own_id), ref_repo.city(session, partner_id)
    if own is None or partner is None:
        raise NotFound("No such public tie.")
    source = SOURCE_NAMES.get(tie.source, tie.source)
    description = (
        f"Adopted from the public sister-city data: {source} ({tie.licence}), "
        f"file {tie.dataset or 'unknown'}, entry {tie.reference or '-'}."
    )
    lo, hi = sorted((own.geonames_id, partner.geonames_id))
    return AdoptionRequest(
        tie=tie,
        own_city=own,
        partner_city=partner,
        title=f"{own.name} – {partner.name} sister cities"[:300],
        description=description,
        external_id=f"public-tie:{lo}-{hi}",
    )


def register_maker() -> AgreementMaker:
    """The maker backed by the register's agreement service (a clear error while it is not installed)."""
    try:
        from citydip.register.agreements import repository as agreements_repo
        from citydip.register.agreements import service as agreements
        from citydip.register.agreements.schemas import AgreementIn
        from citydip.register.partners import service as partners
    except ImportError as exc:  # pragma: no cover - depends on which domains are installed
        raise AppError(
            "Agreements are not available in this installation.", status_code=501, code="not_available"
        ) from exc

    def make(session: Session, ctx: WorkspaceContext, req: AdoptionRequest) -> Adopted:
        existing = agreements_repo.agreement_by_external_id(session, ctx.id, req.external_id)
        if existing is not None:
            raise Conflict(f"This pair is already an agreement of this workspace: {existing.title}.")
        partner = partners.partner_for_city(session, ctx, req.partner_city.geonames_id)
        agreement = agreements.create_agreement(
            session,
            ctx,
            AgreementIn(
                kind="sister_city",
                title=req.title,
                status="active",
                party_ids=[partner.id],
                description=req.description,
                external_id=req.external_id,
                country=req.partner_city.country_code,
            ),
        )
        return Adopted(str(agreement.id), f"/w/{ctx.slug}/agreements/{agreement.id}")

    return make


def adopt(
    session: Session, ctx: WorkspaceContext, tie_id: int, make: AgreementMaker | None = None
) -> Adopted:
    """Create the workspace's agreement for a public tie; a pair is adopted once per workspace."""
    ctx.require_edit()
    req = request_for(session, ctx, tie_id)
    return (make or register_maker())(session, ctx, req)
