"""Checks that look at an indicator as a whole: metadata against the schema, data against the metadata."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from citydip.sdg.opensdg.metadata import Schema
from citydip.sdg.opensdg.model import REPORTING_STATUSES, Indicator, Problem, Severity

_SDG_ID = re.compile(r"^\d{1,2}-[0-9a-z]{1,2}-[0-9a-z]+(?:-[0-9a-z]+)*$")
_SCALAR = (str, int, float, bool)


def check_indicator(
    ind: Indicator,
    merged: Mapping[str, Any],
    origin: Mapping[str, str],
    schema: Schema | None,
    data_file: str | None,
) -> list[Problem]:
    """Metadata and cross checks for one indicator (``merged`` is its metadata and configuration combined)."""
    out: list[Problem] = []

    def add(
        severity: Severity, code: str, reason: str, field_name: str | None = None, file: str | None = None
    ) -> None:
        where = file or (origin.get(field_name) if field_name else None) or origin.get("") or data_file
        out.append(Problem(severity, code, reason, where, None, field_name, ind.id))

    if not _SDG_ID.match(ind.id) and not merged.get("standalone"):
        add(
            "warning", "indicator-id", f"id {ind.id!r} is not goal-target-indicator and standalone is not set"
        )

    if not merged:
        add(
            "error",
            "meta-missing",
            "there is no metadata or indicator configuration for this indicator",
            file=data_file,
        )
        return out

    status = merged.get("reporting_status")
    allowed = (schema.options("reporting_status") if schema else None) or list(REPORTING_STATUSES)
    if status is None:
        add(
            "error", "meta-required", "reporting_status is missing (Open SDG requires it)", "reporting_status"
        )
    elif status not in allowed:
        add(
            "error",
            "meta-option",
            f"reporting_status {status!r} is not one of {', '.join(map(str, allowed))}",
            "reporting_status",
        )
    if status == "complete":
        non_stat = merged.get("data_non_statistical")
        if "data_non_statistical" not in merged:
            add(
                "warning",
                "meta-required",
                "data_non_statistical is missing for a complete indicator (Open SDG expects it; the builder "
                "guesses from whether there is data)",
                "data_non_statistical",
            )
        if non_stat is not True:
            for name, fallback in (("graph_title", "the indicator name"), ("graph_type", "a line chart")):
                if merged.get(name) in (None, ""):
                    add(
                        "warning",
                        "meta-required",
                        f"{name} is missing for a complete statistical indicator (the builder falls back to "
                        f"{fallback})",
                        name,
                    )

    if schema is not None:
        for name, value in merged.items():
            if not schema.knows(name):
                add("warning", "meta-unknown-field", f"field {name!r} is not in the metadata schema", name)
                continue
            element = schema.element(name)
            if element is None or value is None:
                continue
            if element == "checkbox":
                if not isinstance(value, bool):
                    add("error", "meta-type", f"{name} must be true or false, found {value!r}", name)
            elif element == "select":
                options = schema.options(name) or []
                if value not in options and name != "reporting_status":
                    add(
                        "error",
                        "meta-option",
                        f"{name} {value!r} is not one of {', '.join(map(str, options))}",
                        name,
                    )
            elif element == "multiselect":
                options = schema.options(name) or []
                items = value if isinstance(value, list) else [value]
                bad = [v for v in items if v not in options]
                if bad:
                    add("error", "meta-option", f"{name} has values not among its options: {bad!r}", name)
            elif not isinstance(value, _SCALAR):
                add(
                    "error",
                    "meta-type",
                    f"{name} must be a single value, found a {type(value).__name__}",
                    name,
                )

    if status == "complete" and merged.get("data_non_statistical") is False and not ind.has_data():
        add(
            "warning",
            "complete-without-data",
            "reporting_status is complete but there is no data",
            "reporting_status",
        )

    if merged.get("data_show_map") is True and ind.has_data():
        table = ind.data
        has_geo = table is not None and "GeoCode" in table.columns and any(table.column_values("GeoCode"))
        if not has_geo:
            add(
                "error",
                "map-without-geocode",
                "data_show_map is true but the data has no GeoCode values to put on a map",
                "data_show_map",
            )

    if ind.placeholder:
        add(
            "warning",
            "placeholder-data",
            "the data file is the starter template's dummy Year,Group,Value 2015-2016 file: "
            "placeholder data, "
            "not real data",
            file=data_file,
        )
        if status == "complete":
            add(
                "warning",
                "placeholder-published",
                "reporting_status is complete but the data is the starter template's placeholder",
                "reporting_status",
            )
    return out
