"""Shared pieces of the SDG index pages and API: reading uploads, the run view, page context, CSV, JSON."""

from __future__ import annotations

from typing import Any

from fastapi import Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from citydip.core.charts import horizontal_bars
from citydip.core.errors import AppError, FieldProblem, NotFound, ValidationFailed
from citydip.core.i18n import _
from citydip.core.templating import render
from citydip.sdgindex import repository as repo
from citydip.sdgindex import service
from citydip.sdgindex.colours import indicator_colour
from citydip.sdgindex.io import CsvText
from citydip.sdgindex.models import IndexRun, NetworkIndexRun
from citydip.sdgindex.results import BAR_COLOURS, TILE_COLOURS, CityRow, RunView, arrow_symbol
from citydip.sdgindex.schemas import (
    CityOut,
    GoalTrendOut,
    IndexRunIn,
    IndexRunOut,
    IndexRunSummary,
    IndicatorDetailOut,
)
from citydip.sdgindex.stored import clean, index_result_from_json

MAX_FILE_BYTES = 20 * 1024 * 1024
GOAL_COLOUR_CHOICES = [
    ("two-worst", "Two worst indicators (SDSN)"),
    ("all-indicators", "All indicators (red when over a third are red)"),
]
IMPUTE_CHOICES = [("", "No imputation"), ("region", "Missing goal = mean of the city's region")]


async def read_upload(upload: UploadFile | None, field: str, default: str) -> CsvText | None:
    if upload is None or not upload.filename:
        return None
    data = await upload.read(MAX_FILE_BYTES + 1)
    name = service.upload_name(upload.filename, default)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed(
            _("The index was not computed."), [FieldProblem(field, _("the file is over 20 MB"), file=name)]
        )
    return CsvText(name, data)


async def upload_inputs(
    values_file: UploadFile | None,
    spec_file: UploadFile | None,
    regions_file: UploadFile | None,
    history_file: UploadFile | None = None,
) -> service.IndexInputs:
    values = await read_upload(values_file, "values_file", "V.csv")
    spec = await read_upload(spec_file, "spec_file", "S.csv")
    regions = await read_upload(regions_file, "regions_file", "R.csv")
    history = await read_upload(history_file, "history_file", "H.csv")
    problems = []
    if values is None:
        problems.append(FieldProblem("values_file", _("choose the values file (V.csv)")))
    if spec is None:
        problems.append(FieldProblem("spec_file", _("choose the indicator spec file (S.csv)")))
    if problems or values is None or spec is None:
        raise ValidationFailed(_("The index was not computed."), problems)
    return service.IndexInputs(values=values, spec=spec, regions=regions, history=history)


def run_view(db: Session, run: IndexRun | NetworkIndexRun) -> RunView:
    return RunView(run.result, repo.goal_titles(db))


TREND_WORDS = {
    "decreasing": "decreasing",
    "stagnating": "stagnating",
    "moderately_improving": "moderately improving",
    "on_track": "on track",
    "maintaining": "maintaining achievement",
}


def trend_label(arrow: str) -> str:
    """A trend word for people (translated), '' for none."""
    return _(TREND_WORDS[arrow]) if arrow in TREND_WORDS else ""


def status_text(city: CityRow, max_missing: float | None) -> str:
    """Why a city is not ranked, in the page's language ('' when ranked)."""
    if city.status == "no_data":
        return _("not ranked: no data for any applicable indicator")
    if city.status != "not_ranked":
        return ""
    share = city.missing_percent
    if city.applicable is None or share is None:
        return _("not ranked")
    missing = city.applicable - city.indicators_used
    if max_missing is None:
        return _(
            "not ranked: {missing} of {applicable} applicable indicators missing ({share} %)",
            missing=missing,
            applicable=city.applicable,
            share=f"{share:.1f}",
        )
    return _(
        "not ranked: {missing} of {applicable} applicable indicators missing ({share} %, more than {limit} %)",
        missing=missing,
        applicable=city.applicable,
        share=f"{share:.1f}",
        limit=f"{max_missing:g}",
    )


def page_context(base: str, heading: str, can_edit: bool, **extra: Any) -> dict[str, Any]:
    return {
        "base": base,
        "heading": heading,
        "can_edit": can_edit,
        "status_text": status_text,
        "trend_label": trend_label,
        "arrow_symbol": arrow_symbol,
        "tile_colours": TILE_COLOURS,
        "goal_colour_choices": [(k, _(v)) for k, v in GOAL_COLOUR_CHOICES],
        "impute_choices": [(k, _(v)) for k, v in IMPUTE_CHOICES],
        **extra,
    }


