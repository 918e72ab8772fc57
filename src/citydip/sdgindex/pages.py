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
from citydip.sdgindex.io import CsvText
from citydip.sdgindex.models import IndexRun, NetworkIndexRun
from citydip.sdgindex.results import BAR_COLOURS, TILE_COLOURS, RunView
from citydip.sdgindex.schemas import CityOut, IndexRunIn, IndexRunOut, IndexRunSummary

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
    values_file: UploadFile | None, spec_file: UploadFile | None, regions_file: UploadFile | None
) -> service.IndexInputs:
    values = await read_upload(values_file, "values_file", "V.csv")
    spec = await read_upload(spec_file, "spec_file", "S.csv")
    regions = await read_upload(regions_file, "regions_file", "R.csv")
    problems = []
    if values is None:
        problems.append(FieldProblem("values_file", _("choose the values file (V.csv)")))
    if spec is None:
        problems.append(FieldProblem("spec_file", _("choose the indicator spec file (S.csv)")))
    if problems or values is None or spec is None:
        raise ValidationFailed(_("The index was not computed."), problems)
    return service.IndexInputs(values=values, spec=spec, regions=regions)


def run_view(db: Session, run: IndexRun | NetworkIndexRun) -> RunView:
    return RunView(run.result, repo.goal_titles(db))


def page_context(base: str, heading: str, can_edit: bool, **extra: Any) -> dict[str, Any]:
    return {
        "base": base,
        "heading": heading,
        "can_edit": can_edit,
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


def csv_response(view: RunView, title: str) -> Response:
    safe = (
        "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in title.lower()).strip("-")[:60] or "index"
    )
    return Response(
        view.csv_text(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="sdg-index-{safe}.csv"'},
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
        indicator_count=run.indicator_count,
        created_by=run.created_by,
        created_at=run.created_at,
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
            indicators_used=c.indicators_used,
            region=c.region,
            goal_scores={g: c.score(g) for g in goals},
            goal_colours={g: c.colour(g) for g in goals},
            imputed_goals=[g for g in goals if c.imputed(g)],
        )
        for c in view.cities
    ]
    return IndexRunOut(
        **summary_out(run).model_dump(), goals=goals, indicators=view.indicators, cities=cities
    )


def json_inputs(body: IndexRunIn) -> tuple[service.IndexInputs, service.IndexOptions]:
    options = service.parse_options(body.goal_colour, body.impute)
    regions = CsvText("R.csv", body.regions_csv) if body.regions_csv and body.regions_csv.strip() else None
    return service.IndexInputs(
        CsvText("V.csv", body.values_csv), CsvText("S.csv", body.spec_csv), regions
    ), options
