"""Write the Voluntary Local Review: HTML from a template, PDF from that HTML with WeasyPrint.

Charts are the server-side SVG of ``core.charts`` written inline, so they stay vector in both the HTML and the
PDF (WeasyPrint draws SVG as PDF paths). The PDF renderer may only read ``data:`` URLs: nothing is fetched.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from markupsafe import Markup
from sqlalchemy.orm import Session

from citydip.core.charts import ChartOptions, Series, bar_chart, horizontal_bars, line_chart
from citydip.core.context import WorkspaceContext, WorkspaceRecord
from citydip.core.i18n import _
from citydip.core.templating import environment
from citydip.core.vlr import VlrContext
from citydip.reports.data import REPORTING_LABELS, IndicatorEntry, VlrData, gather
from citydip.sdgprogress.badges import BADGE_COLOURS

_ID_RE = re.compile(r'\b(id|aria-labelledby)="([^"]*)"')


@dataclass
class VlrDocument:
    """A written review."""

    title: str
    html: str
    pdf: bytes
    pages: int
    seconds: float
    summary: dict[str, Any]


def fmt_value(value: float | None) -> str:
    """A data value for tables: thousands separators for large numbers, up to 2 decimals, never NaN."""
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def unique_ids(svg: str, prefix: str) -> str:
    """Give the ids inside one SVG a prefix, so many charts can share one page."""

    def swap(match: re.Match[str]) -> str:
        names = " ".join(f"{prefix}-{name}" for name in match.group(2).split())
        return f'{match.group(1)}="{names}"'

    return _ID_RE.sub(swap, svg)


def indicator_chart(entry: IndicatorEntry) -> str:
    """A line chart (bar chart for a single year) of the indicator's headline series, with its target."""
    headline = entry.headline
    if headline is None or not headline.points:
        return ""
    name = " · ".join(p for p in (headline.series, headline.unit) if p) or _("Headline")
    series = [Series(name[:60], [(label, value) for label, _year, value in headline.points])]
    target = entry.target[0] if entry.target else None
    label = _("Target {year}", year=entry.target[1]) if entry.target and entry.target[1] else _("Target")
    opts = ChartOptions(
        title=f"{entry.number} {entry.name}"[:140],
        y_label=headline.unit or "",
        width=640,
        height=300,
        target=target,
        target_label=label,
        description=_(
            "Headline values of indicator {number}; the table below lists them.", number=entry.number
        ),
    )
    svg = line_chart(series, opts) if len(headline.points) > 1 else bar_chart(series, opts)
    return unique_ids(svg, f"c-{entry.code}")


def short_label(text: str, limit: int = 24) -> str:
    """A bar label that fits the chart's label column (about 24 characters)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def overview_chart(data: VlrData) -> str:
    """Share of each goal's indicators with real data, as horizontal bars in the goal colours."""
    items = []
    for goal in data.goals:
        total = len(goal.indicators)
        share = 100.0 * goal.with_data / total if total else None
        items.append((short_label(f"{goal.number}. {goal.title}"), share, goal.colour))
    svg = horizontal_bars(items, _("Share of indicators with data, by goal (%)"), maximum=100.0)
    return unique_ids(svg, "overview")


def render_html(data: VlrData) -> str:
    """The review as one self-contained HTML document."""
    for goal in data.goals:
        for entry in goal.key_indicators:
            entry.chart = indicator_chart(entry)
    template = environment().get_template("reports/vlr.html")
    return template.render(
        data=data,
        ws=data.ctx.workspace,
        year=data.ctx.year,
        generated=data.ctx.generated_at,
        overview=overview_chart(data),
        fmt=fmt_value,
        badge_colours=BADGE_COLOURS,
        reporting_labels=REPORTING_LABELS,
        totals=data.totals,
        Markup=Markup,
        stylesheet=Markup(stylesheet()),  # noqa: S704 (our own packaged CSS file, not user input)
    )


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The review's CSS (``static/vlr.css``), embedded so the HTML and the PDF stand on their own."""
    return resources.files("citydip").joinpath("static", "vlr.css").read_text(encoding="utf-8")


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of the review and its page count (WeasyPrint; only data: URLs may be read)."""
    from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]

    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).render()
    pdf: bytes = document.write_pdf()
    return pdf, len(document.pages)


def vlr_title(workspace: WorkspaceRecord, year: int) -> str:
    """The review's title."""
    return _("Voluntary Local Review {year}: {name}", year=year, name=workspace.name)


def build(db: Session, workspace_ctx: WorkspaceContext, year: int) -> VlrDocument:
    """Gather the data and write the review as HTML and PDF."""
    started = time.perf_counter()
    ctx = VlrContext(workspace_ctx, year=year, generated_at=datetime.now(UTC))
    workspace = workspace_ctx.workspace
    data = gather(db, ctx)
    html = render_html(data)
    pdf, pages = render_pdf(html)
    seconds = time.perf_counter() - started
    summary = {
        **data.totals,
        "failed_providers": data.failed_providers,
        "pages": pages,
        "html_bytes": len(html.encode()),
        "pdf_bytes": len(pdf),
    }
    return VlrDocument(vlr_title(workspace, year), html, pdf, pages, round(seconds, 3), summary)
