"""Progress results as CSV (the columns of `citydip sdg progress-calc`, one row per series plus one per indicator)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from citydip.core import csvout
from citydip.sdgprogress.method.table import format_number
from citydip.sdgprogress.service import IndicatorResult

COLUMNS = (
    "indicator",
    "goal",
    "level",
    "series_id",
    "method",
    "base_year",
    "base_value",
    "current_year",
    "current_value",
    "target",
    "target_year",
    "direction",
    "limit",
    "progress_value",
    "score",
    "status",
    "options",
    "note",
)


def _year(value: int | None) -> str:
    return "" if value is None else str(value)


def write_progress_csv(results: Sequence[IndicatorResult], out: TextIO) -> None:
    """Write one row per assessed series and one summary row per indicator; numbers never NaN."""
    writer = csvout.dict_writer(out, list(COLUMNS))
    writer.writeheader()
    for r in results:
        goal = "" if r.goal is None else str(r.goal)
        for s in r.series:
            writer.writerow(
                {
                    "indicator": r.code,
                    "goal": goal,
                    "level": "series",
                    "series_id": f"{r.code}:{s.tag}",
                    "method": s.method,
                    "base_year": _year(s.base_year),
                    "base_value": format_number(s.base_value),
                    "current_year": _year(s.current_year),
                    "current_value": format_number(s.current_value),
                    "target": format_number(s.target),
                    "target_year": _year(s.target_year),
                    "direction": s.direction,
                    "limit": format_number(s.limit),
                    "progress_value": format_number(s.progress_value),
                    "score": format_number(s.score),
                    "status": s.status,
                    "options": r.source,
                    "note": s.reason or "",
                }
            )
        writer.writerow(
            {
                "indicator": r.code,
                "goal": goal,
                "level": "indicator",
                "series_id": r.code,
                "score": format_number(r.score),
                "status": r.status,
                "options": r.source,
                "note": r.error or "",
            }
        )
