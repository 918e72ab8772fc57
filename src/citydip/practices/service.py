"""Practices: create, update, delete, read what a workspace may see, SDG suggestions.

Every change also updates the search index in the same transaction (``indexing``). Services only flush.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from citydip.core import files
from citydip.core.context import WorkspaceContext
from citydip.core.database import new_id
from citydip.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from citydip.core.tenancy import Role, get_scope
from citydip.core.validation import problems_of
from citydip.practices import indexing
from citydip.practices import repository as repo
from citydip.practices.models import TEXT_FIELDS, Practice, PracticeAttachment, PracticePerson
from citydip.practices.schemas import PracticeIn
from citydip.practices.search import detect_language
from citydip.practices.search.sdg import suggest_sdgs
from citydip.practices.vocab import city_size_for
from citydip.reference import repository as ref_repo
from citydip.reference.cities import country_code_for, resolve_city

CITY_FUZZY_MIN = 95.0
SEARCH_KEY_MASK = (1 << 62) - 1


def search_key_for(practice_id: uuid.UUID) -> int:
    """The practice's id in the search index: the low 62 (random) bits of its UUIDv7."""
    return practice_id.int & SEARCH_KEY_MASK


def validate(data: dict[str, Any], row: int | None = None, file: str | None = None) -> PracticeIn:
    """Validate raw practice fields; raise ValidationFailed naming each bad field."""
    try:
        return PracticeIn.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("Some fields are not valid.", problems_of(exc, row, file, "record")) from None


@dataclass
class Resolver:
    """Resolves cities and countries once per distinct value (imports see the same city many times)."""

    session: Session
    cities: dict[tuple[str, str], tuple[int | None, str, str | None, int]] = field(default_factory=dict)

    def country(self, text: str | None) -> str | None:
        """ISO alpha-2 code of a code or English name; None when empty; ValueError when unknown."""
        if not text or not text.strip():
            return None
        code = country_code_for(text)
        if code is None:
            raise ValueError(f"unknown country '{text}'; use an ISO code such as IT")
        return code

    def city(
        self, text: str, country: str | None, geonames_id: int | None = None
    ) -> tuple[int | None, str, str | None, int]:
        """(GeoNames id or None, city name to show, country code, population) for a city name or id."""
        if geonames_id is not None:
            ckey = (f"#{geonames_id}", "")
            if ckey not in self.cities:
                c = ref_repo.city(self.session, geonames_id)
                self.cities[ckey] = (
                    (c.geonames_id, c.name, c.country_code, c.population) if c else (None, "", None, 0)
                )
            if self.cities[ckey][0] is not None:
                return self.cities[ckey]
        key = (text.strip().lower(), country or "")
        if key not in self.cities:
            match = resolve_city(self.session, text, country) if text.strip() else None
            good = (
                match is not None
                and match.city is not None
                and (match.method in ("exact", "alternate") or match.score >= CITY_FUZZY_MIN)
            )
            if match is not None and match.city is not None and good:
                c = match.city
                self.cities[key] = (c.geonames_id, c.name, c.country_code, c.population)
            else:
                self.cities[key] = (None, text.strip(), country, 0)
        return self.cities[key]


def column_values(
    data: PracticeIn,
    resolver: Resolver,
    row: int | None = None,
    file: str | None = None,
    strict_city_id: bool = True,
) -> dict[str, Any]:
    """The practice columns for validated input: city linked, size and language filled in when known.

    An unknown ``city_id`` is an error unless ``strict_city_id`` is off (imports then fall back to the name).
    """
    try:
        country = resolver.country(data.country)
    except ValueError as exc:
        raise ValidationFailed(
            "Some fields are not valid.", [FieldProblem("country", str(exc), row=row, file=file)]
        ) from None
    city_id, city_name, country_code, population = resolver.city(data.city, country, data.city_id)
    if data.city_id is not None and city_id is None and strict_city_id:
        raise ValidationFailed(
            "Some fields are not valid.",
            [
                FieldProblem(
                    "city_id", f"no reference city has GeoNames id {data.city_id}", row=row, file=file
                )
            ],
        )
    if country and country_code and country != country_code:
        country_code = country
    text = " ".join([data.title, data.summary, data.problem, data.solution])
    values: dict[str, Any] = {
        "external_id": data.external_id,
        "title": data.title,
        "city_id": city_id,
        "city_name": city_name,
        "country_code": country_code or country,
        "city_size": data.city_size or city_size_for(population),
        "outcome_figures": [f.model_dump() for f in data.outcome_figures],
        "budget": data.budget,
        "budget_currency": data.budget_currency,
        "start_year": data.start_year,
        "end_year": data.end_year,
        "sdgs": list(data.sdgs),
        "challenges": list(data.challenges),
        "sectors": list(data.sectors),
        "contacts": [c.model_dump() for c in data.contacts],
        "links": [link.model_dump() for link in data.links],
        "language": data.language or detect_language(text) or "",
        "visibility": data.visibility.value,
        "source": data.source,
        "source_ref": data.source_ref,
    }
    for name in TEXT_FIELDS:
        values[name] = getattr(data, name)
    return values


