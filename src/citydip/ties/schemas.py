"""API shapes of the public tie graph, network memberships and the review queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from citydip.core.listing import PageOut
from citydip.reference.schemas import CityOut


class TieSourceOut(BaseModel):
    """One source that states a twinning."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Id of this tie row (used to adopt it as an agreement)")
    source: str = Field(description="wikidata, wikipedia or review")
    licence: str = Field(description="SPDX-style licence of the source: CC0-1.0, CC-BY-SA-4.0")
    dataset: str = Field(description="File the tie was imported from")
    reference: str = Field(description="How the source names the pair (Wikidata ids or names as written)")
    imported_at: datetime = Field(description="When it was imported (UTC)")


class TwinOut(BaseModel):
    """A city twinned with the requested one."""

    city: CityOut = Field(description="The twin city")
    sources: list[TieSourceOut] = Field(description="Every source stating the twinning")


class MembershipOut(BaseModel):
    """A network membership located at a city."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Id of the membership row")
    network: str = Field(description="Network name as in the source, e.g. 'Climate Alliance'")
    network_code: str = Field(description="The source's code for the network")
    member: str = Field(description="The member as named (a city, a metropolis, a province...)")
    country_code: str = Field(description="ISO 3166-1 alpha-2 country of the member")
    year_joined: int | None = Field(description="Year the member joined, when known")
    period: str = Field(description="The source's text when it says more than a year")
    member_status: str = Field(description="Membership status as the source gives it")
    source: str = Field(description="Source name, e.g. etmun")
    licence: str = Field(description="Licence of the source")


class ReviewOut(BaseModel):
    """A row of an imported file whose places could not all be matched."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Review row id")
    kind: str = Field(description="tie or membership")
    source: str = Field(description="Source of the file")
    dataset: str = Field(description="File name")
    row_number: int = Field(description="Line in the file (the header is line 1)")
    status: str = Field(description="unresolved, ambiguous, resolved or dismissed")
    problem: str = Field(description="Why the row could not be matched")
    a_name: str = Field(description="First place (or the member's town) as written")
    a_country: str = Field(description="Its country as written")
    a_qid: str = Field(description="Its Wikidata id, if the file gives one")
    a_status: str = Field(description="resolved, ambiguous or unresolved")
    a_city_id: int | None = Field(description="GeoNames id once matched")
    a_candidates: str = Field(description="Comma-separated GeoNames ids of likely cities")
    b_name: str = Field(description="Second place (ties only)")
    b_country: str = Field(description="Its country as written")
    b_qid: str = Field(description="Its Wikidata id")
    b_status: str = Field(description="resolved, ambiguous or unresolved (empty for memberships)")
    b_city_id: int | None = Field(description="GeoNames id once matched")
    b_candidates: str = Field(description="Comma-separated GeoNames ids of likely cities")
    details: dict[str, Any] = Field(description="For memberships: network, member, year...")
    decided_by: str = Field(description="Who settled the row ('import' when a later import did)")
    updated_at: datetime = Field(description="Last change (UTC)")


class ReviewPage(PageOut[ReviewOut]):
    """One page of the review queue."""


class ReviewDecisionIn(BaseModel):
    """Settle one review row: pick the city for one side, or dismiss the row."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["pick", "dismiss"] = Field("pick", description="pick a city, or dismiss the row")
    side: Literal["a", "b"] = Field("a", description="Which place of the row (b only for ties)")
    geonames_id: int | None = Field(None, ge=1, description="The reference city meant (for pick)")


class ReviewDecisionOut(BaseModel):
    """What a decision settled."""

    review_id: int
    status: str = Field(description="The row's status afterwards")
    rows_settled: int = Field(description="Open rows settled by this decision (all naming the same place)")
    ties_created: int
    memberships_created: int
    wikidata_id_stored: bool = Field(description="Whether the Wikidata id was stored on the city")


class AdoptOut(BaseModel):
    """The agreement a workspace created from a public tie."""

    agreement_id: str = Field(description="Id of the new agreement in the workspace")
    url: str = Field(description="The agreement's page")
