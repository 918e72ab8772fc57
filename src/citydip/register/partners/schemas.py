"""API shapes for partners and people."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from citydip.core.listing import PageOut
from citydip.core.types import GeonamesId, not_null
from citydip.register.vocab import PARTNER_KINDS, VISIBILITIES, codes

_KINDS = ", ".join(codes(PARTNER_KINDS))


def _national_day(value: str | None) -> str | None:
    if value is None or value == "":
        return value
    import datetime as dt

    text = value.strip()
    if len(text) == 10:  # a full date: keep month and day
        text = text[5:]
    try:
        dt.date.fromisoformat(f"2000-{text}")
    except ValueError:
        raise ValueError("use MM-DD, e.g. 10-01 for 1 October") from None
    return text


class PartnerBase(BaseModel):
    """Fields shared by create and update."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    country: str | None = Field(None, max_length=80, description="Country: ISO code or English name")
    city: str | None = Field(
        None, max_length=200, description="Reference city, e.g. 'Guangzhou, CN' (cities are linked to it)"
    )
    city_id: GeonamesId | None = Field(
        None, description="GeoNames id of the reference city (instead of `city`)"
    )
    represented_country: str | None = Field(
        None, max_length=80, description="Consulates and embassies: the country represented"
    )
    head_of_post: str = Field("", max_length=200, description="Consulates and embassies: head of post")
    address: str = Field("", max_length=2000, description="Postal address")
    national_day: str = Field("", max_length=10, description="Consulates: national day as MM-DD")
    website: str = Field("", max_length=300, description="Web address")
    email: str = Field("", max_length=254, description="General email")
    phone: str = Field("", max_length=60, description="General phone number")
    notes: str = Field("", max_length=20000, description="Free notes")
    external_id: str | None = Field(
        None, max_length=100, description="Your own id for this partner; imports match on it"
    )
    visibility: str = Field("private", description="private, network or public")

    @field_validator("national_day")
    @classmethod
    def _check_day(cls, value: str) -> str:
        return _national_day(value) or ""

    @field_validator("visibility")
    @classmethod
    def _check_visibility(cls, value: str) -> str:
        if value not in codes(VISIBILITIES):
            raise ValueError("use private, network or public")
        return value


class PartnerIn(PartnerBase):
    """A new partner."""

    kind: str = Field(description=f"One of {_KINDS}")
    name: str = Field(min_length=1, max_length=200, description="Name as you use it")


class PartnerPatch(BaseModel):
    """Changes to a partner; only the fields sent are changed."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    kind: str | None = Field(None, description=f"One of {_KINDS}")
    name: str | None = Field(None, min_length=1, max_length=200, description="Name")
    country: str | None = Field(None, max_length=80, description="Country: ISO code or name")
    city: str | None = Field(None, max_length=200, description="Reference city label")
    city_id: GeonamesId | None = Field(None, description="GeoNames id of the reference city")
    represented_country: str | None = Field(None, max_length=80, description="Country represented")
    head_of_post: str | None = Field(None, max_length=200, description="Head of post")
    address: str | None = Field(None, max_length=2000, description="Postal address")
    national_day: str | None = Field(None, max_length=10, description="National day as MM-DD")
    website: str | None = Field(None, max_length=300, description="Web address")
    email: str | None = Field(None, max_length=254, description="General email")
    phone: str | None = Field(None, max_length=60, description="General phone")
    notes: str | None = Field(None, max_length=20000, description="Free notes")
    external_id: str | None = Field(None, max_length=100, description="Your own id")
    visibility: str | None = Field(None, description="private, network or public")

    @field_validator("national_day")
    @classmethod
    def _check_day(cls, value: str | None) -> str | None:
        return _national_day(value)

    _no_nulls = not_null("kind", "name")


class PartnerOut(BaseModel):
    """A partner as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Partner id")
    kind: str = Field(description=f"One of {_KINDS}")
    name: str = Field(description="Name")
    country_code: str | None = Field(description="ISO 3166-1 alpha-2 country")
    city_id: int | None = Field(description="GeoNames id of the linked reference city")
    represented_country: str | None = Field(description="Country represented (consulates, embassies)")
    head_of_post: str = Field(description="Head of post")
    address: str = Field(description="Postal address")
    national_day: str = Field(description="National day, MM-DD")
    website: str = Field(description="Web address")
    email: str = Field(description="General email")
    phone: str = Field(description="General phone")
    notes: str = Field(description="Notes")
    external_id: str | None = Field(description="Your own id")
    visibility: str = Field(description="private, network or public")
    created_at: datetime = Field(description="When it was recorded")
    updated_at: datetime = Field(description="Last change")


class PartnerPage(PageOut[PartnerOut]):
    """A page of partners."""

    total: int = Field(description="Matching partners")


class PersonIn(BaseModel):
    """A new person at a partner."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    partner_id: uuid.UUID = Field(description="The partner this person belongs to")
    name: str = Field(min_length=1, max_length=200, description="Full name")
    title: str = Field("", max_length=200, description="Job title, e.g. Consul General")
    salutation: str = Field(
        "", max_length=120, description="How to address them in a letter, e.g. 'Dear Consul General'"
    )
    honorific: str = Field("", max_length=120, description="Form of address, e.g. 'The Honorable', 'H.E.'")
    email: str = Field("", max_length=254, description="Email")
    phone: str = Field("", max_length=60, description="Phone")
    languages: str = Field("", max_length=200, description="Languages, comma separated")
    notes: str = Field("", max_length=20000, description="Notes")
    external_id: str | None = Field(None, max_length=100, description="Your own id; imports match on it")


class PersonPatch(BaseModel):
    """Changes to a person; only the fields sent are changed."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    partner_id: uuid.UUID | None = Field(None, description="Move to another partner")
    name: str | None = Field(None, min_length=1, max_length=200, description="Full name")
    title: str | None = Field(None, max_length=200, description="Job title")
    salutation: str | None = Field(None, max_length=120, description="Salutation")
    honorific: str | None = Field(None, max_length=120, description="Form of address")
    email: str | None = Field(None, max_length=254, description="Email")
    phone: str | None = Field(None, max_length=60, description="Phone")
    languages: str | None = Field(None, max_length=200, description="Languages")
    notes: str | None = Field(None, max_length=20000, description="Notes")
    external_id: str | None = Field(None, max_length=100, description="Your own id")

    _no_nulls = not_null("name")


class PersonOut(BaseModel):
    """A person as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Person id")
    partner_id: uuid.UUID = Field(description="Their partner")
    name: str = Field(description="Full name")
    title: str = Field(description="Job title")
    salutation: str = Field(description="Salutation")
    honorific: str = Field(description="Form of address")
    email: str = Field(description="Email")
    phone: str = Field(description="Phone")
    languages: str = Field(description="Languages")
    notes: str = Field(description="Notes")
    external_id: str | None = Field(description="Your own id")


class PersonPage(PageOut[PersonOut]):
    """A page of people."""
