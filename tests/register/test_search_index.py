"""Free-text search through the trigram indexes finds what LIKE/ILIKE finds, stays in step, and stays in a workspace.

Every register list (partners, people, agreements, engagements, follow-ups) is filled from
tests/fixtures/register/search/texts.txt in two workspaces; each needle of needles.txt is searched the way pages,
the API and exports search (``spec.parse`` + ``paginate_capped``) and compared with an answer computed in Python
from the stored rows: substring, case-insensitive. On SQLite ``LIKE`` folds ASCII only, so needles of one or two
characters (still ``LIKE``) keep that meaning, while the trigram index folds every letter (``ÉCOLE`` finds
``École``): never fewer rows than ``LIKE``, and the same rows for ASCII needles. PostgreSQL's ``ILIKE`` folds
every letter either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from citydip.core.errors import ValidationFailed
from citydip.core.listing import ListSpec, search_clause
from citydip.core.tenancy import Role, Scope, set_scope
from citydip.core.textsearch import MIN_CHARS, SearchIndex
from citydip.register.agreements.schemas import AgreementIn
from citydip.register.agreements.service import create_agreement
from citydip.register.engagements.models import Engagement
from citydip.register.engagements.schemas import EngagementIn, EngagementPatch
from citydip.register.engagements.service import create_engagement, delete_engagement, update_engagement
from citydip.register.followups.schemas import FollowUpIn
from citydip.register.followups.service import create_followup
from citydip.register.io.export import SPECS
from citydip.register.listing import paginate_capped
from citydip.register.partners.models import Partner
from citydip.register.partners.schemas import PartnerIn, PersonIn
from citydip.register.partners.service import create_partner, create_person
from register.helpers import ctx_for
from support.databases import backend
from support.factories import add_member, make_user, make_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "register" / "search"
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
KINDS = tuple(SPECS)


def lines(name: str) -> list[str]:
    """Non-comment lines of a fixture file, exactly as written (no stripping)."""
    raw = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    return [line for line in raw if line and not line.startswith("#")]


TEXTS = lines("texts.txt")
NEEDLES = lines("needles.txt")


def fill(s: Session, slug: str, owner_id: int, texts: list[str]) -> None:
    """One partner, person, agreement, engagement and follow-up per text, other texts in the other columns."""
    ctx = ctx_for(s, slug)
    n = len(texts)
    day = dt.date(2027, 3, 1)
    for i, t in enumerate(texts):
        other = texts[(i + 3) % n]
        partner = create_partner(
            s,
            ctx,
            PartnerIn(kind="company", name=t, notes=other, head_of_post=texts[(i + 7) % n] if i % 2 else ""),
        )
        create_person(
            s,
            ctx,
            PersonIn(partner_id=partner.id, name=t, title=texts[(i + 1) % n], email=f"p{i}@x.example"),
        )
        create_agreement(
            s, ctx, AgreementIn(kind="mou", title=t, party_ids=[partner.id], description=texts[(i + 5) % n])
        )
        create_engagement(
            s,
            ctx,
            EngagementIn(
                kind="meeting", title=t, starts_on=day, place=texts[(i + 2) % n], partner_ids=[partner.id]
            ),
        )
        create_followup(s, ctx, FollowUpIn(task=t, owner_id=owner_id, due_on=day, notes=other))


@pytest.fixture
def two_offices(office, sys_session) -> dict[str, int]:
    """The LA office and a Bordeaux office, both filled from the fixture; Bordeaux has one text of its own."""
    with sys_session() as s:
        owner = make_user(s, "chloe@bordeaux.example", name="Chloé")
        bx = make_workspace(s, "bx", city="Bordeaux, FR", owner=owner, name="Bordeaux Office")
        add_member(s, owner, bx, Role.owner)
        bx_id, bx_owner = bx.id, owner.id
    with sys_session() as s:
        fill(s, "la", office.owner_id, TEXTS)
        fill(s, "bx", bx_owner, [*TEXTS, "Bordeaux-only memo"])
    return {"la": office.workspace_id, "bx": bx_id}


def stored(s: Session, kind: str, ws: int) -> dict[Any, list[str]]:
    """Each row's id and the values of its searched columns, read back from the database."""
    spec, base = SPECS[kind]
    assert spec.search_index is not None
    rows = s.scalars(base(ws)).all()
    return {r.id: [getattr(r, c) or "" for c in spec.search_index.columns] for r in rows}


