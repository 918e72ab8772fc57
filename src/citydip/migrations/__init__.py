"""Alembic migrations (run through ``citydip init``)."""
