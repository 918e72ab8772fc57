"""Commands under ``citydip sdg`` (progress now; Open SDG import, check and export join here)."""

from __future__ import annotations

import typer

from citydip.core.cli import group
from citydip.sdg.progress_cli import progress_calc


def register(app: typer.Typer) -> None:
    """Add the SDG commands to the shared ``sdg`` group."""
    sdg = group("sdg", "SDG data: framework, Open SDG import/export, checks, progress.")
    sdg.command("progress-calc")(progress_calc)
