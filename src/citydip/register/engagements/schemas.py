"""API shapes for engagements, participants, gifts and the protocol checklist."""

from __future__ import annotations

import math
import uuid
from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, field_validator

from citydip.core.listing import PageOut
from citydip.core.types import Count, Time, not_null
from citydip.register.vocab import (
    ENGAGEMENT_KINDS,
    ENGAGEMENT_STATUSES,
    GIFT_DIRECTIONS,
    PARTICIPANT_SIDES,
    PROTOCOL_ITEMS,
    PROTOCOL_STATES,
    VISIBILITIES,
    codes,
)

_KINDS = ", ".join(codes(ENGAGEMENT_KINDS))
_STATUSES = ", ".join(codes(ENGAGEMENT_STATUSES))


class ParticipantIn(BaseModel):
    """Someone taking part, on our side or theirs."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    side: str = Field(description="ours or theirs")
    name: str = Field(min_length=1, max_length=200, description="Full name")
    title: str = Field("", max_length=200, description="Title or role")
    organization: str = Field("", max_length=200, description="Organization")
    person_id: uuid.UUID | None = Field(None, description="The person record, when they are in People")

    @field_validator("side")
    @classmethod
    def _side(cls, value: str) -> str:
        if value not in codes(PARTICIPANT_SIDES):
            raise ValueError("use ours or theirs")
        return value


class ParticipantOut(ParticipantIn):
    """A participant as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Participant id")


class GiftIn(BaseModel):
    """An entry of the gift register."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    direction: str = Field(description="given or received")
    description: str = Field(min_length=1, max_length=300, description="What the gift is")
    estimated_value: float | None = Field(None, ge=0, description="Estimated value (not negative)")
    currency: str = Field("", max_length=3, description="ISO 4217 code of the value, e.g. USD")
    giver: str = Field("", max_length=200, description="Who gave it")
    recipient: str = Field("", max_length=200, description="Who received it")
    disposition: str = Field("", max_length=300, description="What happened to it (displayed, archived...)")

    @field_validator("direction")
    @classmethod
    def _direction(cls, value: str) -> str:
        if value not in codes(GIFT_DIRECTIONS):
            raise ValueError("use given or received")
        return value

    @field_validator("estimated_value")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if value and (len(value) != 3 or not value.isalpha()):
            raise ValueError("use a three-letter currency code such as USD")
        return value.upper()


class GiftOut(GiftIn):
    """A gift as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="Gift id")


class ProtocolItem(BaseModel):
    """One line of the protocol checklist."""

    status: str = Field("todo", description="not_needed, todo or done")
    note: str = Field("", max_length=1000, description="Details")

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in codes(PROTOCOL_STATES):
            raise ValueError("use not_needed, todo or done")
        return value


def _check_protocol(value: dict[str, ProtocolItem] | None) -> dict[str, ProtocolItem] | None:
    if value is None:
        return None
    bad = [k for k in value if k not in codes(PROTOCOL_ITEMS)]
    if bad:
        raise ValueError(f"'{bad[0]}' is not a checklist item ({', '.join(codes(PROTOCOL_ITEMS))})")
    return value


class Outcomes(BaseModel):
    """Structured outcomes (all optional, never negative)."""

    investment_amount: float | None = Field(None, ge=0, description="Investment announced")
    investment_currency: str = Field("", max_length=3, description="Currency of the investment, e.g. USD")
    jobs: Count | None = Field(None, description="Jobs announced")
    export_deals: int | None = Field(None, ge=0, description="Export deals")
    students: int | None = Field(None, ge=0, description="Students exchanged")
    agreements_signed: int | None = Field(None, ge=0, description="Agreements signed")

    @field_validator("investment_amount")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


