"""Reference pages (city search, city page) and the reference API. Reference data is public."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from citydip.core.errors import NotFound
from citydip.core.i18n import _
from citydip.core.templating import render
from citydip.core.types import GeonamesId
from citydip.core.web import CurrentPrincipal, Db, DbRoute
from citydip.reference import repository as repo
from citydip.reference.cities import resolve_city, search_cities
from citydip.reference.models import City
from citydip.reference.places import DEFAULT_PLACES
from citydip.reference.schemas import CityMatchOut, CityOut, CountryOut, GoalOut, IndicatorOut

router = APIRouter(route_class=DbRoute, tags=["pages"])
api = APIRouter(route_class=DbRoute, prefix="/reference", tags=["reference"])


def city_out(city: City, countries: dict[str, str]) -> CityOut:
    """The API shape of a place, with its country name and display label."""
    out = CityOut.model_validate(city)
    out.country_name = countries.get(city.country_code, "")
    out.label = city.full_label
    return out


def _search(db: Db, q: str, country: str, limit: int, include_smaller: bool) -> list[CityOut]:
    cities = search_cities(db, q, country or None, limit, include_smaller=include_smaller)
    names = repo.country_names(db)
    return [city_out(c, names) for c in cities]


@router.get("/reference/cities", include_in_schema=False)
def city_search_page(
    request: Request,
    db: Db,
    principal: CurrentPrincipal,
    q: str = "",
    country: str = "",
    include_smaller: bool = False,
) -> Response:
    results = _search(db, q[:200], country[:60], 50, include_smaller) if q else []
    context = {
        "q": q,
        "country": country,
        "include_smaller": include_smaller,
        "results": results,
        "smallest": DEFAULT_PLACES,
    }
    return render(request, "reference/city_search.html", context)


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


SMALLER = Query(
    False,
    description="Also search places outside GeoNames' 15,000 list (down to the list `citydip init` loaded); "
    "by default a picker offers the 34,006 places of 15,000+ people and capitals",
)


@api.get(
    "/cities",
    response_model=list[CityOut],
    summary="Search reference places by name (a city picker's list)",
    description="Places whose name, or a word of it, starts with `q`, most populous first. Each comes with "
    "its country, region and population so namesakes can be told apart.",
)
def api_cities(
    db: Db,
    q: str = Query(..., min_length=1, max_length=200),
    country: str = Query("", description="ISO code or English name of a country to search in"),
    limit: int = Query(20, ge=1, le=100),
    include_smaller: bool = SMALLER,
) -> list[CityOut]:
    return _search(db, q, country, limit, include_smaller)


@api.get(
    "/cities/resolve",
    response_model=CityMatchOut,
    summary="Resolve a name such as 'Sao Paulo, BR' to one place, with the candidates",
    description="When `ambiguous` is true, show the `candidates` (country, region, population) and let the "
    "person pick; do not take `city` silently.",
)
def api_resolve(
    db: Db,
    name: str = Query(..., min_length=1, max_length=200),
    country: str = Query("", description="ISO code or English name of the country"),
    include_smaller: bool = SMALLER,
) -> CityMatchOut:
    match = resolve_city(db, name, country or None, include_smaller=include_smaller)
    names = repo.country_names(db)
    return CityMatchOut(
        query=name,
        method=match.method,
        score=match.score,
        ambiguous=match.ambiguous,
        include_smaller=include_smaller,
        city=city_out(match.city, names) if match.city else None,
        candidates=[city_out(c, names) for c in match.candidates[:10]],
    )


@api.get("/cities/{geonames_id}", response_model=CityOut, summary="One reference city")
def api_city(db: Db, geonames_id: GeonamesId) -> CityOut:
    city = repo.city(db, geonames_id)
    if city is None:
        raise NotFound(_("No such city in the reference data."))
    return city_out(city, repo.country_names(db))


@api.get("/countries", response_model=list[CountryOut], summary="Countries with UN regions")
def api_countries(db: Db) -> list[CountryOut]:
    return [CountryOut.model_validate(c) for c in repo.countries(db)]


@api.get("/sdg/goals", response_model=list[GoalOut], summary="The 17 SDGs")
def api_goals(db: Db) -> list[GoalOut]:
    return [GoalOut.model_validate(g) for g in repo.goals(db)]


@api.get("/sdg/indicators", response_model=list[IndicatorOut], summary="Global SDG indicators")
def api_indicators(db: Db, goal: int | None = Query(None, ge=1, le=17)) -> list[IndicatorOut]:
    return [IndicatorOut.model_validate(i) for i in repo.indicators(db, goal)]
