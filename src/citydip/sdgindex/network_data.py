"""A network's city SDG index built from the indicator data its member workspaces share with the network.

The coordinator picks indicators (Open SDG codes, e.g. ``1-2-1``), their direction (proposed from the
indicator's progress settings in the members' data) and, optionally, bounds and colour thresholds. Each
member city contributes the headline value of each indicator (the series and unit with the most years; the
chosen year, or the latest) from indicators and observations whose visibility is ``network`` or
``public``: private data never enters a network's index, whoever builds it. The same series, year by year,
feed the trend arrows. The selection is written as V.csv, S.csv and a history file and goes through the
same validation and computation as an upload; problems are reported against the coordinator's selection
(indicator and field), never against these generated files, and the stored run can be exported like any
other.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.sdgindex import repository as repo
from citydip.sdgindex.io import MAX_YEAR, MIN_YEAR, CsvText
from citydip.sdgindex.models import NetworkIndexRun
from citydip.sdgindex.service import (
    IndexInputs,
    IndexOptions,
    check_title,
    compute,
    ranked_count,
    require_coordinator,
)
from citydip.workspaces.models import Network, Workspace

SPEC_FILE = "selection.csv"
VALUES_FILE = "member-values.csv"
HISTORY_FILE = "member-series.csv"
REGIONS_FILE = "member-countries.csv"
MAX_INDICATORS = 300
_OPEN_SDG_DIRECTION = {"negative": "lower", "positive": "higher"}
_GENERATED_RE = re.compile(
    r"^(?P<file>[\w.-]+\.csv), row (?P<row>\d+)(?:, field '(?P<field>[^']*)')?: (?:indicator '[^']*': )?"
)


@dataclass(frozen=True)
class Pick:
    """One indicator the coordinator chose, with direction and optional bounds and thresholds (as text).

    A blank direction is taken from the indicator's progress settings in the members' data."""

    code: str
    direction: str = ""
    best: str = ""
    worst: str = ""
    green: str = ""
    red: str = ""


def picks_from_form(form: Mapping[str, Any], limit: int = MAX_INDICATORS) -> list[Pick]:
    """The rows of the build form whose 'use' box is ticked."""
    out = []
    for i in range(limit):
        if str(form.get(f"use_{i}", "")) != "on":
            continue
        code = str(form.get(f"code_{i}", "") or "").strip()
        if not code:
            continue
        out.append(
            Pick(
                code=code,
                **{
                    k: str(form.get(f"{k}_{i}", "") or "").strip()
                    for k in ("direction", "best", "worst", "green", "red")
                },
            )
        )
    return out


def direction_of(config: Mapping[str, Any]) -> str:
    """'higher' or 'lower' from an indicator-config's progress options (Open SDG's desired direction)."""
    items = config.get("progress_calculation_options")
    while isinstance(items, list) and items:
        first = items[0]
        if not isinstance(first, Mapping):
            return ""
        if "group" in first:
            items = first["group"]
            continue
        return _OPEN_SDG_DIRECTION.get(str(first.get("direction", "")).strip().lower(), "")
    return ""


def metadata_directions(session: Session, members: Sequence[Workspace]) -> dict[str, str]:
    """Code -> direction the members' indicator settings agree on ('' where they disagree or say nothing)."""
    seen: dict[str, set[str]] = {}
    for code, config in repo.shared_configs(session, [w.id for w in members]):
        seen.setdefault(code, set()).add(direction_of(config))
    return {code: next(iter(found)) if len(found) == 1 else "" for code, found in seen.items()}


def shared_choices(
    session: Session, members: Sequence[Workspace]
) -> list[tuple[str, str, int | None, int, str]]:
    """Indicators the members share, for the build form: (code, name, goal, cities, direction)."""
    directions = metadata_directions(session, members)
    return [
        (code, name, goal, cities, directions.get(code, ""))
        for code, name, goal, cities in repo.shared_indicators(session, [w.id for w in members])
    ]


def city_names(session: Session, members: Sequence[Workspace]) -> dict[int, str]:
    """Workspace id -> the city shown in the index: its reference city's name (the workspace name when it
    has none), with the slug added when two members would show the same name."""
    cities = repo.reference_city_names(session, members)
    names = {w.id: cities.get(w.id, w.name) for w in members}
    taken = list(names.values())
    return {
        w.id: (names[w.id] if taken.count(names[w.id]) == 1 else f"{names[w.id]} ({w.slug})") for w in members
    }


Point = tuple[int | None, float]  # (year, value)


