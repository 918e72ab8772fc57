"""Searching practices as a workspace: its own practices plus what other workspaces share with it.

The access rule comes from the tenancy scope: the workspace's own practices (any visibility), network-shared
practices of the workspaces it shares a network with (and of the caller's other workspaces), public ones of
everybody; never another workspace's private records. The rule restricts the index's candidates before
ranking, and the hits are read back through ``repository.visible_criteria`` and the session's tenancy safety
net, so a practice is only shown when all three layers agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem
from citydip.core.tenancy import Visibility
from citydip.practices import indexing
from citydip.practices import repository as repo
from citydip.practices.models import Practice
from citydip.practices.search import AccessRule, SearchFilters, SearchHit
from citydip.practices.search.base import MODES
from citydip.practices.service import network_workspaces
from citydip.practices.vocab import CITY_SIZES, norm_tag

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
MAX_FILTER_VALUES = 40

PeerMatcher = Callable[[Session, int], list[int]]
PEER_MATCHERS: list[PeerMatcher] = []
"""Hook for "practices from cities like ours": functions returning workspace ids similar to a workspace.

Peer matching does not exist yet; when a domain provides it, it appends a matcher here and the practices page
shows a "from cities like ours" list (``practices_from_similar_cities``)."""


@dataclass(frozen=True)
class SearchParams:
    """A practice search: query text, facet filters (OR inside a facet, AND across facets), size and mode."""

    q: str = ""
    sdgs: frozenset[int] = frozenset()
    challenges: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    city_sizes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    visibilities: frozenset[str] = frozenset()
    limit: int = DEFAULT_LIMIT
    mode: str = "hybrid"

    @property
    def has_filters(self) -> bool:
        """Whether any facet is restricted."""
        return any(
            (
                self.sdgs,
                self.challenges,
                self.sectors,
                self.countries,
                self.regions,
                self.city_sizes,
                self.languages,
                self.visibilities,
            )
        )

    def engine_filters(self, access: AccessRule) -> SearchFilters:
        """The engine's filters for these parameters and an access rule."""
        return SearchFilters(
            sdgs=self.sdgs,
            challenges=self.challenges,
            sectors=self.sectors,
            countries=self.countries,
            regions=self.regions,
            city_sizes=self.city_sizes,
            languages=self.languages,
            visibilities=self.visibilities,
            access=access,
        )


@dataclass(frozen=True)
class SearchParam:
    """One search parameter as pages, the API and the command line accept it (``parse_params`` reads it)."""

    name: str
    description: str
    multiple: bool = False


SEARCH_PARAMS: tuple[SearchParam, ...] = (
    SearchParam("q", "Free text in any language; syntax characters are plain text"),
    SearchParam("sdg", "Goal numbers 1-17 (repeat or comma-separate)", True),
    SearchParam("challenge", "Challenge or hazard, e.g. heatwaves", True),
    SearchParam("sector", "Sector, e.g. mobility", True),
    SearchParam("country", "ISO 3166-1 alpha-2 code", True),
    SearchParam("region", "UN M49 sub-region, e.g. Southern Europe", True),
    SearchParam("city_size", "small, medium, large, metropolitan", True),
    SearchParam("language", "ISO 639-1 code of the practice's text", True),
    SearchParam("visibility", "private, network or public", True),
    SearchParam("limit", f"Hits to return, 1-{MAX_LIMIT}"),
    SearchParam("mode", "hybrid (default), keyword or dense"),
)
"""Every search parameter, declared once (the API documents these in OpenAPI from this table)."""

FACET_PARAMS = tuple(p.name for p in SEARCH_PARAMS if p.multiple)


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        value = params.get(name)
        raw = value if isinstance(value, list | tuple) else ([] if value is None else [value])
    out: list[str] = []
    for item in raw:
        out += [part.strip() for part in str(item).split(",") if part.strip()]
    return out[:MAX_FILTER_VALUES]


