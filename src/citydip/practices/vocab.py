"""Suggested values for practice fields (free text is allowed; these feed pick-lists) and city size classes."""

from __future__ import annotations

from citydip.core.i18n import _

SECTORS: tuple[str, ...] = (
    "mobility",
    "energy",
    "buildings",
    "water",
    "waste",
    "nature",
    "food",
    "health",
    "housing",
    "economy",
    "culture",
    "education",
    "digital",
    "governance",
    "social inclusion",
    "safety",
    "tourism",
    "urban regeneration",
)

CHALLENGES: tuple[str, ...] = (
    "heatwaves",
    "flooding",
    "drought",
    "sea level rise",
    "storms",
    "wildfires",
    "air pollution",
    "greenhouse gas emissions",
    "energy poverty",
    "housing affordability",
    "unemployment",
    "ageing population",
    "migration",
    "inequality",
    "congestion",
    "biodiversity loss",
    "waste",
    "public health",
)

LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("ar", "Arabic"),
    ("zh", "Chinese"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ru", "Russian"),
    ("tr", "Turkish"),
)

# Population classes after the OECD/EC degree-of-urbanisation sizes of urban areas.
CITY_SIZES: tuple[tuple[str, int, int | None], ...] = (
    ("small", 0, 200_000),
    ("medium", 200_000, 500_000),
    ("large", 500_000, 1_500_000),
    ("metropolitan", 1_500_000, None),
)


def city_size_for(population: int | None) -> str:
    """The size class of a city of this population ("" when unknown)."""
    if not population or population <= 0:
        return ""
    for name, low, high in CITY_SIZES:
        if population >= low and (high is None or population < high):
            return name
    return ""


def city_size_choices() -> list[tuple[str, str]]:
    """(value, label) pairs for the city size filter."""
    labels = {
        "small": _("Small (under 200,000)"),
        "medium": _("Medium (200,000 to 500,000)"),
        "large": _("Large (500,000 to 1.5 million)"),
        "metropolitan": _("Metropolitan (1.5 million or more)"),
    }
    return [(name, labels[name]) for name, _low, _high in CITY_SIZES]


def language_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for language pick-lists."""
    return [(code, _(label)) for code, label in LANGUAGES]


def norm_tag(value: str) -> str:
    """A sector or challenge as stored: trimmed, single spaces, lower case."""
    return " ".join(value.split()).lower()
