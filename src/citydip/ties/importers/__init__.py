"""File formats of public ties and network memberships (each registers itself in ``registry``)."""

from citydip.ties.importers import etmun, wikidata, wikipedia
from citydip.ties.importers.registry import FORMATS, get, names

__all__ = ["FORMATS", "etmun", "get", "names", "wikidata", "wikipedia"]