def _check_external_id(
    session: Session, ctx: WorkspaceContext, external_id: str | None, except_id: uuid.UUID | None = None
) -> None:
    if external_id and repo.external_id_taken(session, ctx.id, external_id, except_id):
        raise Conflict(
            "Another practice of this workspace has this external id.",
            [FieldProblem("external_id", f"'{external_id}' is already used")],
        )


def create_practice(
    session: Session, ctx: WorkspaceContext, data: PracticeIn, *, source: str = "", sample: bool = False
) -> Practice:
    """Create a practice in the workspace and index it."""
    ctx.require_edit()
    _check_external_id(session, ctx, data.external_id)
    values = column_values(data, Resolver(session))
    values["source"] = values["source"] or source
    pid = new_id()
    practice = Practice(
        workspace_id=ctx.id, id=pid, search_key=search_key_for(pid), is_sample=sample, **values
    )
    session.add(practice)
    session.flush()
    set_people(session, ctx, practice, data.person_ids)
    indexing.index_practices(session, [practice])
    return practice


def update_practice(
    session: Session, ctx: WorkspaceContext, practice: Practice, data: PracticeIn
) -> Practice:
    """Replace a practice's fields with the given ones and re-index it."""
    ctx.require_edit()
    if practice.workspace_id != ctx.id:
        raise NotFound()
    _check_external_id(session, ctx, data.external_id, practice.id)
    values = column_values(data, Resolver(session))
    values["source"] = values["source"] or practice.source
    for key, value in values.items():
        setattr(practice, key, value)
    for attachment in repo.own_attachments(session, ctx.id, practice.id):
        attachment.visibility = practice.visibility  # attachments are seen by whoever sees the practice
    session.flush()
    set_people(session, ctx, practice, data.person_ids)
    indexing.index_practices(session, [practice])
    return practice


def set_people(
    session: Session, ctx: WorkspaceContext, practice: Practice, person_ids: list[uuid.UUID]
) -> None:
    """Link exactly these register people (of the same workspace) to a practice."""
    wanted = list(dict.fromkeys(person_ids))
    known = repo.existing_people(session, ctx.id, wanted)
    unknown = [str(p) for p in wanted if p not in known]
    if unknown:
        raise ValidationFailed(
            "Some fields are not valid.",
            [FieldProblem("person_ids", f"not a person of this workspace's register: {', '.join(unknown)}")],
        )
    current = {link.person_id: link for link in repo.person_links(session, ctx.id, practice.id)}
    for person_id, link in current.items():
        if person_id not in known:
            session.delete(link)
    for person_id in wanted:
        if person_id not in current:
            session.add(PracticePerson(workspace_id=ctx.id, practice_id=practice.id, person_id=person_id))
    session.flush()


def delete_practice(
    session: Session, ctx: WorkspaceContext, practice: Practice, data_dir: Path | None = None
) -> None:
    """Delete a practice, its attachments (their files once the transaction commits) and its index entry."""
    ctx.require_edit()
    if practice.workspace_id != ctx.id:
        raise NotFound()
    for attachment in repo.own_attachments(session, ctx.id, practice.id):
        delete_attachment(session, ctx, attachment, data_dir)
    key = practice.search_key
    session.delete(practice)
    session.flush()
    indexing.unindex(session, [key])


def add_attachment(
    session: Session,
    ctx: WorkspaceContext,
    practice: Practice,
    filename: str,
    content: bytes,
    data_dir: Path,
    uploaded_by: str,
) -> PracticeAttachment:
    """Check, store and record a file attached to one of the workspace's practices.

    The file is typed by its content and at most 20 MB (``core.files``); it is removed again if the
    transaction rolls back. The attachment takes the practice's visibility.
    """
    ctx.require_edit()
    if practice.workspace_id != ctx.id:
        raise NotFound()
    values = files.store(session, data_dir, ctx.id, filename, content, uploaded_by)
    attachment = PracticeAttachment(
        workspace_id=ctx.id, practice_id=practice.id, visibility=practice.visibility, **values
    )
    session.add(attachment)
    session.flush()
    return attachment


