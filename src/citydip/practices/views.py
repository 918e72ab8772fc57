"""Practice pages: the library, search with filters and snippets, a practice with "more like this" and its
attachments, the form with SDG suggestions (htmx), edit and delete. The JSON API is in ``api.py``."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload

from citydip.core import files
from citydip.core.errors import AppError, FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.pages import Form, form_errors, redirect
from citydip.core.templating import render
from citydip.core.tenancy import Visibility
from citydip.core.web import AppSettings, Ctx, Db, DbRoute
from citydip.practices import public_views, searching, service
from citydip.practices import repository as repo
from citydip.practices.api import uploader
from citydip.practices.importers import parse_contacts
from citydip.practices.models import TEXT_FIELDS, Practice
from citydip.practices.pages import goal_choices, text_sections
from citydip.practices.vocab import CHALLENGES, SECTORS, city_size_choices, language_choices
from citydip.reference import repository as ref_repo
from citydip.register.challenges.models import Challenge

router = APIRouter(route_class=DbRoute, tags=["pages"])
FIGURE_RE = re.compile(r"^(?P<label>.+?)\s*[=:]\s*(?P<value>-?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>.*)$")
FORM_FIELDS = {"outcome_figures": "figures_text", "contacts": "contacts_text", "links": "links_text"}
SIMILAR_ON_PAGE = 5


def _figures(text: str) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    out, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = FIGURE_RE.match(line.strip())
        if m is None:
            problems.append(
                FieldProblem("figures_text", _("line {n}: write it as 'what = number unit'", n=n))
            )
            continue
        out.append(
            {
                "label": m.group("label"),
                "value": float(m.group("value").replace(",", "")),
                "unit": m.group("unit").strip(),
            }
        )
    return out, problems


def _links(text: str) -> list[dict[str, str]]:
    out = []
    for line in text.splitlines():
        parts = line.strip().split(None, 1)
        if parts:
            out.append({"url": parts[0], "label": parts[1] if len(parts) > 1 else ""})
    return out


def _tags(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[;,\n]", text) if t.strip()]


def form_data(form: FormData) -> tuple[dict[str, Any], dict[str, Any], list[FieldProblem]]:
    """(PracticeIn input, raw values to re-show, problems the form itself found) from a submitted form."""
    raw: dict[str, Any] = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    raw["sdgs"] = [str(v) for v in form.getlist("sdgs")]
    raw["person_ids"] = [str(v) for v in form.getlist("person_ids")]
    data: dict[str, Any] = {
        name: raw.get(name, "")
        for name in (*TEXT_FIELDS, "title", "city", "city_size", "budget_currency", "language", "source")
    }
    data["visibility"] = raw.get("visibility") or Visibility.private.value
    for name in ("external_id", "country"):
        data[name] = raw.get(name) or None
    for name in ("budget", "start_year", "end_year"):
        data[name] = (raw.get(name) or "").strip() or None
    data["sdgs"] = raw["sdgs"]
    data["person_ids"] = raw["person_ids"]
    data["challenges"] = _tags(raw.get("challenges", ""))
    data["sectors"] = _tags(raw.get("sectors", ""))
    data["contacts"] = parse_contacts(raw.get("contacts_text", ""))
    data["links"] = _links(raw.get("links_text", ""))
    data["outcome_figures"], problems = _figures(raw.get("figures_text", ""))
    return data, raw, problems


def form_values_of(practice: Practice, person_ids: list[uuid.UUID]) -> dict[str, Any]:
    """A practice's fields as the form shows them."""
    values = service.practice_form_values(practice)
    values.update(
        external_id=practice.external_id or "",
        country=practice.country_code or "",
        challenges=", ".join(practice.challenges or []),
        sectors=", ".join(practice.sectors or []),
        contacts_text="\n".join(
            f"{c.get('name', '')} <{c['email']}>".strip() if c.get("email") else c.get("name", "")
            for c in practice.contacts or []
        ),
        links_text="\n".join(
            f"{link.get('url', '')} {link.get('label', '')}".strip() for link in practice.links or []
        ),
        figures_text="\n".join(
            f"{f.get('label', '')} = {f.get('value', '')} {f.get('unit', '')}".strip()
            for f in practice.outcome_figures or []
        ),
        sdgs=[str(g) for g in practice.sdgs or []],
        person_ids=[str(p) for p in person_ids],
        budget="" if practice.budget is None else f"{practice.budget:g}",
        start_year=practice.start_year or "",
        end_year=practice.end_year or "",
    )
    return values


def _challenge_suggestions(db: Session) -> list[str]:
    shared = [
        str(label).lower() for label in db.scalars(select(Challenge.label).order_by(Challenge.position))
    ]
    return list(dict.fromkeys([*shared, *CHALLENGES]))