def expected(values: dict[Any, list[str]], needle: str, *, unicode_case: bool) -> set[Any]:
    """Rows where a column contains the needle, folding every letter's case or ASCII letters only (LIKE)."""
    if unicode_case:
        return {k for k, vs in values.items() if any(needle.lower() in v.lower() for v in vs)}
    folded = needle.translate(ASCII_LOWER)
    return {k for k, vs in values.items() if any(folded in v.translate(ASCII_LOWER) for v in vs)}


def listed(s: Session, spec: ListSpec, kind: str, ws: int, needle: str) -> set[Any]:
    """What the list (page, API, export) finds for ``q=needle``."""
    base = SPECS[kind][1]
    params = spec.parse({"q": needle, "per_page": "200"})
    page = paginate_capped(s, base(ws), spec, params, ws)
    assert all(r.workspace_id == ws for r in page.items)
    return {r.id for r in page.items}


def like_only(s: Session, spec: ListSpec, kind: str, ws: int, needle: str) -> set[Any]:
    """What the plain LIKE/ILIKE condition (no index) finds."""
    base = SPECS[kind][1]
    clause = search_clause(spec.search_columns, needle, s.get_bind().dialect.name)
    return {r.id for r in s.scalars(base(ws).where(clause)).all()}


def system(s: Session) -> Session:
    set_scope(s, Scope.system_scope("test"))
    return s


def compiled(s: Session, spec: ListSpec, kind: str, ws: int, needle: str) -> str:
    """The SQL the list runs for a needle (to see which path it took)."""
    from citydip.register import listing

    stmt = listing.apply(s, spec, SPECS[kind][1](ws), spec.parse({"q": needle}), ws)
    return str(stmt.compile(s.get_bind()))


@pytest.mark.parametrize("kind", KINDS)
def test_every_needle_finds_what_the_reference_finds(two_offices, sys_session, kind):
    spec = SPECS[kind][0]
    pg = backend() == "postgresql"
    with sys_session() as s:
        for slug, ws in two_offices.items():
            values = stored(s, kind, ws)
            assert len(values) >= len(TEXTS)
            for raw in NEEDLES:
                needle = spec.parse({"q": raw}).q
                found = listed(s, spec, kind, ws, needle)
                like = like_only(s, spec, kind, ws, needle)
                unicode_case = pg or len(needle) >= MIN_CHARS
                want = expected(values, needle, unicode_case=unicode_case)
                assert found == want, (kind, slug, needle)
                assert like == expected(values, needle, unicode_case=pg), (kind, slug, needle)
                assert like <= found, (kind, slug, needle)
                if needle.isascii():
                    assert found == like, (kind, slug, needle)
        assert listed(s, spec, kind, two_offices["la"], "Bordeaux-only") == set()
        assert len(listed(s, spec, kind, two_offices["bx"], "Bordeaux-only")) >= 1


@pytest.mark.parametrize("kind", KINDS)
def test_common_needles_take_like_and_find_the_same(two_offices, sys_session, kind):
    spec = SPECS[kind][0]
    assert spec.search_index is not None
    eager = dataclasses.replace(spec, search_index=dataclasses.replace(spec.search_index, common=1))
    with sys_session() as s:
        ws = two_offices["la"]
        for needle in ("trade", "exchange", "Tokyo 2", "(phase 2)", "ÉCOLE", "not-there-at-all"):
            assert listed(s, eager, kind, ws, needle) == listed(s, spec, kind, ws, needle), needle
        if backend() == "sqlite":
            assert "MATCH" in compiled(s, spec, kind, ws, "trade")
            assert "MATCH" not in compiled(s, eager, kind, ws, "trade")  # common: LIKE walks the sort order
            assert "MATCH" in compiled(s, eager, kind, ws, "ÉCOLE")  # non-ASCII: always the index
            assert "MATCH" not in compiled(s, spec, kind, ws, "ab")  # too short for trigrams


