"""The progress method library: Open SDG (Statistics Canada) and UNSD progress towards 2030 targets.

Plain functions without a database: ``types`` (options and results), ``calculation`` (the two methods),
``options`` (Open SDG's indicator-config keys), ``observations`` (picking a series out of data rows) and
``table`` (one series per CSV row, behind ``citydip sdg progress-calc``). See docs/methods.md.
"""
