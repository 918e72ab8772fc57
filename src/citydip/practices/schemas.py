"""Request and response shapes of practices; ``PracticeIn`` is also what forms and imports validate against."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from citydip.core.tenancy import Visibility
from citydip.practices.vocab import CITY_SIZES, norm_tag

MAX_TEXT = 50_000
MAX_TAGS = 30


class OutcomeFigure(BaseModel):
    """One measured outcome, e.g. 25 km of cycle lanes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: str = Field(min_length=1, max_length=200, description="What was measured")
    value: float = Field(allow_inf_nan=False, description="The number")
    unit: str = Field(default="", max_length=40, description="Unit, e.g. km, %, tonnes CO2e")


class Contact(BaseModel):
    """Someone to ask about the practice (a person of the register can be linked later)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(default="", max_length=200, description="Full name")
    email: str = Field(default="", max_length=254, description="Email address")
    role: str = Field(default="", max_length=200, description="Role or job title")
    organisation: str = Field(default="", max_length=200, description="Organisation")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and ("@" not in value or " " in value):
            raise ValueError("not an email address")
        return value

    @model_validator(mode="after")
    def _something(self) -> Contact:
        if not (self.name or self.email):
            raise ValueError("a contact needs a name or an email")
        return self


class Link(BaseModel):
    """A web page about the practice."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(max_length=2000, description="http(s) address")
    label: str = Field(default="", max_length=200, description="Link text")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")) or " " in value:
            raise ValueError("must be an http:// or https:// address")
        return value


def _text(description: str) -> Any:
    return Field(default="", max_length=MAX_TEXT, description=description)


