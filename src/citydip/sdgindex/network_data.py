"""A network's city SDG index built from the indicator data its member workspaces share with the network.

The coordinator picks indicators (Open SDG codes, e.g. ``1-2-1``), their direction and, optionally, bounds
and colour thresholds. Each member city contributes the headline value of each indicator (the series and
unit with the most years; the chosen year, or the latest) from indicators and observations whose visibility
is ``network`` or ``public``: private data never enters a network's index, whoever builds it. The selection
is written as V.csv and S.csv texts and goes through the same validation and computation as an upload, so
errors name the row and field and the stored run can be exported like any other.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.sdgindex import repository as repo
from citydip.sdgindex.io import CsvText
from citydip.sdgindex.models import NetworkIndexRun
from citydip.sdgindex.service import IndexInputs, IndexOptions, check_title, compute, require_coordinator
from citydip.workspaces.models import Network, Workspace

SPEC_FILE = "selection.csv"
VALUES_FILE = "member-values.csv"
REGIONS_FILE = "member-countries.csv"
MAX_INDICATORS = 300


@dataclass(frozen=True)
class Pick:
    """One indicator the coordinator chose, with direction and optional bounds and thresholds (as text)."""

    code: str
    direction: str = "higher"
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
                direction=str(form.get(f"direction_{i}", "higher") or "higher").strip(),
                **{k: str(form.get(f"{k}_{i}", "") or "").strip() for k in ("best", "worst", "green", "red")},
            )
        )
    return out


def city_names(members: Sequence[Workspace]) -> dict[int, str]:
    """Workspace id -> the city name shown in the index (the workspace name; slug added when names repeat)."""
    names = [w.name for w in members]
    return {w.id: (w.name if names.count(w.name) == 1 else f"{w.name} ({w.slug})") for w in members}


def member_values(
    session: Session, members: Sequence[Workspace], codes: Sequence[str], year: int | None
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, dict[str, Any]]]]:
    """City -> code -> value, and what each value is (year label, series, unit) for the record."""
    names = city_names(members)
    groups: dict[
        tuple[int, str], dict[tuple[str | None, str | None], dict[str, tuple[int | None, float]]]
    ] = {}
    rows = repo.shared_headlines(session, [w.id for w in members], codes)
    for ws_id, code, label, year_num, value, series, unit in rows:
        if not math.isfinite(value):
            continue
        groups.setdefault((ws_id, code), {}).setdefault((series, unit), {}).setdefault(
            label, (year_num, value)
        )
    values: dict[str, dict[str, float]] = {names[w.id]: {} for w in members}
    used: dict[str, dict[str, dict[str, Any]]] = {names[w.id]: {} for w in members}
    for (ws_id, code), by_group in groups.items():
        (series, unit), points = max(by_group.items(), key=lambda kv: len(kv[1]))
        candidates = [(y or 0, label, v) for label, (y, v) in points.items() if year is None or y == year]
        if not candidates:
            continue
        _chosen, label, value = max(candidates, key=lambda c: (c[0], c[1]))
        values[names[ws_id]][code] = value
        used[names[ws_id]][code] = {"year": label, "series": series, "unit": unit}
    return values, used


def _spec_text(picks: Sequence[Pick], goals: Mapping[str, int | None]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "goal", "direction", "best", "worst", "green", "red"])
    for p in picks:
        goal = goals.get(p.code)
        writer.writerow([p.code, "" if goal is None else goal, p.direction, p.best, p.worst, p.green, p.red])
    return out.getvalue()


def _values_text(values: Mapping[str, Mapping[str, float]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["city", "indicator", "value"])
    for city, row in values.items():
        for code, value in row.items():
            writer.writerow([city, code, repr(value)])
    return out.getvalue()


def _regions_text(regions: Mapping[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["city", "region"])
    writer.writerows(regions.items())
    return out.getvalue()


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
    if not picks:
        raise ValidationFailed(
            _("The index was not computed."), [FieldProblem("indicators", _("choose at least one indicator"))]
        )
    if len(picks) > MAX_INDICATORS:
        raise ValidationFailed(
            _("The index was not computed."),
            [FieldProblem("indicators", _("choose at most {n} indicators", n=MAX_INDICATORS))],
        )
    members = list(repo.network_members(session, network.id))
    shared = {
        code: goal for code, _name, goal, _n in repo.shared_indicators(session, [w.id for w in members])
    }
    unknown = [p.code for p in picks if p.code not in shared]
    if unknown:
        raise ValidationFailed(
            _("The index was not computed."),
            [
                FieldProblem("indicators", _("no member shares data for {code}", code=code))
                for code in unknown
            ],
        )
    values, used = member_values(session, members, [p.code for p in picks], year)
    if not any(values.values()):
        raise ValidationFailed(
            _("The index was not computed."),
            [FieldProblem("indicators", _("no member shares a value for these indicators in that year"))],
        )
    names = city_names(members)
    regions = _regions_text({names[w.id]: w.country_code or "none" for w in members})
    inputs = IndexInputs(
        values=CsvText(VALUES_FILE, _values_text(values)),
        spec=CsvText(SPEC_FILE, _spec_text(picks, shared)),
        regions=CsvText(REGIONS_FILE, regions) if options.impute == "region" else None,
    )
    result, n_cities, n_indicators = compute(inputs, options)
    for city in names.values():
        if city not in {c["city"] for c in result["cities"]}:
            result["cities"].append(_no_data_city(city, result["goals"]))
            n_cities += 1
    run = NetworkIndexRun(
        network_id=network.id,
        title=title,
        source="indicators",
        goal_colour_rule=options.goal_colour_rule,
        impute=options.impute,
        values_name=VALUES_FILE,
        values_csv=inputs.values.data if isinstance(inputs.values.data, str) else "",
        spec_name=SPEC_FILE,
        spec_csv=inputs.spec.data if isinstance(inputs.spec.data, str) else "",
        regions_name=REGIONS_FILE if inputs.regions is not None else "",
        regions_csv=regions if inputs.regions is not None else "",
        selection={"year": year, "indicators": [p.__dict__ for p in picks], "used": used},
        result=result,
        city_count=n_cities,
        indicator_count=n_indicators,
        created_by=by[:200],
    )
    session.add(run)
    session.flush()
    return run


def _no_data_city(city: str, goals: Sequence[str]) -> dict[str, Any]:
    return {
        "city": city,
        "region": "",
        "goal_scores": dict.fromkeys(goals),
        "goal_colours": dict.fromkeys(goals, ""),
        "imputed_goals": [],
        "index": None,
        "rank": None,
        "indicators_used": 0,
        "status": "no_data",
        "values": {},
        "normalised": {},
        "levels": {},
        "indicator_colours": {},
    }
