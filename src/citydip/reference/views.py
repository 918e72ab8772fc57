"""Reference pages (city search, city page) and the reference API. Reference data is public."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from citydip.core.errors import NotFound
from citydip.core.i18n import _
from citydip.core.templating import render
from citydip.core.text import fold
from citydip.core.types import GeonamesId
from citydip.core.web import CurrentPrincipal, Db, DbRoute
from citydip.reference import repository as repo
from citydip.reference.cities import country_code_for, resolve_city
from citydip.reference.schemas import CityMatchOut, CityOut, CountryOut, GoalOut, IndicatorOut

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, prefix="/reference", tags=["reference"])


def _search(db: Db, q: str, country: str, limit: int) -> list[CityOut]:
    key = fold(q)
    if not key:
        return []
    code = country_code_for(country) if country else None
    cities = list(repo.search_cities(db, key, code, limit))
    if not cities:
        match = resolve_city(db, q, code)
        cities = match.candidates[:limit]
    return [CityOut.model_validate(c) for c in cities]


@router.get("/reference/cities", include_in_schema=False)
def city_search_page(
    request: Request, db: Db, principal: CurrentPrincipal, q: str = "", country: str = ""
) -> Response:
    results = _search(db, q[:200], country[:60], 50) if q else []
    return render(request, "reference/city_search.html", {"q": q, "country": country, "results": results})


@router.get("/reference/cities/{geonames_id}", include_in_schema=False)
def city_page(request: Request, db: Db, principal: CurrentPrincipal, geonames_id: GeonamesId) -> Response:
    city = repo.city(db, geonames_id)
    if city is None:
        raise NotFound(_("No such city in the reference data."))
    country = repo.country(db, city.country_code)
    sections = []
    from citydip.domains import rooms

    for _package, module in rooms("city_sections"):
        sections.extend(module.sections(db, city))
    return render(request, "reference/city.html", {"city": city, "country": country, "sections": sections})


@api.get("/cities", response_model=list[CityOut], summary="Search reference cities by name")
def api_cities(
    db: Db,
    q: str = Query(..., min_length=1, max_length=200),
    country: str = "",
    limit: int = Query(20, ge=1, le=100),
) -> list[CityOut]:
    return _search(db, q, country, limit)


@api.get("/cities/resolve", response_model=CityMatchOut, summary="Resolve a name such as 'Sao Paulo, BR'")
def api_resolve(
    db: Db, name: str = Query(..., min_length=1, max_length=200), country: str = ""
) -> CityMatchOut:
    match = resolve_city(db, name, country or None)
    return CityMatchOut(
        query=name,
        method=match.method,
        score=match.score,
        ambiguous=match.ambiguous,
        city=CityOut.model_validate(match.city) if match.city else None,
        candidates=[CityOut.model_validate(c) for c in match.candidates[:10]],
    )


@api.get("/cities/{geonames_id}", response_model=CityOut, summary="One reference city")
def api_city(db: Db, geonames_id: GeonamesId) -> CityOut:
    city = repo.city(db, geonames_id)
    if city is None:
        raise NotFound(_("No such city in the reference data."))
    return CityOut.model_validate(city)


@api.get("/countries", response_model=list[CountryOut], summary="Countries with UN regions")
def api_countries(db: Db) -> list[CountryOut]:
    return [CountryOut.model_validate(c) for c in repo.countries(db)]


@api.get("/sdg/goals", response_model=list[GoalOut], summary="The 17 SDGs")
def api_goals(db: Db) -> list[GoalOut]:
    return [GoalOut.model_validate(g) for g in repo.goals(db)]


@api.get("/sdg/indicators", response_model=list[IndicatorOut], summary="Global SDG indicators")
def api_indicators(db: Db, goal: int | None = Query(None, ge=1, le=17)) -> list[IndicatorOut]:
    return [IndicatorOut.model_validate(i) for i in repo.indicators(db, goal)]