def member_series(
    session: Session, members: Sequence[Workspace], names: Mapping[int, str], codes: Sequence[str]
) -> dict[tuple[str, str], tuple[str | None, str | None, dict[str, Point]]]:
    """(city, code) -> (series, unit, year label -> (year, value)) of the headline series with most years."""
    groups: dict[tuple[int, str], dict[tuple[str | None, str | None], dict[str, Point]]] = {}
    for ws_id, code, label, year_num, value, series, unit in repo.shared_headlines(
        session, [w.id for w in members], codes
    ):
        if math.isfinite(value):
            groups.setdefault((ws_id, code), {}).setdefault((series, unit), {}).setdefault(
                label, (year_num, value)
            )
    out = {}
    for (ws_id, code), by_group in groups.items():
        (series, unit), points = max(by_group.items(), key=lambda kv: len(kv[1]))
        out[(names[ws_id], code)] = (series, unit, points)
    return out


def member_values(
    found: Mapping[tuple[str, str], tuple[str | None, str | None, Mapping[str, Point]]],
    cities: Sequence[str],
    year: int | None,
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, dict[str, Any]]]]:
    """City -> code -> value (the chosen year's, or the latest), and what each value is, for the record."""
    values: dict[str, dict[str, float]] = {c: {} for c in cities}
    used: dict[str, dict[str, dict[str, Any]]] = {c: {} for c in cities}
    for (city, code), (series, unit, points) in found.items():
        candidates = [(y or 0, label, v) for label, (y, v) in points.items() if year is None or y == year]
        if not candidates:
            continue
        _chosen, label, value = max(candidates, key=lambda c: (c[0], c[1]))
        values[city][code] = value
        used[city][code] = {"year": label, "year_num": points[label][0], "series": series, "unit": unit}
    return values, used


def _csv(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _spec_text(picks: Sequence[Pick], goals: Mapping[str, int | None], directions: Mapping[str, str]) -> str:
    rows: list[list[object]] = [["indicator", "goal", "direction", "best", "worst", "green", "red"]]
    for p in picks:
        goal = goals.get(p.code)
        direction = p.direction or directions.get(p.code, "")
        rows.append([p.code, "" if goal is None else goal, direction, p.best, p.worst, p.green, p.red])
    return _csv(rows)


def _values_text(values: Mapping[str, Mapping[str, float]]) -> str:
    rows: list[list[object]] = [["city", "indicator", "value"]]
    rows += [[city, code, repr(value)] for city, row in values.items() for code, value in row.items()]
    return _csv(rows)


def _history_text(
    found: Mapping[tuple[str, str], tuple[str | None, str | None, Mapping[str, Point]]], year: int | None
) -> str:
    rows: list[list[object]] = [["city", "year", "indicator", "value"]]
    for (city, code), (_series, _unit, points) in found.items():
        by_year: dict[int, float] = {}
        for y, v in points.values():
            if y is not None and MIN_YEAR <= y <= MAX_YEAR and (year is None or y <= year):
                by_year.setdefault(y, v)
        rows += [[city, y, code, repr(v)] for y, v in sorted(by_year.items())]
    return _csv(rows)


def _check_picks(
    picks: Sequence[Pick], shared: Mapping[str, int | None], directions: Mapping[str, str]
) -> None:
    problems = []
    if not picks:
        problems.append(FieldProblem("indicators", _("choose at least one indicator")))
    if len(picks) > MAX_INDICATORS:
        problems.append(FieldProblem("indicators", _("choose at most {n} indicators", n=MAX_INDICATORS)))
    for i, p in enumerate(picks):
        if p.code not in shared:
            problems.append(FieldProblem("indicators", _("no member shares data for {code}", code=p.code)))
        elif p.direction not in ("", "higher", "lower"):
            problems.append(
                FieldProblem(f"indicators[{i}].direction", _("{code}: choose higher or lower", code=p.code))
            )
        elif not (p.direction or directions.get(p.code)):
            problems.append(
                FieldProblem(
                    f"indicators[{i}].direction",
                    _(
                        "{code}: the members' settings do not say whether higher or lower is better; choose one",
                        code=p.code,
                    ),
                )
            )
    if problems:
        raise ValidationFailed(_("The index was not computed."), problems)


def _selection_problem(problem: FieldProblem, picks: Sequence[Pick]) -> FieldProblem:
    """A problem found in the generated files, restated against the coordinator's selection."""
    match = _GENERATED_RE.match(problem.message)
    if match is None or match.group("file") != SPEC_FILE:
        return problem
    position = int(match.group("row")) - 2
    pick = picks[position] if 0 <= position < len(picks) else None
    code = pick.code if pick else "?"
    field = match.group("field")
    rest = problem.message[match.end() :]
    if "bounds are equal" in rest and pick is not None and not (pick.best and pick.worst):
        rest += " " + _("(the member cities' values leave no range: enter a best and a worst bound)")
    label = f"{code}, {field}" if field else code
    return FieldProblem(f"indicators[{max(position, 0)}].{field or 'bounds'}", f"{label}: {rest}")


def build_network_run(
    session: Session,
    network: Network,
    coordinates: bool,
    by: str,
    title: str,
    picks: Sequence[Pick],
    year: int | None,
    options: IndexOptions,
) -> NetworkIndexRun:
    """Compute and store a network index from its members' shared indicator data (coordinators only)."""
    require_coordinator(coordinates)
    title = check_title(title)
    members = list(repo.network_members(session, network.id))
    shared = {code: goal for code, _n, goal, _c in repo.shared_indicators(session, [w.id for w in members])}
    directions = metadata_directions(session, members)
    _check_picks(picks, shared, directions)
    names = city_names(session, members)
    found = member_series(session, members, names, [p.code for p in picks])
    values, used = member_values(found, list(names.values()), year)
    if not any(values.values()):
        raise ValidationFailed(
            _("The index was not computed."),
            [FieldProblem("indicators", _("no member shares a value for these indicators in that year"))],
        )
    regions = _csv([["city", "region"], *([names[w.id], w.country_code or "none"] for w in members)])
    inputs = IndexInputs(
        values=CsvText(VALUES_FILE, _values_text(values)),
        spec=CsvText(SPEC_FILE, _spec_text(picks, shared, directions)),
        regions=CsvText(REGIONS_FILE, regions) if options.impute == "region" else None,
        history=CsvText(HISTORY_FILE, _history_text(found, year)),
    )
    try:
        result, n_cities, n_indicators = compute(inputs, options)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, [_selection_problem(p, picks) for p in exc.details]) from None
    n_cities += _complete(result, used, list(names.values()))
    run = NetworkIndexRun(
        network_id=network.id,
        title=title,
        source="indicators",
        selection={"year": year, "indicators": [p.__dict__ for p in picks], "used": used},
        result=result,
        city_count=n_cities,
        ranked_count=ranked_count(result),
        indicator_count=n_indicators,
        created_by=by[:200],
    )
    _keep_inputs(run, inputs, options)
    session.add(run)
    session.flush()
    return run


