"""Server-side SVG charts: valid XML, accessible, and never a NaN."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from citydip.core.charts import ChartOptions, Series, bar_chart, horizontal_bars, line_chart, nice_ticks

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_line_chart_draws_each_finite_point_and_the_target():
    series = [
        Series("Female", [("2015", 10.0), ("2016", 12.5), ("2017", float("nan")), ("2018", None)]),
        Series("Male", [("2015", 9.0), ("2018", 14.0)]),
    ]
    svg = line_chart(series, ChartOptions(title="Poverty rate <test>", y_label="%", target=5.0))
    root = _parse(svg)
    assert root.find(f"{NS}title").text == "Poverty rate <test>"
    circles = root.findall(f"{NS}circle")
    assert len(circles) == 4  # NaN and None are skipped
    assert "nan" not in svg.lower()
    assert any(line.get("stroke-dasharray") for line in root.findall(f"{NS}line"))
    labels = [t.text for t in root.findall(f"{NS}text")]
    assert "2018" in labels and "Target 5" in labels


def test_bar_chart_with_negative_values_and_empty_series():
    svg = bar_chart(
        [Series("Change", [("2019", -3.0), ("2020", 4.0)]), Series("Empty", [])], ChartOptions(title="Change")
    )
    rects = _parse(svg).findall(f"{NS}rect")
    heights = [float(r.get("height")) for r in rects if r.get("fill") not in ("#fff",)]
    assert all(math.isfinite(h) and h >= 0 for h in heights)
    assert "nan" not in svg.lower()


def test_no_data_at_all_still_renders():
    svg = line_chart([Series("None", [("2015", None)])], ChartOptions(title="Nothing"))
    assert _parse(svg).find(f"{NS}desc") is not None and "nan" not in svg.lower()


def test_horizontal_bars_clip_and_mark_missing():
    svg = horizontal_bars([("Goal 1", 150.0, "#E5243B"), ("Goal 2", None, "#DDA63A")], "Goal scores")
    assert "no data" in svg and "nan" not in svg.lower()
    _parse(svg)


def test_ticks_cover_the_range():
    ticks = nice_ticks(3.2, 97.1)
    assert ticks[0] <= 3.2 and ticks[-1] >= 97.1
    assert nice_ticks(5.0, 5.0) and nice_ticks(float("nan"), 1.0) == [0.0, 1.0]


def test_ink_for_goal_colours_meets_contrast():
    from citydip.core.templating import _luminance, ink_for
    from citydip.reference.loaders import sdg_rows

    for goal in sdg_rows()[0]:
        bg = goal["colour"]
        ink = ink_for(bg)
        a, b = sorted([_luminance(bg), _luminance(ink)], reverse=True)
        assert (a + 0.05) / (b + 0.05) >= 3.0, (goal["number"], bg, ink)  # WCAG AA for large, bold text
    assert ink_for("#FCC30B") == "#1b1f24" and ink_for("#19486A") == "#ffffff"
