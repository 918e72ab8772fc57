"""Compute and store city SDG index runs from uploaded V/S/R files (workspace or network)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem, PermissionDenied, ValidationFailed
from citydip.core.i18n import _
from citydip.sdgindex.colours import GOAL_COLOUR_RULES
from citydip.sdgindex.compute import DEFAULT_MAX_MISSING, STATUS_RANKED, SdgIndexError
from citydip.sdgindex.io import CsvText
from citydip.sdgindex.models import IndexRun, NetworkIndexRun
from citydip.sdgindex.pipeline import MAX_WINDOW, MIN_WINDOW, IndexFiles, IndexOptions, compute_files
from citydip.sdgindex.results import result_to_json
from citydip.sdgindex.trends import DEFAULT_WINDOW
from citydip.workspaces.models import Network

__all__ = ["IndexInputs", "IndexOptions", "compute", "create_network_run", "create_run", "parse_options"]

MAX_TITLE = 200
_WHERE_RE = re.compile(r"^(?P<file>.+?), row (?P<row>\d+)(?:, field '(?P<field>[^']*)'|, column \d+)?: ")
FORM_FIELDS = {
    "values": "values_file",
    "spec": "spec_file",
    "regions": "regions_file",
    "history": "history_file",
}


@dataclass(frozen=True)
class IndexInputs:
    """The files of a run (regions and history optional), as uploaded."""

    values: CsvText
    spec: CsvText
    regions: CsvText | None = None
    history: CsvText | None = None


def _number(text: str | float | int | None, default: float) -> float | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return default
    try:
        return float(text)
    except ValueError:
        return None


def parse_options(
    goal_colour: str,
    impute: str,
    max_missing: str | float | None = None,
    trend_window: str | int | None = None,
) -> IndexOptions:
    """Validate the options a form or API call sent; problems name the field."""
    problems = []
    rule = (goal_colour or "two-worst").strip()
    if rule not in GOAL_COLOUR_RULES:
        problems.append(FieldProblem("goal_colour", _("choose two-worst or all-indicators")))
    mode = (impute or "").strip()
    if mode in ("none", "no"):
        mode = ""
    if mode not in ("", "region"):
        problems.append(FieldProblem("impute", _("choose none or region")))
    share = _number(max_missing, DEFAULT_MAX_MISSING)
    if share is None or not 0.0 <= share <= 100.0:
        problems.append(FieldProblem("max_missing", _("enter a percentage between 0 and 100")))
    window = _number(trend_window, DEFAULT_WINDOW)
    if window is None or window != int(window) or not MIN_WINDOW <= window <= MAX_WINDOW:
        problems.append(
            FieldProblem(
                "trend_window", _("enter a whole number of years from {a} to {b}", a=MIN_WINDOW, b=MAX_WINDOW)
            )
        )
    if problems or share is None or window is None:
        raise ValidationFailed(_("The options are not valid."), problems)
    return IndexOptions(
        goal_colour_rule="all-indicators" if rule == "all-indicators" else "two-worst",
        impute=mode,
        max_missing=share,
        trend_window=int(window),
    )


def upload_name(filename: str | None, default: str) -> str:
    """A file name safe to show in messages (no path, no commas, at most 100 characters)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = re.sub(r"[,\x00-\x1f]", "_", name)[:100]
    return name or default


def _problems(exc: SdgIndexError, inputs: IndexInputs) -> list[FieldProblem]:
    files = {inputs.values.name: "values", inputs.spec.name: "spec"}
    if inputs.regions is not None:
        files[inputs.regions.name] = "regions"
    if inputs.history is not None:
        files[inputs.history.name] = "history"
    out = []
    for text in exc.problems:
        match = _WHERE_RE.match(text)
        file = row = field = None
        kind = None
        if match:
            file, row, field = match.group("file"), int(match.group("row")), match.group("field")
            kind = files.get(file)
        else:
            kind = next((k for name, k in files.items() if text.startswith(name + ":")), None)
            file = next((name for name, k in files.items() if k == kind), None) if kind else None
        form_field = FORM_FIELDS.get(kind or "", "values_file" if text.startswith("city ") else "spec_file")
        out.append(FieldProblem(field or form_field, text, row=row, file=file))
    return out


