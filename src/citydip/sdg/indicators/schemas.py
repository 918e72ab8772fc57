"""Request and response models of the SDG indicators API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class IndicatorOut(BaseModel):
    """An indicator in lists."""

    model_config = ConfigDict(from_attributes=True)

    code: str = Field(description="Open SDG id, e.g. 1-2-1 (used in URLs)")
    number: str = Field(description="Dotted number, e.g. 1.2.1 (local indicators keep their id)")
    kind: str = Field(description="global (in the UN framework) or local")
    global_code: str | None = Field(description="UN framework indicator this one reports, if any")
    goal: int | None = Field(description="SDG number 1-17 (None for local indicators)")
    target_code: str = Field(description="Target, e.g. 1.2")
    name: str = Field(description="Indicator name in the repository's own language")
    reporting_status: str = Field(description="complete, inprogress, notstarted or notapplicable")
    visibility: str = Field(description="private, network or public")
    department: str = Field(description="Owning department")
    placeholder: str | None = Field(
        description="Set when the data is the starter template's placeholder file"
    )
    observation_count: int = Field(description="Number of data rows")
    data_updated_at: dt.datetime | None = Field(description="When the data last changed")
    updated_at: dt.datetime = Field(description="When the indicator last changed")


class IndicatorDetail(IndicatorOut):
    """One indicator with its metadata, catalogues and local targets."""

    data_columns: list[str] | None = Field(description="Data file columns in order (Year first, Value last)")
    config: dict[str, Any] = Field(description="Indicator configuration (progress options ...)")
    metadata: dict[str, dict[str, Any]] = Field(
        description='Metadata fields by language ("" holds the repository\'s own fields)'
    )
    series: list[str] = Field(description="Series in the data")
    units: list[str] = Field(description="Units of measure in the data")
    dimensions: dict[str, list[str]] = Field(description="Disaggregation dimensions and their values")
    local_targets: list[LocalTargetOut] = Field(description="The city's own targets")


class IndicatorIn(BaseModel):
    """A new indicator."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=60, description="1-2-1 style id, or any local id")
    name: str = Field(min_length=1, max_length=2000, description="Indicator name")
    department: str = Field(default="", max_length=200, description="Owning department")
    visibility: str = Field(default="private", description="private, network or public")


class IndicatorPatch(BaseModel):
    """Changes to an indicator (fields left out stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=2000, description="Indicator name")
    department: str | None = Field(default=None, max_length=200, description="Owning department")
    reporting_status: str | None = Field(
        default=None, description="complete, inprogress, notstarted, notapplicable"
    )
    visibility: str | None = Field(default=None, description="private, network or public")


class MetadataIn(BaseModel):
    """An indicator's metadata in one language (replaces the fields of that language)."""

    model_config = ConfigDict(extra="forbid")

    language: str = Field(default="", max_length=16, description='Language code; "" for the base fields')
    fields: dict[str, Any] = Field(description="Open SDG / SDMX metadata fields")


class LocalTargetOut(BaseModel):
    """A city's own target."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Target id")
    target_code: str = Field(description="SDG target it localizes")
    language: str = Field(description='Language of the text ("" for the base language)')
    text: str = Field(description="Reworded target")
    value: float | None = Field(description="Value to reach")
    year: int | None = Field(description="Year to reach it by")
    series: str | None = Field(description="Series the value applies to")
    unit: str | None = Field(description="Unit the value applies to")
    source: str = Field(description="metadata, config or staff")


IndicatorDetail.model_rebuild()
