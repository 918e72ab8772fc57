"""Practice search: keywords and meaning together, across languages (see docs/search.md)."""

from citydip.practices.search.base import IndexState, SqlSearchEngine
from citydip.practices.search.embedding import StaticEmbedder, default_embedder, load_embedder
from citydip.practices.search.pg_engine import PostgresSearchEngine
from citydip.practices.search.sqlite_engine import SqliteSearchEngine
from citydip.practices.search.text import detect_language
from citydip.practices.search.types import (
    AccessRule,
    PracticeDocument,
    SearchEngine,
    SearchFilters,
    SearchHit,
)

__all__ = [
    "AccessRule",
    "IndexState",
    "PostgresSearchEngine",
    "PracticeDocument",
    "SearchEngine",
    "SearchFilters",
    "SearchHit",
    "SqlSearchEngine",
    "SqliteSearchEngine",
    "StaticEmbedder",
    "default_embedder",
    "detect_language",
    "load_embedder",
]