def test_needles_with_nul_or_only_syntax_never_fail(two_offices, sys_session):
    spec = SPECS["engagements"][0]
    with sys_session() as s:
        values = stored(s, "engagements", two_offices["la"])
        for needle in (
            '"""',
            "NEAR(",
            "*^:()",
            "AND",
            '" OR "',
            "\\",
            "'''",
            "NEAR(a b, 2)",
            "a:b",
            "Tokyo 20",
        ):
            want = expected(
                values, needle, unicode_case=backend() == "postgresql" or len(needle) >= MIN_CHARS
            )
            assert listed(s, spec, "engagements", two_offices["la"], needle) == want, needle
    with pytest.raises(ValidationFailed) as problem:
        spec.parse({"q": "a\x00bc"})
    assert problem.value.details[0].field == "q"
    index = spec.search_index
    assert index is not None and not index.serves("a\x00bc")  # direct callers never send NUL to FTS5 either


def test_writes_keep_the_index_in_step(two_offices, sys_session, engine):
    ws = two_offices["la"]
    spec = SPECS["engagements"][0]
    with sys_session() as s:
        ctx = ctx_for(s, "la")
        row = s.scalar(select(Engagement).where(Engagement.workspace_id == ws, Engagement.title == "Ottawa"))
        assert row is not None
        update_engagement(s, ctx, row, EngagementPatch(title="Ottawa renamed Québec visit"))
        gone = s.scalar(
            select(Engagement).where(Engagement.workspace_id == ws, Engagement.title == "MALMÖ climate pact")
        )
        assert gone is not None
        delete_engagement(s, ctx, gone)
        # A bulk Core UPDATE (what imports and label maintenance do) bypasses the ORM: the triggers still see it.
        s.execute(
            update(Partner).where(Partner.workspace_id == ws, Partner.name == "ab").values(name="abyssal")
        )
    with sys_session() as s:
        assert listed(s, spec, "engagements", ws, "QUÉBEC VISIT") == {row.id}
        assert row.id in listed(s, spec, "engagements", ws, "Ottawa renamed")
        assert gone.id not in listed(s, spec, "engagements", ws, "malmö")
        for kind in ("engagements", "partners", "agreements"):  # agreements: parties_label follows the rename
            values = stored(s, kind, ws)
            for needle in ("québec", "Ottawa", "malmö", "MALMÖ climate", "abyss", "abyssal", "ab"):
                want = expected(values, needle, unicode_case=backend() == "postgresql" or len(needle) >= 3)
                assert listed(s, SPECS[kind][0], kind, ws, needle) == want, (kind, needle)
        assert len(listed(s, spec, "engagements", two_offices["bx"], "malmö")) >= 1  # the other office's rows
    if backend() == "sqlite":
        with engine.connect() as conn:
            for kind in KINDS:
                index = SPECS[kind][0].search_index
                assert index is not None
                conn.exec_driver_sql(
                    f"INSERT INTO {index.fts} ({index.fts}, rank) VALUES ('integrity-check', 1)"
                )


