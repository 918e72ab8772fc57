"""The ``citydip`` command: core commands plus every domain's ``cli.register(app)``."""

from __future__ import annotations

import logging

from citydip.core.cli import app
from citydip.domains import rooms

_registered = False


def build() -> None:
    """Register every domain's commands once."""
    global _registered
    if _registered:
        return
    for _package, module in rooms("cli"):
        module.register(app)
    _registered = True


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    build()
    app()
