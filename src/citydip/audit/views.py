"""The workspace's audit log page and API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from citydip.audit.repository import AUDIT_LIST, entries_of_workspace
from citydip.audit.schemas import AuditEntryOut, AuditPage
from citydip.core.listing import ListParams, paginate
from citydip.core.templating import render
from citydip.core.web import Ctx, Db, DbRoute

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["audit"])


@router.get("/w/{ws}/audit", include_in_schema=False)
def audit_page(request: Request, db: Db, ctx: Ctx) -> Response:
    params = AUDIT_LIST.parse(request.query_params)
    page = paginate(db, entries_of_workspace(ctx.id), AUDIT_LIST, params)
    return render(request, "audit/list.html", {"page": page, "spec": AUDIT_LIST})


@api.get("/workspaces/{ws}/audit", response_model=AuditPage, summary="The workspace's audit log")
def api_audit(db: Db, ctx: Ctx, params: Annotated[ListParams, Depends(AUDIT_LIST.dependency())]) -> AuditPage:
    page = paginate(db, entries_of_workspace(ctx.id), AUDIT_LIST, params)
    return AuditPage.of(page, [AuditEntryOut.model_validate(e) for e in page.items])
