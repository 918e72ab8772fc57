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
    goal_colour: str = Field(default="two-worst", description="Goal colour rule: two-worst or all-indicators")
    impute: str = Field(default="", description="'' (no imputation) or 'region'")


class IndexRunSummary(BaseModel):
    """A stored run, without its cities."""

    id: uuid.UUID
    title: str
    source: str = Field(description="upload (files) or indicators (built from workspaces' indicator data)")
    goal_colour_rule: str
    impute: str
    city_count: int
    indicator_count: int
    created_by: str
    created_at: datetime


class CityOut(BaseModel):
    """One city's scores (numbers or null, never NaN)."""

    city: str
    rank: int | None = Field(description="1 = best; null when the city has no data")
    index: float | None = Field(description="Mean of the goal scores, 0-100")
    status: str = Field(description="ranked or no_data")
    indicators_used: int
    region: str
    goal_scores: dict[str, float | None]
    goal_colours: dict[str, str] = Field(
        description="green, yellow, orange, red, grey, or '' (no thresholds)"
    )
    imputed_goals: list[str]


class IndexRunOut(IndexRunSummary):
    """A stored run with its goals, indicators (with the bounds used) and cities."""

    goals: list[str]
    indicators: list[dict[str, Any]]
    cities: list[CityOut]


class PickIn(BaseModel):
    """One indicator of a network index built from the members' data."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=60, description="Open SDG indicator id, e.g. 1-2-1")
    direction: str = Field(default="higher", description="higher or lower (is better)")
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
