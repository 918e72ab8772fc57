"""API shapes for reference data."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CityOut(BaseModel):
    """A reference city."""

    model_config = ConfigDict(from_attributes=True)

    geonames_id: int
    name: str
    ascii_name: str
    country_code: str
    admin1_code: str
    latitude: float
    longitude: float
    population: int
    timezone: str
    wikidata_id: str | None
    unlocode: str | None


class CityMatchOut(BaseModel):
    """The outcome of resolving a name to a city."""

    query: str
    method: str
    score: float
    ambiguous: bool
    city: CityOut | None
    candidates: list[CityOut]


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