def _form_context(
    db: Session,
    ctx: Ctx,
    values: dict[str, Any],
    errors: dict[str, str],
    practice: Practice | None,
    suggestions: list[service.GoalSuggestion] | None = None,
) -> dict[str, Any]:
    return {
        "practice": practice,
        "values": values,
        "errors": errors,
        "goals": goal_choices(db),
        "suggestions": suggestions or [],
        "countries": repo.countries(db),
        "languages": language_choices(),
        "sizes": city_size_choices(),
        "visibilities": [(v.value, _(v.value)) for v in Visibility],
        "people": repo.people_choices(db, ctx.id),
        "sector_list": SECTORS,
        "challenge_list": _challenge_suggestions(db),
    }


def _suggest(db: Session, values: dict[str, Any]) -> list[service.GoalSuggestion]:
    text = " ".join(str(values.get(name, "")) for name in ("summary", "problem", "solution", "outcomes"))
    return service.suggest_goals(db, str(values.get("title", "")), text)


def _apply_suggestions(values: dict[str, Any], suggestions: list[service.GoalSuggestion]) -> dict[str, Any]:
    chosen = list(values.get("sdgs") or [])
    for s in suggestions:
        if str(s.goal) not in chosen:
            chosen.append(str(s.goal))
    return {**values, "sdgs": chosen}


@router.get("/w/{ws}/practices", include_in_schema=False)
def practices_page(request: Request, db: Db, ctx: Ctx) -> Response:
    params = repo.PRACTICE_LIST.parse(request.query_params)
    page = paginate(db, repo.own_practices(ctx.id), repo.PRACTICE_LIST, params)
    similar_cities = searching.practices_from_similar_cities(db, ctx)
    return render(
        request,
        "practices/list.html",
        {
            "page": page,
            "spec": repo.PRACTICE_LIST,
            "languages": language_choices(),
            "visibilities": [(v.value, _(v.value)) for v in Visibility],
            "similar_cities": similar_cities,
        },
    )


def _search_context(
    db: Session, ctx: Ctx, result: searching.SearchResult, title: str, like: Practice | None = None
) -> dict[str, Any]:
    return {
        "result": result,
        "params": result.params,
        "hits": result.hits,
        "like": like,
        "heading": title,
        "goals": goal_choices(db),
        "countries": repo.countries(db),
        "regions": repo.regions(db),
        "sizes": city_size_choices(),
        "languages": language_choices(),
        "visibilities": [(v.value, _(v.value)) for v in Visibility],
        "sector_list": SECTORS,
        "challenge_list": _challenge_suggestions(db),
    }


@router.get("/w/{ws}/practices/search", include_in_schema=False)
def search_page(request: Request, db: Db, ctx: Ctx) -> Response:
    result = searching.search(db, ctx, request.query_params)
    template = (
        "practices/_results.html" if request.headers.get("hx-request") == "true" else "practices/search.html"
    )
    return render(request, template, _search_context(db, ctx, result, _("Search practices")))


@router.get("/w/{ws}/practices/new", include_in_schema=False)
def new_practice_page(request: Request, db: Db, ctx: Ctx) -> Response:
    ctx.require_edit()
    values = {"visibility": Visibility.private.value, "sdgs": [], "person_ids": []}
    return render(request, "practices/form.html", _form_context(db, ctx, values, {}, None))


@router.post("/w/{ws}/practices/suggest-sdgs", include_in_schema=False)
def suggest_sdgs_fragment(request: Request, db: Db, ctx: Ctx, form: Form) -> Response:
    """The SDG fieldset with the three suggested goals ticked (htmx swaps it into the form)."""
    ctx.require_edit()
    _data, values, _problems = form_data(form)
    suggestions = _suggest(db, values)
    context = _form_context(db, ctx, _apply_suggestions(values, suggestions), {}, None, suggestions)
    return render(request, "practices/_sdg_fieldset.html", context)


def _save(request: Request, db: Session, ctx: Ctx, form: FormData, practice: Practice | None) -> Response:
    data, values, problems = form_data(form)
    if form.get("action") == "suggest":  # the no-JavaScript path of "Suggest goals"
        suggestions = _suggest(db, values)
        return render(
            request,
            "practices/form.html",
            _form_context(db, ctx, _apply_suggestions(values, suggestions), {}, practice, suggestions),
        )
    with form_errors(
        lambda errors: render(
            request, "practices/form.html", _form_context(db, ctx, values, errors, practice)
        ),
        rename=FORM_FIELDS,
    ):
        if problems:
            raise AppError(_("Some fields are not valid."), problems, status_code=422)
        valid = service.validate(data)
        if practice is None:
            practice = service.create_practice(db, ctx, valid, source=f"form:{_who(request)}")
        else:
            practice = service.update_practice(db, ctx, practice, valid)
    return redirect(request, f"/w/{ctx.slug}/practices/{practice.id}", _("Practice saved."))


