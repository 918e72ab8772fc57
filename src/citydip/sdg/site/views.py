"""The public SDG site of a workspace: goals, goal pages, indicator pages with chart, table, metadata and
CSV, reporting status and search, in each language the repository publishes.

Anonymous visitors run with the anonymous scope, so the tenancy safety net returns public rows only;
members of the workspace also see its private indicators, marked as a preview. Badges that other domains
show next to indicators (progress) come through the ``sdg_badges`` room (:mod:`citydip.sdg.site.badges`).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from citydip.core import csvout
from citydip.core.context import PublicSite
from citydip.core.errors import NotFound
from citydip.core.i18n import set_locale
from citydip.core.templating import render
from citydip.core.web import Db, DbRoute, PublicWorkspace
from citydip.sdg.display import STATUS_LABELS, languages_of
from citydip.sdg.indicators import repository as repo
from citydip.sdg.indicators.models import REPORTING_STATUSES, CityIndicator
from citydip.sdg.io import export as export_service
from citydip.sdg.opensdg.values import PANDAS_NA_TOKENS
from citydip.sdg.site.badges import badges_for
from citydip.sdg.site.i18n import Gettext, gettext_for, goal_title
from citydip.sdg.site.pages import Texts, build_chart, metadata_tabs, schema_labels

router = APIRouter(route_class=DbRoute, tags=["pages"])


class Site:
    """Per-request helpers of the public SDG site: language, texts, links."""

    def __init__(self, request: Request, db: Db, workspace: PublicSite) -> None:
        self.request = request
        self.db = db
        self.workspace = workspace
        self.site = repo.site(db, workspace.id)
        self.languages = languages_of(self.site)
        wanted = request.query_params.get("lang", "")
        self.language = wanted if wanted in self.languages else self.languages[0]
        set_locale(self.language)
        self.gettext: Gettext = gettext_for(self.language)
        self.texts = Texts(db, workspace.id, self.language)
        self.base = f"/public/{workspace.slug}/sdg"

    def href(self, path: str = "", **params: Any) -> str:
        """A link inside the SDG site, keeping the language."""
        query: list[tuple[str, Any]] = []
        if self.language != self.languages[0]:
            query.append(("lang", self.language))
        for key, value in params.items():
            if isinstance(value, list | tuple):
                query.extend((key, v) for v in value)
            elif value is not None and value != "":
                query.append((key, value))
        return self.base + path + ("?" + urlencode(query) if query else "")

    def switch(self, language: str) -> str:
        """The current page in another language."""
        params = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        if language != self.languages[0]:
            params.insert(0, ("lang", language))
        return self.request.url.path + ("?" + urlencode(params) if params else "")

    def goals(self) -> list[dict[str, Any]]:
        """The 17 goals with localized titles, colours and counts of visible indicators by status."""
        counts = repo.status_counts(self.db, self.workspace.id)
        out = []
        for goal in repo.goals(self.db):
            by_status = counts.get(goal.number, {})
            out.append(
                {
                    "number": goal.number,
                    "title": goal_title(goal.number, self.language, goal.short_label),
                    "colour": goal.colour,
                    "statuses": [(s, by_status.get(s, 0)) for s in REPORTING_STATUSES if by_status.get(s)],
                    "total": sum(by_status.values()),
                }
            )
        return out

    def context(self, **extra: Any) -> dict[str, Any]:
        """What every page of the site needs."""
        return {
            "_": self.gettext,
            "workspace": self.workspace,
            "sdg": self,
            "status_label": lambda s: self.gettext(STATUS_LABELS.get(s, s)),
            **extra,
        }


def _indicator_or_404(site: Site, indicator_code: str) -> CityIndicator:
    ind = repo.indicator_by_code(site.db, site.workspace.id, indicator_code)
    if ind is None:
        raise NotFound(site.gettext("No such indicator."))
    return ind


@router.get("/public/{ws}/sdg/", include_in_schema=False)
def overview(request: Request, db: Db, workspace: PublicWorkspace) -> Response:
    """Goals overview: 17 tiles with the reporting status of the visible indicators."""
    site = Site(request, db, workspace)
    goals = site.goals()
    return render(
        request, "sdg/public_goals.html", site.context(goals=goals, total=sum(g["total"] for g in goals))
    )


@router.get("/public/{ws}/sdg/goals/{goal_number}", include_in_schema=False)
def goal_page(request: Request, db: Db, workspace: PublicWorkspace, goal_number: int) -> Response:
    """A goal's targets and indicators (404 when nothing of the goal is visible)."""
    site = Site(request, db, workspace)
    goal = repo.goal(db, goal_number)
    indicators = repo.indicators(db, workspace.id, goal_number) if goal is not None else []
    if goal is None or not indicators:
        raise NotFound(site.gettext("Nothing published for this goal yet."))
    targets = {t.code: t for t in repo.targets_of_goal(db, goal_number)}
    groups: dict[str, list[dict[str, Any]]] = {}
    for ind in indicators:
        groups.setdefault(ind.target_code, []).append(
            {"ind": ind, "name": site.texts.indicator_name(ind, _meta(site, ind))}
        )
    grouped = [(code, targets.get(code), items) for code, items in groups.items()]
    badges = badges_for(db, workspace.id, [i.code for i in indicators], site.gettext)
    return render(
        request,
        "sdg/public_goal.html",
        site.context(
            goal=goal,
            title=goal_title(goal.number, site.language, goal.short_label),
            groups=grouped,
            badges=badges,
        ),
    )