class EngagementIn(Outcomes):
    """A new engagement."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    kind: str = Field(description=f"One of {_KINDS}")
    title: str = Field(min_length=1, max_length=300, description="Title, e.g. 'Guangzhou trade delegation'")
    status: str = Field("planned", description=f"One of {_STATUSES}")
    starts_on: date = Field(description="First day")
    ends_on: date | None = Field(None, description="Last day (same as the first when empty)")
    start_time: Time | None = Field(None, description="Start time, local time of the workspace's city")
    end_time: Time | None = Field(None, description="End time, local time")
    place: str = Field("", max_length=300, description="Where")
    country: str | None = Field(
        None, max_length=80, description="Counterpart country; default: first partner's"
    )
    purpose: str = Field("", max_length=20000, description="Purpose")
    notes: str = Field("", max_length=20000, description="Notes")
    outcome_text: str = Field("", max_length=20000, description="Outcomes in words")
    partner_ids: list[uuid.UUID] = Field(default_factory=list, description="Partners involved")
    agreement_ids: list[uuid.UUID] = Field(default_factory=list, description="Agreements it relates to")
    sdgs: list[int] = Field(default_factory=list, description="Linked SDG numbers")
    challenges: list[str] = Field(default_factory=list, description="Challenge codes")
    protocol: dict[str, ProtocolItem] = Field(default_factory=dict, description="Protocol checklist by item")
    participants: list[ParticipantIn] = Field(default_factory=list, description="Participants")
    gifts: list[GiftIn] = Field(default_factory=list, description="Gift register")
    external_id: str | None = Field(None, max_length=100, description="Your own id; imports match on it")
    visibility: str = Field("private", description="private, network or public")

    _protocol = field_validator("protocol")(_check_protocol)

    @field_validator("visibility")
    @classmethod
    def _visibility(cls, value: str) -> str:
        if value not in codes(VISIBILITIES):
            raise ValueError("use private, network or public")
        return value


class EngagementPatch(BaseModel):
    """Changes to an engagement; only the fields sent are changed (lists sent replace the old ones)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    kind: str | None = Field(None, description=f"One of {_KINDS}")
    title: str | None = Field(None, min_length=1, max_length=300, description="Title")
    status: str | None = Field(None, description=f"One of {_STATUSES}")
    starts_on: date | None = Field(None, description="First day")
    ends_on: date | None = Field(None, description="Last day")
    start_time: Time | None = Field(None, description="Start time")
    end_time: Time | None = Field(None, description="End time")
    place: str | None = Field(None, max_length=300, description="Where")
    country: str | None = Field(None, max_length=80, description="Counterpart country")
    purpose: str | None = Field(None, max_length=20000, description="Purpose")
    notes: str | None = Field(None, max_length=20000, description="Notes")
    outcome_text: str | None = Field(None, max_length=20000, description="Outcomes in words")
    investment_amount: float | None = Field(None, ge=0, description="Investment announced")
    investment_currency: str | None = Field(None, max_length=3, description="Currency")
    jobs: Count | None = Field(None, description="Jobs announced")
    export_deals: int | None = Field(None, ge=0, description="Export deals")
    students: int | None = Field(None, ge=0, description="Students exchanged")
    agreements_signed: int | None = Field(None, ge=0, description="Agreements signed")
    partner_ids: list[uuid.UUID] | None = Field(None, description="Partners involved")
    agreement_ids: list[uuid.UUID] | None = Field(None, description="Agreements")
    sdgs: list[int] | None = Field(None, description="SDG numbers")
    challenges: list[str] | None = Field(None, description="Challenge codes")
    protocol: dict[str, ProtocolItem] | None = Field(None, description="Protocol checklist")
    participants: list[ParticipantIn] | None = Field(None, description="Participants (replaces all)")
    gifts: list[GiftIn] | None = Field(None, description="Gift register (replaces all)")
    external_id: str | None = Field(None, max_length=100, description="Your own id")
    visibility: str | None = Field(None, description="private, network or public")

    _protocol = field_validator("protocol")(_check_protocol)

    _no_nulls = not_null("kind", "title", "starts_on")


class EngagementOut(BaseModel):
    """An engagement as the API shows it."""

    id: uuid.UUID
    kind: str
    title: str
    status: str
    starts_on: date
    ends_on: date | None
    start_time: time | None
    end_time: time | None
    place: str
    country_code: str | None
    purpose: str
    notes: str
    outcome_text: str
    investment_amount: float | None
    investment_currency: str
    jobs: int | None
    export_deals: int | None
    students: int | None
    agreements_signed: int | None
    partner_ids: list[uuid.UUID]
    partners: str = Field(description="Names of the partners")
    agreement_ids: list[uuid.UUID]
    sdgs: list[int]
    challenges: list[str]
    protocol: dict[str, ProtocolItem]
    participants: list[ParticipantOut]
    gifts: list[GiftOut]
    external_id: str | None
    visibility: str
    created_at: datetime
    updated_at: datetime


class EngagementPage(PageOut[EngagementOut]):
    """A page of engagements (participants and gifts omitted; fetch one engagement for them)."""
