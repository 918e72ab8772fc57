"""register: free-text search indexes

Trigram indexes for the register lists' free-text search (``q``), see citydip.core.textsearch: on SQLite an
FTS5 ``trigram`` table per list over the searched columns (external content, kept in step by triggers, filled
from the existing rows here); on PostgreSQL ``pg_trgm`` and GIN trigram indexes that ``ILIKE`` uses (skipped
with a warning when the extension cannot be installed; search then scans as before). The column lists are
written out here so this revision keeps meaning what it meant when it was written.

Revision ID: 4fe36328f218
Revises: 787a81164c1d
Create Date: 2026-11-27 23:42:40.070635
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from citydip.core.textsearch import SearchIndex, install, uninstall

revision: str = "4fe36328f218"
down_revision: str | Sequence[str] | None = "787a81164c1d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    SearchIndex("partners", ("name", "notes", "head_of_post")),
    SearchIndex("people", ("name", "title", "email", "notes")),
    SearchIndex("agreements", ("title", "parties_label", "description")),
    SearchIndex("engagements", ("title", "partners_label", "place")),
    SearchIndex("followups", ("task", "notes")),
)


def upgrade() -> None:
    install(op.get_bind(), INDEXES)


def downgrade() -> None:
    uninstall(op.get_bind(), INDEXES)
