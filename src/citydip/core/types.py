"""Constrained types for request fields, so out-of-range input is a 422 naming the field, never a 500.

A Python ``int`` has no upper bound; the database does (PostgreSQL ``INTEGER`` holds up to 2,147,483,647, SQLite
and ``BIGINT`` up to 2**63 - 1). Without bounds at the schema, ``/reference/cities/1180591620717411303424`` or
``"jobs": 2**70`` reached the driver and failed there. Request schemas and path or query parameters use these
types; the error handler also answers any out-of-range number that still reaches the database with a 422.

Dates and times are strict about their form: ``"due_on": 0`` is not 1970-01-01 and ``"start_time": 0`` is
not midnight; only ISO text (``"2026-12-07"``, ``"09:30"``) is accepted.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def _text_only(kind: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, bool | int | float):
            raise ValueError(f"give the {kind} as ISO text, not a number")
        return value

    return check


RowId = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""An integer row id (users, tokens, sessions, ties, reviews...): an ``INTEGER`` column."""
GeonamesId = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""A GeoNames id of a reference city."""
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
"""A whole number of things (jobs, people...)."""
BigCount = Annotated[int, Field(ge=0, le=INT64_MAX)]
"""A large whole number (money in minor units, populations)."""
Offset = Annotated[int, Field(ge=0, le=INT32_MAX)]
"""Rows to skip."""
Date = Annotated[dt.date, BeforeValidator(_text_only("date"))]
"""A calendar date as ISO text (``2026-12-07``)."""
Time = Annotated[dt.time, BeforeValidator(_text_only("time"))]
"""A time of day as ISO text (``09:30``)."""


def not_null(*names: str) -> Any:
    """A validator for a PATCH model: these fields may be left out, but an explicit null is refused (422)."""

    def check(cls: Any, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null; leave the field out to keep its value")
        return value

    return field_validator(*names, mode="before")(check)