def parse_params(params: Mapping[str, Any]) -> tuple[SearchParams, list[FieldProblem]]:
    """Read search parameters leniently: a bad value is left out and reported, never an error."""
    problems: list[FieldProblem] = []
    sdgs: set[int] = set()
    for raw in _values(params, "sdg"):
        try:
            goal = int(raw)
        except ValueError:
            goal = 0
        if 1 <= goal <= 17:
            sdgs.add(goal)
        else:
            problems.append(FieldProblem("sdg", f"'{raw[:20]}' is not a goal number from 1 to 17"))
    sizes = set()
    for raw in _values(params, "city_size"):
        if raw.lower() in {n for n, _l, _h in CITY_SIZES}:
            sizes.add(raw.lower())
        else:
            problems.append(
                FieldProblem("city_size", f"'{raw[:20]}' is not small, medium, large or metropolitan")
            )
    vis = set()
    for raw in _values(params, "visibility"):
        if raw.lower() in {v.value for v in Visibility}:
            vis.add(raw.lower())
        else:
            problems.append(FieldProblem("visibility", f"'{raw[:20]}' is not private, network or public"))
    limit = DEFAULT_LIMIT
    limit_raw = _values(params, "limit")
    if limit_raw:
        try:
            limit = int(float(limit_raw[-1]))
        except ValueError:
            problems.append(FieldProblem("limit", f"'{limit_raw[-1][:20]}' is not a number"))
        limit = limit if 1 <= limit <= MAX_LIMIT else max(1, min(limit, MAX_LIMIT))
    mode = (_values(params, "mode") or ["hybrid"])[-1].lower()
    if mode not in MODES:
        problems.append(FieldProblem("mode", f"use one of {', '.join(MODES)}"))
        mode = "hybrid"
    q_raw = params.get("q")
    q = str(q_raw) if q_raw is not None else ""
    result = SearchParams(
        q=q,
        sdgs=frozenset(sdgs),
        challenges=frozenset(norm_tag(v) for v in _values(params, "challenge")),
        sectors=frozenset(norm_tag(v) for v in _values(params, "sector")),
        countries=frozenset(v.upper()[:60] for v in _values(params, "country")),
        regions=frozenset(v[:100] for v in _values(params, "region")),
        city_sizes=frozenset(sizes),
        languages=frozenset(v.lower()[:8] for v in _values(params, "language")),
        visibilities=frozenset(vis),
        limit=limit,
        mode=mode,
    )
    return result, problems


@dataclass
class PracticeHit:
    """A practice found by a search, with where it comes from and why it matched."""

    practice: Practice
    workspace_slug: str
    workspace_name: str
    own: bool
    score: float
    snippet: str
    snippet_html: str
    keyword_rank: int | None = None
    dense_rank: int | None = None
    matched_words: bool = False


@dataclass
class SearchResult:
    """Hits plus the parameters actually used and any parameter that was left out."""

    params: SearchParams
    hits: list[PracticeHit] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)


def access_rule(session: Session, ctx: WorkspaceContext) -> tuple[AccessRule, frozenset[int]]:
    """The index access rule of a workspace and the workspaces whose network practices it sees."""
    peers = network_workspaces(session, ctx.id)
    rule = AccessRule(
        own_workspace=indexing.workspace_key(ctx.id),
        other_visibilities=frozenset({Visibility.network.value, Visibility.public.value}),
        network_workspaces=frozenset(indexing.workspace_key(w) for w in peers),
    )
    return rule, peers


def _resolve(
    session: Session, ctx: WorkspaceContext, peers: frozenset[int], hits: list[SearchHit]
) -> list[PracticeHit]:
    rows = repo.visible_by_search_keys(session, ctx.id, peers, [h.id for h in hits])
    names = repo.workspace_slugs(session, {p.workspace_id for p in rows.values()})
    out = []
    for h in hits:
        practice = rows.get(h.id)
        if practice is None:  # not visible any more, or an index entry without a row
            continue
        slug, name = names.get(practice.workspace_id, ("", ""))
        score = h.score if math.isfinite(h.score) else 0.0
        out.append(
            PracticeHit(
                practice,
                slug,
                name,
                practice.workspace_id == ctx.id,
                score,
                h.snippet,
                h.snippet_html,
                h.keyword_rank,
                h.dense_rank,
                h.matched_words,
            )
        )
    return out


def search_practices(session: Session, ctx: WorkspaceContext, params: SearchParams) -> list[PracticeHit]:
    """Search the practices this workspace may see; never raises on the query text."""
    rule, peers = access_rule(session, ctx)
    engine = indexing.engine_for(session)
    hits = engine.search(params.q, params.engine_filters(rule), limit=params.limit, mode=params.mode)
    return _resolve(session, ctx, peers, hits)


def search(session: Session, ctx: WorkspaceContext, raw: Mapping[str, Any]) -> SearchResult:
    """Parse raw parameters leniently and search (what the page and the API call)."""
    params, problems = parse_params(raw)
    return SearchResult(params, search_practices(session, ctx, params), problems)


def similar_practices(
    session: Session, ctx: WorkspaceContext, practice: Practice, params: SearchParams | None = None
) -> list[PracticeHit]:
    """Practices like this one ("more like this"), in any language, among those the workspace may see."""
    params = params or SearchParams(limit=5)
    rule, peers = access_rule(session, ctx)
    engine = indexing.engine_for(session)
    hits = engine.more_like_this(practice.search_key, params.engine_filters(rule), limit=params.limit)
    return _resolve(session, ctx, peers, hits)


def practices_from_similar_cities(
    session: Session, ctx: WorkspaceContext, limit: int = 5
) -> list[Practice] | None:
    """Recent practices of workspaces that peer matching finds similar to this one; None until a matcher exists."""
    if not PEER_MATCHERS:
        return None
    peers = network_workspaces(session, ctx.id)
    similar = {w for matcher in PEER_MATCHERS for w in matcher(session, ctx.id)} - {ctx.id}
    return list(repo.recent_visible_in(session, ctx.id, peers, similar, limit)) if similar else []
