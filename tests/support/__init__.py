"""Shared test helpers: databases, clients, factories, shared-data paths."""
