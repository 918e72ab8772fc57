"""practice search: word counts kept at index time on PostgreSQL

The keyword side weighs each query word by how rare it is. It used to count the documents holding each word
through the GIN index at query time (100-120 ms for a common word at 100,000 practices); the counts now live in
``practice_search_df`` and every index write adds or removes its document's words in the same transaction. This
revision creates the table and counts the words of an existing index once (``ts_stat``). SQLite is unchanged
(FTS5 keeps its own counts, read through ``fts5vocab``).

Revision ID: b7d41c9e2f05
Revises: 133304c2a634
Create Date: 2026-12-07 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "b7d41c9e2f05"
down_revision: str | Sequence[str] | None = "133304c2a634"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE IF NOT EXISTS practice_search_df (term TEXT PRIMARY KEY, ndoc INTEGER NOT NULL)")
    op.execute(
        "CREATE INDEX IF NOT EXISTS practice_search_df_prefix ON practice_search_df (term text_pattern_ops)"
    )
    op.execute(
        "INSERT INTO practice_search_df (term, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM "
        "practice_search_terms') ON CONFLICT (term) DO UPDATE SET ndoc = EXCLUDED.ndoc"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS practice_search_df")
