"""From the index's files to a computed index: the one path the command line, the pages and the API take.

Reads the spec, the values (with groups and years when given), the regions and an optional history file,
computes scores, colours, ranking and trends, and returns everything a writer needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from citydip.sdgindex.colours import GoalColourRule
from citydip.sdgindex.compute import (
    DEFAULT_MAX_MISSING,
    IndexResult,
    IndicatorSpec,
    SdgIndexError,
    compute_index,
)
from citydip.sdgindex.io import Source, ValuesFile, read_regions, read_spec, read_values_file
from citydip.sdgindex.trends import DEFAULT_TARGET_YEAR, DEFAULT_WINDOW, add_trends

MIN_WINDOW, MAX_WINDOW = 2, 30


@dataclass(frozen=True)
class IndexOptions:
    """How to compute: goal colour rule, imputation, ranking eligibility and the trend window."""

    goal_colour_rule: GoalColourRule = "two-worst"
    impute: str = ""  # "" (none) or "region"
    max_missing: float | None = DEFAULT_MAX_MISSING  # percent; None = rank every city with data
    trend_window: int = DEFAULT_WINDOW
    target_year: int = DEFAULT_TARGET_YEAR


@dataclass(frozen=True)
class IndexFiles:
    """The files of a run: values and spec, optional regions and history (values with years)."""

    values: Source
    spec: Source
    regions: Source | None = None
    history: Source | None = None


@dataclass
class Computed:
    """A computed index with the inputs it was computed from."""

    result: IndexResult
    specs: list[IndicatorSpec]
    table: ValuesFile
    regions: dict[str, str] | None


def check_options(options: IndexOptions) -> list[str]:
    """Problems with the numeric options, one message each (empty when they are usable)."""
    problems = []
    if options.max_missing is not None and not 0.0 <= options.max_missing <= 100.0:
        problems.append("the largest share of missing indicators must be between 0 and 100 percent")
    if not MIN_WINDOW <= options.trend_window <= MAX_WINDOW:
        problems.append(f"the trend window must be between {MIN_WINDOW} and {MAX_WINDOW} years")
    return problems


def compute_files(files: IndexFiles, options: IndexOptions) -> Computed:
    """Read the files and compute the index; raises SdgIndexError naming file, row and field."""
    problems = check_options(options)
    if options.impute == "region" and files.regions is None:
        problems.append("imputation by region needs a regions file (city,region)")
    if problems:
        raise SdgIndexError(problems)
    specs = read_spec(files.spec)
    table = read_values_file(files.values, specs)
    history = read_values_file(files.history, specs) if files.history is not None else None
    if history is not None and not history.has_years:
        raise SdgIndexError(f"{files.history}: a history file needs a year column")
    regions = read_regions(files.regions) if files.regions is not None else None
    groups = dict(table.groups)
    if history is not None:
        for city, own in history.groups.items():
            groups.setdefault(city, own)
    result = compute_index(
        table.values,
        specs,
        regions=regions,
        groups=groups,
        impute_missing_goals="region" if options.impute == "region" else None,
        goal_colour_rule=options.goal_colour_rule,
        max_missing=options.max_missing,
    )
    series = history.series if history is not None else table.series
    if series:
        add_trends(result, series, window=options.trend_window, target_year=options.target_year)
    return Computed(result, specs, table, regions)
