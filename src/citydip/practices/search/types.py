"""Plain data types of the practice search engine: documents in, filters and hits out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

FACETS = (
    "sdg",
    "challenge",
    "sector",
    "country",
    "region",
    "city_size",
    "language",
    "visibility",
    "workspace",
)


@dataclass(frozen=True)
class PracticeDocument:
    """One practice as the search engine sees it (the integrator maps the Practice row to this)."""

    id: int
    external_id: str
    title: str
    fields: Mapping[str, str] = field(default_factory=dict)
    language: str | None = None
    city: str = ""
    country: str = ""
    region: str = ""
    city_size: str = ""
    sdgs: Sequence[int] = ()
    challenges: Sequence[str] = ()
    sectors: Sequence[str] = ()
    visibility: str = "public"
    workspace: str = ""

    def body(self) -> str:
        """Return the searchable text fields joined by blank lines, in the given order."""
        return "\n\n".join(v.strip() for v in self.fields.values() if v and v.strip())

    def place(self) -> str:
        """City, country and region joined by spaces (searched as the place column)."""
        return " ".join(p for p in (self.city, self.country, self.region) if p)

    def facet_values(self) -> list[tuple[str, str]]:
        """Return (facet, value) pairs used for filtering; empty values are skipped."""
        pairs: list[tuple[str, str]] = [("sdg", str(int(g))) for g in self.sdgs]
        pairs += [("challenge", c) for c in self.challenges]
        pairs += [("sector", s) for s in self.sectors]
        for name, value in (
            ("city", self.city),
            ("country", self.country),
            ("region", self.region),
            ("city_size", self.city_size),
            ("language", self.language or ""),
            ("visibility", self.visibility),
            ("workspace", self.workspace),
        ):
            if value:
                pairs.append((name, value))
        return sorted({(f, v.strip().lower()) for f, v in pairs if v and v.strip()})


@dataclass(frozen=True)
class AccessRule:
    """Who may see what: own workspace's practices plus others' practices of these visibilities.

    ``network_workspaces`` limits "network" practices of other workspaces to those workspaces (the caller's
    network peers); None means network practices of any workspace (only for standalone use of the engine).
    """

    own_workspace: str
    other_visibilities: frozenset[str] = frozenset({"network", "public"})
    network_workspaces: frozenset[str] | None = None


@dataclass(frozen=True)
class SearchFilters:
    """Candidate restrictions: OR inside one facet, AND across facets; empty means no restriction."""

    sdgs: frozenset[int] = frozenset()
    challenges: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    city_sizes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    visibilities: frozenset[str] = frozenset()
    workspaces: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    access: AccessRule | None = None

    def facet_sets(self) -> list[tuple[str, list[str]]]:
        """Return the non-empty restrictions as (facet, sorted lower-cased values)."""
        raw: list[tuple[str, frozenset[str]]] = [
            ("sdg", frozenset(str(int(g)) for g in self.sdgs)),
            ("challenge", self.challenges),
            ("sector", self.sectors),
            ("country", self.countries),
            ("region", self.regions),
            ("city_size", self.city_sizes),
            ("language", self.languages),
            ("visibility", self.visibilities),
            ("workspace", self.workspaces),
            ("city", self.cities),
        ]
        return [(f, sorted({v.strip().lower() for v in vals})) for f, vals in raw if vals]

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return not self.facet_sets() and self.access is None


@dataclass(frozen=True)
class SearchHit:
    """One result: the practice ids, fused score, per-system ranks (None = not in that list) and a snippet.

    `matched_words` is True when the query's words (in any language the dictionary knows) occur in the record;
    False when it was found by closeness in meaning alone.
    """

    id: int
    external_id: str
    title: str
    score: float
    snippet: str
    snippet_html: str
    keyword_rank: int | None = None
    dense_rank: int | None = None
    matched_words: bool = False


class SearchEngine(Protocol):
    """What the web app, API and CLI need from a practice search engine."""

    def index_many(self, docs: Sequence[PracticeDocument]) -> int:
        """Add or replace many documents; return how many were indexed."""
        ...

    def add(self, doc: PracticeDocument) -> None:
        """Add one document (replacing any with the same id)."""
        ...

    def update(self, doc: PracticeDocument) -> None:
        """Replace one document."""
        ...

    def remove(self, doc_id: int) -> bool:
        """Remove one document; return whether it existed."""
        ...

    def remove_many(self, ids: Sequence[int]) -> int:
        """Remove documents; return how many existed."""
        ...

    def doc_ids(self, workspace: str | None = None) -> set[int]:
        """Ids of every indexed document, or of one workspace's."""
        ...

    def search(
        self, query: str, filters: SearchFilters | None = None, limit: int = 20, mode: str = "hybrid"
    ) -> list[SearchHit]:
        """Return up to `limit` hits for a free-text query ("hybrid", "keyword" or "dense")."""
        ...

    def more_like_this(
        self, doc_id: int, filters: SearchFilters | None = None, limit: int = 10
    ) -> list[SearchHit]:
        """Return practices similar to one already indexed (itself excluded)."""
        ...

    def count(self) -> int:
        """Return the number of indexed documents."""
        ...
