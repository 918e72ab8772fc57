"""API shapes for stored city SDG index runs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class IndexRunIn(BaseModel):
    """Compute and store an index from the text of the three CSV files."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200, description="A name for this run, e.g. 'Network cities 2026'")
    values_csv: str = Field(description="V.csv: city,indicator,value (long) or city,<indicator>,... (wide)")
    spec_csv: str = Field(description="S.csv: indicator,goal,direction,best,worst,green,red[,yellow,orange]")
    regions_csv: str | None = Field(default=None, description="R.csv: city,region (optional)")
    history_csv: str | None = Field(
        default=None, description="Values with a year column, for trends (optional; default: V.csv's years)"
    )
    goal_colour: str = Field(default="two-worst", description="Goal colour rule: two-worst or all-indicators")
    impute: str = Field(default="", description="'' (no imputation) or 'region'")
    max_missing: float = Field(
        default=20.0,
        description="Rank only cities missing at most this percent of their applicable indicators (0-100)",
    )
    trend_window: int = Field(default=5, description="Years between the two points a trend compares (2-30)")


class IndexRunSummary(BaseModel):
    """A stored run, without its cities."""

    id: uuid.UUID
    title: str
    source: str = Field(description="upload (files) or indicators (built from workspaces' indicator data)")
    goal_colour_rule: str
    impute: str
    city_count: int
    ranked_count: int = Field(description="Cities with a rank")
    indicator_count: int
    max_missing: float | None = Field(
        description="Percent of applicable indicators a ranked city may miss; null: no limit (older runs)"
    )
    trend_window: int = Field(description="Years between the two points a trend compares")
    created_by: str
    created_at: datetime


class GoalTrendOut(BaseModel):
    """A goal's trend: the mean of its indicators' trends on a 0-4 scale and the nearest arrow."""

    arrow: str = Field(description="decreasing, stagnating, moderately_improving, on_track or maintaining")
    score: float | None = Field(description="Mean indicator trend, 0 (decreasing) to 4 (maintaining)")
    indicators: int = Field(description="Indicators of the goal with a trend")
    of: int = Field(description="Indicators of the goal that apply and have colour thresholds")


class CityOut(BaseModel):
    """One city's scores (numbers or null, never NaN)."""

    city: str
    rank: int | None = Field(description="1 = best; null when the city is not ranked")
    index: float | None = Field(description="Mean of the goal scores, 0-100; null when not ranked")
    status: str = Field(description="ranked, not_ranked (too many indicators missing) or no_data")
    status_reason: str = Field(description="Why the city is not ranked ('' when ranked)")
    indicators_used: int = Field(description="Applicable scored indicators with a value")
    indicators_applicable: int | None = Field(description="Indicators that apply to the city and are scored")
    missing_percent: float | None = Field(description="Share of those without a value")
    region: str
    groups: list[str] = Field(description="The city's groups from the values file")
    goal_scores: dict[str, float | None]
    goal_colours: dict[str, str] = Field(
        description="green, yellow, orange, red, grey, or '' (no thresholds)"
    )
    goal_trends: dict[str, GoalTrendOut | None] = Field(
        description="Per goal; null when too few of its indicators have a trend (or the run has no years)"
    )
    imputed_goals: list[str]


class IndicatorDetailOut(BaseModel):
    """One city's value of one applicable indicator: normalised, on the 0-3 colour scale, colour, trend."""

    city: str
    goal: str
    indicator: str
    in_score: bool = Field(description="false: shown on the dashboard only")
    year: int | None
    value: float | None
    normalised: float | None = Field(description="0-100")
    rescaled: float | None = Field(description="0 (worst) to 3 (best); red 1, green 2")
    colour: str
    trend: str = Field(description="Trend arrow word, '' when none")
    trend_from_year: int | None
    trend_to_year: int | None
    observed_annual_change: float | None
    required_annual_change: float | None


class IndexRunOut(IndexRunSummary):
    """A stored run with its goals, indicators (with the bounds used) and cities."""

    goals: list[str]
    indicators: list[dict[str, Any]]
    cities: list[CityOut]


class PickIn(BaseModel):
    """One indicator of a network index built from the members' data."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=60, description="Open SDG indicator id, e.g. 1-2-1")
    direction: str = Field(
        default="",
        description="higher or lower (is better); blank = from the indicator's progress settings in the members' data",
    )
    best: str = Field(default="", description="Best bound; blank = mean of the five best cities")
    worst: str = Field(default="", description="Worst bound; blank = 2.5th percentile of the cities")
    green: str = Field(default="", description="Green threshold (optional, with red)")
    red: str = Field(default="", description="Red threshold (optional, with green)")


class NetworkBuildIn(BaseModel):
    """Build a network's index from the indicator data its members share with the network."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    indicators: list[PickIn] = Field(description="The indicators to use, with direction and bounds")
    year: int | None = Field(default=None, description="Use values of this year; null = each city's latest")
    goal_colour: str = Field(default="two-worst", description="two-worst or all-indicators")
    impute: str = Field(default="", description="'' or 'region' (region = the member's country)")
    max_missing: float = Field(
        default=20.0, description="Rank only cities missing at most this percent of the chosen indicators"
    )
    trend_window: int = Field(default=5, description="Years between the two points a trend compares (2-30)")
