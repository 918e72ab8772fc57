"""``stats/reporting.json`` and ``stats/disaggregation.json``: how far each goal has got."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from citydip.sdg.opensdg.model import REPORTING_STATUSES

_NOT_SPECIFIED = "status.not_specified"
_DISAGGREGATION_STATUSES = ("complete", "inprogress", "notstarted", "notapplicable")


def _goal_sort(value: Any) -> tuple[int, float, str]:
    text = str(value)
    return (0, float(text), "") if text.isdigit() else (1, 0.0, text)


def _numeric_if_all(values: list[Any]) -> list[Any]:
    def numeric(v: Any) -> bool:
        return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v.isnumeric())

    if values and all(numeric(v) for v in values):
        return [int(v) for v in values]
    return values


def _status_report(counts: Mapping[str, int], total: int, statuses: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {
            "status": s,
            "count": counts.get(s, 0),
            "percentage": round(100 * counts.get(s, 0) / total, 3) if total else 0.0,
        }
        for s in statuses
    ]


def reporting_stats(
    all_meta: Mapping[str, Mapping[str, Any]],
    extra_fields: Sequence[str] = (),
    status_order: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Count reporting statuses overall, per goal and per extra field (standalone indicators left out)."""
    rows = [m for m in all_meta.values() if not m.get("standalone")]
    statuses_seen = [m.get("reporting_status") or _NOT_SPECIFIED for m in rows]
    order = list(status_order or REPORTING_STATUSES)
    statuses = [s for s in order if s in statuses_seen]
    statuses += sorted({str(s) for s in statuses_seen if s not in order})

    overall: dict[str, int] = {}
    for s in statuses_seen:
        overall[s] = overall.get(s, 0) + 1
    output: dict[str, Any] = {
        "statuses": [{"value": s} for s in statuses],
        "overall": {"statuses": _status_report(overall, len(rows), statuses), "totals": {"total": len(rows)}},
        "extra_fields": {},
    }

    def grouped(field: str) -> list[dict[str, Any]]:
        raw = [m.get(field) if m.get(field) is not None else _NOT_SPECIFIED for m in rows]
        keys = _numeric_if_all(raw)
        groups: dict[Any, dict[str, int]] = {}
        for key, status in zip(keys, statuses_seen, strict=True):
            bucket = groups.setdefault(key, {})
            bucket[status] = bucket.get(status, 0) + 1
        name = "goal" if field == "sdg_goal" else field
        out = []
        for key in sorted(groups, key=_goal_sort):
            total = sum(groups[key].values())
            out.append(
                {
                    name: key,
                    "statuses": _status_report(groups[key], total, statuses),
                    "totals": {"total": total},
                }
            )
        return out

    for field in extra_fields:
        if field != "sdg_goal":
            output["extra_fields"][field] = grouped(field)
    output["goals"] = grouped("sdg_goal")
    return output


def disaggregation_stats(
    expected: Mapping[str, Sequence[str]],
    actual: Mapping[str, Sequence[str]],
    goals: Mapping[str, str],
    extra: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """How many indicators have all the disaggregations their metadata expects, per goal.

    ``expected``/``actual``/``goals`` are keyed by indicator id; standalone indicators must be left out by the
    caller. ``extra`` maps an extra field name to each indicator's value for it.
    """

    def classify(ind_id: str) -> str:
        want = list(expected.get(ind_id) or [])
        have = list(actual.get(ind_id) or [])
        if not want:
            return "notapplicable"
        if len(have) >= len(want) and all(d in have for d in want):
            return "complete"
        if have and any(d in have for d in want):
            return "inprogress"
        return "notstarted"

    def report(counts: Mapping[str, int], total: int) -> list[dict[str, Any]]:
        return [
            {
                "status": s,
                "count": counts.get(s, 0),
                "percentage": 100 * counts.get(s, 0) / total if total else 0.0,
            }
            for s in _DISAGGREGATION_STATUSES
        ]

    overall: dict[str, int] = {}
    per_goal: dict[str, dict[str, int]] = {}
    per_extra: dict[str, dict[Any, dict[str, int]]] = {name: {} for name in (extra or {})}
    for ind_id, goal in goals.items():
        status = classify(ind_id)
        overall[status] = overall.get(status, 0) + 1
        bucket = per_goal.setdefault(goal, {})
        bucket[status] = bucket.get(status, 0) + 1
        for name, values in (extra or {}).items():
            value = values.get(ind_id)
            if value is None:
                continue
            ebucket = per_extra[name].setdefault(value, {})
            ebucket[status] = ebucket.get(status, 0) + 1
    total = sum(overall.values())
    return {
        "statuses": [{"value": s} for s in _DISAGGREGATION_STATUSES],
        "overall": {"statuses": report(overall, total), "totals": {"total": total}},
        "goals": [
            {
                "goal": g,
                "statuses": report(per_goal[g], sum(per_goal[g].values())),
                "totals": {"total": sum(per_goal[g].values())},
            }
            for g in sorted(per_goal, key=_goal_sort)
        ],
        "extra_fields": {
            name: [
                {
                    name: value,
                    "statuses": report(counts, sum(counts.values())),
                    "totals": {"total": sum(counts.values())},
                }
                for value, counts in groups.items()
            ]
            for name, groups in per_extra.items()
        },
    }
