"""reference places: population class, region name, load fingerprints

Revision ID: 133304c2a634
Revises: 4b670317a4f3
Create Date: 2026-12-07 23:12:51.002121
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import citydip.core.database


revision: str = "133304c2a634"
down_revision: str | Sequence[str] | None = "4b670317a4f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ref_loads",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("loaded_at", citydip.core.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ref_loads")),
    )
    with op.batch_alter_table("ref_cities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("admin1_name", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("population_class", sa.Integer(), server_default="15000", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("ref_cities", schema=None) as batch_op:
        batch_op.drop_column("population_class")
        batch_op.drop_column("admin1_name")

    op.drop_table("ref_loads")
