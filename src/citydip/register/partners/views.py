"""Partner and people pages, and their API under /api/v1/workspaces/{ws}/partners and /people."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from citydip.core.errors import AppError, NotFound
from citydip.core.i18n import _
from citydip.core.listing import ListParams
from citydip.core.pages import Form, errors_of, form_values, parse_model, redirect
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute
from citydip.reference import repository as ref_repo
from citydip.register.common import countries
from citydip.register.listing import paginate_capped as paginate
from citydip.register.partners import repository as repo
from citydip.register.partners import service
from citydip.register.partners.models import Partner
from citydip.register.partners.schemas import (
    PartnerIn,
    PartnerOut,
    PartnerPage,
    PartnerPatch,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
)
from citydip.register.timeline import partner_timeline
from citydip.register.vocab import PARTNER_KINDS, VISIBILITIES
from citydip.register.web import translated

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["partners"])


def _get(db: Db, ctx: Ctx, partner_id: uuid.UUID) -> Partner:
    partner = repo.partner(db, ctx.id, partner_id)
    if partner is None:
        raise NotFound("No such partner.")
    return partner


def _form_context(db: Db, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "kinds": translated(PARTNER_KINDS),
        "visibilities": translated(VISIBILITIES),
        "countries": countries(db),
    }


def _values_of(db: Db, partner: Partner) -> dict[str, Any]:
    city = ref_repo.city(db, partner.city_id) if partner.city_id else None
    return {
        "kind": partner.kind,
        "name": partner.name,
        "country": partner.country_code or "",
        "city": city.label if city else "",
        "represented_country": partner.represented_country or "",
        "head_of_post": partner.head_of_post,
        "address": partner.address,
        "national_day": partner.national_day,
        "website": partner.website,
        "email": partner.email,
        "phone": partner.phone,
        "notes": partner.notes,
        "external_id": partner.external_id or "",
        "visibility": partner.visibility,
    }


@router.get("/w/{ws}/partners", include_in_schema=False)
def partners_page(request: Request, db: Db, ctx: Ctx) -> Response:
    params = repo.PARTNER_LIST.parse(request.query_params)
    page = paginate(db, repo.partners_query(ctx.id), repo.PARTNER_LIST, params, ctx.id)
    return render(
        request,
        "register/partners.html",
        {
            "page": page,
            "kinds": translated(PARTNER_KINDS),
            "countries": countries(db),
            "record_kind": "partners",
        },
    )


@router.get("/w/{ws}/partners/new", include_in_schema=False)
def new_partner_page(request: Request, db: Db, ctx: Ctx) -> Response:
    ctx.require_edit()
    values = {"kind": request.query_params.get("kind", "city"), "visibility": "private"}
    return render(request, "register/partner_form.html", _form_context(db, values, {}) | {"partner": None})


@router.post("/w/{ws}/partners/new", include_in_schema=False)
def create_partner_page(request: Request, db: Db, ctx: Ctx, form: Form) -> Response:
    ctx.require_edit()
    values = form_values(form)
    try:
        partner = service.create_partner(db, ctx, parse_model(PartnerIn, values))
    except AppError as exc:
        context = _form_context(db, values, errors_of(exc)) | {"partner": None}
        return render(request, "register/partner_form.html", context, status_code=exc.status_code)
    return redirect(request, f"/w/{ctx.slug}/partners/{partner.id}", _("Partner saved."))


@router.get("/w/{ws}/partners/{partner_id}", include_in_schema=False)
def partner_page(request: Request, db: Db, ctx: Ctx, partner_id: uuid.UUID) -> Response:
    partner = _get(db, ctx, partner_id)
    city = ref_repo.city(db, partner.city_id) if partner.city_id else None
    consulates = (
        repo.consulates_for(db, ctx.id, partner.country_code)
        if partner.kind == "city" and partner.country_code
        else []
    )
    return render(
        request,
        "register/partner.html",
        {
            "partner": partner,
            "city": city,
            "people": repo.people_of(db, ctx.id, partner.id),
            "timeline": partner_timeline(db, ctx.id, partner.id),
            "today": dt.date.today(),
            "consulates": [c for c in consulates if c.id != partner.id],
            "kinds": dict(PARTNER_KINDS),
            "errors": {},
            "person": {},
        },
    )


@router.get("/w/{ws}/partners/{partner_id}/edit", include_in_schema=False)
def edit_partner_page(request: Request, db: Db, ctx: Ctx, partner_id: uuid.UUID) -> Response:
    ctx.require_edit()
    partner = _get(db, ctx, partner_id)
    return render(
        request,
        "register/partner_form.html",
        _form_context(db, _values_of(db, partner), {}) | {"partner": partner},
    )


@router.post("/w/{ws}/partners/{partner_id}/edit", include_in_schema=False)
def update_partner_page(request: Request, db: Db, ctx: Ctx, partner_id: uuid.UUID, form: Form) -> Response:
    ctx.require_edit()
    partner = _get(db, ctx, partner_id)
    values = form_values(form)
    patch = {k: values.get(k, "") for k in _values_of(db, partner)}
    patch["external_id"] = patch["external_id"] or None
    patch["country"] = patch["country"] or None
    patch["city"] = patch["city"] or None
    patch["represented_country"] = patch["represented_country"] or None
    try:
        service.update_partner(db, ctx, partner, parse_model(PartnerPatch, patch))
    except AppError as exc:
        context = _form_context(db, values, errors_of(exc)) | {"partner": partner}
        return render(request, "register/partner_form.html", context, status_code=exc.status_code)
    return redirect(request, f"/w/{ctx.slug}/partners/{partner.id}", _("Partner saved."))


@router.post("/w/{ws}/partners/{partner_id}/delete", include_in_schema=False)
def delete_partner_page(request: Request, db: Db, ctx: Ctx, partner_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_partner(db, ctx, _get(db, ctx, partner_id))
    return redirect(request, f"/w/{ctx.slug}/partners", _("Partner deleted."))


@router.post("/w/{ws}/partners/{partner_id}/people", include_in_schema=False)
def add_person_page(request: Request, db: Db, ctx: Ctx, partner_id: uuid.UUID, form: Form) -> Response:
    ctx.require_edit()
    partner = _get(db, ctx, partner_id)
    values = form_values(form) | {"partner_id": str(partner.id)}
    try:
        service.create_person(db, ctx, parse_model(PersonIn, values))
    except AppError as exc:
        return redirect(
            request,
            f"/w/{ctx.slug}/partners/{partner.id}",
            _("Not saved: {reason}", reason="; ".join(f"{k}: {v}" for k, v in errors_of(exc).items())),
        )
    return redirect(request, f"/w/{ctx.slug}/partners/{partner.id}#people", _("Person saved."))


# --- people -----------------------------------------------------------------------------------------------


@router.get("/w/{ws}/people", include_in_schema=False)
def people_page(request: Request, db: Db, ctx: Ctx) -> Response:
    params = repo.PEOPLE_LIST.parse(request.query_params)
    page = paginate(db, repo.people_query(ctx.id), repo.PEOPLE_LIST, params, ctx.id)
    names = repo.partner_names(db, ctx.id, [p.partner_id for p in page.items])
    return render(request, "register/people.html", {"page": page, "names": names, "record_kind": "people"})


@router.get("/w/{ws}/people/{person_id}/edit", include_in_schema=False)
def edit_person_page(request: Request, db: Db, ctx: Ctx, person_id: uuid.UUID) -> Response:
    ctx.require_edit()
    person = repo.person(db, ctx.id, person_id)
    if person is None:
        raise NotFound("No such person.")
    values = {c: getattr(person, c) or "" for c in PersonPatch.model_fields if c != "partner_id"}
    return render(
        request,
        "register/person_form.html",
        {"person": person, "values": values, "errors": {}, "partners": repo.partner_choices(db, ctx.id)},
    )


@router.post("/w/{ws}/people/{person_id}/edit", include_in_schema=False)
def update_person_page(request: Request, db: Db, ctx: Ctx, person_id: uuid.UUID, form: Form) -> Response:
    ctx.require_edit()
    person = repo.person(db, ctx.id, person_id)
    if person is None:
        raise NotFound("No such person.")
    values = form_values(form)
    patch = {c: values.get(c, "") for c in PersonPatch.model_fields}
    patch["partner_id"] = patch["partner_id"] or None
    patch["external_id"] = patch["external_id"] or None
    try:
        service.update_person(db, ctx, person, parse_model(PersonPatch, patch))
    except AppError as exc:
        return render(
            request,
            "register/person_form.html",
            {
                "person": person,
                "values": values,
                "errors": errors_of(exc),
                "partners": repo.partner_choices(db, ctx.id),
            },
            status_code=exc.status_code,
        )
    return redirect(request, f"/w/{ctx.slug}/partners/{person.partner_id}#people", _("Person saved."))


@router.post("/w/{ws}/people/{person_id}/delete", include_in_schema=False)
def delete_person_page(request: Request, db: Db, ctx: Ctx, person_id: uuid.UUID) -> Response:
    ctx.require_edit()
    person = repo.person(db, ctx.id, person_id)
    if person is None:
        raise NotFound("No such person.")
    partner_id = person.partner_id
    service.delete_person(db, ctx, person)
    return redirect(request, f"/w/{ctx.slug}/partners/{partner_id}#people", _("Person deleted."))


# --- API --------------------------------------------------------------------------------------------------

PartnerParams = Annotated[ListParams, Depends(repo.PARTNER_LIST.dependency())]
PeopleParams = Annotated[ListParams, Depends(repo.PEOPLE_LIST.dependency())]


@api.get("/workspaces/{ws}/partners", response_model=PartnerPage, summary="List partners")
def api_partners(db: Db, ctx: Ctx, params: PartnerParams) -> PartnerPage:
    page = paginate(db, repo.partners_query(ctx.id), repo.PARTNER_LIST, params, ctx.id)
    return PartnerPage.of(page, [PartnerOut.model_validate(p) for p in page.items])


@api.post("/workspaces/{ws}/partners", response_model=PartnerOut, status_code=201, summary="Create a partner")
def api_create_partner(db: Db, ctx: Ctx, body: PartnerIn) -> PartnerOut:
    ctx.require_edit()
    return PartnerOut.model_validate(service.create_partner(db, ctx, body))


@api.get("/workspaces/{ws}/partners/{partner_id}", response_model=PartnerOut, summary="One partner")
def api_partner(db: Db, ctx: Ctx, partner_id: uuid.UUID) -> PartnerOut:
    return PartnerOut.model_validate(_get(db, ctx, partner_id))


@api.patch("/workspaces/{ws}/partners/{partner_id}", response_model=PartnerOut, summary="Change a partner")
def api_update_partner(db: Db, ctx: Ctx, partner_id: uuid.UUID, body: PartnerPatch) -> PartnerOut:
    ctx.require_edit()
    return PartnerOut.model_validate(service.update_partner(db, ctx, _get(db, ctx, partner_id), body))


@api.delete("/workspaces/{ws}/partners/{partner_id}", status_code=204, summary="Delete a partner")
def api_delete_partner(db: Db, ctx: Ctx, partner_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_partner(db, ctx, _get(db, ctx, partner_id))
    return Response(status_code=204)


@api.get("/workspaces/{ws}/partners/{partner_id}/timeline", summary="A partner's timeline")
def api_timeline(db: Db, ctx: Ctx, partner_id: uuid.UUID) -> list[dict[str, Any]]:
    partner = _get(db, ctx, partner_id)
    return [
        {
            "on": i.on,
            "kind": i.kind,
            "id": i.record_id,
            "title": i.title,
            "type": i.subtype,
            "status": i.status,
        }
        for i in partner_timeline(db, ctx.id, partner.id)
    ]


@api.get("/workspaces/{ws}/people", response_model=PersonPage, summary="List people")
def api_people(db: Db, ctx: Ctx, params: PeopleParams) -> PersonPage:
    page = paginate(db, repo.people_query(ctx.id), repo.PEOPLE_LIST, params, ctx.id)
    return PersonPage.of(page, [PersonOut.model_validate(p) for p in page.items])


@api.post("/workspaces/{ws}/people", response_model=PersonOut, status_code=201, summary="Create a person")
def api_create_person(db: Db, ctx: Ctx, body: PersonIn) -> PersonOut:
    ctx.require_edit()
    return PersonOut.model_validate(service.create_person(db, ctx, body))


def _person(db: Db, ctx: Ctx, person_id: uuid.UUID) -> Any:
    person = repo.person(db, ctx.id, person_id)
    if person is None:
        raise NotFound("No such person.")
    return person


@api.get("/workspaces/{ws}/people/{person_id}", response_model=PersonOut, summary="One person")
def api_person(db: Db, ctx: Ctx, person_id: uuid.UUID) -> PersonOut:
    return PersonOut.model_validate(_person(db, ctx, person_id))


@api.patch("/workspaces/{ws}/people/{person_id}", response_model=PersonOut, summary="Change a person")
def api_update_person(db: Db, ctx: Ctx, person_id: uuid.UUID, body: PersonPatch) -> PersonOut:
    ctx.require_edit()
    return PersonOut.model_validate(service.update_person(db, ctx, _person(db, ctx, person_id), body))


@api.delete("/workspaces/{ws}/people/{person_id}", status_code=204, summary="Delete a person")
def api_delete_person(db: Db, ctx: Ctx, person_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_person(db, ctx, _person(db, ctx, person_id))
    return Response(status_code=204)