class PracticeIn(BaseModel):
    """A practice as entered in a form, sent to the API or read from an import file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=300, description="Short name of the practice")
    external_id: str | None = Field(
        default=None, max_length=200, description="Id in the source system; unique per workspace"
    )
    city: str = Field(default="", max_length=200, description='City, e.g. "Bologna" or "Bologna, IT"')
    city_id: int | None = Field(default=None, description="GeoNames id of the city, when known")
    country: str | None = Field(default=None, max_length=60, description="ISO 3166-1 code or country name")
    city_size: str = Field(
        default="", description="small, medium, large or metropolitan (else from the city)"
    )
    summary: str = _text("What the practice is, in a few sentences")
    problem: str = _text("The problem it addresses")
    solution: str = _text("What was done")
    approach: str = _text("How it was done")
    participation: str = _text("Who took part and how")
    outcomes: str = _text("What came of it (give numbers where known)")
    outcome_figures: list[OutcomeFigure] = Field(
        default_factory=list, max_length=50, description="Measured outcomes"
    )
    cost: str = _text("What it cost and who paid")
    budget: float | None = Field(default=None, ge=0, allow_inf_nan=False, description="Budget amount")
    budget_currency: str = Field(default="", pattern=r"^([A-Z]{3})?$", description="ISO 4217 code, e.g. EUR")
    transferability: str = _text("What another city needs to do the same")
    start_year: int | None = Field(default=None, ge=1800, le=2100, description="First year")
    end_year: int | None = Field(default=None, ge=1800, le=2100, description="Last year (empty if ongoing)")
    sdgs: list[int] = Field(default_factory=list, max_length=17, description="Goals 1-17")
    challenges: list[str] = Field(
        default_factory=list, max_length=MAX_TAGS, description="Challenges and hazards, e.g. heatwaves"
    )
    sectors: list[str] = Field(
        default_factory=list, max_length=MAX_TAGS, description="Sectors, e.g. mobility"
    )
    contacts: list[Contact] = Field(default_factory=list, max_length=20, description="People to ask")
    person_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="People of the workspace's register to ask"
    )
    links: list[Link] = Field(default_factory=list, max_length=30, description="Web pages")
    language: str = Field(
        default="", pattern=r"^([a-z]{2,3})?$", description="ISO 639-1 code of the text (guessed when empty)"
    )
    visibility: Visibility = Field(default=Visibility.private, description="private, network or public")
    source: str = Field(default="", max_length=200, description="Who entered it or which import")
    source_ref: str = Field(
        default="",
        max_length=2000,
        description="Where in the source it comes from (a URL or a document reference)",
    )

    @field_validator("sdgs")
    @classmethod
    def _goals(cls, value: list[int]) -> list[int]:
        bad = [g for g in value if not 1 <= g <= 17]
        if bad:
            raise ValueError(f"goals are numbered 1 to 17, not {', '.join(str(b) for b in bad)}")
        return sorted(set(value))

    @field_validator("challenges", "sectors")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for raw in value:
            tag = norm_tag(raw)
            if len(tag) > 80:
                raise ValueError(f"'{tag[:20]}…' is longer than 80 characters")
            if tag and tag not in out:
                out.append(tag)
        return out

    @field_validator("city_size")
    @classmethod
    def _size(cls, value: str) -> str:
        value = value.lower()
        if value and value not in {name for name, _l, _h in CITY_SIZES}:
            raise ValueError("use small, medium, large or metropolitan")
        return value

    @field_validator("external_id")
    @classmethod
    def _ext(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("end_year")
    @classmethod
    def _years(cls, value: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("start_year")
        if value is not None and start is not None and value < start:
            raise ValueError(f"the last year ({value}) is before the first year ({start})")
        return value


class PracticeOut(BaseModel):
    """A practice as the API shows it."""

    id: uuid.UUID
    workspace: str = Field(description="Slug of the workspace that owns the practice")
    external_id: str | None
    title: str
    city: str
    city_id: int | None = Field(description="GeoNames id of the reference city, when linked")
    country: str | None
    city_size: str
    summary: str
    problem: str
    solution: str
    approach: str
    participation: str
    outcomes: str
    outcome_figures: list[OutcomeFigure]
    cost: str
    budget: float | None
    budget_currency: str
    transferability: str
    start_year: int | None
    end_year: int | None
    sdgs: list[int]
    challenges: list[str]
    sectors: list[str]
    contacts: list[Contact]
    person_ids: list[uuid.UUID] = Field(description="Linked people of the register (owner workspace only)")
    links: list[Link]
    language: str
    visibility: str
    source: str
    source_ref: str
    is_sample: bool
    created_at: datetime
    updated_at: datetime


class PracticeHitOut(BaseModel):
    """One search result."""

    id: uuid.UUID
    external_id: str | None
    title: str
    city: str
    country: str | None
    workspace: str = Field(description="Slug of the owning workspace")
    visibility: str
    score: float = Field(description="Fused rank score (higher is better; comparable within one search)")
    snippet: str = Field(description="Best matching sentence, plain text")
    snippet_html: str = Field(description="The same sentence as escaped HTML with <mark> around query words")
    keyword_rank: int | None = Field(
        description="Rank in the list of the query's own words (None: not in it)"
    )
    dense_rank: int | None = Field(description="Rank in the meaning list (None: found by keywords only)")
    matched_words: bool = Field(
        description="The query's words, or their translations in the concept dictionary, "
        "occur in the record; false: found by closeness in meaning alone"
    )


class SearchOut(BaseModel):
    """The answer of a practice search."""

    query: str
    hits: list[PracticeHitOut]
    total: int | None = Field(
        default=None,
        description="Browsing (no query, some filter): how many practices match in all; None for a query",
    )
    page: int = Field(default=1, description="Page of the browsing list (page size = limit)")


class SuggestIn(BaseModel):
    """Text of a practice to suggest goals for."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=300)
    text: str = Field(default="", max_length=MAX_TEXT, description="Summary, problem, solution...")


class SdgSuggestionOut(BaseModel):
    """One suggested goal."""

    goal: int = Field(description="Goal number 1-17")
    label: str = Field(description="Short label of the goal")
    confidence: float = Field(description="Model probability, 0-1")


class AttachmentOut(BaseModel):
    """A file attached to a practice (download it from `download_url`)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Attachment id")
    practice_id: uuid.UUID = Field(description="The practice it belongs to")
    filename: str = Field(description="Original file name (without any path)")
    content_type: str = Field(description="Type detected from the file's content")
    size: int = Field(description="Bytes")
    sha256: str = Field(description="SHA-256 of the content")
    uploaded_by: str = Field(description="Who uploaded it")
    uploaded_at: datetime = Field(description="When")
    download_url: str = Field(default="", description="API address that downloads the file")
