"""API shapes for SDG progress (numbers or null, never NaN)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SeriesProgressOut(BaseModel):
    """Progress of one series."""

    series: str = Field(description="Series / unit / disaggregation selected, or 'headline'")
    method: str = Field(description="opensdg or unsd")
    status: str
    score: float | None = Field(description="-5 … 5 (Open SDG method only)")
    progress_value: float | None = Field(description="R (with a target) or the growth rate v (without)")
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    target: float | None
    target_year: int | None
    direction: str
    note: str | None = Field(description="Why the series is not_available, if it is")


class IndicatorProgressOut(BaseModel):
    """Progress of one indicator."""

    indicator: str = Field(description="Open SDG id, e.g. 1-2-1")
    goal: int | None
    status: str
    score: float | None
    options: str = Field(
        description="auto (configured), manual (progress_status) or default (not configured)"
    )
    error: str | None = Field(description="Why the options could not be used, naming the field")
    series: list[SeriesProgressOut]


class ProgressSettingsIn(BaseModel):
    """Open SDG progress keys of an indicator-config."""

    model_config = ConfigDict(extra="forbid")

    auto_progress_calculation: bool = Field(default=True)
    progress_calculation_options: list[dict[str, Any]] | None = Field(
        default=None,
        description="Items with series, unit, disaggregation [{field, value}], direction, base_year, target, "
        "target_year, limit, method (opensdg|unsd), or {group: [...]}",
    )
    progress_status: str | None = Field(default=None, description="Manual status when calculation is off")
