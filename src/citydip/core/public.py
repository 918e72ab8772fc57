"""What a domain contributes to a workspace's public front page (``/public/{ws}/``).

A domain's ``public.py`` room has ``sections(db, workspace) -> list[Section]``; the front page renders each
section's template with its context. Anonymous visitors run under an anonymous scope, so only rows marked
public can be read while building a section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    """One section of a workspace's public front page."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