def _meta(site: Site, ind: CityIndicator) -> dict[str, Any]:
    return site.texts.meta(repo.metadata(site.db, site.workspace.id, ind.id), ind.config or {})


@router.get("/public/{ws}/sdg/indicators/{indicator_code}", include_in_schema=False)
def indicator_page(request: Request, db: Db, workspace: PublicWorkspace, indicator_code: str) -> Response:
    """Chart (headline by default, disaggregation selectors), data table, metadata tabs, sources, CSV."""
    site = Site(request, db, workspace)
    ind = _indicator_or_404(site, indicator_code)
    meta = _meta(site, ind)
    name = site.texts.indicator_name(ind, meta)
    params = {k: request.query_params.getlist(k) for k in request.query_params}
    chart = None
    if not ind.placeholder and ind.observation_count:
        graph_type = str(meta.get("graph_type") or "line")
        chart = build_chart(db, ind, site.texts, site.gettext, params, name, graph_type)
    tabs, sources, page_content = metadata_tabs(meta, schema_labels(site.site), site.texts, site.gettext)
    targets = [
        t
        for t in repo.local_targets(db, workspace.id, ind.id)
        if t.text and t.language in ("", site.language)
    ]
    local_text = next((t.text for t in targets if t.language == site.language), None) or next(
        (t.text for t in targets), None
    )
    goal = repo.goal(db, ind.goal) if ind.goal else None
    sort_links: list[str] = []
    if chart is not None:
        others = [(k, v) for k, v in request.query_params.multi_items() if k != "sort"]
        for i in range(len(chart.columns)):
            key = "year" if i == 0 else str(i - 1)
            wanted = f"-{key}" if chart.sort == key else key
            sort_links.append(request.url.path + "?" + urlencode([*others, ("sort", wanted)]))
    return render(
        request,
        "sdg/public_indicator.html",
        site.context(
            ind=ind,
            name=name,
            goal=goal,
            goal_name=goal_title(goal.number, site.language, goal.short_label) if goal else "",
            chart=chart,
            tabs=tabs,
            sources=sources,
            page_content=page_content,
            local_target=local_text,
            preview=ind.visibility != "public",
            sort_links=sort_links,
            badge=badges_for(db, workspace.id, [ind.code], site.gettext).get(ind.code),
        ),
    )


@router.get("/public/{ws}/sdg/indicators/{indicator_code}/data.csv", include_in_schema=False)
def indicator_csv(request: Request, db: Db, workspace: PublicWorkspace, indicator_code: str) -> Response:
    """The indicator's data as an Open SDG CSV (Year first, Value last; empty cells stay empty)."""
    site = Site(request, db, workspace)
    ind = _indicator_or_404(site, indicator_code)
    model = export_service.load_repository(db, workspace.id, [ind.code])
    table = model.indicators[ind.code].data
    buf = io.StringIO()
    writer = csvout.writer(buf)  # public data: text that looks like a formula is protected
    if table is not None:
        writer.writerow(table.columns)
        # Words for "no value" (NA, NaN, n/a ...) are written as empty cells, as Open SDG publishes them.
        writer.writerows([*row[:-1], "" if row[-1] in PANDAS_NA_TOKENS else row[-1]] for row in table.rows)
    else:
        writer.writerow(["Year", "Value"])
    filename = f"indicator_{ind.code}.csv"
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/public/{ws}/sdg/reporting", include_in_schema=False)
def reporting_page(request: Request, db: Db, workspace: PublicWorkspace) -> Response:
    """How many indicators are reported, in progress, not started, by goal."""
    site = Site(request, db, workspace)
    goals = site.goals()
    overall = {s: sum(dict(g["statuses"]).get(s, 0) for g in goals) for s in REPORTING_STATUSES}
    local = repo.status_counts(db, workspace.id).get(None, {})
    return render(
        request,
        "sdg/public_reporting.html",
        site.context(
            goals=goals,
            overall=overall,
            local=local,
            total=sum(overall.values()) + sum(local.values()),
            statuses=REPORTING_STATUSES,
        ),
    )


@router.get("/public/{ws}/sdg/search", include_in_schema=False)
def search_page(request: Request, db: Db, workspace: PublicWorkspace) -> Response:
    """Indicators whose number or name contains the words searched for."""
    site = Site(request, db, workspace)
    q = request.query_params.get("q", "").strip()[:200]
    results: list[dict[str, Any]] = []
    words = [w.casefold() for w in q.split()][:8]
    if words:
        metadata = repo.all_metadata(db, workspace.id)
        for ind in repo.indicators(db, workspace.id):
            name = site.texts.indicator_name(ind, site.texts.meta(metadata.get(ind.id, {}), ind.config or {}))
            haystack = f"{ind.code} {ind.number} {name} {ind.name} {ind.department}".casefold()
            if all(w in haystack for w in words):
                results.append({"ind": ind, "name": name})
    return render(request, "sdg/public_search.html", site.context(q=q, results=results))
