"""Import and export between the tables and Open SDG files (``citydip.sdg.opensdg`` is the file layer): the
repository importer, the per-indicator upload, the exports, and their commands."""
