"""Server-side SVG charts: no JavaScript, no network, the same markup in pages and PDF reports.

Each function returns an SVG string with a ``<title>`` and ``<desc>`` (the page also shows the data as a table,
which is the text alternative). Missing or non-finite values are skipped, never drawn as NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

# Colour-blind-safe palette (Okabe and Ito).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


@dataclass
class Series:
    """One line or bar series: x labels (years or periods) and values."""

    name: str
    points: list[tuple[str, float | None]]
    colour: str | None = None


@dataclass
class ChartOptions:
    """Layout and labels."""

    title: str
    y_label: str = ""
    width: int = 720
    height: int = 360
    target: float | None = None
    target_label: str = "Target"
    description: str = ""
    margin: tuple[int, int, int, int] = (24, 24, 56, 64)  # top, right, bottom, left
    extra_x: list[str] = field(default_factory=list)


def finite(value: float | None) -> bool:
    """Whether a value can be drawn."""
    return value is not None and isinstance(value, int | float) and math.isfinite(value)


def drawable(points: Sequence[tuple[str, float | None]]) -> dict[str, float]:
    """The points that can be drawn, as {x label: value}."""
    return {
        x: float(v) for x, v in points if v is not None and isinstance(v, int | float) and math.isfinite(v)
    }


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high == low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def format_tick(value: float) -> str:
    """A short label for an axis tick."""
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def _frame(opts: ChartOptions, body: list[str], legend: Sequence[tuple[str, str]]) -> str:
    desc = escape(opts.description or opts.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {opts.width} {opts.height}" '
        f'width="100%" role="img" aria-labelledby="t d" class="chart" font-family="DejaVu Sans, sans-serif" '
        f'font-size="12">',
        f'<title id="t">{escape(opts.title)}</title><desc id="d">{desc}</desc>',
        *body,
    ]
    x = opts.margin[3]
    y = opts.height - 12
    for name, colour in legend:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 1}">{escape(name[:40])}</text>')
        x += 24 + 7 * min(len(name), 40)
    parts.append("</svg>")
    return "".join(parts)


Scale = Callable[[float], float]


def _axes(
    opts: ChartOptions, x_labels: Sequence[str], lo: float, hi: float
) -> tuple[list[str], Scale, Scale]:
    top, right, bottom, left = opts.margin
    plot_w = opts.width - left - right
    plot_h = opts.height - top - bottom
    ticks = nice_ticks(lo, hi)
    y_min, y_max = min(ticks[0], lo), max(ticks[-1], hi)
    span = (y_max - y_min) or 1.0

    def y_of(v: float) -> float:
        return top + plot_h - (v - y_min) / span * plot_h

    n = max(len(x_labels), 1)

    def x_of(i: float) -> float:
        return left + (i + 0.5) * plot_w / n

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#c9d1d9"/>']
    for t in ticks:
        yy = y_of(t)
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#eaeef2"/>')
        body.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{escape(format_tick(t))}</text>'
        )
    every = max(1, math.ceil(n / 12))
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            body.append(
                f'<text x="{x_of(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(label)}</text>'
            )
    if opts.y_label:
        body.append(
            f'<text transform="translate(14 {top + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
            f"{escape(opts.y_label[:60])}</text>"
        )
    return body, x_of, y_of


def _x_labels(series: Sequence[Series], extra: Sequence[str]) -> list[str]:
    labels = sorted({x for s in series for x in drawable(s.points)} | set(extra))
    return labels


def _range(series: Sequence[Series], target: float | None) -> tuple[float, float]:
    values = [v for s in series for v in drawable(s.points).values()]
    if target is not None and math.isfinite(target):
        values.append(float(target))
    if not values:
        return 0.0, 1.0
    lo, hi = min(values), max(values)
    if lo > 0 and lo < hi * 0.5:
        lo = 0.0
    return lo, hi


def line_chart(series: Sequence[Series], opts: ChartOptions) -> str:
    """Lines with markers, one per series; an optional dashed target line."""
    labels = _x_labels(series, opts.extra_x)
    lo, hi = _range(series, opts.target)
    body, x_of, y_of = _axes(opts, labels, lo, hi)
    index = {label: i for i, label in enumerate(labels)}
    legend = []
    for n, s in enumerate(series):
        colour = s.colour or PALETTE[n % len(PALETTE)]
        pts = [(x_of(index[x]), y_of(v)) for x, v in drawable(s.points).items() if x in index]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in pts:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        legend.append((s.name, colour))
    if opts.target is not None and math.isfinite(opts.target):
        target = float(opts.target)
        yy = y_of(target)
        _top, right, _bottom, left = opts.margin
        body.append(
            f'<line x1="{left}" x2="{opts.width - right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#b3261e" '
            f'stroke-dasharray="6 4" stroke-width="2"/>'
        )
        body.append(
            f'<text x="{opts.width - right - 4}" y="{yy - 5:.1f}" text-anchor="end" fill="#b3261e">'
            f"{escape(opts.target_label)} {escape(format_tick(target))}</text>"
        )
        legend.append((opts.target_label, "#b3261e"))
    return _frame(opts, body, legend)


def bar_chart(series: Sequence[Series], opts: ChartOptions) -> str:
    """Grouped vertical bars, one group per x label."""
    labels = _x_labels(series, opts.extra_x)
    lo, hi = _range(series, opts.target)
    lo = min(lo, 0.0)
    body, x_of, y_of = _axes(opts, labels, lo, hi)
    _top, right, _bottom, left = opts.margin
    slot = (opts.width - left - right) / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    legend = []
    zero = y_of(0.0)
    for n, s in enumerate(series):
        colour = s.colour or PALETTE[n % len(PALETTE)]
        values = drawable(s.points)
        for i, label in enumerate(labels):
            if label not in values:
                continue
            x = x_of(i) - slot * 0.4 + n * width
            y = y_of(values[label])
            body.append(
                f'<rect x="{x:.1f}" y="{min(y, zero):.1f}" width="{max(width - 1, 1):.1f}" '
                f'height="{abs(zero - y):.1f}" fill="{colour}"/>'
            )
        legend.append((s.name, colour))
    return _frame(opts, body, legend)


def horizontal_bars(
    items: Sequence[tuple[str, float | None, str]], title: str, maximum: float = 100.0, width: int = 640
) -> str:
    """Labelled horizontal bars (e.g. goal scores 0-100); items are (label, value, colour)."""
    row = 22
    left = 180
    height = 30 + row * len(items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="ht" font-family="DejaVu Sans, sans-serif" font-size="12">',
        f'<title id="ht">{escape(title)}</title>',
    ]
    span = width - left - 60
    for i, (label, value, colour) in enumerate(items):
        y = 10 + i * row
        parts.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{escape(label[:28])}</text>')
        if value is not None and math.isfinite(value):
            w = max(0.0, min(1.0, value / maximum)) * span
            parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{colour}"/>')
            parts.append(f'<text x="{left + w + 6:.1f}" y="{y + 14}">{value:.1f}</text>')
        else:
            parts.append(f'<text x="{left + 6}" y="{y + 14}" fill="#4a5563">no data</text>')
    parts.append("</svg>")
    return "".join(parts)
