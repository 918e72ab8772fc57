"""The index in the application database, on SQLite (FTS5) or PostgreSQL (full text), whichever the suite runs on:
accent-blind matching and highlighting, freshness across sessions, cleanup when a workspace goes."""

from __future__ import annotations

from sqlalchemy import select

from citydip.core.context import WorkspaceContext
from citydip.practices import indexing, searching
from citydip.workspaces.models import Workspace
from practices.practice_helpers import add_practice
from support.factories import make_workspace


def _search(s, ws, q, **kw):
    params, _ = searching.parse_params({"q": q, **kw})
    return searching.search_practices(s, WorkspaceContext.for_operator(ws), params)


def test_accents_are_ignored_when_matching_and_kept_when_highlighting(sys_session):
    with sys_session() as s:
        ws = make_workspace(s, "lyon")
        add_practice(
            s,
            ws,
            "Rénovation énergétique des écoles",
            summary="La métropole finance la rénovation énergétique de quarante écoles primaires.",
        )
        add_practice(s, ws, "Street trees", summary="Planting trees in streets.")
        hits = _search(s, ws, "renovation energetique ecoles", mode="keyword")
        assert [h.practice.title for h in hits] == ["Rénovation énergétique des écoles"]
        assert "<mark>rénovation</mark>" in hits[0].snippet_html.lower()
        assert "<mark>énergétique</mark>" in hits[0].snippet_html.lower()
        assert "<mark>" not in hits[0].snippet


def test_a_second_session_sees_committed_changes(sys_session):
    with sys_session() as s:
        ws = make_workspace(s, "fresh")
        add_practice(s, ws, "Bike sharing", summary="Shared bicycles at stations.")
    with sys_session() as s:
        ws = s.scalar(select(Workspace).where(Workspace.slug == "fresh"))
        assert [h.practice.title for h in _search(s, ws, "bike sharing", mode="dense")][:1] == [
            "Bike sharing"
        ]
    with sys_session() as s:  # another transaction adds a practice: readers reload the vectors
        ws = s.scalar(select(Workspace).where(Workspace.slug == "fresh"))
        add_practice(s, ws, "Heat pumps for flats", summary="Subsidies for air-to-water heat pumps.")
    with sys_session() as s:
        ws = s.scalar(select(Workspace).where(Workspace.slug == "fresh"))
        assert _search(s, ws, "Wärmepumpen", mode="dense")[0].practice.title == "Heat pumps for flats"


def test_deleting_a_workspace_removes_its_index_entries(sys_session):
    with sys_session() as s:
        gone = make_workspace(s, "gone")
        stays = make_workspace(s, "stays")
        add_practice(s, gone, "Temporary practice", summary="About composting.", visibility="public")
        add_practice(s, stays, "Kept practice", summary="About composting too.")
        gone_id = gone.id
    with sys_session() as s:
        assert indexing.engine_for(s).doc_ids(indexing.workspace_key(gone_id))
        s.delete(s.get(Workspace, gone_id))
    with sys_session() as s:
        engine = indexing.engine_for(s)
        assert engine.doc_ids(indexing.workspace_key(gone_id)) == set()
        assert engine.count() == 1
        stays = s.scalar(select(Workspace).where(Workspace.slug == "stays"))
        assert [h.practice.title for h in _search(s, stays, "composting")] == ["Kept practice"]
