"""Bar charts as PNG, drawn with matplotlib's object API (Agg; no pyplot, no global state).

Drawn for a phone, where a chat shows a picture about 360 px wide: the figure is 4 inches wide
(at 180 dpi, 720 px: sharp on a phone's dense screen), so a point of text reads as 1.25 px there
and the smallest text (8.5 pt) as 10.6 px. Each group's name is set in full above its bars, in
as many lines as the width takes, so the bars keep the whole width and no name is squeezed into
a column beside them; the picture grows downwards, one group after another, as a phone scrolls.

DejaVu Sans, which matplotlib ships, has every Vietnamese letter, so no system font is needed.
Nothing is ever cut at the figure's edge: the title (a school's or an authority's full name can
be long), the names and the note are set in as many lines as it takes to fit the width as
measured by the renderer, and the layout (constrained) makes room for the title, the axis, the
legend and the note.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory
from matplotlib.typing import RcKeyType
from PIL import Image

from bot.numbers import vi_number
from bot.reports.model import BarChart

COLOURS = ("#1f5fbf", "#9db7e3", "#e0a030", "#5a9e6f")
LINE_COLOURS = ("#c0392b", "#555555")
WIDTH = 4.0  # inches: what a phone shows 360 px wide, so 1 pt of text reads as 1.25 px there
DPI = 180
TITLE_SIZE = 11.0  # points
NAME_SIZE = 9.5  # a group's name
SMALL_SIZE = 8.5  # the figures on the bars, the axis, the legend, the note: 10.6 px on a phone
EMPTY_NOTE_SIZE = 11.0  # the only words of a chart without bars
PALETTE = 64  # colours in the saved file
# the bars' column, in inches from its top
BAR = 0.16  # one bar's thickness
BAR_STEP = 0.185  # from one bar of a group to the next
NAME_GAP = 0.05  # between a name and its bars
GROUP_GAP = 0.17  # between one group's last bar and the next name
TOP_GAP = 0.06  # between the legend and the first name
_LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
# a name hides the reference lines behind it, so they never cross its letters
_NAME_BOX = {"boxstyle": "square,pad=0.05", "facecolor": "white", "edgecolor": "none"}
_STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": SMALL_SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.left": False,  # the names cross it: the bars begin at 0 all the same
    "xtick.labelsize": SMALL_SIZE,
    "axes.labelsize": SMALL_SIZE,
}


def render_chart(chart: BarChart, path: Path) -> Path:
    """Draws the chart to a PNG file and returns its path.

    Saved with a palette of 64 colours: a few flat colours and the edges of the letters need no
    more, and the file is a third of a full-colour one (38 KB, not 114, for a school's week).
    """
    figure, pixels = draw_chart(chart), io.BytesIO()
    with rc_context(_STYLE):
        figure.savefig(pixels, format="rgba")  # as drawn, uncompressed
    size = figure.canvas.get_width_height(physical=True)
    drawn = Image.frombytes("RGBA", size, pixels.getvalue())
    small = drawn.convert("RGB").quantize(PALETTE, Image.Quantize.MEDIANCUT, Image.Dither.NONE)
    small.save(path, format="PNG", optimize=True)
    return path


def draw_chart(chart: BarChart) -> Figure:
    """The chart as a figure, drawn (its texts have their final places), not yet saved."""
    with rc_context(_STYLE):
        figure = _bars(chart) if chart.labels else _empty(chart)
        figure.canvas.draw()
    return figure


def _figure(height: float) -> Figure:
    figure = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # a renderer to measure the texts with
    return figure


def _bars(chart: BarChart) -> Figure:
    figure = _figure(4.0)  # its height is set once the column's is known (_settle)
    _title(figure, chart.title)
    axes = figure.subplots()
    starts, column = _names(figure, axes, chart.labels, len(chart.series))
    keys: list[tuple[Artist, str]] = []  # what the legend explains: the series, then the lines
    for number, series in enumerate(chart.series):
        positions = [start + (number + 0.5) * BAR_STEP for start in starts]
        values = [value or 0.0 for value in series.values]
        drawn = axes.barh(
            positions, values, height=BAR, label=series.name,
            color=COLOURS[number % len(COLOURS)],
        )  # fmt: skip
        labels = ["–" if value is None else _number(value) for value in series.values]
        axes.bar_label(drawn, labels=labels, padding=3, fontsize=SMALL_SIZE, bbox=_LABEL_BOX)
        keys.append((drawn.patches[0], series.name))
    for number, line in enumerate(chart.lines):
        drawn_line = axes.axvline(
            line.value, color=LINE_COLOURS[number % len(LINE_COLOURS)],
            linestyle=line.style, linewidth=1.2, label=line.label, zorder=0,
        )  # fmt: skip
        keys.append((drawn_line, line.label))
    axes.set_ylim(column, 0)  # inches from the top: the first group on top, as read
    axes.set_yticks([])
    axes.set_xlim(0, 112)  # room for "100" after the longest bar
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel(chart.axis)
    _legend(figure, axes, keys)
    if chart.note:
        note = figure.supxlabel(chart.note, x=0.01, ha="left", fontsize=SMALL_SIZE, color="#555555")
        _fit(figure, note)
    _settle(figure, axes, column)
    return figure


def _names(
    figure: Figure, axes: Axes, labels: Sequence[str], bars: int
) -> tuple[list[float], float]:
    """Sets each group's name, wrapped to the width, above the room for its bars; returns where
    each group's bars begin and the column's height, in inches."""
    at_left = blended_transform_factory(axes.transAxes, axes.transData)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    room = figure.bbox.width * 0.93  # the axes begin a little in from the figure's left edge
    starts, top = [], TOP_GAP
    for label in labels:
        name = axes.text(
            0, top, label, transform=at_left, ha="left", va="top", fontsize=NAME_SIZE,
            bbox=_NAME_BOX, zorder=3, clip_on=False,
        )  # fmt: skip
        name.set_in_layout(False)  # it is inside the column, whose height is counted for it
        _fit(figure, name, room)
        height = name.get_window_extent(renderer).height / figure.dpi
        starts.append(top + height + NAME_GAP)
        top += height + NAME_GAP + max(bars, 1) * BAR_STEP + GROUP_GAP
    return starts, top - GROUP_GAP + NAME_GAP


def _legend(figure: Figure, axes: Axes, keys: list[tuple[Artist, str]]) -> None:
    """What the colours and lines mean, above the bars (read before them), in two columns if
    they fit, else one; as the axes' own, the layout makes room for it under the title."""
    if not keys:
        return
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for columns in (2, 1):
        legend = axes.legend(
            [key for key, _ in keys], [name for _, name in keys], loc="lower left",
            bbox_to_anchor=(0, 1),
            ncols=min(columns, len(keys)), fontsize=SMALL_SIZE, frameon=False,
            borderaxespad=0.3, borderpad=0, handlelength=1.6, columnspacing=1.2,
        )  # fmt: skip
        if columns == 1 or legend.get_window_extent(renderer).width <= figure.bbox.width * 0.95:
            return


def _settle(figure: Figure, axes: Axes, column: float) -> None:
    """Sets the figure's height so the axes are `column` inches high: one data unit is then one
    inch, and each name sits above its bars exactly (the texts around keep their heights)."""
    for _ in range(4):
        figure.draw_without_rendering()
        height = axes.get_position().height * figure.get_figheight()
        if abs(height - column) < 0.5 / figure.dpi:
            return
        figure.set_figheight(figure.get_figheight() + column - height)


def _empty(chart: BarChart) -> Figure:
    """No bars to draw (nothing yet, or too few answers): the title and why, nothing else."""
    figure = _figure(2.6)
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
    return _fit(figure, figure.suptitle(title, x=0.01, ha="left", fontsize=TITLE_SIZE))


def _fit(figure: Figure, text: Text, room: float | None = None) -> Text:
    """Wraps the text, between words, until the renderer measures it inside `room` pixels (by
    default the figure's width)."""
    words = text.get_text()
    room = figure.bbox.width * 0.97 if room is None else room
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    whole = text.get_window_extent(renderer).width
    # the first try: as many characters a line as fit on average, then fewer until it fits
    start = min(len(words), int(len(words) * room / whole) + 2) if whole > room else len(words)
    for width in range(start, 9, -2):
        text.set_text(textwrap.fill(words, width, break_long_words=False))
        if text.get_window_extent(renderer).width <= room:
            break
    return text


def _number(value: float) -> str:
    """Vietnamese decimals: 91,3."""
    return vi_number(value)
