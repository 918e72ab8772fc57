"""What the SDG pages show, built from the repository queries: names in a language, the indicator chart with
its selectors, the table that is the chart's text alternative, metadata tabs and sources."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from citydip.core.charts import ChartOptions, Series, bar_chart, line_chart
from citydip.reference.models import SdgIndicator as RefIndicator
from citydip.sdg.display import fmt_value
from citydip.sdg.indicators import repository as repo
from citydip.sdg.indicators.models import BASE_LANGUAGE, CityIndicator, SdgSite
from citydip.sdg.observations import repository as obs_repo
from citydip.sdg.observations.models import dis_key
from citydip.sdg.opensdg.translations import Translator
from citydip.sdg.site.i18n import Gettext
from citydip.sdg.site.safe_html import field_html, markdown_html, plain_text

#: At most this many lines on one chart.
MAX_LINES = 8
_KEYLIKE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_.-]+$")
#: Metadata fields that steer Open SDG's pages rather than describe the statistics.
TECHNICAL_FIELDS = frozenset(
    {
        "layout",
        "permalink",
        "published",
        "indicator",
        "indicator_sort_order",
        "indicator_number",
        "target_number",
        "goal_number",
        "target_id",
        "sdg_goal",
        "reporting_status",
        "data_non_statistical",
        "data_show_map",
        "graph_type",
        "graph_title",
        "graph_titles",
        "graph_limits",
        "graph_annotations",
        "graph_stacked_disaggregation",
        "title",
        "page_content",
        "standalone",
        "tags",
        "sort",
        "precision",
        "expected_disaggregations",
        "auto_progress_calculation",
        "progress_calculation_options",
        "progress_status",
        "national_target_line",
        "indicator_name",
        "target",
        "goal_meta_link",
        "goal_meta_link_text",
        "embedded_feature_url",
        "embedded_feature_title",
        "embedded_feature_tab_title",
        "embedded_feature_html",
        "embedded_feature_footer",
    }
)
_SOURCE = re.compile(r"^source_(.+)_(\d+)$")


class Texts:
    """Language-aware lookups for one page: repository translations, metadata, reference names."""

    def __init__(self, session: Session, workspace_id: int, language: str) -> None:
        self.session = session
        self.language = language
        self.translator = Translator(repo.translations(session, workspace_id))

    def tr(self, text: str, *groups: str) -> str:
        """Translate a data value or key through the repository's translations."""
        out = self.translator.translate(text, self.language, (*groups, "data"))
        return out if isinstance(out, str) else text

    def meta(
        self, fields_by_language: Mapping[str, Mapping[str, Any]], config: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Metadata in the page language: base fields, the language's overrides, then configuration."""
        out = dict(fields_by_language.get(BASE_LANGUAGE, {}))
        out.update(fields_by_language.get(self.language, {}))
        for key, value in config.items():
            out.setdefault(key, value)
        return out

    def indicator_name(self, ind: CityIndicator, meta: Mapping[str, Any] | None = None) -> str:
        """The indicator's name in the page language (reference label when only a key is known)."""
        candidates = [meta.get("indicator_name"), meta.get("graph_title")] if meta else []
        candidates.append(ind.name)
        for raw in candidates:
            if not isinstance(raw, str) or not raw.strip():
                continue
            text = self.tr(raw.strip())
            if not _KEYLIKE.match(text):
                return plain_text(text)
        if ind.global_code:
            ref = self.session.get(RefIndicator, ind.global_code)
            if ref is not None:
                return ref.official_title or ref.short_label
        return ind.number


@dataclass
class Line:
    """One line or bar series of the chart."""

    label: str
    key: str
    points: dict[str, float | None] = field(default_factory=dict)
    years: dict[str, int | None] = field(default_factory=dict)


@dataclass
class Dimension:
    """A disaggregation selector: its form name, label and values (with labels) and what is chosen."""

    param: str
    name: str
    label: str
    values: list[tuple[str, str]]
    chosen: list[str]


@dataclass
class ChartView:
    """Everything the chart, selectors and data table need."""

    series: list[tuple[str, str]]
    units: list[tuple[str, str]]
    series_chosen: str | None
    unit_chosen: str | None
    dimensions: list[Dimension]
    lines: list[Line]
    svg: Markup
    columns: list[str]
    rows: list[list[str]]
    sort: str
    notes: list[str]
    target: float | None
    count: int


def _first(wanted: str | None, options: Sequence[str]) -> str | None:
    if not options:
        return None
    return wanted if wanted in options else options[0]


def build_chart(
    session: Session,
    ind: CityIndicator,
    texts: Texts,
    gettext: Gettext,
    params: Mapping[str, Sequence[str]],
    title: str,
    graph_type: str,
) -> ChartView:
    """Lines for the chosen series, unit and disaggregations (headline by default), chart and table."""
    series, units, dims = obs_repo.catalogue(session, ind.workspace_id, ind.id)
    series_chosen = _first(next(iter(params.get("series", [])), None), series)
    unit_chosen = _first(next(iter(params.get("unit", [])), None), units)
    dimensions: list[Dimension] = []
    for i, (name, values) in enumerate(dims):
        chosen = [v for v in params.get(f"d{i}", []) if v in values]
        label = texts.tr(name, name)
        dimensions.append(
            Dimension(
                f"d{i}", name, label, [(v, texts.tr(v, name)) for v in values], list(dict.fromkeys(chosen))
            )
        )
    notes: list[str] = []
    selected = [(d, d.chosen) for d in dimensions if d.chosen]
    combos = list(
        itertools.islice(
            itertools.product(*[[(d, v) for v in chosen] for d, chosen in selected]), MAX_LINES + 1
        )
    )
    if selected and len(combos) > MAX_LINES - 1:
        combos = combos[: MAX_LINES - 1]
        notes.append(gettext("Too many combinations selected; showing the first {n}.", n=MAX_LINES - 1))
    lines = [Line(gettext("Headline"), "")]
    for combo in combos if selected else []:
        pairs = [(d.name, v) for d, v in combo]
        label = ", ".join(f"{d.label}: {texts.tr(v, d.name)}" for d, v in combo)
        lines.append(Line(label, dis_key(pairs)))
    rows = obs_repo.observations_for_keys(
        session, ind.workspace_id, ind.id, [ln.key for ln in lines], series_chosen, unit_chosen
    )
    by_key = {ln.key: ln for ln in lines}
    for row in rows:
        line = by_key[row.dis_key]
        line.points[row.year] = row.value if row.value is not None and math.isfinite(row.value) else None
        line.years[row.year] = row.year_num
    if not lines[0].points and not selected and dimensions:
        # No headline figure: show the first value of the first breakdown instead of an empty chart.
        d = dimensions[0]
        if d.values:
            d.chosen = [d.values[0][0]]
            fallback = Line(f"{d.label}: {d.values[0][1]}", dis_key([(d.name, d.values[0][0])]))
            for row in obs_repo.observations_for_keys(
                session, ind.workspace_id, ind.id, [fallback.key], series_chosen, unit_chosen
            ):
                fallback.points[row.year] = (
                    row.value if row.value is not None and math.isfinite(row.value) else None
                )
                fallback.years[row.year] = row.year_num
            notes.append(
                gettext("No headline figure for this selection; showing {label}.", label=fallback.label)
            )
            lines.append(fallback)
    lines = [ln for ln in lines if ln.points]
    years: dict[str, int | None] = {}
    for ln in lines:
        years.update(ln.years)
    ordered = sorted(years, key=lambda y: (years[y] if years[y] is not None else 10**6, y))
    target = _target_value(session, ind, series_chosen, unit_chosen)
    opts = ChartOptions(
        title=title,
        y_label=texts.tr(unit_chosen, "Units") if unit_chosen else "",
        target=target,
        target_label=gettext("Target"),
        description=title,
        extra_x=[],
    )
    chart_series = [Series(ln.label, [(y, ln.points[y]) for y in ordered if y in ln.points]) for ln in lines]
    svg = Markup("")
    if chart_series:
        draw = bar_chart if graph_type == "bar" else line_chart
        svg = Markup(draw(chart_series, opts))  # noqa: S704 -- core.charts escapes every text it writes
    table_rows = [
        [y, *[fmt_value(ln.points.get(y)) if y in ln.points else "" for ln in lines]] for y in ordered
    ]
    sort = str(next(iter(params.get("sort", [])), "year"))
    table_rows = _sort_rows(table_rows, sort, [ln.points for ln in lines], ordered)
    return ChartView(
        series=[(s, texts.tr(s, "Series")) for s in series],
        units=[(u, texts.tr(u, "Units")) for u in units],
        series_chosen=series_chosen,
        unit_chosen=unit_chosen,
        dimensions=dimensions,
        lines=lines,
        svg=svg,
        columns=[gettext("Year"), *[ln.label for ln in lines]],
        rows=table_rows,
        sort=sort,
        notes=notes,
        target=target,
        count=len(rows),
    )


def _sort_rows(
    rows: list[list[str]], sort: str, points: list[dict[str, float | None]], ordered: list[str]
) -> list[list[str]]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "year" or not key.isdigit() or int(key) >= len(points):
        return list(reversed(rows)) if descending else rows
    column = points[int(key)]
    position = {y: i for i, y in enumerate(ordered)}

    def sort_key(row: list[str]) -> tuple[int, float, int]:
        value = column.get(row[0])
        if value is None:
            return (1, 0.0, position[row[0]])  # missing values last either way
        return (0, -value if descending else value, position[row[0]])

    return sorted(rows, key=sort_key)


def _target_value(session: Session, ind: CityIndicator, series: str | None, unit: str | None) -> float | None:
    for target in repo.local_targets(session, ind.workspace_id, ind.id):
        if target.value is None or not math.isfinite(target.value):
            continue
        if target.unit and unit and target.unit != unit:
            continue
        if target.series and series and target.series != series:
            continue
        return float(target.value)
    return None


@dataclass
class MetaTab:
    """One metadata tab: an id for the in-page link, a title and (label, value) rows."""

    id: str
    title: str
    rows: list[tuple[str, Markup]]


def schema_labels(site: SdgSite | None) -> dict[str, str]:
    """Field name -> label from the repository's metadata schema."""
    out: dict[str, str] = {}
    for item in site.schema if site else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            spec = item.get("field") or {}
            label = spec.get("label") if isinstance(spec, dict) else None
            if isinstance(label, str) and label:
                out[item["name"]] = label
    return out


def _label(name: str, labels: Mapping[str, str], texts: Texts) -> str:
    translated = texts.tr(f"metadata_fields.{name}")
    if translated != f"metadata_fields.{name}":
        return translated
    return labels.get(name) or name.replace("_", " ").strip().capitalize()


def _shown(value: Any) -> bool:
    if value is None or value == "" or value == [] or value == {}:
        return False
    return not (isinstance(value, bool))


def metadata_tabs(
    meta: Mapping[str, Any], labels: Mapping[str, str], texts: Texts, gettext: Gettext
) -> tuple[list[MetaTab], list[dict[str, Any]], Markup]:
    """Metadata tabs (indicator, sources, other), the active sources, and the page content."""
    indicator_rows: list[tuple[str, Markup]] = []
    other_rows: list[tuple[str, Markup]] = []
    sources: dict[int, dict[str, Any]] = {}
    for name, value in meta.items():
        match = _SOURCE.match(name)
        if match:
            sources.setdefault(int(match.group(2)), {})[match.group(1)] = value
            continue
        if name in TECHNICAL_FIELDS or not _shown(value):
            continue
        shown = field_html(texts.tr(value) if isinstance(value, str) else value)
        row = (_label(name, labels, texts), shown)
        if name.startswith(("national_", "computation_", "data_", "un_", "SDG_", "indicator_", "target")):
            indicator_rows.append(row)
        else:
            other_rows.append(row)
    for name in ("target", "indicator_name"):
        value = meta.get(name)
        if isinstance(value, str) and value.strip():
            indicator_rows.insert(0, (_label(name, labels, texts), field_html(texts.tr(value))))
    active: list[dict[str, Any]] = []
    for n in sorted(sources):
        src = sources[n]
        if src.get("active") is False or not any(_shown(v) for k, v in src.items() if k != "active"):
            continue
        entry: dict[str, Any] = {
            k: field_html(texts.tr(v) if isinstance(v, str) else v) for k, v in src.items() if _shown(v)
        }
        entry["n"] = n
        url = src.get("url")
        entry["href"] = url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
        active.append(entry)
    for entry in active:
        entry["rows"] = [
            (_label("source_" + key, labels, texts), value)
            for key, value in entry.items()
            if key not in ("n", "href", "active", "organisation", "url", "url_text")
        ]
    tabs = [
        MetaTab("meta-indicator", gettext("Indicator"), indicator_rows),
        MetaTab("meta-other", gettext("Other information"), other_rows),
    ]
    content = meta.get("page_content")
    page = markdown_html(texts.tr(content)) if isinstance(content, str) and content.strip() else Markup("")
    return [t for t in tabs if t.rows], active, page
