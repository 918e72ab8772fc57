"""Progress of a workspace's indicators from their stored data and progress options, and editing the options.

Options are Open SDG's indicator-config keys (``auto_progress_calculation``, ``progress_calculation_options``,
``progress_status``), read from the indicator's config first and its metadata second, exactly as Open SDG
merges them; edits are written back to the config, so an Open SDG export carries them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from citydip.core.context import WorkspaceContext
from citydip.core.errors import FieldProblem, ValidationFailed
from citydip.core.i18n import _
from citydip.sdg.models import CityIndicator
from citydip.sdg.opensdg.model import NON_DISAGGREGATION_COLUMNS
from citydip.sdgprogress import repository as repo
from citydip.sdgprogress.method.calculation import (
    ProgressInputError,
    indicator_progress,
    not_available,
    series_progress,
)
from citydip.sdgprogress.method.observations import (
    DEFAULT_NON_DISAGGREGATION,
    ProgressDataError,
    select_observations,
)
from citydip.sdgprogress.method.options import (
    ProgressConfigError,
    parse_progress_config,
    progress_config_to_dict,
)
from citydip.sdgprogress.method.types import (
    DETERIORATION,
    FAIR,
    LIMITED,
    LIMITED_OR_NONE,
    MODERATE,
    NOT_AVAILABLE,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    IndicatorProgress,
    IndicatorProgressConfig,
    SeriesOptions,
    SeriesProgress,
)

PROGRESS_KEYS = ("auto_progress_calculation", "progress_calculation_options", "progress_status")
NON_DISAGGREGATION = tuple(dict.fromkeys((*DEFAULT_NON_DISAGGREGATION, *NON_DISAGGREGATION_COLUMNS)))

# Display order of statuses (best first), and their labels.
STATUS_ORDER: tuple[str, ...] = (
    TARGET_ACHIEVED,
    SUBSTANTIAL,
    MODERATE,
    FAIR,
    LIMITED,
    LIMITED_OR_NONE,
    DETERIORATION,
    NOT_AVAILABLE,
)
STATUS_LABELS: dict[str, str] = {
    TARGET_ACHIEVED: "Target achieved",
    SUBSTANTIAL: "Substantial progress",
    MODERATE: "Moderate progress",
    FAIR: "Fair progress, acceleration needed",
    LIMITED: "Limited progress",
    LIMITED_OR_NONE: "Limited or no progress",
    DETERIORATION: "Deterioration",
    NOT_AVAILABLE: "Not available",
}
SOURCE_AUTO = "auto"  # computed from the configured options
SOURCE_MANUAL = "manual"  # progress_status set by hand, calculation off
SOURCE_DEFAULT = "default"  # not configured; computed with default options on request (--all)


def finite(value: float | None) -> float | None:
    """A finite number or None."""
    return value if value is not None and math.isfinite(value) else None


def status_label(status: str) -> str:
    """A status in words (translated)."""
    return _(STATUS_LABELS.get(status, status.replace("_", " ")))


@dataclass
class IndicatorResult:
    """Progress of one indicator and where its options came from."""

    indicator_id: Any
    code: str
    number: str
    name: str
    goal: int | None
    source: str
    config: IndicatorProgressConfig | None
    progress: IndicatorProgress | None
    error: str | None = None
    series: list[SeriesProgress] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Indicator status; a single UNSD-method series lends its status (the UNSD method has no score)."""
        if self.progress is None:
            return NOT_AVAILABLE
        if (
            self.progress.status == NOT_AVAILABLE
            and len(self.series) == 1
            and self.series[0].method == "unsd"
        ):
            return self.series[0].status
        return self.progress.status

    @property
    def score(self) -> float | None:
        """Indicator score (-5..5) or None."""
        if self.progress is None or self.progress.score is None or not math.isfinite(self.progress.score):
            return None
        return self.progress.score

    @property
    def label(self) -> str:
        """The status in words."""
        return status_label(self.status)


