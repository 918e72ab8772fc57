"""How the SDG pages, staff and public alike, show statuses, numbers and languages."""

from __future__ import annotations

import math

from citydip.sdg.indicators.models import SdgSite

#: Reporting statuses in words (English; pages translate them).
STATUS_LABELS = {
    "complete": "Reported online",
    "inprogress": "Statistics in progress",
    "notstarted": "Exploring data sources",
    "notapplicable": "Not applicable",
}


def fmt_value(value: float | None, decimals: int = 3) -> str:
    """A value for tables: up to ``decimals`` places, thousands separators, never NaN (en dash)."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def languages_of(site: SdgSite | None) -> list[str]:
    """The languages a workspace's SDG site is published in (English when nothing was imported)."""
    langs = [str(x) for x in (site.languages if site else []) if isinstance(x, str) and x]
    return langs or ["en"]
