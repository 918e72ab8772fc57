"""Practice API under /api/v1: list, read, create, update, delete, search, more like this, SDG suggestions,
attachments."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from citydip.core import files
from citydip.core.context import WorkspaceContext
from citydip.core.errors import ValidationFailed
from citydip.core.listing import ListParams, PageOut, paginate
from citydip.core.web import AppSettings, Ctx, Db, DbRoute
from citydip.practices import repository as repo
from citydip.practices import searching, service
from citydip.practices.models import Practice, PracticeAttachment
from citydip.practices.schemas import (
    AttachmentOut,
    PracticeHitOut,
    PracticeIn,
    PracticeOut,
    SdgSuggestionOut,
    SearchOut,
    SuggestIn,
)

api = APIRouter(route_class=DbRoute, tags=["practices"])


class PracticePage(PageOut[PracticeOut]):
    """A page of the workspace's own practices."""


def practice_out(db: Session, ctx: Ctx, practice: Practice) -> PracticeOut:
    """The API view of a practice (linked register people only for the owning workspace)."""
    slug = repo.workspace_slugs(db, [practice.workspace_id]).get(practice.workspace_id, ("", ""))[0]
    return PracticeOut(
        id=practice.id,
        workspace=slug,
        external_id=practice.external_id,
        title=practice.title,
        city=practice.city_name,
        city_id=practice.city_id,
        country=practice.country_code,
        city_size=practice.city_size,
        summary=practice.summary,
        problem=practice.problem,
        solution=practice.solution,
        approach=practice.approach,
        participation=practice.participation,
        outcomes=practice.outcomes,
        outcome_figures=practice.outcome_figures or [],
        cost=practice.cost,
        budget=practice.budget,
        budget_currency=practice.budget_currency,
        transferability=practice.transferability,
        start_year=practice.start_year,
        end_year=practice.end_year,
        sdgs=practice.sdgs or [],
        challenges=practice.challenges or [],
        sectors=practice.sectors or [],
        contacts=practice.contacts or [],
        person_ids=service.person_ids_of(db, ctx, practice),
        links=practice.links or [],
        language=practice.language,
        visibility=str(practice.visibility),
        source=practice.source,
        source_ref=practice.source_ref,
        is_sample=practice.is_sample,
        created_at=practice.created_at,
        updated_at=practice.updated_at,
    )


def hit_out(hit: searching.PracticeHit) -> PracticeHitOut:
    """The API view of a search hit."""
    p = hit.practice
    return PracticeHitOut(
        id=p.id,
        external_id=p.external_id,
        title=p.title,
        city=p.city_name,
        country=p.country_code,
        workspace=hit.workspace_slug,
        visibility=str(p.visibility),
        score=hit.score,
        snippet=hit.snippet,
        snippet_html=hit.snippet_html,
        keyword_rank=hit.keyword_rank,
        dense_rank=hit.dense_rank,
        matched_words=hit.matched_words,
    )


def search_query(*names: str) -> Callable[..., searching.SearchResult]:
    """A dependency reading search parameters strictly (a malformed filter is a 422 naming it; the query text
    never is); ``names`` are the ones documented in OpenAPI, from ``searching.SEARCH_PARAMS``."""
    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for param in searching.SEARCH_PARAMS:
        if param.name not in names:
            continue
        annotation: Any = list[str] | None if param.multiple else str | None
        default: Any = Query(None, description=param.description)
        if param.name == "q":
            annotation, default = str, Query("", description=param.description)
        parameters.append(
            inspect.Parameter(
                param.name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
            )
        )

    def parse(request: Request, **_: Any) -> searching.SearchResult:
        params, problems = searching.parse_params(request.query_params)
        if problems:
            raise ValidationFailed("Some search parameters are not valid.", problems)
        return searching.SearchResult(params)

    parse.__signature__ = inspect.Signature(parameters, return_annotation=searching.SearchResult)  # type: ignore[attr-defined]
    return parse


SearchQuery = Annotated[
    searching.SearchResult, Depends(search_query(*(p.name for p in searching.SEARCH_PARAMS)))
]
LimitQuery = Annotated[searching.SearchResult, Depends(search_query("limit"))]


@api.get("/workspaces/{ws}/practices", response_model=PracticePage, summary="The workspace's own practices")
def api_practices(
    db: Db, ctx: Ctx, params: Annotated[ListParams, Depends(repo.PRACTICE_LIST.dependency())]
) -> PracticePage:
    page = paginate(db, repo.own_practices(ctx.id), repo.PRACTICE_LIST, params)
    return PracticePage.of(page, [practice_out(db, ctx, p) for p in page.items])


@api.get(
    "/workspaces/{ws}/practices/search",
    response_model=SearchOut,
    summary="Search own and shared practices by keywords and meaning, in any language",
)
def api_search(db: Db, ctx: Ctx, result: SearchQuery) -> SearchOut:
    hits = searching.search_practices(db, ctx, result.params)
    return SearchOut(query=result.params.q, hits=[hit_out(h) for h in hits])


