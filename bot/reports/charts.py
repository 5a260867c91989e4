"""Bar charts as PNG, drawn with matplotlib's object API (Agg; no pyplot, no global state).

DejaVu Sans, which matplotlib ships, has every Vietnamese letter, so no system font is needed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from bot.reports.model import BarChart

COLOURS = ("#1f5fbf", "#9db7e3", "#e0a030", "#5a9e6f")
LINE_COLOURS = ("#c0392b", "#555555")
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
        _draw(chart).savefig(path, format="png")
    return path


def _draw(chart: BarChart) -> Figure:
    groups = len(chart.labels)
    if not groups:
        return _empty(chart)
    bars = max(len(chart.series), 1)
    figure = Figure(figsize=(8.0, 2.0 + groups * (0.35 + 0.22 * bars)), dpi=110)
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
    axes.set_title(textwrap.fill(chart.title, 70), fontsize=11, loc="left")
    items = len(chart.series) + len(chart.lines)
    axes.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.09 - 0.3 / groups), ncols=min(items, 3),
        fontsize=8, frameon=False,
    )  # fmt: skip
    if chart.note:
        figure.text(0.01, 0.01, textwrap.fill(chart.note, 110), fontsize=8, color="#555555")
    figure.tight_layout(rect=(0, 0.03 if chart.note else 0, 1, 1))
    return figure


def _empty(chart: BarChart) -> Figure:
    """No bars to draw (nothing yet, or too few answers): the title and why, nothing else."""
    figure = Figure(figsize=(8.0, 2.2), dpi=110)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set_title(textwrap.fill(chart.title, 70), fontsize=11, loc="left")
    axes.text(0.5, 0.45, textwrap.fill(chart.note, 80), ha="center", va="center", color="#555555")
    figure.tight_layout()
    return figure


def _number(value: float) -> str:
    """Vietnamese decimals: 91,25."""
    return f"{value:.2f}".replace(".", ",")
