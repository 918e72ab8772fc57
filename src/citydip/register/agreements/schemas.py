"""API shapes for agreements and their documents."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from citydip.core.listing import PageOut
from citydip.core.types import not_null
from citydip.register.vocab import (
    AGREEMENT_KINDS,
    AGREEMENT_STATUSES,
    COOPERATION_FIELDS,
    VISIBILITIES,
    codes,
)

_KINDS = ", ".join(codes(AGREEMENT_KINDS))
_STATUSES = ", ".join(codes(AGREEMENT_STATUSES))
_FIELDS = ", ".join(codes(COOPERATION_FIELDS))


class Signatory(BaseModel):
    """Someone who signed an agreement."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Full name")
    title: str = Field("", max_length=200, description="Title at signature, e.g. Mayor")
    on_behalf_of: str = Field("", max_length=200, description="The party they signed for")


def _check_fields(values: list[str]) -> list[str]:
    bad = [v for v in values if v not in codes(COOPERATION_FIELDS)]
    if bad:
        raise ValueError(f"'{bad[0]}' is not one of: {_FIELDS}")
    return list(dict.fromkeys(values))


def _check_visibility(value: str) -> str:
    if value not in codes(VISIBILITIES):
        raise ValueError("use private, network or public")
    return value


class AgreementIn(BaseModel):
    """A new agreement (also what adopting a public sister-city pair sends)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    kind: str = Field(description=f"One of {_KINDS}")
    title: str = Field(
        min_length=1, max_length=300, description="Title, e.g. 'Los Angeles - Guangzhou sister cities'"
    )
    status: str = Field("proposed", description=f"One of {_STATUSES}")
    party_ids: list[uuid.UUID] = Field(default_factory=list, description="Partner ids of the parties")
    signatories: list[Signatory] = Field(default_factory=list, description="Who signed")
    signed_on: date | None = Field(None, description="Date of signature")
    starts_on: date | None = Field(None, description="Start of validity")
    ends_on: date | None = Field(None, description="End of validity, if it ends")
    renews_on: date | None = Field(None, description="Next renewal or review date")
    fields: list[str] = Field(default_factory=list, description=f"Fields of cooperation: {_FIELDS}")
    sdgs: list[int] = Field(default_factory=list, description="Linked SDG numbers (1-17)")
    challenges: list[str] = Field(default_factory=list, description="Codes from the shared challenge list")
    description: str = Field("", max_length=20000, description="What the agreement covers")
    notes: str = Field("", max_length=20000, description="Internal notes")
    country: str | None = Field(
        None, max_length=80, description="Counterpart country; default: first party's"
    )
    external_id: str | None = Field(None, max_length=100, description="Your own id; imports match on it")
    visibility: str = Field("private", description="private, network or public")

    _fields = field_validator("fields")(_check_fields)
    _visibility = field_validator("visibility")(_check_visibility)


class AgreementPatch(BaseModel):
    """Changes to an agreement; only the fields sent are changed (lists are replaced)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    kind: str | None = Field(None, description=f"One of {_KINDS}")
    title: str | None = Field(None, min_length=1, max_length=300, description="Title")
    status: str | None = Field(None, description=f"One of {_STATUSES}")
    party_ids: list[uuid.UUID] | None = Field(None, description="Partner ids of the parties")
    signatories: list[Signatory] | None = Field(None, description="Who signed")
    signed_on: date | None = Field(None, description="Date of signature")
    starts_on: date | None = Field(None, description="Start of validity")
    ends_on: date | None = Field(None, description="End of validity")
    renews_on: date | None = Field(None, description="Next renewal or review date")
    fields: list[str] | None = Field(None, description="Fields of cooperation")
    sdgs: list[int] | None = Field(None, description="Linked SDG numbers")
    challenges: list[str] | None = Field(None, description="Challenge codes")
    description: str | None = Field(None, max_length=20000, description="What it covers")
    notes: str | None = Field(None, max_length=20000, description="Internal notes")
    country: str | None = Field(None, max_length=80, description="Counterpart country")
    external_id: str | None = Field(None, max_length=100, description="Your own id")
    visibility: str | None = Field(None, description="private, network or public")

    @field_validator("fields")
    @classmethod
    def _f(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_fields(value)

    _no_nulls = not_null("kind", "title")


class DocumentOut(BaseModel):
    """An attached document (download it from `download_url`)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Document id")
    filename: str = Field(description="Original file name")
    content_type: str = Field(description="Type detected from the file's content")
    size: int = Field(description="Bytes")
    sha256: str = Field(description="SHA-256 of the content")
    uploaded_by: str = Field(description="Who uploaded it")
    uploaded_at: datetime = Field(description="When")


class AgreementOut(BaseModel):
    """An agreement as the API shows it."""

    id: uuid.UUID = Field(description="Agreement id")
    kind: str = Field(description=f"One of {_KINDS}")
    title: str
    status: str = Field(description=f"One of {_STATUSES}")
    party_ids: list[uuid.UUID] = Field(description="Partner ids of the parties")
    parties: str = Field(description="Names of the parties")
    signatories: list[Signatory]
    signed_on: date | None
    starts_on: date | None
    ends_on: date | None
    renews_on: date | None
    fields: list[str] = Field(description="Fields of cooperation")
    sdgs: list[int] = Field(description="Linked SDGs")
    challenges: list[str] = Field(description="Challenge codes")
    description: str
    notes: str
    country_code: str | None = Field(description="Counterpart country")
    external_id: str | None
    visibility: str
    documents: list[DocumentOut] = Field(default_factory=list, description="Attached documents")
    created_at: datetime
    updated_at: datetime


class AgreementPage(PageOut[AgreementOut]):
    """A page of agreements."""