def short_label(text: str, limit: int = 24) -> str:
    """A bar label that fits the chart's label column (about 24 characters)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def city_chart(view: RunView, name: str) -> str:
    city = view.city(name)
    if city is None:
        raise NotFound(_("No such city in this index."))
    items = [
        (short_label(g.label), city.score(g.key), BAR_COLOURS.get(city.colour(g.key), BAR_COLOURS[""]))
        for g in view.goals
    ]
    return horizontal_bars(items, _("Goal scores of {city} (0-100)", city=name))


def render_run(
    request: Request,
    template: str,
    base: str,
    heading: str,
    can_edit: bool,
    view: RunView,
    run: Any,
    **extra: Any,
) -> Response:
    return render(request, template, page_context(base, heading, can_edit, run=run, view=view, **extra))


def csv_response(view: RunView, title: str, detail: bool = False) -> Response:
    """The run's CSV (one row per city), or with `detail` the long indicator-level CSV, as a download."""
    safe = (
        "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in title.lower()).strip("-")[:60] or "index"
    )
    name = f"sdg-index-{safe}-indicators.csv" if detail else f"sdg-index-{safe}.csv"
    return Response(
        view.detail_csv_text() if detail else view.csv_text(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def problems_list(exc: AppError) -> list[str]:
    return [p.message for p in exc.details] or [exc.message]


def summary_out(run: IndexRun | NetworkIndexRun) -> IndexRunSummary:
    return IndexRunSummary(
        id=run.id,
        title=run.title,
        source=run.source,
        goal_colour_rule=run.goal_colour_rule,
        impute=run.impute,
        city_count=run.city_count,
        ranked_count=run.ranked_count,
        indicator_count=run.indicator_count,
        max_missing=run.max_missing,
        trend_window=run.trend_window,
        created_by=run.created_by,
        created_at=run.created_at,
    )


def _goal_trend_out(data: Any) -> GoalTrendOut | None:
    if not isinstance(data, dict):
        return None
    return GoalTrendOut(
        arrow=str(data.get("arrow", "")),
        score=clean(data.get("score")),
        indicators=int(data.get("indicators", 0)),
        of=int(data.get("of", 0)),
    )


def full_out(db: Session, run: IndexRun | NetworkIndexRun) -> IndexRunOut:
    view = run_view(db, run)
    goals = [g.key for g in view.goals]
    cities = [
        CityOut(
            city=c.name,
            rank=c.rank,
            index=c.index,
            status=c.status,
            status_reason=status_text(c, view.max_missing),
            indicators_used=c.indicators_used,
            indicators_applicable=c.applicable,
            missing_percent=c.missing_percent,
            region=c.region,
            groups=c.groups,
            goal_scores={g: c.score(g) for g in goals},
            goal_colours={g: c.colour(g) for g in goals},
            goal_trends={g: _goal_trend_out(c.goal_trend(g)) for g in goals},
            imputed_goals=[g for g in goals if c.imputed(g)],
        )
        for c in view.cities
    ]
    return IndexRunOut(
        **summary_out(run).model_dump(), goals=goals, indicators=view.indicators, cities=cities
    )


def detail_out(run: IndexRun | NetworkIndexRun) -> list[IndicatorDetailOut]:
    """Every city's applicable indicators: value, normalised score, 0-3 value, colour and trend."""
    result, values, years = index_result_from_json(run.result)
    out = []
    for city in result.cities:
        for spec in result.specs:
            if not spec.applies(city.groups):
                continue
            name, trend, level = (
                spec.indicator,
                city.trends.get(spec.indicator),
                city.levels.get(spec.indicator),
            )
            value = values.get(city.city, {}).get(name)
            out.append(
                IndicatorDetailOut(
                    city=city.city,
                    goal=spec.goal,
                    indicator=name,
                    in_score=spec.in_score,
                    year=years.get(city.city, {}).get(name) if value is not None else None,
                    value=value,
                    normalised=city.normalised.get(name),
                    rescaled=level,
                    colour="" if level is None else indicator_colour(level),
                    trend=trend.arrow if trend else "",
                    trend_from_year=trend.from_year if trend else None,
                    trend_to_year=trend.to_year if trend else None,
                    observed_annual_change=trend.observed if trend else None,
                    required_annual_change=trend.required if trend else None,
                )
            )
    return out


def json_inputs(body: IndexRunIn) -> tuple[service.IndexInputs, service.IndexOptions]:
    options = service.parse_options(body.goal_colour, body.impute, body.max_missing, body.trend_window)
    regions = CsvText("R.csv", body.regions_csv) if body.regions_csv and body.regions_csv.strip() else None
    history = CsvText("H.csv", body.history_csv) if body.history_csv and body.history_csv.strip() else None
    return service.IndexInputs(
        CsvText("V.csv", body.values_csv), CsvText("S.csv", body.spec_csv), regions, history
    ), options