@api.post(
    "/workspaces/{ws}/practices/suggest-sdgs",
    response_model=list[SdgSuggestionOut],
    summary="The three most likely SDGs for a practice text, with confidence",
)
def api_suggest(db: Db, ctx: Ctx, body: SuggestIn) -> list[SdgSuggestionOut]:
    return [
        SdgSuggestionOut(goal=s.goal, label=s.label, confidence=s.confidence)
        for s in service.suggest_goals(db, body.title, body.text)
    ]


@api.post(
    "/workspaces/{ws}/practices", response_model=PracticeOut, status_code=201, summary="Create a practice"
)
def api_create(db: Db, ctx: Ctx, body: PracticeIn) -> PracticeOut:
    ctx.require_edit()
    practice = service.create_practice(db, ctx, body, source="api")
    return practice_out(db, ctx, practice)


@api.get(
    "/workspaces/{ws}/practices/{practice_id}",
    response_model=PracticeOut,
    summary="One practice (own, or shared with this workspace)",
)
def api_practice(db: Db, ctx: Ctx, practice_id: uuid.UUID) -> PracticeOut:
    return practice_out(db, ctx, service.get_visible(db, ctx, practice_id))


@api.get(
    "/workspaces/{ws}/practices/{practice_id}/similar",
    response_model=SearchOut,
    summary="More like this: practices close in meaning, in any language",
)
def api_similar(db: Db, ctx: Ctx, practice_id: uuid.UUID, result: LimitQuery) -> SearchOut:
    practice = service.get_visible(db, ctx, practice_id)
    hits = searching.similar_practices(db, ctx, practice, result.params)
    return SearchOut(query="", hits=[hit_out(h) for h in hits])


@api.put(
    "/workspaces/{ws}/practices/{practice_id}",
    response_model=PracticeOut,
    summary="Replace a practice's fields",
)
def api_update(db: Db, ctx: Ctx, practice_id: uuid.UUID, body: PracticeIn) -> PracticeOut:
    ctx.require_edit()
    practice = service.update_practice(db, ctx, service.get_own(db, ctx, practice_id), body)
    return practice_out(db, ctx, practice)


@api.delete("/workspaces/{ws}/practices/{practice_id}", status_code=204, summary="Delete a practice")
def api_delete(db: Db, ctx: Ctx, settings: AppSettings, practice_id: uuid.UUID) -> Response:
    ctx.require_edit()
    service.delete_practice(db, ctx, service.get_own(db, ctx, practice_id), settings.data_dir)
    return Response(status_code=204)


def uploader(ctx: WorkspaceContext) -> str:
    """Who uploads a file: the user's email, or the principal's label for a token."""
    user = ctx.principal.user
    return user.email if user else ctx.principal.label


def attachment_out(ctx: WorkspaceContext, attachment: PracticeAttachment) -> AttachmentOut:
    """The API view of an attachment, with the address that downloads it."""
    out = AttachmentOut.model_validate(attachment)
    out.download_url = (
        f"/api/v1/workspaces/{ctx.slug}/practices/{attachment.practice_id}/attachments/{attachment.id}"
    )
    return out


@api.get(
    "/workspaces/{ws}/practices/{practice_id}/attachments",
    response_model=list[AttachmentOut],
    summary="Files attached to a practice (own, or shared with this workspace)",
)
def api_attachments(db: Db, ctx: Ctx, practice_id: uuid.UUID) -> list[AttachmentOut]:
    practice = service.get_visible(db, ctx, practice_id)
    return [attachment_out(ctx, a) for a in service.attachments_of(db, ctx, practice)]


@api.post(
    "/workspaces/{ws}/practices/{practice_id}/attachments",
    response_model=AttachmentOut,
    status_code=201,
    summary="Attach a file to a practice (PDF or office document, at most 20 MB)",
)
def api_attach(
    db: Db,
    ctx: Ctx,
    settings: AppSettings,
    practice_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="The file; its type is checked from its content")],
) -> AttachmentOut:
    ctx.require_edit()
    practice = service.get_own(db, ctx, practice_id)
    attachment = service.add_attachment(
        db,
        ctx,
        practice,
        file.filename or "document",
        files.read_upload(file.file),
        settings.data_dir,
        uploader(ctx),
    )
    return attachment_out(ctx, attachment)


@api.get(
    "/workspaces/{ws}/practices/{practice_id}/attachments/{attachment_id}",
    response_class=FileResponse,
    summary="Download an attachment (always as a file, never shown as a page)",
)
def api_download(
    db: Db, ctx: Ctx, settings: AppSettings, practice_id: uuid.UUID, attachment_id: uuid.UUID
) -> Response:
    return files.download_response(
        service.get_visible_attachment(db, ctx, practice_id, attachment_id), settings.data_dir
    )


@api.delete(
    "/workspaces/{ws}/practices/{practice_id}/attachments/{attachment_id}",
    status_code=204,
    summary="Delete an attachment (its file is removed once the change is committed)",
)
def api_delete_attachment(
    db: Db, ctx: Ctx, settings: AppSettings, practice_id: uuid.UUID, attachment_id: uuid.UUID
) -> Response:
    ctx.require_edit()
    service.delete_attachment(
        db, ctx, service.get_own_attachment(db, ctx, practice_id, attachment_id), settings.data_dir
    )
    return Response(status_code=204)
