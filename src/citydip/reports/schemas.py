"""API shapes for reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class VlrIn(BaseModel):
    """Write a VLR draft."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(description="The year the review reports on (2015-2100)")


class TextsIn(BaseModel):
    """Text blocks by key: foreword, approach, governance, engagement, international, next_steps."""

    model_config = ConfigDict(extra="forbid")

    texts: dict[str, str] = Field(description="Block key -> text (paragraphs separated by blank lines)")


class VlrDraftOut(BaseModel):
    """A stored VLR draft and where to download it."""

    id: uuid.UUID
    year: int
    title: str
    pages: int
    seconds: float = Field(description="Time taken to write it")
    summary: dict[str, Any] = Field(description="Indicators, charts, pages... of this draft")
    created_by: str
    created_at: datetime
    html_url: str
    pdf_url: str
