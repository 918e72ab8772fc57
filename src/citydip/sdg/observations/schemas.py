"""Request and response models of the SDG observations API."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ObservationIn(BaseModel):
    """One data row as entered."""

    model_config = ConfigDict(extra="forbid")

    year: str = Field(min_length=1, max_length=64, description="Year or period label, e.g. 2021 or 2015-16")
    value: float | str | None = Field(default=None, description="The number; empty for a row without a value")
    series: str | None = Field(default=None, max_length=500, description="Series")
    unit: str | None = Field(default=None, max_length=500, description="Unit of measure")
    geocode: str | None = Field(default=None, max_length=64, description="GeoCode (area code)")
    observation_status: str | None = Field(default=None, max_length=64, description="Observation status")
    footnote: str | None = Field(default=None, max_length=500, description="Footnote (COMMENT_OBS)")
    disaggregation: dict[str, str] = Field(
        default_factory=dict, description="Breakdown -> value; empty: headline"
    )


class ObservationOut(BaseModel):
    """One data row."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Observation id")
    seq: int = Field(description="Position in the data file")
    year: str = Field(description="Year or period label as written")
    year_num: int | None = Field(description="First year of the label, for sorting")
    value: float | None = Field(description="The number (None for an empty cell)")
    value_text: str = Field(description="The cell as written")
    series: str | None = Field(description="Series")
    unit: str | None = Field(description="Unit of measure")
    geocode: str | None = Field(description="GeoCode")
    observation_status: str | None = Field(description="Observation status")
    footnote: str | None = Field(description="Footnote (COMMENT_OBS)")
    is_headline: bool = Field(description="True when every disaggregation is blank")
    disaggregation: dict[str, Any] = Field(description="Breakdown -> value")
    attributes: dict[str, Any] = Field(description="Every other cell of the row by column name")


class ObservationPage(BaseModel):
    """A page of observations."""

    total: int = Field(description="Observations of the indicator")
    offset: int = Field(description="Rows skipped")
    items: list[ObservationOut] = Field(description="Observations in file order")
