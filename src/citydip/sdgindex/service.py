"""Compute and store city SDG index runs from uploaded V/S/R files (workspace or network)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem, PermissionDenied, ValidationFailed
from citydip.core.i18n import _
from citydip.sdgindex.colours import GOAL_COLOUR_RULES, GoalColourRule
from citydip.sdgindex.compute import SdgIndexError, compute_index
from citydip.sdgindex.io import CsvText, read_regions, read_spec, read_values
from citydip.sdgindex.models import IndexRun, NetworkIndexRun
from citydip.sdgindex.results import result_to_json
from citydip.workspaces.models import Network

MAX_TITLE = 200
_WHERE_RE = re.compile(r"^(?P<file>.+?), row (?P<row>\d+)(?:, field '(?P<field>[^']*)'|, column \d+)?: ")
FORM_FIELDS = {"values": "values_file", "spec": "spec_file", "regions": "regions_file"}


@dataclass(frozen=True)
class IndexOptions:
    """How to compute: goal colour rule and imputation of missing goals."""

    goal_colour_rule: GoalColourRule = "two-worst"
    impute: str = ""  # "" (none) or "region"


@dataclass(frozen=True)
class IndexInputs:
    """The three files of a run (regions optional), as uploaded."""

    values: CsvText
    spec: CsvText
    regions: CsvText | None = None


def parse_options(goal_colour: str, impute: str) -> IndexOptions:
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
    if problems:
        raise ValidationFailed(_("The options are not valid."), problems)
    return IndexOptions(
        goal_colour_rule="all-indicators" if rule == "all-indicators" else "two-worst", impute=mode
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
    try:
        specs = read_spec(inputs.spec)
        values = read_values(inputs.values, specs)
        regions = read_regions(inputs.regions) if inputs.regions is not None else None
        result = compute_index(
            values,
            specs,
            regions=regions,
            impute_missing_goals="region" if options.impute == "region" else None,
            goal_colour_rule=options.goal_colour_rule,
        )
    except SdgIndexError as exc:
        raise ValidationFailed(_("The index was not computed."), _problems(exc, inputs)) from None
    return result_to_json(result, specs, values, regions), len(result.cities), len(specs)


def _text(data: bytes | str) -> str:
    return data.decode("utf-8-sig") if isinstance(data, bytes) else data


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
