"""The SDG data commands (the ``cli`` room): ``citydip sdg check|import-opensdg|export-opensdg|export-inputs|
export-sdmx``, gathered from the parts that own them."""

from __future__ import annotations

import typer

from citydip.core.cli import group
from citydip.sdg.io import cli as io_cli

GROUP_HELP = "SDG data: framework, Open SDG import/export, checks, progress."


def register(app: typer.Typer) -> None:
    """Add the SDG data commands to the shared ``sdg`` group."""
    io_cli.register(group("sdg", GROUP_HELP))
