"""The web shell: application factory, base layout, error pages, static files."""
