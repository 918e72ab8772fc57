"""practice search: narrow tsvector table on PostgreSQL

The keyword search reads every matching document's tsvector; kept in the wide document table (body text,
vector) and TOASTed, that cost about three times more than in a narrow table whose tsvectors stay inline
(STORAGE MAIN). SQLite is unchanged (FTS5 keeps its own tables).

Revision ID: fc50fff40782
Revises: a2b8333dc5c3
Create Date: 2026-11-27 22:24:05.343076
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "fc50fff40782"
down_revision: str | Sequence[str] | None = "a2b8333dc5c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE IF NOT EXISTS practice_search_terms (id BIGINT PRIMARY KEY, tsv TSVECTOR NOT NULL)"
    )
    op.execute("ALTER TABLE practice_search_terms ALTER COLUMN tsv SET STORAGE MAIN")
    op.execute(
        "INSERT INTO practice_search_terms (id, tsv) SELECT id, tsv FROM practice_search_docs "
        "ON CONFLICT (id) DO NOTHING"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS practice_search_terms_tsv ON practice_search_terms USING gin (tsv)"
    )
    op.execute("DROP INDEX IF EXISTS practice_search_docs_tsv")
    op.execute("ALTER TABLE practice_search_docs DROP COLUMN IF EXISTS tsv")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE practice_search_docs ADD COLUMN IF NOT EXISTS tsv TSVECTOR")
    op.execute("UPDATE practice_search_docs d SET tsv = t.tsv FROM practice_search_terms t WHERE t.id = d.id")
    op.execute("UPDATE practice_search_docs SET tsv = ''::tsvector WHERE tsv IS NULL")
    op.execute("ALTER TABLE practice_search_docs ALTER COLUMN tsv SET NOT NULL")
    op.execute("CREATE INDEX IF NOT EXISTS practice_search_docs_tsv ON practice_search_docs USING gin (tsv)")
    op.execute("DROP TABLE IF EXISTS practice_search_terms")
