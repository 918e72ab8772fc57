"""Read-only reference data shared by all workspaces: countries, cities, the SDG framework."""
