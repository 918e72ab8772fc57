"""In-memory model of an Open SDG data repository, shaped so a database layer can map it onto tables.

One :class:`Repository` holds many :class:`Indicator` objects. An indicator carries

* ``data``: a :class:`DataTable` (columns in file order, ``Year`` first and ``Value`` last, cells kept as the
  text that was written, ``""`` for an empty cell) -- compact, no object per row;
* ``meta``: metadata fields (field -> value) in the default language, ``meta_translations`` the per-language
  overrides (``meta/<lang>/<id>.*``);
* ``config``: indicator configuration (``indicator-config/*.yml``: graph settings, progress options ...) kept
  as a plain dict.

Observations, dimensions, series and units are derived views over the table (:meth:`DataTable.observations`,
:meth:`DataTable.dimensions`) so storage code can bulk-insert them without the reader paying for them.

How it maps onto tables: indicator (``id``, ``number``, ``goal``, ``target``, ``name``, ``reporting_status``,
``placeholder``, ``config`` as JSON); metadata (indicator, language, field, value) from ``meta`` (default
language) and ``meta_translations``; series and units from ``DataTable.distinct("Series"/"Units")``;
dimensions and their values from ``DataTable.dimensions()``; observations from ``DataTable.observations()``
(year label, start year, value, series, unit, GeoCode, observation status, footnote, disaggregations, other
attributes). Keeping ``columns`` + ``rows`` as well lets an export reproduce the file exactly.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from citydip.sdg.opensdg.values import parse_number, period_start_year

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

#: Columns that are never disaggregations, in the order Open SDG's builder lists them (this order decides
#: the column order of the headline files).
NON_DISAGGREGATION_COLUMNS: tuple[str, ...] = (
    "Year",
    "Value",
    "Units",
    "Series",
    "GeoCode",
    "Observation status",
    "Unit multiplier",
    "Unit measure",
    "UNIT_MEASURE",
    "SERIES",
    "COMMENT_OBS",
    "COMMENT_TS",
    "DATA_LAST_UPDATE",
)
_NON_DISAGGREGATION = frozenset(NON_DISAGGREGATION_COLUMNS)

#: Open SDG's reporting statuses, in the order its builder reports them.
REPORTING_STATUSES: tuple[str, ...] = ("complete", "inprogress", "notstarted", "notapplicable")


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a file: where it is (file, row, column), a plain reason and how bad it is."""

    severity: Severity
    code: str
    reason: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    indicator: str | None = None

    def location(self) -> str:
        """``file:row [column]`` for messages."""
        where = self.file or "(repository)"
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f" [{self.column}]"
        return where

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for JSON reports and storage)."""
        return {
            "severity": self.severity,
            "code": self.code,
            "reason": self.reason,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "indicator": self.indicator,
        }


def is_disaggregation_column(name: str) -> bool:
    """True when a data column is a disaggregation (not Year, Value, Units, Series, GeoCode ...)."""
    return name not in _NON_DISAGGREGATION


class Observation(NamedTuple):
    """One data row, resolved: year label, numeric value, series/unit/geo attributes and disaggregations."""

    year: str
    year_start: int | None
    value: float | None
    series: str | None
    unit: str | None
    geocode: str | None
    observation_status: str | None
    footnote: str | None
    disaggregations: tuple[tuple[str, str], ...]
    attributes: tuple[tuple[str, str], ...]

    @property
    def is_headline(self) -> bool:
        """The headline is the row where every disaggregation is blank."""
        return not self.disaggregations


_ATTRIBUTE_FIELDS = {
    "Series": "series",
    "SERIES": "series",
    "Units": "unit",
    "UNIT_MEASURE": "unit",
    "GeoCode": "geocode",
    "Observation status": "observation_status",
    "COMMENT_OBS": "footnote",
}


@dataclass(slots=True)
class DataTable:
    """An indicator's data: column names and rows of cell text (``""`` = empty), Year first, Value last."""

    columns: list[str]
    rows: list[list[str]]

    @property
    def value_index(self) -> int:
        """Index of the Value column (the last one)."""
        return len(self.columns) - 1

    def column_values(self, name: str) -> list[str]:
        """All cells of one column."""
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def disaggregation_columns(self) -> list[str]:
        """Columns that are disaggregation dimensions, in file order."""
        return [c for c in self.columns if is_disaggregation_column(c)]

    def values(self) -> list[float | None]:
        """The Value column parsed as numbers (``None`` for empty or unreadable cells)."""
        vi = self.value_index
        return [parse_number(row[vi]) for row in self.rows]

    def dimensions(self) -> dict[str, list[str]]:
        """Each disaggregation dimension with its distinct non-empty values in order of appearance."""
        out: dict[str, list[str]] = {}
        for i, name in enumerate(self.columns):
            if not is_disaggregation_column(name):
                continue
            seen: dict[str, None] = {}
            for row in self.rows:
                if row[i]:
                    seen.setdefault(row[i], None)
            out[name] = list(seen)
        return out

    def distinct(self, name: str) -> list[str]:
        """Distinct non-empty values of any column (for example ``Units`` or ``Series``)."""
        if name not in self.columns:
            return []
        seen: dict[str, None] = {}
        for cell in self.column_values(name):
            if cell:
                seen.setdefault(cell, None)
        return list(seen)

    def observations(self, include_empty: bool = True) -> Iterator[Observation]:
        """Yield each row as an :class:`Observation` (rows without a value too, unless ``include_empty``)."""
        vi = self.value_index
        kinds: list[tuple[int, str, str]] = []  # (index, column, role)
        for i, name in enumerate(self.columns[1:vi], start=1):
            if is_disaggregation_column(name):
                kinds.append((i, name, "dis"))
            else:
                kinds.append((i, name, _ATTRIBUTE_FIELDS.get(name, "attr")))
        for row in self.rows:
            value = parse_number(row[vi])
            if value is None and not include_empty:
                continue
            fields: dict[str, str | None] = {
                "series": None,
                "unit": None,
                "geocode": None,
                "observation_status": None,
                "footnote": None,
            }
            dis: list[tuple[str, str]] = []
            attrs: list[tuple[str, str]] = []
            for i, name, role in kinds:
                cell = row[i]
                if not cell:
                    continue
                if role == "dis":
                    dis.append((name, cell))
                elif role == "attr":
                    attrs.append((name, cell))
                elif fields[role] is None:
                    fields[role] = cell
                else:
                    attrs.append((name, cell))
            year = row[0]
            yield Observation(
                year=year,
                year_start=period_start_year(year),
                value=value,
                series=fields["series"],
                unit=fields["unit"],
                geocode=fields["geocode"],
                observation_status=fields["observation_status"],
                footnote=fields["footnote"],
                disaggregations=tuple(dis),
                attributes=tuple(attrs),
            )


