"""Who may see which indexed practice: filters as SQL (facet subqueries) and access rules in memory.

Facet filters and access rules become one SQL subquery selecting the allowed document ids (used by the keyword
side as ``rowid IN (...)`` and as an id set by the dense side). Every product search carries an access rule and
nothing else, so that rule is also evaluated in memory (``AccessCheck``): each document carries two integer
codes (owning workspace, visibility), checked per id for keyword hits and with numpy for all vectors at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from citydip.practices.search.dense import CodeArray
from citydip.practices.search.types import AccessRule, SearchFilters

VIS_CODES = {"private": 0, "network": 1, "public": 2}

Params = list[Any]
SubQuery = tuple[str, Params]


class AccessCodes(Protocol):
    """The per-process codes an access check reads (``IndexState``)."""

    group_codes: dict[str, int]
    access: dict[int, tuple[int, int]]


def _facet_in(facet: str, values: Sequence[str], params: Params) -> str:
    marks = ",".join("?" * len(values))
    params += [facet, *values]
    return f"SELECT doc_id FROM practice_search_facets WHERE facet = ? AND value IN ({marks})"  # noqa: S608


def filter_subquery(filters: SearchFilters | None) -> SubQuery | None:
    """Return (SQL selecting the allowed doc ids, params) with ``?`` placeholders, or None when unrestricted."""
    if filters is None or filters.is_empty():
        return None
    parts: list[str] = []
    params: Params = []
    for facet, values in filters.facet_sets():
        parts.append(_facet_in(facet, values, params))
    access = filters.access
    if access is not None:
        alts = [_facet_in("workspace", [access.own_workspace.strip().lower()], params)]
        for vis in sorted(v.strip().lower() for v in access.other_visibilities):
            if vis == "network" and access.network_workspaces is not None:
                peers = sorted({w.strip().lower() for w in access.network_workspaces})
                if not peers:
                    continue
                inner = _facet_in("workspace", peers, params)
                params += ["visibility", vis]
                alts.append(
                    f"SELECT doc_id FROM practice_search_facets WHERE doc_id IN ({inner}) "  # noqa: S608
                    "AND facet = ? AND value = ?"
                )
            else:
                alts.append(_facet_in("visibility", [vis], params))
        parts.append(" UNION ".join(alts))
    sql = " INTERSECT ".join(f"SELECT doc_id FROM ({p}) AS f{i}" for i, p in enumerate(parts))  # noqa: S608
    return sql, params


class AccessCheck:
    """An AccessRule evaluated in memory: per document id, or over all vector rows at once (numpy)."""

    def __init__(self, state: AccessCodes, rule: AccessRule) -> None:
        """Translate workspace names and visibilities into the state's integer codes."""
        self.state = state
        self.own = state.group_codes.get(rule.own_workspace.strip().lower(), -2)
        self.any_vis: set[int] = set()
        self.peer_vis: int | None = None
        self.peers: set[int] = set()
        for raw in rule.other_visibilities:
            vis = raw.strip().lower()
            code = VIS_CODES.get(vis, -3)
            if vis == "network" and rule.network_workspaces is not None:
                self.peer_vis = code
                self.peers = {
                    state.group_codes[w.strip().lower()]
                    for w in rule.network_workspaces
                    if w.strip().lower() in state.group_codes
                }
            else:
                self.any_vis.add(code)

    def allows(self, doc_id: int) -> bool:
        """Whether the rule lets this document through."""
        codes = self.state.access.get(doc_id)
        if codes is None:
            return False
        group, vis = codes
        return group == self.own or vis in self.any_vis or (vis == self.peer_vis and group in self.peers)

    def rows(self, groups: CodeArray, vis: CodeArray) -> npt.NDArray[np.bool_]:
        """The same test over arrays of codes (lookup tables indexed by code + 1; code -1 means unknown)."""
        size = max(len(self.state.group_codes), int(groups.max(initial=-1)) + 1) + 1
        own = np.zeros(size, dtype=bool)
        if self.own >= 0:
            own[self.own + 1] = True
        peers = np.zeros(size, dtype=bool)
        peers[[p + 1 for p in self.peers if p + 1 < size]] = True
        vis_any = np.zeros(len(VIS_CODES) + 2, dtype=bool)
        vis_any[[v + 1 for v in self.any_vis if 0 <= v + 1 < len(vis_any)]] = True
        mask: npt.NDArray[np.bool_] = own[groups + 1] | vis_any[vis + 1]
        if self.peer_vis is not None and self.peers:
            mask |= (vis == self.peer_vis) & peers[groups + 1]
        return mask
