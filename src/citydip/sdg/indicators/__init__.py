"""Indicator data: the indicators a city tracks, their settings, metadata and local targets; staff pages and
the JSON API."""
