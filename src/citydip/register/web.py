"""Page helpers of the register's views (the generic ones, forms and redirects, are in ``core.pages``)."""

from __future__ import annotations

from citydip.core.i18n import _
from citydip.register.vocab import Choices


def translated(choices: Choices) -> list[tuple[str, str]]:
    """A vocabulary with translated labels."""
    return [(code, _(text)) for code, text in choices]
