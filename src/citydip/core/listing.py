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
from typing import Any, Generic, Literal, Self, TypeVar, cast

from fastapi import Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Boolean, ColumnElement, Select, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal, replacement_traverse

from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.textsearch import SearchIndex

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
    capped: bool = False  # the count stopped early: ``total`` is a lower bound

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_next(self) -> bool:
        if self.capped:
            return len(self.items) == self.per_page
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


class PageOut(BaseModel, Generic[T]):
    """One page of a list in the API; subclass it per list (``class PartnerPage(PageOut[PartnerOut])``) so the
    OpenAPI schema keeps a readable name, and build it with ``PartnerPage.of(page, items)``."""

    items: list[T]
    total: int
    total_capped: bool = Field(
        False,
        description="True when there are more matches than `total` (counts stop at 10,000)",
    )
    page: int
    per_page: int

    @classmethod
    def of(cls, page: Page[Any], items: list[T]) -> Self:
        """The API page of a ``Page`` whose rows were turned into ``items``."""
        return cls(
            items=items, total=page.total, total_capped=page.capped, page=page.page, per_page=page.per_page
        )


@dataclass(frozen=True)
class ListSpec:
    """The filters, sorts and page sizes of one list."""

    filters: Sequence[Filter] = ()
    sorts: Mapping[str, Any] = field(default_factory=dict)
    default_sort: str = ""
    search_columns: Sequence[Any] = ()
    per_page: int = 25
    max_per_page: int = 200
    search_index: SearchIndex | None = (
        None  # a trigram index over exactly ``search_columns`` (core.textsearch)
    )

    def __post_init__(self) -> None:
        if self.search_index is not None:
            indexed = SearchIndex.on(*self.search_columns)
            if (indexed.table, indexed.columns) != (self.search_index.table, self.search_index.columns):
                raise ValueError(f"search_index {self.search_index} does not cover search_columns {indexed}")

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
        if "\x00" in q:  # PostgreSQL refuses NUL in text; SQLite would cut the needle short at it
            problems.append(FieldProblem("q", "the search text contains a NUL character"))
            q = ""
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

    def apply(
        self, stmt: Select[Any], params: ListParams, dialect: str = "", session: Session | None = None
    ) -> Select[Any]:
        """Add the filters, free-text search and ordering to a statement.

        Free text is ``search_clause``: the list's ``search_index`` when it has one (``session`` lets SQLite
        probe how common the needle is), else ``LIKE`` / ``ILIKE``.
        """
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
            stmt = search(stmt, self.search_columns, params.q, dialect, self.search_index, session)
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


def _uses_index(text: str, dialect: str, index: SearchIndex | None, session: Session | None) -> bool:
    """Whether SQLite should answer this needle from the FTS5 index (see ``search_clause``)."""
    if dialect != "sqlite" or index is None or not index.serves(text):
        return False
    return not (text.isascii() and session is not None and index.is_common(session, text))


def search(
    stmt: Select[Any],
    columns: Sequence[Any],
    text: str,
    dialect: str = "",
    index: SearchIndex | None = None,
    session: Session | None = None,
) -> Select[Any]:
    """The statement narrowed to rows where any of ``columns`` contains ``text`` (see ``search_clause``)."""
    if index is not None and _uses_index(text, dialect, index, session):
        return index.narrow(stmt, text)
    return stmt.where(search_clause(columns, text, dialect))


def search_clause(
    columns: Sequence[Any],
    text: str,
    dialect: str = "",
    index: SearchIndex | None = None,
    session: Session | None = None,
) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``text`` (case-insensitive), written the cheap way for each database.

    SQLite: with an ``index`` and a needle it serves (three characters or more), the FTS5 trigram index, unless
    the needle is ASCII and a probe through ``session`` finds it so common that ``LIKE`` walking the sort
    order is faster (``LIKE`` stops after a page; collecting 200,000 matches first cost ~200 ms); otherwise
    ``LIKE`` (case-insensitive for ASCII; ``lower()`` on every row cost three times as much over 200,000 rows).
    PostgreSQL: ``ILIKE``, which uses the index's GIN trigram indexes when they exist. Elsewhere
    ``lower() LIKE``.
    """
    if index is not None and _uses_index(text, dialect, index, session):
        return index.match(text)
    if dialect in ("sqlite", "postgresql"):
        needle = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if dialect == "postgresql":
            return or_(*(c.ilike(needle, escape="\\") for c in columns))
        return or_(*(c.like(needle, escape="\\") for c in columns))
    return or_(*(func.lower(c).contains(text.lower(), autoescape=True) for c in columns))


class Unselective(ColumnElement[bool]):
    """A condition most rows pass (e.g. "has this SDG"); SQLite is told so, other databases see it unchanged.

    Without the hint SQLite walks the small list of matching ids and sorts them, reading every row; told that
    the condition keeps most rows, it walks the sort index and stops after one page. Counts drop the hint.
    """

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [("condition", InternalTraversal.dp_clauseelement)]

    def __init__(self, condition: ColumnElement[bool]) -> None:
        self.condition = condition


@compiles(Unselective)
def _compile_default(element: Unselective, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.condition, **kw))


@compiles(Unselective, "sqlite")
def _compile_sqlite(element: Unselective, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.condition, **kw)}, 0.9)"


def _without_hint(element: Any, **_kw: Any) -> Any:
    return element.condition if isinstance(element, Unselective) else None


SCAN_COUNT_CAP = 1_000


def paginate(
    session: Session,
    stmt: Select[Any],
    spec: ListSpec,
    params: ListParams,
    *,
    count_cap: int | None = None,
    bind: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """Run a filtered, sorted page query and its count.

    ``count_cap`` stops the count after that many rows (``count(*)`` over hundreds of thousands of rows can
    cost more than the page itself); the page then says "more than N" and still offers "next" while pages are
    full. ``bind`` supplies values for named bind parameters the list's filters use.
    """
    stmt = spec.apply(stmt, params, session.get_bind().dialect.name, session)
    if bind:
        stmt = stmt.params(dict(bind))
    if (
        count_cap is not None
        and params.q
        and spec.search_index is not None
        and not spec.search_index.serves(params.q)
    ):
        # a one- or two-character needle is a scan of every row (no trigram index can serve it); counting to a
        # lower cap keeps such a search under the page budget, and the page says "more than N" as usual
        count_cap = min(count_cap, SCAN_COUNT_CAP)
    plain = cast(Select[Any], replacement_traverse(cast(Any, stmt), {}, _without_hint)).order_by(None)
    if count_cap is not None:
        plain = plain.with_only_columns(*plain.selected_columns[:1]).limit(count_cap + 1)
    total = int(session.scalar(select(func.count()).select_from(plain.subquery())) or 0)
    offset = (params.page - 1) * params.per_page
    rows = session.execute(stmt.limit(params.per_page).offset(offset)).unique()
    items = list(rows.scalars().all()) if len(stmt.column_descriptions) == 1 else list(rows.all())
    page: Page[Any] = Page(items, total, params.page, params.per_page, params)
    if count_cap is not None and total > count_cap:
        page.capped = True
        page.total = max(count_cap, offset + len(items))
    return page
