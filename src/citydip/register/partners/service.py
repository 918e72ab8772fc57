"""Partners and people: create, update, delete; link a partner to its reference city."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import Conflict, FieldProblem, ValidationFailed
from citydip.core.text import fold
from citydip.reference import repository as ref_repo
from citydip.reference.cities import resolve_city
from citydip.reference.models import City
from citydip.register.common import check_choice, country_or_problem
from citydip.register.partners import repository as repo
from citydip.register.partners.models import Partner, Person
from citydip.register.partners.schemas import PartnerIn, PartnerPatch, PersonIn, PersonPatch
from citydip.register.vocab import PARTNER_KINDS


def _city(session: Session, city_id: int | None, label: str | None, country: str | None) -> City | None:
    if city_id is not None:
        city = ref_repo.city(session, city_id)
        if city is None:
            raise ValidationFailed("Unknown city.", [FieldProblem("city_id", f"no reference city {city_id}")])
        return city
    if label:
        match = resolve_city(session, label, country)
        if match.city is None:
            raise ValidationFailed(
                "Unknown city.",
                [FieldProblem("city", f"no reference city matches '{label[:80]}'; try 'Name, CC'")],
            )
        return match.city
    return None


def _apply(
    session: Session, ctx: WorkspaceContext, partner: Partner, values: dict[str, Any], creating: bool = False
) -> None:
    """Validate and copy fields onto a partner (shared by create and update)."""
    kind = check_choice(values.get("kind", partner.kind), PARTNER_KINDS, "kind")
    partner.kind = kind
    if "name" in values:
        partner.name = values["name"]
    partner.name_key = fold(partner.name)
    country = partner.country_code
    if "country" in values:
        country = country_or_problem(session, values["country"], "country")
    given = bool(values.get("city")) or values.get("city_id") is not None
    city_touched = given or (not creating and ("city" in values or "city_id" in values))
    if city_touched:
        city = _city(session, values.get("city_id"), values.get("city"), country)
        partner.city_id = city.geonames_id if city else None
        if city is not None:
            if country is not None and country != city.country_code and "country" in values:
                raise ValidationFailed(
                    "City and country disagree.",
                    [FieldProblem("country", f"{city.label} is not in {country}")],
                )
            country = city.country_code
    if kind == "city" and partner.city_id is None and "name" in values and not city_touched:
        # A partner city is linked to its reference city when the name alone is unambiguous.
        match = resolve_city(session, partner.name, country)
        if match.city is not None and match.method in ("exact", "alternate") and not match.ambiguous:
            partner.city_id = match.city.geonames_id
            country = country or match.city.country_code
    partner.country_code = country
    if "represented_country" in values:
        partner.represented_country = country_or_problem(
            session, values["represented_country"], "represented_country"
        )
    for key in ("head_of_post", "address", "national_day", "website", "email", "phone", "notes"):
        if key in values and values[key] is not None:
            setattr(partner, key, values[key])
    if "visibility" in values and values["visibility"] is not None:
        partner.visibility = values["visibility"]
    if "external_id" in values:
        partner.external_id = values["external_id"] or None
    _check_unique(session, ctx, partner)


def _check_unique(session: Session, ctx: WorkspaceContext, partner: Partner) -> None:
    if partner.external_id:
        other = repo.partner_by_external_id(session, ctx.id, partner.external_id)
        if other is not None and other is not partner:
            raise Conflict(
                "Another partner has this external id.",
                [FieldProblem("external_id", f"'{partner.external_id}' is used by {other.name}")],
            )
    other = repo.partner_by_natural_key(session, ctx.id, partner.kind, partner.name, partner.country_code)
    if other is not None and other is not partner:
        raise Conflict(
            "This partner already exists.",
            [FieldProblem("name", f"a {partner.kind} named '{other.name}' is already recorded")],
        )


def create_partner(session: Session, ctx: WorkspaceContext, data: PartnerIn) -> Partner:
    """Record a new partner."""
    ctx.require_edit()
    partner = Partner(workspace_id=ctx.id, kind=data.kind, name=data.name)
    with session.no_autoflush:
        _apply(session, ctx, partner, data.model_dump(), creating=True)
    session.add(partner)
    session.flush()
    return partner


def update_partner(session: Session, ctx: WorkspaceContext, partner: Partner, data: PartnerPatch) -> Partner:
    """Change the fields sent."""
    ctx.require_edit()
    with session.no_autoflush:
        _apply(session, ctx, partner, data.model_dump(exclude_unset=True))
    session.flush()
    if "name" in data.model_fields_set:
        from citydip.register.labels import refresh_labels_for_partner

        refresh_labels_for_partner(session, ctx.id, partner.id)
    return partner


def delete_partner(session: Session, ctx: WorkspaceContext, partner: Partner) -> None:
    """Delete a partner with its people; its links to agreements and engagements go too."""
    from citydip.register.followups.models import FollowUp
    from citydip.register.labels import affected_by_partner, refresh_labels

    ctx.require_edit()
    agreements, engagements = affected_by_partner(session, ctx.id, partner.id)
    session.execute(
        update(FollowUp)
        .where(FollowUp.workspace_id == ctx.id, FollowUp.partner_id == partner.id)
        .values(partner_id=None)
    )
    for person in repo.people_of(session, ctx.id, partner.id):
        delete_person(session, ctx, person)
    session.delete(partner)
    session.flush()
    refresh_labels(session, ctx.id, agreements, engagements)


def partner_for_city(session: Session, ctx: WorkspaceContext, geonames_id: int) -> Partner:
    """The workspace's partner for a reference city, created when missing (used to adopt public ties)."""
    existing = session.scalars(
        repo.partners_query(ctx.id).where(Partner.kind == "city", Partner.city_id == geonames_id).limit(1)
    ).first()
    if isinstance(existing, Partner):
        return existing
    city = ref_repo.city(session, geonames_id)
    if city is None:
        raise ValidationFailed("Unknown city.", [FieldProblem("city_id", f"no reference city {geonames_id}")])
    return create_partner(
        session,
        ctx,
        PartnerIn(kind="city", name=city.name, city_id=geonames_id, country=city.country_code),
    )


