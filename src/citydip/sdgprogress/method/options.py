"""Read and write the progress settings of an Open SDG indicator-config.

The keys follow Open SDG: `auto_progress_calculation`, `progress_calculation_options` (a list of series
options or `group:` items, nested to any depth) and the manual `progress_status`. One extra key per item,
`method` (opensdg | unsd), selects the UNSD progress chart instead of the default method.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from citydip.sdgprogress.method.calculation import ProgressInputError, parse_year
from citydip.sdgprogress.method.types import (
    DEFAULT_BASE_YEAR,
    DEFAULT_TARGET_YEAR,
    NO_TARGET_THRESHOLDS,
    OPENSDG_STATUSES,
    TARGET_THRESHOLDS,
    Direction,
    Disaggregation,
    IndicatorProgressConfig,
    Method,
    ProgressGroup,
    ProgressItem,
    SeriesOptions,
    Thresholds,
)

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0", ""}


class ProgressConfigError(ValueError):
    """An indicator-config progress setting that cannot be used; the message names source and field."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _number(value: object, where: str) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ProgressConfigError(f"{where}: {value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ProgressConfigError(f"{where}: {value!r} is not a number") from None
    else:
        raise ProgressConfigError(f"{where}: {value!r} is not a number")
    if not math.isfinite(number):
        raise ProgressConfigError(f"{where}: {value!r} is not a finite number")
    return number


def _year(value: object, where: str, default: int) -> int:
    if _blank(value):
        return default
    try:
        return parse_year(value)
    except ProgressInputError:
        raise ProgressConfigError(f"{where}: {value!r} is not a year") from None


def _text(value: object, where: str) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    raise ProgressConfigError(f"{where}: {value!r} is not text")


def parse_direction(value: object, where: str) -> Direction:
    """'positive' or 'negative' (blank means negative, Open SDG's default)."""
    if _blank(value):
        return "negative"
    text = str(value).strip().lower()
    if text == "positive":
        return "positive"
    if text == "negative":
        return "negative"
    raise ProgressConfigError(f"{where}: {value!r} must be 'positive' or 'negative'")


def parse_method(value: object, where: str) -> Method:
    """'opensdg' (default when blank) or 'unsd'."""
    if _blank(value):
        return "opensdg"
    text = str(value).strip().lower()
    if text == "opensdg":
        return "opensdg"
    if text == "unsd":
        return "unsd"
    raise ProgressConfigError(f"{where}: {value!r} must be 'opensdg' or 'unsd'")


def _bool(value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ProgressConfigError(f"{where}: {value!r} must be true or false")


def _disaggregation(value: object, where: str) -> tuple[Disaggregation, ...]:
    if _blank(value):
        return ()
    if isinstance(value, Mapping):
        pairs = [(k, v) for k, v in value.items()]
        if set(value) <= {"field", "value"}:
            pairs = [(value.get("field"), value.get("value"))]
    elif isinstance(value, list):
        pairs = []
        for i, entry in enumerate(value):
            if not isinstance(entry, Mapping) or "field" not in entry or "value" not in entry:
                raise ProgressConfigError(f"{where}[{i}]: expected a mapping with 'field' and 'value'")
            pairs.append((entry["field"], entry["value"]))
    else:
        raise ProgressConfigError(f"{where}: expected a list of {{field, value}} mappings")
    out: list[Disaggregation] = []
    for i, (fld, val) in enumerate(pairs):
        name = _text(fld, f"{where}[{i}].field")
        text = _text(val, f"{where}[{i}].value")
        if name is None or text is None:
            raise ProgressConfigError(f"{where}[{i}]: field and value must not be empty")
        out.append(Disaggregation(field=name, value=text))
    return tuple(out)


def _thresholds(value: object, where: str, has_target: bool) -> Thresholds | None:
    if _blank(value):
        return None
    if not isinstance(value, Mapping):
        raise ProgressConfigError(f"{where}: expected a mapping with high, med and low")
    unknown = set(value) - {"high", "med", "low"}
    if unknown:
        raise ProgressConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: high, med, low")
    base = TARGET_THRESHOLDS if has_target else NO_TARGET_THRESHOLDS
    parts = {key: _number(value.get(key), f"{where}.{key}") for key in ("high", "med", "low")}
    thresholds = Thresholds(
        high=base.high if parts["high"] is None else parts["high"],
        med=base.med if parts["med"] is None else parts["med"],
        low=base.low if parts["low"] is None else parts["low"],
    )
    if not thresholds.high >= thresholds.med >= thresholds.low:
        raise ProgressConfigError(f"{where}: thresholds must satisfy high >= med >= low")
    return thresholds


def parse_series_options(
    item: Mapping[str, Any], where: str = "progress_calculation_options[0]"
) -> SeriesOptions:
    """One series item of `progress_calculation_options` as SeriesOptions (defaults filled in)."""
    target = _number(item.get("target"), f"{where}.target")
    return SeriesOptions(
        base_year=_year(item.get("base_year"), f"{where}.base_year", DEFAULT_BASE_YEAR),
        target_year=_year(item.get("target_year"), f"{where}.target_year", DEFAULT_TARGET_YEAR),
        target=target,
        direction=parse_direction(item.get("direction"), f"{where}.direction"),
        limit=_number(item.get("limit"), f"{where}.limit"),
        series=_text(item.get("series"), f"{where}.series"),
        unit=_text(item.get("unit"), f"{where}.unit"),
        disaggregation=_disaggregation(item.get("disaggregation"), f"{where}.disaggregation"),
        thresholds=_thresholds(
            item.get("progress_thresholds"), f"{where}.progress_thresholds", target is not None
        ),
        method=parse_method(item.get("method"), f"{where}.method"),
    )


def _parse_item(item: object, where: str) -> ProgressItem:
    if not isinstance(item, Mapping):
        raise ProgressConfigError(f"{where}: expected a mapping of options or a 'group' list")
    if "group" in item:
        members = item["group"]
        if not isinstance(members, list) or not members:
            raise ProgressConfigError(f"{where}.group: expected a non-empty list")
        return ProgressGroup(
            items=tuple(_parse_item(m, f"{where}.group[{i}]") for i, m in enumerate(members))
        )
    return parse_series_options(item, where)


def parse_progress_config(
    meta: Mapping[str, Any], source: str = "indicator-config"
) -> IndicatorProgressConfig:
    """Progress settings of one indicator from its indicator-config (or metadata) mapping."""
    try:
        auto = _bool(meta.get("auto_progress_calculation"), "auto_progress_calculation")
        raw_items = meta.get("progress_calculation_options")
        if _blank(raw_items) or raw_items == []:
            items: tuple[ProgressItem, ...] = (SeriesOptions(),)
        elif isinstance(raw_items, list):
            items = tuple(
                _parse_item(item, f"progress_calculation_options[{i}]") for i, item in enumerate(raw_items)
            )
        else:
            raise ProgressConfigError("progress_calculation_options: expected a list")
        manual = _text(meta.get("progress_status"), "progress_status")
        if manual is not None and manual not in OPENSDG_STATUSES:
            raise ProgressConfigError(
                f"progress_status: {manual!r} is not one of {', '.join(OPENSDG_STATUSES)}"
            )
    except ProgressConfigError as exc:
        raise ProgressConfigError(f"{source}: {exc}") from None
    return IndicatorProgressConfig(auto=auto, items=items, manual_status=manual)


def _format_number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def series_options_to_dict(options: SeriesOptions) -> dict[str, Any]:
    """SeriesOptions as an indicator-config item, leaving out values equal to the defaults."""
    out: dict[str, Any] = {}
    if options.series is not None:
        out["series"] = options.series
    if options.unit is not None:
        out["unit"] = options.unit
    if options.disaggregation:
        out["disaggregation"] = [{"field": d.field, "value": d.value} for d in options.disaggregation]
    out["direction"] = options.direction
    if options.base_year != DEFAULT_BASE_YEAR:
        out["base_year"] = options.base_year
    if options.target is not None:
        out["target"] = _format_number(options.target)
    if options.target_year != DEFAULT_TARGET_YEAR:
        out["target_year"] = options.target_year
    if options.limit is not None:
        out["limit"] = _format_number(options.limit)
    if options.thresholds is not None:
        t = options.thresholds
        out["progress_thresholds"] = {"high": t.high, "med": t.med, "low": t.low}
    if options.method != "opensdg":
        out["method"] = options.method
    return out


def _item_to_dict(item: ProgressItem) -> dict[str, Any]:
    if isinstance(item, ProgressGroup):
        return {"group": [_item_to_dict(member) for member in item.items]}
    return series_options_to_dict(item)


def progress_config_to_dict(config: IndicatorProgressConfig) -> dict[str, Any]:
    """The progress keys of an indicator-config for `config` (inverse of parse_progress_config)."""
    out: dict[str, Any] = {
        "auto_progress_calculation": config.auto,
        "progress_calculation_options": [_item_to_dict(item) for item in config.items],
    }
    if config.manual_status is not None:
        out["progress_status"] = config.manual_status
    return out