def test_the_lists_search_indexes_exist_as_declared(engine):
    with engine.connect() as conn:
        for kind in KINDS:
            index = SPECS[kind][0].search_index
            assert isinstance(index, SearchIndex)
            if backend() == "sqlite":
                cols = [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({index.fts})").all()]
                assert tuple(cols) == index.columns, kind
                triggers = {
                    r[0]
                    for r in conn.exec_driver_sql(
                        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                        (index.table,),
                    )
                }
                assert {f"{index.fts}_ai", f"{index.fts}_ad", f"{index.fts}_au"} <= triggers
            else:
                names = {
                    r[0]
                    for r in conn.execute(
                        text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": index.table}
                    )
                }
                assert {index.trgm_index(c) for c in index.columns} <= names, kind


def test_the_query_uses_the_index(two_offices, sys_session, engine):
    from citydip.register import listing

    spec = SPECS["engagements"][0]
    ws = two_offices["la"]
    with sys_session() as s:
        stmt = listing.apply(s, spec, SPECS["engagements"][1](ws), spec.parse({"q": "Polytechnique"}), ws)
        query = stmt.compile(s.get_bind())
        sql = str(query)
        if backend() == "sqlite":
            values = tuple(query.params[name] for name in query.positiontup or ())
            steps = [str(r[3]) for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, values)]
            # The FTS5 matches are read first and each row is fetched by rowid: no walk over the workspace.
            assert steps[0].startswith("SCAN fts_engagements VIRTUAL TABLE"), steps
            assert steps[1] == "SEARCH engagements USING INTEGER PRIMARY KEY (rowid=?)", steps
            return
    assert "ILIKE" in sql.upper()
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(
            r[0]
            for r in conn.execute(
                text("EXPLAIN SELECT id FROM engagements WHERE title ILIKE :q"), {"q": "%Polytechnique%"}
            )
        )
    assert "trgm_engagements_title" in plan


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite triggers and FTS5 tables")
def test_a_migration_that_drops_the_triggers_is_repaired(two_offices, sys_session, engine: Engine):
    from citydip.core.migrate import upgrade

    ws = two_offices["la"]
    spec = SPECS["engagements"][0]
    with engine.begin() as conn:
        for trigger in ("ai", "ad", "au"):
            conn.exec_driver_sql(f"DROP TRIGGER fts_engagements_{trigger}")
        conn.exec_driver_sql(
            "UPDATE engagements SET title = 'Renamed behind the index' WHERE workspace_id = ? AND title = 'Ottawa'",
            (ws,),
        )
    upgrade(engine)  # env.py repairs search indexes after every migration run
    with sys_session() as s:
        assert len(listed(s, spec, "engagements", ws, "behind the index")) == 1
        values = stored(s, "engagements", ws)
        for needle in ("Ottawa", "Renamed behind", "the index"):
            assert listed(s, spec, "engagements", ws, needle) == expected(values, needle, unicode_case=True)
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "INSERT INTO fts_engagements (fts_engagements, rank) VALUES ('integrity-check', 1)"
        )
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"fts_engagements_ai", "fts_engagements_ad", "fts_engagements_au"} <= names


@pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL extension privileges")
def test_without_pg_trgm_the_migration_step_goes_on_and_search_scans(
    two_offices, sys_session, engine: Engine
):
    import uuid

    from citydip.core.textsearch import install

    index = SPECS["engagements"][0].search_index
    assert index is not None
    role = f"citydip_limited_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP EXTENSION pg_trgm CASCADE")  # this test's own database copy
        conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"SET LOCAL ROLE {role}")
            assert install(conn, [index]) is False  # no CREATE on the database: cannot add the extension
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1  # the transaction is still usable
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP ROLE {role}")
    spec = SPECS["engagements"][0]
    with sys_session() as s:
        ws = two_offices["la"]
        want = expected(stored(s, "engagements", ws), "ÉCOLE", unicode_case=True)
        assert len(want) >= 1 and listed(s, spec, "engagements", ws, "ÉCOLE") == want


def test_pages_api_and_exports_search_through_the_index(ana, office):
    for title in ("Visite École Normale", "Harbour tour", "Mission à Zürich"):
        r = ana.api(
            "POST",
            "/api/v1/workspaces/la/engagements",
            json={"kind": "meeting", "title": title, "starts_on": "2027-05-01"},
        )
        assert r.status_code == 201, r.text
    page = ana.get("/w/la/engagements?q=%C3%89COLE").text  # ÉCOLE
    assert "Visite École Normale" in page and "Harbour tour" not in page
    items = ana.api("GET", "/api/v1/workspaces/la/engagements?q=z%C3%BCrich").json()["items"]
    assert [i["title"] for i in items] == ["Mission à Zürich"]
    csv_text = ana.get("/w/la/register/export/engagements?format=csv&q=harbour").content.decode("utf-8-sig")
    assert "Harbour tour" in csv_text and "Zürich" not in csv_text and "École" not in csv_text
    refused = ana.api("GET", "/api/v1/workspaces/la/engagements?q=ab%00cd")
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "q"
