"""What the renderers draw: plain tables, a bar chart and a document, with every word given.

The figures and the copy are decided elsewhere (handlers/reports); these types only carry them,
so rendering stays a translation, like a channel's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Percent:
    """A percentage as shown, 0–100 (81.82 is 81,82 %): a number with a percent format in XLSX,
    "81,82" in a CSV (the header names the unit)."""

    value: float


Cell = str | int | float | Percent | date | None


@dataclass(frozen=True)
class Sheet:
    """A table: the first row is the header. Floats and percentages are shown with two decimals,
    days as dd/mm/yyyy."""

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
    space_before: float = 0.0  # points: room above it (a document has no empty paragraphs)
    rule: float = 0.0  # centred only: a solid line under it, this share of its longest line


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


@dataclass(frozen=True)
class Letterhead:
    """The heading of an administrative text, laid out per Nghị định 30/2020/NĐ-CP, Phụ lục I.

    Every word is given; the renderer sets the names in upper case and breaks lines only at
    ordinary spaces (words joined by a no-break space stay together).
    """

    managing_body: str  # ô 2: tên cơ quan, tổ chức chủ quản trực tiếp, in full ("": none)
    issuer: str  # ô 2: tên cơ quan, tổ chức ban hành văn bản (the school), in full
    number: str  # ô 3: "Số: …/BC-MNAB"
    nation: str  # ô 1: Quốc hiệu
    motto: str  # ô 1: Tiêu ngữ
    place_date: str  # ô 4: "An Bình, ngày … tháng … năm 2026"


Block = Para | Columns | Table | Letterhead


@dataclass(frozen=True)
class Document:
    blocks: Sequence[Block] = field(default_factory=list)
    font: str = "Times New Roman"
    size: float = 13.0