def _who(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    user = getattr(principal, "user", None)
    return str(getattr(user, "email", "") or "a user")


@router.post("/w/{ws}/practices/new", include_in_schema=False)
def create_practice_page(request: Request, db: Db, ctx: Ctx, form: Form) -> Response:
    ctx.require_edit()
    return _save(request, db, ctx, form, None)


@router.get("/w/{ws}/practices/{practice_id}", include_in_schema=False)
def practice_page(request: Request, db: Db, ctx: Ctx, practice_id: uuid.UUID) -> Response:
    practice = service.get_visible(db, ctx, practice_id)
    similar = searching.similar_practices(db, ctx, practice, searching.SearchParams(limit=SIMILAR_ON_PAGE))
    owner = repo.workspace_slugs(db, [practice.workspace_id]).get(practice.workspace_id, ("", ""))
    city = ref_repo.city(db, practice.city_id) if practice.city_id else None
    goals = dict(goal_choices(db))
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "similar": similar,
            "own": practice.workspace_id == ctx.id,
            "owner": owner,
            "people": repo.linked_people(db, ctx.id, practice.id) if practice.workspace_id == ctx.id else [],
            "attachments": service.attachments_of(db, ctx, practice),
            "accept": files.ACCEPT,
            "city": city,
            "goals": goals,
            "sections": text_sections(practice),
            "languages": dict(language_choices()),
            "sizes": dict(city_size_choices()),
        },
    )


@router.get("/w/{ws}/practices/{practice_id}/similar", include_in_schema=False)
def similar_page(request: Request, db: Db, ctx: Ctx, practice_id: uuid.UUID) -> Response:
    practice = service.get_visible(db, ctx, practice_id)
    params, problems = searching.parse_params(request.query_params)
    result = searching.SearchResult(params, searching.similar_practices(db, ctx, practice, params), problems)
    return render(
        request,
        "practices/search.html",
        _search_context(db, ctx, result, _("Practices like “{title}”", title=practice.title), practice),
    )


@router.get("/w/{ws}/practices/{practice_id}/edit", include_in_schema=False)
def edit_practice_page(request: Request, db: Db, ctx: Ctx, practice_id: uuid.UUID) -> Response:
    ctx.require_edit()
    practice = service.get_own(db, ctx, practice_id)
    values = form_values_of(practice, service.person_ids_of(db, ctx, practice))
    return render(request, "practices/form.html", _form_context(db, ctx, values, {}, practice))


@router.post("/w/{ws}/practices/{practice_id}/edit", include_in_schema=False)
def update_practice_page(request: Request, db: Db, ctx: Ctx, practice_id: uuid.UUID, form: Form) -> Response:
    ctx.require_edit()
    return _save(request, db, ctx, form, service.get_own(db, ctx, practice_id))


@router.post("/w/{ws}/practices/{practice_id}/delete", include_in_schema=False)
def delete_practice_page(
    request: Request, db: Db, ctx: Ctx, settings: AppSettings, practice_id: uuid.UUID
) -> Response:
    ctx.require_edit()
    service.delete_practice(db, ctx, service.get_own(db, ctx, practice_id), settings.data_dir)
    return redirect(request, f"/w/{ctx.slug}/practices", _("Practice deleted."))


@router.post("/w/{ws}/practices/{practice_id}/attachments", include_in_schema=False)
def attach_page(
    request: Request, db: Db, ctx: Ctx, settings: AppSettings, practice_id: uuid.UUID, form: Form
) -> Response:
    ctx.require_edit()
    practice = service.get_own(db, ctx, practice_id)
    back = f"/w/{ctx.slug}/practices/{practice.id}#attachments"
    upload = form.get("file")
    with form_errors(
        lambda errors: redirect(
            request, back, _("Not attached: {reason}", reason="; ".join(errors.values()))
        ),
        rename=FORM_FIELDS,
    ):
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise ValidationFailed(_("Choose a file."), [FieldProblem("file", _("choose a file to attach"))])
        service.add_attachment(
            db,
            ctx,
            practice,
            upload.filename,
            files.read_upload(upload.file),
            settings.data_dir,
            uploader(ctx),
        )
    return redirect(request, back, _("File attached."))


@router.get("/w/{ws}/practices/{practice_id}/attachments/{attachment_id}", include_in_schema=False)
def download_page(
    db: Db, ctx: Ctx, settings: AppSettings, practice_id: uuid.UUID, attachment_id: uuid.UUID
) -> Response:
    return files.download_response(
        service.get_visible_attachment(db, ctx, practice_id, attachment_id), settings.data_dir
    )


@router.post("/w/{ws}/practices/{practice_id}/attachments/{attachment_id}/delete", include_in_schema=False)
def delete_attachment_page(
    request: Request,
    db: Db,
    ctx: Ctx,
    settings: AppSettings,
    practice_id: uuid.UUID,
    attachment_id: uuid.UUID,
) -> Response:
    ctx.require_edit()
    service.delete_attachment(
        db, ctx, service.get_own_attachment(db, ctx, practice_id, attachment_id), settings.data_dir
    )
    return redirect(request, f"/w/{ctx.slug}/practices/{practice_id}#attachments", _("Attachment deleted."))


router.include_router(public_views.router)
