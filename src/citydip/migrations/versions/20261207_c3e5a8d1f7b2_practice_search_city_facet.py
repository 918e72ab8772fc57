"""practice search: a city facet for filtering and browsing by city

New index entries carry their city as a facet (``practice_search_facets``, facet ``city``); this revision adds
it to the entries of existing practices (city name trimmed and lower-cased, as the engine writes it), on SQLite
and PostgreSQL alike.

Revision ID: c3e5a8d1f7b2
Revises: b7d41c9e2f05
Create Date: 2026-12-08 00:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3e5a8d1f7b2"
down_revision: str | Sequence[str] | None = "b7d41c9e2f05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT search_key, city_name FROM practices WHERE city_name <> ''")).all()
    values = [
        {"v": str(city).strip().lower(), "d": int(key)} for key, city in rows if str(city or "").strip()
    ]
    if not values:
        return
    bind.execute(
        sa.text(
            "INSERT INTO practice_search_facets (facet, value, doc_id) VALUES ('city', :v, :d) "
            "ON CONFLICT DO NOTHING"
        ),
        values,
    )


def downgrade() -> None:
    op.execute("DELETE FROM practice_search_facets WHERE facet = 'city'")
