"""Filters, sorting and pagination defined once per list and used by HTML pages, the API and exports.

A ``ListSpec`` names the filters a list accepts; ``spec.parse(params)`` validates query parameters (errors name
the parameter), ``spec.apply(stmt, params)`` adds WHERE and ORDER BY, ``paginate()`` runs the page query and the
count. ``spec.dependency()`` builds a FastAPI dependency whose signature documents every filter in OpenAPI.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from fastapi import Query, Request
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from citydip.core.errors import FieldProblem, ValidationFailed

T = TypeVar("T")
Op = Literal["eq", "in", "gte", "lte", "contains", "custom"]
ValueType = Literal["str", "int", "float", "date", "bool", "uuid"]


@dataclass(frozen=True)
class Filter:
    """One filter: a query parameter, how to parse it and how it narrows the statement."""

    name: str
    label: str
    column: Any = None
    op: Op = "eq"
    type: ValueType = "str"
    choices: Sequence[tuple[str, str]] | None = None
    apply: Callable[[Select[Any], Any], Select[Any]] | None = None
    multiple: bool = False
    help: str = ""

    def parse_one(self, raw: str) -> Any:
        """Parse one raw value or raise ValueError with a plain reason."""
        raw = raw.strip()
        if self.choices is not None and raw not in {c for c, _ in self.choices}:
            raise ValueError(f"'{raw}' is not one of: {', '.join(c for c, _ in self.choices)}")
        if self.type == "int":
            return int(raw)
        if self.type == "float":
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError("must be a finite number")
            return value
        if self.type == "date":
            return dt.date.fromisoformat(raw)
        if self.type == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected true or false")
        if self.type == "uuid":
            return uuid.UUID(raw)
        return raw


@dataclass(frozen=True)
class ListParams:
    """Validated list parameters."""

    filters: Mapping[str, Any]
    sort: str
    page: int
    per_page: int
    q: str = ""

    def query_string(self, **overrides: Any) -> str:
        """These parameters as a query string, with overrides (for pager and sort links)."""
        from urllib.parse import urlencode

        items: list[tuple[str, str]] = []
        values: dict[str, Any] = {
            **self.filters,
            "q": self.q,
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
            **overrides,
        }
        for key, value in values.items():
            if value in (None, "", []):
                continue
            for v in value if isinstance(value, list | tuple) else [value]:
                items.append((key, v.isoformat() if isinstance(v, dt.date) else str(v)))
        return urlencode(items)


@dataclass
class Page(Generic[T]):
    """One page of results."""

    items: list[T]
    total: int
    page: int
    per_page: int
    params: ListParams | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class ListSpec:
    """The filters, sorts and page sizes of one list."""

    filters: Sequence[Filter] = ()
    sorts: Mapping[str, Any] = field(default_factory=dict)
    default_sort: str = ""
    search_columns: Sequence[Any] = ()
    per_page: int = 25
    max_per_page: int = 200

    def filter(self, name: str) -> Filter | None:
        """The filter with this name."""
        return next((f for f in self.filters if f.name == name), None)

    def parse(self, params: Mapping[str, Any]) -> ListParams:
        """Validate raw parameters (a dict or Starlette QueryParams); errors name each parameter."""
        problems: list[FieldProblem] = []

        def values_of(key: str) -> list[str]:
            if hasattr(params, "getlist"):
                raw = params.getlist(key)
            else:
                value = params.get(key)
                raw = value if isinstance(value, list) else ([] if value is None else [value])
            return [str(v) for v in raw if str(v).strip() != ""]

        parsed: dict[str, Any] = {}
        for flt in self.filters:
            raws = values_of(flt.name)
            if not raws:
                continue
            try:
                values = [flt.parse_one(r) for r in raws]
            except ValueError as exc:
                problems.append(FieldProblem(flt.name, str(exc)))
                continue
            parsed[flt.name] = values if (flt.multiple or flt.op == "in") else values[-1]
        sort = (values_of("sort") or [self.default_sort])[-1]
        if sort and sort.lstrip("-") not in self.sorts:
            problems.append(
                FieldProblem("sort", f"cannot sort by '{sort}'; use one of {', '.join(self.sorts)}")
            )
            sort = self.default_sort
        page = self._int(values_of("page"), 1, "page", problems, low=1, high=1_000_000)
        per_page = self._int(
            values_of("per_page"), self.per_page, "per_page", problems, low=1, high=self.max_per_page
        )
        q = (values_of("q") or [""])[-1].strip()[:500]
        if problems:
            raise ValidationFailed("Some list parameters are not valid.", problems)
        return ListParams(parsed, sort, page, per_page, q)

    @staticmethod
    def _int(
        raw: list[str], default: int, name: str, problems: list[FieldProblem], low: int, high: int
    ) -> int:
        if not raw:
            return default
        try:
            value = int(raw[-1])
        except ValueError:
            problems.append(FieldProblem(name, f"'{raw[-1]}' is not a whole number"))
            return default
        if not low <= value <= high:
            problems.append(FieldProblem(name, f"must be between {low} and {high}"))
            return default
        return value

    def apply(self, stmt: Select[Any], params: ListParams) -> Select[Any]:
        """Add the filters, free-text search and ordering to a statement."""
        for name, value in params.filters.items():
            flt = self.filter(name)
            if flt is None:
                continue
            if flt.apply is not None:
                stmt = flt.apply(stmt, value)
            elif flt.op == "eq":
                stmt = stmt.where(flt.column == value)
            elif flt.op == "in":
                stmt = stmt.where(flt.column.in_(value))
            elif flt.op == "gte":
                stmt = stmt.where(flt.column >= value)
            elif flt.op == "lte":
                stmt = stmt.where(flt.column <= value)
            elif flt.op == "contains":
                stmt = stmt.where(func.lower(flt.column).contains(str(value).lower(), autoescape=True))
        if params.q and self.search_columns:
            needle = params.q.lower()
            stmt = stmt.where(
                or_(*(func.lower(c).contains(needle, autoescape=True) for c in self.search_columns))
            )
        return stmt.order_by(*self.order_by(params.sort))

    def order_by(self, sort: str) -> list[Any]:
        """ORDER BY clauses for a sort key such as ``-signed_on`` (ties broken by the first sort column)."""
        if not sort:
            return []
        desc = sort.startswith("-")
        column = self.sorts[sort.lstrip("-")]
        clauses = [column.desc() if desc else column.asc()]
        return clauses

    def dependency(self) -> Callable[..., ListParams]:
        """A FastAPI dependency that parses these parameters and documents them in OpenAPI."""
        spec = self
        parameters = [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
        ]
        pytypes: dict[str, Any] = {
            "str": str,
            "int": int,
            "float": float,
            "date": dt.date,
            "bool": bool,
            "uuid": uuid.UUID,
        }
        common = [
            ("q", str, Query(None, description="Free-text search")),
            (
                "sort",
                str,
                Query(None, description=f"One of {', '.join(self.sorts)}; prefix - for descending"),
            ),
            ("page", int, Query(None, ge=1, description="Page number, from 1")),
            ("per_page", int, Query(None, ge=1, le=self.max_per_page, description="Items per page")),
        ]
        for name, typ, default in common:
            parameters.append(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=typ | None
                )
            )
        for index, flt in enumerate(self.filters):
            typ = pytypes[flt.type]
            annotation: Any = list[typ] | None if (flt.multiple or flt.op == "in") else typ | None  # type: ignore[valid-type]
            desc = flt.help or flt.label
            if flt.choices:
                desc += " (" + ", ".join(c for c, _ in flt.choices) + ")"
            parameters.append(
                inspect.Parameter(
                    f"filter_{index}",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=Query(None, alias=flt.name, description=desc),
                    annotation=annotation,
                )
            )

        def parse_params(request: Request, **_: Any) -> ListParams:
            return spec.parse(request.query_params)

        parse_params.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return parse_params


def paginate(session: Session, stmt: Select[Any], spec: ListSpec, params: ListParams) -> Page[Any]:
    """Run a filtered, sorted page query and its count."""
    stmt = spec.apply(stmt, params)
    total = int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)
    offset = (params.page - 1) * params.per_page
    rows = session.execute(stmt.limit(params.per_page).offset(offset)).unique()
    items = list(rows.scalars().all()) if len(stmt.column_descriptions) == 1 else list(rows.all())
    return Page(items, total, params.page, params.per_page, params)
