"""What the renderers draw: plain tables, a bar chart and a document, with every word given.

The figures and the copy are decided elsewhere (handlers/reports); these types only carry them,
so rendering stays a translation, like a channel's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Cell = str | int | float | None
Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Sheet:
    """A table: the first row is the header. Floats are shown with two decimals."""

    title: str
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no figure (nothing drawn, "–" written)


@dataclass(frozen=True)
class Line:
    """A reference line across the bars, e.g. the target or an average."""

    value: float
    label: str
    style: Literal["dashed", "dotted"] = "dashed"


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one group per label, one bar per series; values are percentages."""

    title: str
    labels: Sequence[str]
    series: Sequence[Series]
    lines: Sequence[Line] = ()
    note: str = ""  # printed under the bars (e.g. why some are missing)
    axis: str = "%"


@dataclass(frozen=True)
class Para:
    """A paragraph of a document."""

    text: str
    align: Align = "justify"
    bold: bool = False
    italic: bool = False
    indent: bool = False  # first-line indent, as in the body of an administrative report
    size: float | None = None  # points; None: the document's


@dataclass(frozen=True)
class Columns:
    """Two blocks of paragraphs side by side, without borders (letterhead, signature)."""

    left: Sequence[Para]
    right: Sequence[Para]
    split: float = 0.4  # the left block's share of the width


@dataclass(frozen=True)
class Table:
    """A bordered table; the first row is the header."""

    rows: Sequence[Sequence[str]]


Block = Para | Columns | Table


@dataclass(frozen=True)
class Document:
    blocks: Sequence[Block] = field(default_factory=list)
    font: str = "Times New Roman"
    size: float = 13.0