def delete_attachment(
    session: Session, ctx: WorkspaceContext, attachment: PracticeAttachment, data_dir: Path | None = None
) -> None:
    """Delete an attachment; its file goes once the transaction commits (with ``data_dir`` known)."""
    ctx.require_edit()
    if attachment.workspace_id != ctx.id:
        raise NotFound()
    if data_dir is not None:
        files.remove_after_commit(session, data_dir, attachment)
    session.delete(attachment)
    session.flush()


def attachments_of(
    session: Session, ctx: WorkspaceContext, practice: Practice
) -> Sequence[PracticeAttachment]:
    """The attachments of a practice the workspace may read (own or shared with it)."""
    return repo.visible_attachments(session, ctx.id, network_workspaces(session, ctx.id), practice.id)


def get_visible_attachment(
    session: Session, ctx: WorkspaceContext, practice_id: uuid.UUID, attachment_id: uuid.UUID
) -> PracticeAttachment:
    """An attachment of a practice the workspace may read, or NotFound."""
    found = repo.visible_attachment(
        session, ctx.id, network_workspaces(session, ctx.id), practice_id, attachment_id
    )
    if found is None:
        raise NotFound("No such attachment, or its practice is not shared with this workspace.")
    return found


def get_own_attachment(
    session: Session, ctx: WorkspaceContext, practice_id: uuid.UUID, attachment_id: uuid.UUID
) -> PracticeAttachment:
    """An attachment of one of the workspace's own practices, or NotFound."""
    found = repo.own_attachment(session, ctx.id, practice_id, attachment_id)
    if found is None:
        raise NotFound("No such attachment in this workspace.")
    return found


def network_workspaces(session: Session, workspace_id: int) -> frozenset[int]:
    """Workspaces whose network-shared practices this workspace sees (from the session's tenancy scope).

    On the command line (system scope) it is the workspace's own network peers.
    """
    scope = get_scope(session)
    if scope.system:
        from citydip.workspaces.service import scope_for

        scope = scope_for(session, "workspace-view", {workspace_id: Role.viewer}, None)
    return frozenset((scope.member_ids | scope.network_peers) - {workspace_id})


def get_own(session: Session, ctx: WorkspaceContext, practice_id: uuid.UUID) -> Practice:
    """One of the workspace's own practices, or NotFound."""
    practice = repo.own_practice(session, ctx.id, practice_id)
    if practice is None:
        raise NotFound("No such practice in this workspace.")
    return practice


def get_visible(session: Session, ctx: WorkspaceContext, practice_id: uuid.UUID) -> Practice:
    """A practice the workspace may read (its own, or shared with it), or NotFound."""
    practice = repo.visible_practice(session, ctx.id, network_workspaces(session, ctx.id), practice_id)
    if practice is None:
        raise NotFound("No such practice, or it is not shared with this workspace.")
    return practice


@dataclass(frozen=True)
class GoalSuggestion:
    """A suggested goal with its label and the model's confidence."""

    goal: int
    label: str
    confidence: float


def suggest_goals(session: Session, title: str, text: str = "", top: int = 3) -> list[GoalSuggestion]:
    """The `top` most likely SDGs for a practice text (empty for empty or unreadable text)."""
    labels = {g.number: g.short_label for g in ref_repo.goals(session)}
    return [
        GoalSuggestion(s.goal, labels.get(s.goal, f"Goal {s.goal}"), s.confidence)
        for s in suggest_sdgs(title[:300], text[:20_000], top)
    ]


def practice_form_values(practice: Practice) -> dict[str, Any]:
    """A practice's fields as PracticeIn input (for edit forms)."""
    data: dict[str, Any] = {name: getattr(practice, name) for name in TEXT_FIELDS}
    data.update(
        title=practice.title,
        external_id=practice.external_id,
        city=practice.city_name,
        country=practice.country_code,
        city_size=practice.city_size,
        outcome_figures=list(practice.outcome_figures or []),
        budget=practice.budget,
        budget_currency=practice.budget_currency,
        start_year=practice.start_year,
        end_year=practice.end_year,
        sdgs=list(practice.sdgs or []),
        challenges=list(practice.challenges or []),
        sectors=list(practice.sectors or []),
        contacts=list(practice.contacts or []),
        links=list(practice.links or []),
        language=practice.language,
        visibility=str(practice.visibility),
        source=practice.source,
        source_ref=practice.source_ref,
        city_id=practice.city_id,
    )
    return data


def person_ids_of(session: Session, ctx: WorkspaceContext, practice: Practice) -> list[uuid.UUID]:
    """Ids of the register people linked to a practice (only the owning workspace sees them)."""
    if practice.workspace_id != ctx.id:
        return []
    return [link.person_id for link in repo.person_links(session, ctx.id, practice.id)]
