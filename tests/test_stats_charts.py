"""The statistics charts, drawn on the server: bars and a line that read in the page's direction."""

from __future__ import annotations

import re

from portal.stats_charts import BarSeries, Label, bar_chart, line_chart

LABELS = [Label("Jan", "2026"), Label("Feb"), Label("Mar")]


def bar_xs(svg: str) -> list[float]:
    return [float(x) for x in re.findall(r'<rect class="s0" x="([\d.]+)"', svg)]


def test_bars_run_left_to_right_and_right_to_left_in_arabic():
    series = [BarSeries("Received", [10, 20, 30], ["", "", ""])]

    ltr, rtl = bar_chart("c", "T", "D", LABELS, series, rtl=False), bar_chart("c", "T", "D", LABELS, series, rtl=True)

    assert bar_xs(ltr) == sorted(bar_xs(ltr)) and bar_xs(rtl) == sorted(bar_xs(rtl), reverse=True)
    assert 'direction="rtl"' in rtl and 'role="img"' in rtl and "<title" in rtl


def test_a_count_not_published_draws_its_mark_instead_of_a_bar():
    svg = bar_chart("c", "T", "D", LABELS, [BarSeries("Received", [12, None, None], ["", "<10", "×"])], rtl=False)

    assert len(bar_xs(svg)) == 1 and "&lt;10</text>" in svg and "×</text>" in svg


def test_the_line_breaks_where_a_rate_is_not_published():
    svg = line_chart("c", "T", "D", [*LABELS, Label("Apr")], [80, None, 90, 95], "On time", rtl=False)

    assert svg.count("<polyline") == 1 and svg.count("<circle") == 3


def test_labels_are_escaped():
    svg = bar_chart("c", "<b>", "D", [Label("<i>")], [BarSeries("<s>", [1], [""])], rtl=False)

    assert "<b>" not in svg and "<i>" not in svg and "&lt;s&gt;" in svg
