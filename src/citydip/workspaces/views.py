"""Start page (workspace switcher), workspace dashboard, members and roles, networks; their API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from citydip.accounts import repository as accounts_repo
from citydip.accounts import service as accounts
from citydip.core.dashboard import collect_panels
from citydip.core.errors import AppError, NotFound
from citydip.core.i18n import _
from citydip.core.pages import redirect
from citydip.core.templating import render
from citydip.core.tenancy import Role
from citydip.core.web import Ctx, CurrentPrincipal, CurrentUser, Db, DbRoute, PublicWorkspace
from citydip.reference import repository as ref_repo
from citydip.workspaces import repository as repo
from citydip.workspaces import service
from citydip.workspaces.schemas import MemberIn, MemberOut, NetworkOut, WorkspaceOut

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, tags=["workspaces"])


@router.get("/", include_in_schema=False)
def home(request: Request, db: Db, principal: CurrentPrincipal) -> Response:
    if principal.user is None:
        public = [w for w in repo.workspaces(db) if w.public_site]
        return render(request, "workspaces/welcome.html", {"public_workspaces": public})
    mine = repo.workspaces(db, principal.roles)
    if len(mine) == 1 and request.query_params.get("switch") is None and not principal.user.is_admin:
        return RedirectResponse(f"/w/{mine[0].slug}/", status_code=303)
    nets = repo.networks_of_workspaces(db, principal.roles) | repo.coordinated_networks(db, principal.user.id)
    networks = [(n, m) for n, m in repo.networks_with_members(db) if n.id in nets]
    return render(
        request,
        "workspaces/switcher.html",
        {"workspaces": mine, "roles": principal.roles, "networks": networks},
    )


@router.get("/w/{ws}/", include_in_schema=False)
def dashboard(request: Request, db: Db, ctx: Ctx) -> Response:
    city = ref_repo.city(db, ctx.workspace.city_id) if ctx.workspace.city_id else None
    panels = collect_panels(db, ctx)
    return render(
        request,
        "workspaces/dashboard.html",
        {"city": city, "panels": panels, "all_empty": all(p.empty for p in panels)},
    )


@router.get("/w/{ws}/members", include_in_schema=False)
def members_page(request: Request, db: Db, ctx: Ctx) -> Response:
    return render(request, "workspaces/members.html", _members_context(db, ctx))


def _members_context(db: Db, ctx: Ctx) -> dict[str, object]:
    return {
        "members": accounts_repo.members_of(db, ctx.id),
        "role_choices": [(r.value, _(r.value)) for r in Role],
        "errors": {},
        "email": "",
    }


@router.post("/w/{ws}/members", include_in_schema=False)
def add_member(
    request: Request,
    db: Db,
    ctx: Ctx,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "viewer",
) -> Response:
    ctx.require_manage()
    try:
        user = accounts.require_user(db, email)
        accounts.set_membership(db, user, ctx.id, accounts.parse_role(role))
    except AppError as exc:
        context = _members_context(db, ctx)
        context["errors"] = {p.field: p.message for p in exc.details} or {"email": exc.message}
        context["email"] = email
        return render(request, "workspaces/members.html", context, status_code=422)
    return redirect(request, f"/w/{ctx.slug}/members", _("Member saved."))


@router.post("/w/{ws}/members/{user_id}/role", include_in_schema=False)
def change_role(
    request: Request, db: Db, ctx: Ctx, user_id: int, role: Annotated[str, Form()] = ""
) -> Response:
    ctx.require_manage()
    user = accounts_repo.user_by_id(db, user_id)
    if user is None or accounts_repo.membership(db, user_id, ctx.id) is None:
        raise NotFound()
    try:
        accounts.set_membership(db, user, ctx.id, accounts.parse_role(role))
    except AppError as exc:
        context = _members_context(db, ctx)
        context["errors"] = {"role": exc.message}
        return render(request, "workspaces/members.html", context, status_code=exc.status_code)
    return redirect(request, f"/w/{ctx.slug}/members", _("Role changed."))


@router.post("/w/{ws}/members/{user_id}/remove", include_in_schema=False)
def remove_member(request: Request, db: Db, ctx: Ctx, user_id: int) -> Response:
    ctx.require_manage()
    user = accounts_repo.user_by_id(db, user_id)
    if user is None:
        raise NotFound()
    try:
        accounts.remove_membership(db, user, ctx.id)
    except AppError as exc:
        context = _members_context(db, ctx)
        context["errors"] = {"role": exc.message}
        return render(request, "workspaces/members.html", context, status_code=exc.status_code)
    return redirect(request, f"/w/{ctx.slug}/members", _("Member removed."))


@router.get("/w/{ws}/settings", include_in_schema=False)
def settings_page(request: Request, db: Db, ctx: Ctx) -> Response:
    ctx.require_manage()
    city = ref_repo.city(db, ctx.workspace.city_id) if ctx.workspace.city_id else None
    return render(
        request, "workspaces/settings.html", {"city_label": city.label if city else "", "errors": {}}
    )


@router.post("/w/{ws}/settings", include_in_schema=False)
def save_settings(
    request: Request,
    db: Db,
    ctx: Ctx,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    city: Annotated[str, Form()] = "",
    public_site: Annotated[str, Form()] = "",
) -> Response:
    ctx.require_manage()
    try:
        service.update_workspace(
            db,
            service.require_workspace(db, ctx.slug),
            name=name,
            description=description,
            city=city,
            public_site=public_site == "on",
        )
    except AppError as exc:
        errors = {p.field: p.message for p in exc.details}
        return render(
            request,
            "workspaces/settings.html",
            {"city_label": city, "errors": errors},
            status_code=exc.status_code,
        )
    return redirect(request, f"/w/{ctx.slug}/settings", _("Settings saved."))


@router.get("/n/{network}", include_in_schema=False)
def network_page(request: Request, db: Db, principal: CurrentPrincipal, network: str) -> Response:
    net = repo.network_by_slug(db, network)
    coordinated = repo.coordinated_networks(db, principal.user.id) if principal.user else set()
    visible = repo.networks_of_workspaces(db, principal.roles) | coordinated
    if net is None or net.id not in visible:
        raise NotFound()
    members = repo.network_members(db, net.id)
    coordinator = net.id in coordinated
    return render(
        request, "workspaces/network.html", {"network": net, "members": members, "coordinator": coordinator}
    )


# --- API --------------------------------------------------------------------------------------------------


@api.get("/workspaces", response_model=list[WorkspaceOut], summary="Workspaces the caller belongs to")
def api_workspaces(db: Db, principal: CurrentPrincipal, user: CurrentUser) -> list[WorkspaceOut]:
    return [
        WorkspaceOut(
            slug=w.slug,
            name=w.name,
            city_id=w.city_id,
            country_code=w.country_code,
            role=principal.roles[w.id].value,
        )
        for w in repo.workspaces(db, principal.roles)
    ]


@api.get("/workspaces/{ws}", response_model=WorkspaceOut, summary="One workspace")
def api_workspace(ctx: Ctx) -> WorkspaceOut:
    w = ctx.workspace
    return WorkspaceOut(
        slug=w.slug, name=w.name, city_id=w.city_id, country_code=w.country_code, role=ctx.role.value
    )


@api.get("/workspaces/{ws}/members", response_model=list[MemberOut], summary="Members and roles")
def api_members(db: Db, ctx: Ctx) -> list[MemberOut]:
    return [
        MemberOut(user_id=u.id, email=u.email, name=u.name, role=m.role)
        for m, u in accounts_repo.members_of(db, ctx.id)
    ]


@api.put(
    "/workspaces/{ws}/members", response_model=MemberOut, summary="Add a member or change a role (owners)"
)
def api_set_member(db: Db, ctx: Ctx, body: MemberIn) -> MemberOut:
    ctx.require_manage()
    user = accounts.require_user(db, body.email)
    row = accounts.set_membership(db, user, ctx.id, accounts.parse_role(body.role))
    return MemberOut(user_id=user.id, email=user.email, name=user.name, role=row.role)


@api.get("/networks", response_model=list[NetworkOut], summary="Networks of the caller's workspaces")
def api_networks(db: Db, principal: CurrentPrincipal, user: CurrentUser) -> list[NetworkOut]:
    visible = repo.networks_of_workspaces(db, principal.roles) | repo.coordinated_networks(db, user.id)
    return [
        NetworkOut(slug=n.slug, name=n.name, description=n.description, members=[w.slug for w in members])
        for n, members in repo.networks_with_members(db)
        if n.id in visible
    ]


@router.get("/public/{ws}/", include_in_schema=False)
def public_home(request: Request, db: Db, workspace: PublicWorkspace) -> Response:
    """A workspace's public front page: what its office chose to publish, from every domain."""
    from citydip.domains import rooms

    city = ref_repo.city(db, workspace.city_id) if workspace.city_id else None
    sections = []
    for _package, module in rooms("public"):
        sections.extend(module.sections(db, workspace))
    return render(
        request, "workspaces/public_home.html", {"workspace": workspace, "city": city, "sections": sections}
    )
