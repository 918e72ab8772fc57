"""Alembic environment: the URL comes from the Alembic config or from CityDip's settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from citydip.core import textsearch
from citydip.core.config import get_settings
from citydip.core.database import Base, is_sqlite, make_engine
from citydip.domains import load_models

load_models()
target_metadata = Base.metadata
config = context.config
# Tables and indexes written by something other than the ORM (the practice search index: FTS5 or tsvector
# tables created by the practices migration; the lists' trigram search indexes of core.textsearch, FTS5 tables
# with their shadow tables on SQLite and GIN indexes on PostgreSQL); autogenerate must neither drop nor compare
# them.
UNMANAGED_TABLE_PREFIXES = ("practice_search_", textsearch.FTS_PREFIX)
UNMANAGED_INDEX_PREFIXES = (textsearch.TRGM_PREFIX,)


def _include_name(name: str | None, type_: str, _parents: object) -> bool:
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(UNMANAGED_TABLE_PREFIXES)
    if type_ == "index":
        return not name.startswith(UNMANAGED_INDEX_PREFIXES)
    return True


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    return url or get_settings().resolved_database_url()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite(_url()),
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
        # A revision that recreated a table on SQLite (batch mode) dropped its search triggers: put them back.
        textsearch.repair(connection)


def run_migrations_online() -> None:
    """Run migrations on a live connection (shared with the caller when one is given)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url(), pool=False)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=is_sqlite(_url())
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
