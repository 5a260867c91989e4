"""Bar charts as PNG, drawn with matplotlib's object API (Agg; no pyplot, no global state).

DejaVu Sans, which matplotlib ships, has every Vietnamese letter, so no system font is needed.
Nothing is ever cut at the figure's edge: the title (a school's or an authority's full name can
be long) is the figure's own, set in as many lines as it takes to fit its width as measured by
the renderer, and the layout (constrained) makes room for it, the names and the legend.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

from bot.numbers import vi_number
from bot.reports.model import BarChart

COLOURS = ("#1f5fbf", "#9db7e3", "#e0a030", "#5a9e6f")
LINE_COLOURS = ("#c0392b", "#555555")
EMPTY_NOTE_SIZE = 11  # points: the only words of a chart without bars
_LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
_STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def render_chart(chart: BarChart, path: Path) -> Path:
    """Draws the chart to a PNG file and returns its path."""
    with rc_context(_STYLE):
        draw_chart(chart).savefig(path, format="png")
    return path


def draw_chart(chart: BarChart) -> Figure:
    """The chart as a figure, drawn (its texts have their final places), not yet saved."""
    with rc_context(_STYLE):
        figure = _bars(chart) if chart.labels else _empty(chart)
        figure.canvas.draw()
    return figure


def _figure(height: float, width: float = 8.0) -> Figure:
    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)  # a renderer to measure the texts with
    return figure


def _bars(chart: BarChart) -> Figure:
    groups = len(chart.labels)
    bars = max(len(chart.series), 1)
    figure = _figure(2.0 + groups * (0.35 + 0.22 * bars))
    _title(figure, chart.title)
    axes = figure.subplots()
    height = 0.8 / bars
    for number, series in enumerate(chart.series):
        offset = (number - (bars - 1) / 2) * height
        positions = [group + offset for group in range(groups)]
        values = [value or 0.0 for value in series.values]
        drawn = axes.barh(
            positions, values, height=height * 0.92, label=series.name,
            color=COLOURS[number % len(COLOURS)],
        )  # fmt: skip
        labels = ["–" if value is None else _number(value) for value in series.values]
        axes.bar_label(drawn, labels=labels, padding=3, fontsize=8, bbox=_LABEL_BOX)
    for number, line in enumerate(chart.lines):
        axes.axvline(
            line.value, color=LINE_COLOURS[number % len(LINE_COLOURS)],
            linestyle=line.style, linewidth=1.2, label=line.label, zorder=0,
        )  # fmt: skip
    axes.set_yticks(range(groups), [textwrap.fill(label, 30) for label in chart.labels])
    axes.invert_yaxis()  # the first label on top, as read
    axes.set_xlim(0, 110)
    axes.set_xlabel(chart.axis)
    items = len(chart.series) + len(chart.lines)
    # under the axis title, inside the layout: constrained layout makes room for an axes' legend
    axes.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.1 - 0.25 / groups), ncols=min(items, 3),
        fontsize=8, frameon=False,
    )  # fmt: skip
    if chart.note:
        note = figure.supxlabel(chart.note, x=0.01, ha="left", fontsize=8, color="#555555")
        _fit(figure, note)
    return figure


def _empty(chart: BarChart) -> Figure:
    """No bars to draw (nothing yet, or too few answers): the title and why, nothing else.

    Only words, so half as wide as a bar chart: a phone shows the picture about 290 px wide,
    where the words of an 880 px picture would be 5 px high.
    """
    figure = _figure(2.6, width=4.0)
    _title(figure, chart.title)
    axes = figure.subplots()
    axes.set_axis_off()
    note = axes.text(
        0.5, 0.45, chart.note, ha="center", va="center", color="#555555", fontsize=EMPTY_NOTE_SIZE
    )
    _fit(figure, note)
    return figure


def _title(figure: Figure, title: str) -> Text:
    """The figure's title, on the left, in as many lines as its width needs."""
    return _fit(figure, figure.suptitle(title, x=0.01, ha="left", fontsize=11))


def _fit(figure: Figure, text: Text) -> Text:
    """Wraps the text, between words, until the renderer measures it inside the figure."""
    words = text.get_text()
    room = figure.bbox.width * 0.97
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for width in range(len(words), 9, -2):
        text.set_text(textwrap.fill(words, width, break_long_words=False))
        if text.get_window_extent(renderer).width <= room:
            break
    return text


def _number(value: float) -> str:
    """Vietnamese decimals: 91,3."""
    return vi_number(value)