def _complete(result: dict[str, Any], used: Mapping[str, Mapping[str, Any]], cities: Sequence[str]) -> int:
    """Record the year of each value used, and list members without any value; return how many were added."""
    for stored in result["cities"]:
        own = used.get(stored["city"], {})
        stored["years"] = {code: u["year_num"] for code, u in own.items() if isinstance(u["year_num"], int)}
    listed = {c["city"] for c in result["cities"]}
    missing = [city for city in cities if city not in listed]
    result["cities"].extend(_no_data_city(city, result["goals"]) for city in missing)
    return len(missing)


def _keep_inputs(run: NetworkIndexRun, inputs: IndexInputs, options: IndexOptions) -> None:
    """Store the generated files and the options on the run, as an upload stores its files."""
    run.goal_colour_rule, run.impute = options.goal_colour_rule, options.impute
    run.max_missing, run.trend_window = options.max_missing, options.trend_window
    run.values_name, run.values_csv = VALUES_FILE, str(inputs.values.data)
    run.spec_name, run.spec_csv = SPEC_FILE, str(inputs.spec.data)
    if inputs.regions is not None:
        run.regions_name, run.regions_csv = REGIONS_FILE, str(inputs.regions.data)
    if inputs.history is not None:
        run.history_name, run.history_csv = HISTORY_FILE, str(inputs.history.data)


def _no_data_city(city: str, goals: Sequence[str]) -> dict[str, Any]:
    return {
        "city": city,
        "region": "",
        "groups": [],
        "goal_scores": dict.fromkeys(goals),
        "goal_colours": dict.fromkeys(goals, ""),
        "goal_trends": dict.fromkeys(goals),
        "imputed_goals": [],
        "index": None,
        "rank": None,
        "indicators_used": 0,
        "indicators_applicable": 0,
        "missing_percent": None,
        "status": "no_data",
        "values": {},
        "years": {},
        "normalised": {},
        "levels": {},
        "indicator_colours": {},
        "trends": {},
    }
