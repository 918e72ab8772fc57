"""Public practice pages (``/public/{ws}/practices``): what a workspace published, for anonymous visitors.

Anonymous visitors run under the anonymous scope, so the tenancy safety net returns public practices only (any
other is a 404 and its existence does not leak); members of the workspace also see its unpublished practices,
marked as a preview. Contacts, linked people and attachments stay on the signed-in pages.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from citydip.core.errors import NotFound
from citydip.core.i18n import _
from citydip.core.listing import paginate
from citydip.core.templating import render
from citydip.core.web import Db, DbRoute, PublicWorkspace
from citydip.practices import repository as repo
from citydip.practices.pages import goal_choices, text_sections
from citydip.practices.vocab import city_size_choices, language_choices

router = APIRouter(route_class=DbRoute, tags=["pages"])


@router.get("/public/{ws}/practices", include_in_schema=False)
def public_practices_page(request: Request, db: Db, workspace: PublicWorkspace) -> Response:
    params = repo.PRACTICE_LIST.parse(request.query_params)
    page = paginate(db, repo.published_practices(workspace.id), repo.PRACTICE_LIST, params)
    return render(
        request,
        "practices/public_list.html",
        {
            "workspace": workspace,
            "page": page,
            "spec": repo.PRACTICE_LIST,
            "languages": dict(language_choices()),
            "base": f"/public/{workspace.slug}/practices",
        },
    )


@router.get("/public/{ws}/practices/{practice_id}", include_in_schema=False)
def public_practice_page(
    request: Request, db: Db, workspace: PublicWorkspace, practice_id: uuid.UUID
) -> Response:
    practice = repo.practice_on_public_site(db, workspace.id, practice_id)
    if practice is None:
        raise NotFound(_("No such published practice."))
    return render(
        request,
        "practices/public_detail.html",
        {
            "workspace": workspace,
            "practice": practice,
            "goals": dict(goal_choices(db)),
            "sections": text_sections(practice),
            "languages": dict(language_choices()),
            "sizes": dict(city_size_choices()),
            "base": f"/public/{workspace.slug}/practices",
            "preview": practice.visibility != "public",
        },
    )
