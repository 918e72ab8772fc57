"""API shapes for reference data."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CityOut(BaseModel):
    """A reference place (GeoNames), with what a person needs to tell namesakes apart."""

    model_config = ConfigDict(from_attributes=True)

    geonames_id: int = Field(description="GeoNames id; the key partners, workspaces and ties refer to")
    name: str = Field(description='Name as GeoNames writes it ("São José")')
    ascii_name: str = Field(description="The name without accents")
    country_code: str = Field(description="ISO 3166-1 alpha-2 code")
    country_name: str = Field("", description="English country name")
    admin1_code: str = Field(description="GeoNames code of the first-level division")
    region: str = Field("", description='First-level division: state, province, region ("Illinois")')
    latitude: float
    longitude: float
    population: int = Field(description="Population according to GeoNames (0 when unknown)")
    population_class: int = Field(
        15000,
        description="15000 for places of GeoNames' 15,000 list (15,000+ people, and capitals), which pickers "
        "offer by default; else 5000, 1000 or 500 by population",
    )
    timezone: str
    wikidata_id: str | None
    unlocode: str | None
    label: str = Field("", description='Display label with region and country ("Springfield, Illinois, US")')


class CityMatchOut(BaseModel):
    """The outcome of resolving a name: the chosen place, and the candidates a person can pick from."""

    query: str
    method: str = Field(description="exact | alternate | fuzzy | none")
    score: float = Field(description="100 for exact and alternate names, else the spelling score")
    ambiguous: bool = Field(description="Several places fit and none clearly: ask the person to pick")
    include_smaller: bool = Field(False, description="Whether places outside the 15,000 list were searched")
    city: CityOut | None
    candidates: list[CityOut] = Field(description="Best first, with country, region and population")


class CountryOut(BaseModel):
    """A country with its UN region."""

    model_config = ConfigDict(from_attributes=True)

    alpha2: str
    alpha3: str
    name: str
    region: str
    subregion: str


class GoalOut(BaseModel):
    """An SDG goal."""

    model_config = ConfigDict(from_attributes=True)

    number: int
    short_label: str
    official_title: str
    colour: str


class IndicatorOut(BaseModel):
    """A global SDG indicator."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    target: str
    goal: int
    short_label: str
    official_title: str