# --- people -----------------------------------------------------------------------------------------------


def _partner_or_problem(session: Session, ctx: WorkspaceContext, partner_id: Any) -> Partner:
    partner = repo.partner(session, ctx.id, partner_id)
    if partner is None:
        raise ValidationFailed("Unknown partner.", [FieldProblem("partner_id", "no such partner here")])
    return partner


def _check_person_external_id(session: Session, ctx: WorkspaceContext, person: Person) -> None:
    if person.external_id:
        other = repo.person_by_external_id(session, ctx.id, person.external_id)
        if other is not None and other is not person:
            raise Conflict(
                "Another person has this external id.",
                [FieldProblem("external_id", f"'{person.external_id}' is used by {other.name}")],
            )


def create_person(session: Session, ctx: WorkspaceContext, data: PersonIn) -> Person:
    """Record a person at a partner."""
    ctx.require_edit()
    _partner_or_problem(session, ctx, data.partner_id)
    values = data.model_dump()
    values["external_id"] = values["external_id"] or None
    person = Person(workspace_id=ctx.id, **values)
    with session.no_autoflush:
        _check_person_external_id(session, ctx, person)
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, ctx: WorkspaceContext, person: Person, data: PersonPatch) -> Person:
    """Change the fields sent."""
    ctx.require_edit()
    values = data.model_dump(exclude_unset=True)
    if values.get("partner_id") is not None:
        _partner_or_problem(session, ctx, values["partner_id"])
    for key, value in values.items():
        if value is None and key != "external_id":
            continue
        setattr(person, key, value or None if key == "external_id" else value)
    with session.no_autoflush:
        _check_person_external_id(session, ctx, person)
    session.flush()
    return person


def delete_person(session: Session, ctx: WorkspaceContext, person: Person) -> None:
    """Delete a person; participant entries keep the name but lose the link."""
    from citydip.register.engagements.models import Participant

    ctx.require_edit()
    session.execute(
        update(Participant)
        .where(Participant.workspace_id == ctx.id, Participant.person_id == person.id)
        .values(person_id=None)
    )
    session.delete(person)
    session.flush()


def partner_ids_for_names(session: Session, ctx: WorkspaceContext, names: list[str]) -> list[Any]:
    """Ids of partners named exactly (folded) like these, for forms that accept names."""
    keys = [fold(n) for n in names if n.strip()]
    if not keys:
        return []
    rows = session.execute(
        select(Partner.name_key, Partner.id).where(Partner.workspace_id == ctx.id, Partner.name_key.in_(keys))
    ).all()
    by_key = dict(rows)
    return [by_key[k] for k in keys if k in by_key]
