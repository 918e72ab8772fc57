"""Practice service: create, update, delete keep the row and its search entry together; validation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from citydip.core.context import WorkspaceContext
from citydip.core.errors import Conflict, ValidationFailed
from citydip.core.tenancy import Scope, set_scope
from citydip.practices import indexing, searching, service
from citydip.practices.models import Practice
from citydip.practices.schemas import PracticeIn
from practices.practice_helpers import add_practice
from support.factories import make_workspace


def _hits(session, ws, q, **filters):
    params, problems = searching.parse_params({"q": q, **filters})
    assert not problems
    return [
        h.practice.title
        for h in searching.search_practices(session, WorkspaceContext.for_operator(ws), params)
    ]


def test_create_links_city_fills_size_language_and_indexes(sys_session):
    with sys_session() as s:
        ws = make_workspace(s, "bologna-office")
        p = add_practice(
            s,
            ws,
            "Nuove piste ciclabili protette",
            city="Bologna",
            country="IT",
            summary="Il comune ha realizzato una rete di piste ciclabili protette lungo le strade.",
            sdgs=[13, 11, 11],
            sectors=["Mobility ", "mobility"],
        )
        assert p.city_id is not None and p.city_name == "Bologna" and p.country_code == "IT"
        assert p.city_size == "medium"  # Bologna has about 390,000 people in GeoNames
        assert p.language == "it"
        assert p.sdgs == [11, 13] and p.sectors == ["mobility"]
        assert p.search_key == service.search_key_for(p.id)
        assert "Nuove piste ciclabili protette" in _hits(s, ws, "piste ciclabili")
        assert "Nuove piste ciclabili protette" in _hits(s, ws, "protected cycle lanes")  # by meaning


def test_unknown_city_is_kept_as_text(sys_session):
    with sys_session() as s:
        ws = make_workspace(s)
        p = add_practice(s, ws, "Neighbourhood food hubs", city="Quartiere Libertà district")
        assert p.city_id is None and p.city_name == "Quartiere Libertà district" and p.city_size == ""


def test_update_reindexes_and_delete_removes_from_index(sys_session):
    with sys_session() as s:
        ws = make_workspace(s)
        p = add_practice(s, ws, "Rooftop gardens", summary="Community gardens on school roofs.")
        ctx = WorkspaceContext.for_operator(ws)
        data = PracticeIn(
            title="Superblocks pilot", summary="Streets closed to through traffic in one block."
        )
        service.update_practice(s, ctx, p, data)
        assert _hits(s, ws, "superblocks", mode="keyword") == ["Superblocks pilot"]
        assert _hits(s, ws, "rooftop gardens", mode="keyword") == []
        key = p.search_key
        service.delete_practice(s, ctx, p)
        assert key not in indexing.engine_for(s).doc_ids()
        assert _hits(s, ws, "superblocks", mode="keyword") == []


def test_rollback_leaves_neither_row_nor_index_entry(sys_session):
    with sys_session() as s:
        ws = make_workspace(s, "rollback-ws")
    with pytest.raises(RuntimeError), sys_session() as s:
        ws = s.scalar(select(ws.__class__).where(ws.__class__.slug == "rollback-ws"))
        add_practice(s, ws, "Heat action plan for summers")
        raise RuntimeError("abort the transaction")
    with sys_session() as s:
        ws = s.scalar(select(ws.__class__).where(ws.__class__.slug == "rollback-ws"))
        assert s.scalar(select(Practice).where(Practice.workspace_id == ws.id)) is None
        assert indexing.engine_for(s).count() == 0
        assert _hits(s, ws, "heat action plan") == []


def test_external_id_unique_per_workspace(sys_session):
    with sys_session() as s:
        a, b = make_workspace(s), make_workspace(s)
        add_practice(s, a, "One", external_id="ext-1")
        add_practice(s, b, "Same id elsewhere is fine", external_id="ext-1")
        with pytest.raises(Conflict) as err:
            add_practice(s, a, "Two", external_id="ext-1")
        assert err.value.details[0].field == "external_id"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("title", "", "title"),
        ("sdgs", [0, 18], "sdgs"),
        ("end_year", 1990, "end_year"),
        ("links", [{"url": "javascript:alert(1)"}], "links.0.url"),
        ("budget", float("nan"), "budget"),
        ("visibility", "secret", "visibility"),
        ("contacts", [{"role": "mayor"}], "contacts.0"),
    ],
)
def test_validation_names_the_field(field, value, where):
    data = {"title": "A practice", "start_year": 2000, field: value}
    with pytest.raises(ValidationFailed) as err:
        service.validate(data, row=7, file="x.jsonl")
    problem = err.value.details[0]
    assert problem.field == where and problem.row == 7 and problem.file == "x.jsonl"


def test_unknown_country_is_reported(sys_session):
    with sys_session() as s:
        ws = make_workspace(s)
        with pytest.raises(ValidationFailed) as err:
            add_practice(s, ws, "X", country="Atlantis")
        assert err.value.details[0].field == "country"


def test_viewer_cannot_create(sys_session, factory):
    from citydip.core.errors import PermissionDenied
    from citydip.core.tenancy import Role

    with sys_session() as s:
        ws = make_workspace(s)
        ws_id = ws.id

    class ViewerCtx:
        id = ws_id
        slug = "x"

        def require_edit(self):
            raise PermissionDenied()

    s = factory()
    set_scope(s, Scope("viewer", roles={ws_id: Role.viewer}))
    with pytest.raises(PermissionDenied):
        service.create_practice(s, ViewerCtx(), PracticeIn(title="Nope"))
    s.rollback()
    s.close()


def test_goal_suggestions_have_labels_and_confidences(sys_session):
    with sys_session() as s:
        out = service.suggest_goals(
            s,
            "Clean drinking water for rural schools",
            "Solar pumps provide safe drinking water and sanitation to schools.",
        )
        assert len(out) == 3
        assert 6 in [g.goal for g in out] and all(g.label for g in out)
        assert all(0 <= g.confidence <= 1 for g in out)
        assert [g.confidence for g in out] == sorted((g.confidence for g in out), reverse=True)
        assert service.suggest_goals(s, "", "") == []


def test_outcome_figures_read_as_people_write_them():
    from citydip.practices.indexing import _figure

    assert [_figure(v) for v in (40.0, 12500, 0.25, 1234.5, float("nan"), None, True, "about 30")] == [
        "40",
        "12,500",
        "0.25",
        "1,234.5",
        "",
        "",
        "",
        "about 30",
    ]