def compute(inputs: IndexInputs, options: IndexOptions) -> tuple[dict[str, Any], int, int]:
    """Compute an index from uploaded files: (result JSON, cities, indicators); errors name file/row/field."""
    if options.impute == "region" and inputs.regions is None:
        raise ValidationFailed(
            _("The index was not computed."),
            [FieldProblem("regions_file", _("imputation by region needs a regions file (city,region)"))],
        )
    files = IndexFiles(inputs.values, inputs.spec, inputs.regions, inputs.history)
    try:
        done = compute_files(files, options)
    except SdgIndexError as exc:
        raise ValidationFailed(_("The index was not computed."), _problems(exc, inputs)) from None
    result = done.result
    stored = result_to_json(result, done.specs, done.table.values, done.regions, done.table.years)
    return stored, len(result.cities), len(done.specs)


def _text(data: bytes | str) -> str:
    return data.decode("utf-8-sig") if isinstance(data, bytes) else data


def ranked_count(result: dict[str, Any]) -> int:
    """How many cities of a stored result have a rank."""
    return sum(1 for c in result.get("cities", []) if c.get("status") == STATUS_RANKED)


def check_title(title: str) -> str:
    """A stripped, non-empty title of at most 200 characters."""
    title = title.strip()
    if not title:
        raise ValidationFailed(_("The index was not computed."), [FieldProblem("title", _("enter a title"))])
    if len(title) > MAX_TITLE:
        raise ValidationFailed(
            _("The index was not computed."), [FieldProblem("title", _("use at most 200 characters"))]
        )
    return title


def _fill(
    run: IndexRun | NetworkIndexRun, title: str, inputs: IndexInputs, options: IndexOptions, by: str
) -> None:
    result, n_cities, n_indicators = compute(inputs, options)
    run.title = title
    run.source = "upload"
    run.goal_colour_rule = options.goal_colour_rule
    run.impute = options.impute
    run.values_name, run.values_csv = inputs.values.name, _text(inputs.values.data)
    run.spec_name, run.spec_csv = inputs.spec.name, _text(inputs.spec.data)
    if inputs.regions is not None:
        run.regions_name, run.regions_csv = inputs.regions.name, _text(inputs.regions.data)
    if inputs.history is not None:
        run.history_name, run.history_csv = inputs.history.name, _text(inputs.history.data)
    run.max_missing = options.max_missing
    run.trend_window = options.trend_window
    run.ranked_count = ranked_count(result)
    run.selection = {}
    run.result = result
    run.city_count, run.indicator_count = n_cities, n_indicators
    run.created_by = by[:200]


def create_run(
    session: Session, ctx: WorkspaceContext, title: str, inputs: IndexInputs, options: IndexOptions
) -> IndexRun:
    """Compute an index from uploaded files and store it in the workspace (editors)."""
    ctx.require_edit()
    title = check_title(title)
    run = IndexRun(workspace_id=ctx.id)
    _fill(run, title, inputs, options, ctx.principal.label)
    session.add(run)
    session.flush()
    return run


def delete_run(session: Session, ctx: WorkspaceContext, run: IndexRun) -> None:
    """Delete a stored run of the workspace (editors)."""
    ctx.require_edit()
    session.delete(run)
    session.flush()


def require_coordinator(coordinates: bool) -> None:
    """Raise unless the caller coordinates the network."""
    if not coordinates:
        raise PermissionDenied(_("Only the network's coordinators can build or delete its index runs."))


def create_network_run(
    session: Session,
    network: Network,
    coordinates: bool,
    by: str,
    title: str,
    inputs: IndexInputs,
    options: IndexOptions,
) -> NetworkIndexRun:
    """Compute an index from uploaded files and store it for a network (coordinators only)."""
    require_coordinator(coordinates)
    title = check_title(title)
    run = NetworkIndexRun(network_id=network.id)
    _fill(run, title, inputs, options, by)
    session.add(run)
    session.flush()
    return run


def delete_network_run(session: Session, coordinates: bool, run: NetworkIndexRun) -> None:
    """Delete a network's run (coordinators only)."""
    require_coordinator(coordinates)
    session.delete(run)
    session.flush()
