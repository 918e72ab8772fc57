"""sdgindex runs: ranking eligibility, trend window, history file, ranked count

Existing runs keep max_missing NULL (they ranked every city with data) and get their ranked count from
the stored result.

Revision ID: 4b670317a4f3
Revises: 4fe36328f218
Create Date: 2026-12-07 23:17:32.980013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "4b670317a4f3"
down_revision: str | Sequence[str] | None = "4fe36328f218"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("sdgindex_network_runs", "sdgindex_runs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("history_name", sa.String(length=200), nullable=False, server_default="")
            )
            batch_op.add_column(sa.Column("history_csv", sa.Text(), nullable=False, server_default=""))
            batch_op.add_column(sa.Column("max_missing", sa.Float(), nullable=True))
            batch_op.add_column(sa.Column("trend_window", sa.Integer(), nullable=False, server_default="5"))
            batch_op.add_column(sa.Column("ranked_count", sa.Integer(), nullable=False, server_default="0"))
        _fill_ranked_count(table)


def _fill_ranked_count(table: str) -> None:
    """Ranked cities of each stored run, read from its result JSON (every city with data was ranked)."""
    runs = sa.table(
        table,
        sa.column("id", sa.Uuid()),
        sa.column("result", sa.JSON()),
        sa.column("ranked_count", sa.Integer()),
    )
    bind = op.get_bind()
    for run_id, result in bind.execute(sa.select(runs.c.id, runs.c.result)).all():
        cities = (result or {}).get("cities", []) if isinstance(result, dict) else []
        count = sum(1 for c in cities if isinstance(c, dict) and c.get("rank") is not None)
        bind.execute(sa.update(runs).where(runs.c.id == run_id).values(ranked_count=count))


def downgrade() -> None:
    for table in ("sdgindex_runs", "sdgindex_network_runs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("ranked_count", "trend_window", "max_missing", "history_csv", "history_name"):
                batch_op.drop_column(column)