def progress_settings(indicator: CityIndicator, meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """The progress keys in effect: config wins over metadata (Open SDG merge order)."""
    merged: dict[str, Any] = {}
    for source in (meta or {}, indicator.config or {}):
        for key in PROGRESS_KEYS:
            if key in source:
                merged[key] = source[key]
    return merged


def is_configured(settings: Mapping[str, Any]) -> bool:
    """Whether an indicator asks for progress: automatic calculation on, or a manual status set."""
    auto = settings.get("auto_progress_calculation")
    manual = settings.get("progress_status")
    return auto is True or str(auto).strip().lower() in {"true", "yes", "on", "1"} or bool(manual)


def _compute_series(rows: Sequence[Mapping[str, object]], options: SeriesOptions) -> SeriesProgress:
    try:
        observations = select_observations(rows, options, non_disaggregation_columns=NON_DISAGGREGATION)
        return series_progress(observations, options)
    except (ProgressDataError, ProgressInputError) as exc:
        return not_available(options, str(exc))


def _result(
    indicator: CityIndicator,
    source: str,
    config: IndicatorProgressConfig | None,
    progress: IndicatorProgress | None,
    error: str | None = None,
) -> IndicatorResult:
    return IndicatorResult(
        indicator_id=indicator.id,
        code=indicator.code,
        number=indicator.number,
        name=indicator.name,
        goal=indicator.goal,
        source=source,
        config=config,
        progress=progress,
        error=error,
        series=progress.series() if progress is not None else [],
    )


def evaluate(
    indicator: CityIndicator,
    meta: Mapping[str, Any] | None,
    rows: Sequence[Mapping[str, object]],
    include_unconfigured: bool = False,
) -> IndicatorResult | None:
    """Progress of one indicator (None when it is not configured and defaults were not asked for)."""
    settings = progress_settings(indicator, meta)
    configured = is_configured(settings)
    if not configured and not include_unconfigured:
        return None
    if not configured:
        settings = {"auto_progress_calculation": True}
    try:
        config = parse_progress_config(settings, f"indicator {indicator.code}")
    except ProgressConfigError as exc:
        return _result(indicator, SOURCE_AUTO, None, None, error=str(exc))
    source = SOURCE_DEFAULT if not configured else (SOURCE_AUTO if config.auto else SOURCE_MANUAL)
    if indicator.placeholder:
        rows = []  # the starter template's dummy data is never real data
    progress = indicator_progress(config, lambda options: _compute_series(rows, options))
    return _result(indicator, source, config, progress)


def workspace_progress(
    session: Session,
    workspace_id: int,
    *,
    include_unconfigured: bool = False,
    codes: Sequence[str] | None = None,
) -> list[IndicatorResult]:
    """Progress of every configured indicator of a workspace (all indicators with data when asked)."""
    indicators = repo.indicators(session, workspace_id, codes)
    metas = repo.base_metadata(session, workspace_id, [i.id for i in indicators])
    wanted = [
        i for i in indicators if include_unconfigured or is_configured(progress_settings(i, metas.get(i.id)))
    ]
    rows = repo.data_rows(session, workspace_id, [i.id for i in wanted if not i.placeholder])
    results = []
    for ind in wanted:
        unconfigured = not is_configured(progress_settings(ind, metas.get(ind.id)))
        if unconfigured and (ind.placeholder or not rows.get(ind.id)):
            continue  # nothing to assess without options or data
        result = evaluate(ind, metas.get(ind.id), rows.get(ind.id, []), include_unconfigured)
        if result is not None:
            results.append(result)
    return results


def counts_by_goal(results: Sequence[IndicatorResult]) -> dict[int | None, Counter[str]]:
    """Goal -> status -> number of indicators."""
    out: dict[int | None, Counter[str]] = {}
    for r in results:
        out.setdefault(r.goal, Counter())[r.status] += 1
    return out


# --- editing options -------------------------------------------------------------------------------------


def save_settings(
    session: Session, ctx: WorkspaceContext, indicator: CityIndicator, settings: Mapping[str, Any]
) -> IndicatorProgressConfig:
    """Validate progress settings (Open SDG keys) and store them in the indicator's config (editors)."""
    ctx.require_edit()
    try:
        config = parse_progress_config(settings, "progress options")
    except ProgressConfigError as exc:
        message = str(exc).removeprefix("progress options: ")
        path = message.split(":", 1)[0] if ":" in message else "progress_calculation_options"
        raise ValidationFailed(
            _("The progress options were not saved."), [FieldProblem(path, message)]
        ) from None
    stored = progress_config_to_dict(config)
    if config.manual_status is None:
        stored.pop("progress_status", None)
    new_config = {k: v for k, v in (indicator.config or {}).items() if k not in PROGRESS_KEYS}
    new_config.update(stored)
    indicator.config = new_config
    session.flush()
    return config
