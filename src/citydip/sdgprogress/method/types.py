"""Typed inputs and outputs for the SDG progress calculations (Open SDG and UNSD methods)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

Direction: TypeAlias = Literal["positive", "negative"]
Method: TypeAlias = Literal["opensdg", "unsd"]

# Open SDG / Statistics Canada statuses.
TARGET_ACHIEVED = "target_achieved"
SUBSTANTIAL = "substantial_progress"
MODERATE = "moderate_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
NOT_AVAILABLE = "not_available"
# UNSD progress chart levels (three levels, see docs/methods.md).
FAIR = "fair_progress"
LIMITED_OR_NONE = "limited_or_no_progress"

OPENSDG_STATUSES: tuple[str, ...] = (
    TARGET_ACHIEVED,
    SUBSTANTIAL,
    MODERATE,
    LIMITED,
    DETERIORATION,
    NOT_AVAILABLE,
)
UNSD_STATUSES: tuple[str, ...] = (SUBSTANTIAL, FAIR, LIMITED_OR_NONE, NOT_AVAILABLE)

DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030


@dataclass(frozen=True)
class Thresholds:
    """Progress thresholds (high, med, low) applied to the progress value."""

    high: float
    med: float
    low: float


# Defaults of the Open SDG method: growth rates without a target, ratios with one.
NO_TARGET_THRESHOLDS = Thresholds(high=0.015, med=0.005, low=0.0)
TARGET_THRESHOLDS = Thresholds(high=0.95, med=0.6, low=0.0)


@dataclass(frozen=True)
class Disaggregation:
    """One disaggregation filter: keep rows whose column `field` equals `value`."""

    field: str
    value: str


@dataclass(frozen=True)
class SeriesOptions:
    """Options for one time series, mirroring an item of Open SDG's `progress_calculation_options`."""

    base_year: int = DEFAULT_BASE_YEAR
    target_year: int = DEFAULT_TARGET_YEAR
    target: float | None = None
    direction: Direction = "negative"
    limit: float | None = None
    series: str | None = None
    unit: str | None = None
    disaggregation: tuple[Disaggregation, ...] = ()
    thresholds: Thresholds | None = None
    method: Method = "opensdg"

    def tag(self) -> str:
        """Human-readable label of the selected series (series / unit / disaggregation values)."""
        parts = [p for p in (self.series, self.unit) if p]
        parts.extend(d.value for d in self.disaggregation)
        return " / ".join(parts) if parts else "headline"


@dataclass(frozen=True)
class ProgressGroup:
    """Equally weighted group of series or nested groups (Open SDG's `group:` item)."""

    items: tuple[SeriesOptions | ProgressGroup, ...]


ProgressItem: TypeAlias = SeriesOptions | ProgressGroup


@dataclass(frozen=True)
class IndicatorProgressConfig:
    """Progress settings of one indicator as read from its indicator-config."""

    auto: bool = False
    items: tuple[ProgressItem, ...] = (SeriesOptions(),)
    manual_status: str | None = None


@dataclass(frozen=True)
class SeriesProgress:
    """Result for one series: the inputs actually used, the progress value, score and status."""

    method: Method
    status: str
    progress_value: float | None = None
    score: float | None = None
    target_achieved: bool = False
    base_year: int | None = None
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    target: float | None = None
    target_year: int | None = None
    direction: Direction = "negative"
    limit: float | None = None
    sign: int | None = None
    coefficient: float | None = None
    reason: str | None = None
    tag: str = "headline"


@dataclass(frozen=True)
class GroupProgress:
    """Result for a configured group: the mean of its members' scores."""

    score: float | None
    members: tuple[SeriesProgress | GroupProgress, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IndicatorProgress:
    """Aggregated indicator result: score (mean over series/groups) and status."""

    score: float | None
    status: str
    members: tuple[SeriesProgress | GroupProgress, ...] = ()

    def series(self) -> list[SeriesProgress]:
        """All series results, flattened out of any groups."""
        out: list[SeriesProgress] = []
        stack: list[SeriesProgress | GroupProgress] = list(reversed(self.members))
        while stack:
            item = stack.pop()
            if isinstance(item, SeriesProgress):
                out.append(item)
            else:
                stack.extend(reversed(item.members))
        return out
