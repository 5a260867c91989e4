"""Documents as DOCX (python-docx), laid out like a Vietnamese administrative text.

A4, margins of Nghị định 30/2020/NĐ-CP (top and bottom 2 cm, left 3 cm, right 2 cm), Times New
Roman; the letterhead and the signature are borderless two-column tables, as in Word templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from bot.reports.model import Columns, Document, Para, Table

TEXT_WIDTH_CM = 16.0  # A4 less the margins
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def write_docx(document: Document, path: Path) -> Path:
    """Writes the document; every block in order."""
    word = docx.Document()
    _page_and_font(word, document)
    for block in document.blocks:
        if isinstance(block, Para):
            _fill(word.add_paragraph(), block)
        elif isinstance(block, Columns):
            _columns(word, block)
        else:
            _table(word, block, document.size)
    word.save(str(path))
    return path


def _page_and_font(word: WordDocument, document: Document) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    normal = word.styles["Normal"]
    normal.font.name = document.font
    normal.font.size = Pt(document.size)
    spacing = normal.paragraph_format
    spacing.space_after = Pt(4)
    spacing.line_spacing = 1.15


def _fill(paragraph: Paragraph, para: Para) -> None:
    paragraph.alignment = _ALIGN[para.align]
    if para.indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    run = paragraph.add_run(para.text)
    run.bold, run.italic = para.bold or None, para.italic or None
    if para.size is not None:
        run.font.size = Pt(para.size)


def _columns(word: WordDocument, block: Columns) -> None:
    table = word.add_table(rows=1, cols=2)
    table.autofit = False
    _widths(table, (TEXT_WIDTH_CM * block.split, TEXT_WIDTH_CM * (1 - block.split)))
    for cell, paras in zip(table.rows[0].cells, (block.left, block.right), strict=True):
        _fill_cell(cell, paras)


def _fill_cell(cell: _Cell, paras: Sequence[Para]) -> None:
    for number, para in enumerate(paras):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _fill(paragraph, para)


def _table(word: WordDocument, block: Table, size: float) -> None:
    columns = max(len(row) for row in block.rows)
    table = word.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    for number, row in enumerate(block.rows):
        for cell, text in zip(table.add_row().cells, row, strict=False):
            _fill(cell.paragraphs[0], Para(text, "left", bold=number == 0, size=size - 1))
    # the first column names the row: it gets twice the room of each figure
    share = TEXT_WIDTH_CM / (columns + 1)
    _widths(table, [share * 2, *[share] * (columns - 1)])
    word.add_paragraph()


def _widths(table: DocxTable, widths: Sequence[float]) -> None:
    """Column widths in cm: on the grid (LibreOffice reads it) and on every cell (Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
