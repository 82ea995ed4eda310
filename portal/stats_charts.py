"""Charts of the public statistics, drawn on the server as small SVG: no JavaScript, any phone.

Both charts read in the page's direction: in a right-to-left language time runs from right to
left, the scale stands on the right and the legend starts at the right. A count that is not
published draws no bar (it shows its mark, ``<10`` or ``×``, instead); a rate that is not
published leaves a gap in the line. The numbers themselves are in the table under each chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape

WIDTH, HEIGHT = 640, 230
TOP, BOTTOM, SIDE, FAR_SIDE = 16, 58, 40, 8
COLOURS = ("#1d70b8", "#00703c")
LINE_COLOUR = "#d4351c"


@dataclass(frozen=True)
class Label:
    """An x-axis label: a first line (the month) and, where it changes, a second (the year)."""

    text: str
    second: str = ""


@dataclass(frozen=True)
class BarSeries:
    """One series of bars: values that are ``None`` draw no bar but ``marks`` (``<10``, ``×``)."""

    label: str
    values: Sequence[int | None]
    marks: Sequence[str]


class _Frame:
    """The plotting area, mirrored for right-to-left pages."""

    def __init__(self, groups: int, top_value: float, rtl: bool):
        self.groups, self.top, self.rtl = max(1, groups), top_value or 1, rtl
        self.left = FAR_SIDE if rtl else SIDE
        self.width = WIDTH - SIDE - FAR_SIDE
        self.height = HEIGHT - TOP - BOTTOM
        self.group_width = self.width / self.groups

    def x(self, position: float) -> float:
        """The x of ``position`` (0 = first group's left edge), measured from the reading start."""
        offset = position * self.group_width
        return self.left + (self.width - offset if self.rtl else offset)

    def y(self, value: float) -> float:
        return TOP + self.height - self.height * value / self.top

    def axis_x(self) -> float:
        return self.left + self.width if self.rtl else self.left


def _start(title_id: str, title: str, description: str, rtl: bool) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'aria-labelledby="{title_id} {title_id}-d" direction="{"rtl" if rtl else "ltr"}" font-size="11">',
        f'<title id="{title_id}">{escape(title)}</title><desc id="{title_id}-d">{escape(description)}</desc>',
    ]


def _scale(frame: _Frame, ticks: Sequence[float], suffix: str) -> list[str]:
    """Grid lines and their values, outside the plot: left of it, or right of it in a right-to-left page."""
    axis = frame.axis_x()
    label_x, anchor = (axis + 6, "start") if frame.rtl else (axis - 6, "end")
    parts = []
    for tick in ticks:
        y = frame.y(tick)
        parts.append(
            f'<line x1="{frame.left:.0f}" x2="{frame.left + frame.width:.0f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{label_x:.0f}" y="{y + 4:.1f}" text-anchor="{anchor}" direction="ltr">{tick:g}{suffix}</text>'
        )
    return parts


def _labels(frame: _Frame, labels: Sequence[Label]) -> list[str]:
    parts = []
    base = TOP + frame.height
    for i, label in enumerate(labels):
        x = frame.x(i + 0.5)
        second = f'<tspan x="{x:.1f}" dy="13">{escape(label.second)}</tspan>' if label.second else ""
        parts.append(f'<text x="{x:.1f}" y="{base + 14:.0f}" text-anchor="middle">{escape(label.text)}{second}</text>')
    return parts


def _legend(entries: Sequence[tuple[str, str]], rtl: bool, line: bool = False) -> list[str]:
    parts, y = [], HEIGHT - 12
    for n, (label, colour) in enumerate(entries):
        offset = 14 + n * 190
        x = WIDTH - offset if rtl else offset
        swatch_x = x - 10 if rtl else x
        mark = (
            f'<line x1="{swatch_x}" x2="{swatch_x + 10}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" stroke-width="3"/>'
            if line
            else f'<rect x="{swatch_x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>'
        )
        text_x = x - 14 if rtl else x + 14
        parts.append(f'{mark}<text x="{text_x}" y="{y}" text-anchor="start">{escape(label)}</text>')
    return parts


def _ticks(top: float) -> list[float]:
    if top <= 1:
        return [0, 1]
    step = 10 ** max(0, len(str(int(top))) - 1)
    nice = next(s * step for s in (1, 2, 5, 10) if top / (s * step) <= 4)
    return [nice * n for n in range(int(top // nice) + 2) if nice * n <= top + nice]


def bar_chart(
    title_id: str, title: str, description: str, labels: Sequence[Label], series: Sequence[BarSeries], rtl: bool
) -> str:
    """Grouped bars, one group per label, one bar per series, as an SVG string."""
    top = max([1, *(v for s in series for v in s.values if v is not None)])
    ticks = _ticks(top)
    frame = _Frame(len(labels), ticks[-1], rtl)
    parts = _start(title_id, title, description, rtl) + _scale(frame, ticks, "")
    bar = frame.group_width * 0.8 / max(1, len(series))
    for i in range(len(labels)):
        for j, s in enumerate(series):
            left = frame.x(i + 0.1) + (bar * j if not rtl else -bar * (j + 1))
            value = s.values[i]
            if value is None:
                parts.append(
                    f'<text x="{left + bar / 2:.1f}" y="{frame.y(0) - 3:.1f}" font-size="9" text-anchor="middle" '
                    f'direction="ltr">{escape(s.marks[i])}</text>'
                )
                continue
            y = frame.y(value)
            parts.append(
                f'<rect class="s{j}" x="{left:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{frame.y(0) - y:.1f}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"/>'
            )
    parts += _labels(frame, labels)
    parts += _legend([(s.label, COLOURS[j % len(COLOURS)]) for j, s in enumerate(series)], rtl)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title_id: str,
    title: str,
    description: str,
    labels: Sequence[Label],
    values: Sequence[float | None],
    legend: str,
    rtl: bool,
    suffix: str = "%",
    top: float = 100,
) -> str:
    """A line through ``values`` (gaps where ``None``), with a point on each, as an SVG string."""
    frame = _Frame(len(labels), top, rtl)
    parts = _start(title_id, title, description, rtl) + _scale(frame, [0, top / 2, top], suffix)
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        runs[-1].append((frame.x(i + 0.5), frame.y(value)))
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2"/>')
        for x, y in run:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{LINE_COLOUR}"/>')
    parts += _labels(frame, labels)
    parts += _legend([(legend, LINE_COLOUR)], rtl, line=True)
    parts.append("</svg>")
    return "".join(parts)