def deep_update(target: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``update`` into ``target`` recursively (nested dicts merge, everything else replaces)."""
    for key, value in update.items():
        if isinstance(value, Mapping):
            current = target.get(key)
            base = current if isinstance(current, dict) else {}
            target[key] = deep_update(base, value)
        else:
            target[key] = value
    return target


@dataclass
class Indicator:
    """One indicator: its id (``1-1-1``), data table, metadata per language and configuration."""

    id: str
    data: DataTable | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    meta_translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    placeholder: str | None = None
    sources: list[str] = field(default_factory=list)

    def merged_meta(self, config_first: bool = False) -> dict[str, Any]:
        """Metadata and configuration merged the way Open SDG merges its inputs (later input wins)."""
        first, second = (self.config, self.meta) if config_first else (self.meta, self.config)
        return deep_update(copy.deepcopy(first), copy.deepcopy(second))

    def field(self, name: str) -> Any:
        """A metadata/config value (config wins), or None."""
        if name in self.config:
            return self.config[name]
        return self.meta.get(name)

    @property
    def standalone(self) -> bool:
        """True for indicators outside the SDG framework (``standalone: true``)."""
        return bool(self.field("standalone"))

    @property
    def number(self) -> str:
        """Dotted id (``1.1.1``); standalone indicators keep their id."""
        return self.id if self.standalone else self.id.replace("-", ".")

    @property
    def goal(self) -> str:
        """Goal number as text (``"1"``)."""
        return self.id if self.standalone else self.id.split("-")[0]

    @property
    def target(self) -> str:
        """Target id (``"1.1"``)."""
        return self.id if self.standalone else ".".join(self.id.split("-")[0:2])

    @property
    def name(self) -> str | None:
        """The indicator name field, if any (may be a translation key)."""
        value = self.field("indicator_name")
        return value if isinstance(value, str) else None

    @property
    def reporting_status(self) -> str | None:
        """``complete``, ``inprogress``, ``notstarted``, ``notapplicable`` or None when unset."""
        value = self.field("reporting_status")
        return value if isinstance(value, str) else None

    def has_data(self) -> bool:
        """True when there is at least one data row."""
        return self.data is not None and len(self.data.rows) > 0

    def meta_for(self, language: str | None) -> dict[str, Any]:
        """Metadata in one language: the defaults overlaid with that language's overrides."""
        out = copy.deepcopy(self.meta)
        if language and language in self.meta_translations:
            out.update(copy.deepcopy(self.meta_translations[language]))
        return out


@dataclass
class IndicatorResult:
    """What reading one indicator produced: the indicator and every problem found in its files."""

    indicator: Indicator
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the indicator unfit to import."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth fixing that do not block an import."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the indicator has no errors."""
        return not self.errors


@dataclass
class Repository:
    """A whole Open SDG data repository read into memory."""

    root: str
    languages: list[str] = field(default_factory=list)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    results: dict[str, IndicatorResult] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    translations: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    schema: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def good(self) -> list[Indicator]:
        """Indicators that read without errors."""
        return [self.indicators[i] for i, r in self.results.items() if r.ok]

    def rejected(self) -> list[IndicatorResult]:
        """Results of indicators that have errors."""
        return [r for r in self.results.values() if not r.ok]

    @property
    def config_first(self) -> bool:
        """Whether indicator-config is merged before metadata (it then loses on conflicts)."""
        return bool(self.settings.get("config_first", False))


def snapshot(repo: Repository) -> dict[str, Any]:
    """A plain, comparable picture of a repository's content (no file paths, no problems)."""
    indicators: dict[str, Any] = {}
    for ind_id in sorted(repo.indicators):
        ind = repo.indicators[ind_id]
        indicators[ind_id] = {
            "columns": list(ind.data.columns) if ind.data is not None else None,
            "rows": [list(r) for r in ind.data.rows] if ind.data is not None else None,
            "meta": ind.meta,
            "meta_translations": ind.meta_translations,
            "config": ind.config,
            "placeholder": ind.placeholder,
        }
    return {
        "languages": list(repo.languages),
        "indicators": indicators,
        "translations": repo.translations,
        "schema": repo.schema,
        "config_first": repo.config_first,
        "reporting_status_extra_fields": repo.settings.get("reporting_status_extra_fields", []),
    }
