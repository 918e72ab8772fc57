"""Agreements: create, update, delete, and their parties, SDGs and challenges."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import Conflict, FieldProblem, ValidationFailed
from citydip.register.agreements import repository as repo
from citydip.register.agreements.models import Agreement, AgreementChallenge, AgreementParty, AgreementSdg
from citydip.register.agreements.schemas import AgreementIn, AgreementOut, AgreementPatch, DocumentOut
from citydip.register.common import (
    check_challenges,
    check_choice,
    check_goals,
    check_order,
    country_or_problem,
)
from citydip.register.labels import counterpart_country, partners_text
from citydip.register.partners import repository as partners_repo
from citydip.register.vocab import AGREEMENT_KINDS, AGREEMENT_STATUSES

SCALARS = (
    "kind",
    "title",
    "status",
    "signed_on",
    "starts_on",
    "ends_on",
    "renews_on",
    "description",
    "notes",
    "visibility",
)


def _apply(session: Session, ctx: WorkspaceContext, agreement: Agreement, values: dict[str, Any]) -> None:
    for key in SCALARS:
        if key in values and (values[key] is not None or key.endswith("_on")):
            setattr(agreement, key, values[key])
    check_choice(agreement.kind, AGREEMENT_KINDS, "kind")
    check_choice(agreement.status, AGREEMENT_STATUSES, "status")
    start = agreement.starts_on or agreement.signed_on
    check_order(start, agreement.ends_on, "ends_on")
    check_order(start, agreement.renews_on, "renews_on")
    if values.get("fields") is not None:
        agreement.fields = list(values["fields"])
    if values.get("signatories") is not None:
        agreement.signatories = [dict(s) for s in values["signatories"]]
    if "external_id" in values:
        agreement.external_id = values["external_id"] or None
        if agreement.external_id:
            other = repo.agreement_by_external_id(session, ctx.id, agreement.external_id)
            if other is not None and other is not agreement:
                raise Conflict(
                    "Another agreement has this external id.",
                    [FieldProblem("external_id", f"'{agreement.external_id}' is used by {other.title}")],
                )
    if values.get("country"):
        agreement.country_code = country_or_problem(session, values["country"], "country")


def _set_links(session: Session, ctx: WorkspaceContext, agreement: Agreement, values: dict[str, Any]) -> None:
    ws = ctx.id
    if values.get("party_ids") is not None:
        ids = list(dict.fromkeys(values["party_ids"]))
        found = partners_repo.partners_by_ids(session, ws, ids)
        if len(found) != len(ids):
            raise ValidationFailed(
                "Unknown partner.", [FieldProblem("party_ids", "a party is not a partner here")]
            )
        session.execute(
            delete(AgreementParty).where(
                AgreementParty.workspace_id == ws, AgreementParty.agreement_id == agreement.id
            )
        )
        session.add_all(
            AgreementParty(workspace_id=ws, agreement_id=agreement.id, partner_id=p.id, position=i)
            for i, p in enumerate(found)
        )
        agreement.parties_label = partners_text(found)
        if not values.get("country"):
            agreement.country_code = next((c for c in map(counterpart_country, found) if c), None)
    if values.get("sdgs") is not None:
        goals = check_goals(session, values["sdgs"])
        session.execute(
            delete(AgreementSdg).where(
                AgreementSdg.workspace_id == ws, AgreementSdg.agreement_id == agreement.id
            )
        )
        session.add_all(AgreementSdg(workspace_id=ws, agreement_id=agreement.id, goal=g) for g in goals)
    if values.get("challenges") is not None:
        found_codes = check_challenges(session, values["challenges"])
        session.execute(
            delete(AgreementChallenge).where(
                AgreementChallenge.workspace_id == ws, AgreementChallenge.agreement_id == agreement.id
            )
        )
        session.add_all(
            AgreementChallenge(workspace_id=ws, agreement_id=agreement.id, challenge=c) for c in found_codes
        )


def create_agreement(session: Session, ctx: WorkspaceContext, data: AgreementIn) -> Agreement:
    """Record a new agreement with its parties, SDGs and challenges."""
    ctx.require_edit()
    values = data.model_dump()
    agreement = Agreement(
        workspace_id=ctx.id, kind=data.kind, title=data.title, status=data.status, fields=[], signatories=[]
    )
    with session.no_autoflush:
        _apply(session, ctx, agreement, values)
        session.add(agreement)
        session.flush()
        _set_links(session, ctx, agreement, values)
    session.flush()
    return agreement


def update_agreement(
    session: Session, ctx: WorkspaceContext, agreement: Agreement, data: AgreementPatch
) -> Agreement:
    """Change the fields sent; lists sent replace the old ones."""
    ctx.require_edit()
    values = data.model_dump(exclude_unset=True)
    with session.no_autoflush:
        _apply(session, ctx, agreement, values)
        _set_links(session, ctx, agreement, values)
    session.flush()
    return agreement


def delete_agreement(
    session: Session, ctx: WorkspaceContext, agreement: Agreement, data_dir: Path | None = None
) -> None:
    """Delete an agreement, its links and documents; follow-ups on it lose the link."""
    from citydip.register.agreements.documents import delete_document
    from citydip.register.followups.models import FollowUp

    ctx.require_edit()
    for doc in repo.documents_of(session, ctx.id, agreement.id):
        delete_document(session, ctx, doc, data_dir)
    session.execute(
        update(FollowUp)
        .where(FollowUp.workspace_id == ctx.id, FollowUp.agreement_id == agreement.id)
        .values(agreement_id=None)
    )
    session.delete(agreement)
    session.flush()


def agreement_out(
    session: Session, ctx: WorkspaceContext, agreement: Agreement, documents: bool = True
) -> AgreementOut:
    """The API view of an agreement."""
    links = repo.links_for(session, ctx.id, [agreement.id])[agreement.id]
    return to_out(
        agreement,
        links,
        [DocumentOut.model_validate(d) for d in repo.documents_of(session, ctx.id, agreement.id)]
        if documents
        else [],
    )


def to_out(
    agreement: Agreement, links: tuple[list[uuid.UUID], list[int], list[str]], documents: list[DocumentOut]
) -> AgreementOut:
    """Build the API view from an agreement and its preloaded links."""
    return AgreementOut(
        id=agreement.id,
        kind=agreement.kind,
        title=agreement.title,
        status=agreement.status,
        party_ids=links[0],
        parties=agreement.parties_label,
        signatories=agreement.signatories or [],
        signed_on=agreement.signed_on,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        renews_on=agreement.renews_on,
        fields=agreement.fields or [],
        sdgs=links[1],
        challenges=links[2],
        description=agreement.description,
        notes=agreement.notes,
        country_code=agreement.country_code,
        external_id=agreement.external_id,
        visibility=agreement.visibility,
        documents=documents,
        created_at=agreement.created_at,
        updated_at=agreement.updated_at,
    )
