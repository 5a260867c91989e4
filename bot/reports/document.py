"""Documents as DOCX (python-docx), laid out as Nghị định 30/2020/NĐ-CP, Phụ lục I asks.

Phần I, mục I: A4, margins top and bottom 2 cm, left 3 cm, right 2 cm (the law: 20–25, 20–25,
30–35, 15–20 mm), Times New Roman; paragraphs at least 6 pt apart, lines 1.15 (single to 1.5);
page numbers centred in the top margin from the second page on (mục I.7). No empty paragraph
anywhere: room above a paragraph is its spacing, and a drawn rule is a bordered paragraph.

The heading (mục II.1–4, the places of ô 1–4 in mục IV, the sizes and styles of mục V) is a
borderless table of two columns and two rows (sizes in points):

    ô 2  TÊN CƠ QUAN CHỦ QUẢN (12, đứng)        ô 1  CỘNG HÒA XÃ HỘI … VIỆT NAM (12, đứng, đậm)
         TÊN TRƯỜNG (12, đứng, đậm)                   Độc lập - Tự do - Hạnh phúc (13, đứng, đậm)
         a rule 1/3–1/2 of its line                   a rule as long as the motto
    ô 3  Số: …/BC-MNAB (13, centred)            ô 4  Địa danh, ngày … tháng … năm … (13, nghiêng)

Ô 3 and ô 4 share a row, so the number and the date are on one line (mục II.4). The right
column is as wide as the Quốc hiệu needs, measured (`metrics`); the names fill the left column in
as few, as even lines as fit, broken only between words the caller did not join.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from bot.reports.metrics import break_lines, text_width
from bot.reports.model import Block, Columns, Document, Letterhead, Para, Table

TEXT_WIDTH_CM = 16.0  # A4 less the margins
CELL_MARGIN_CM = 0.1  # the heading's cell padding, each side, set in the file: nothing guessed
_DEFAULT_PADDING_CM = 0.19  # of a cell in other tables (the template's 108 twips)
POINTS_PER_CM = 72 / 2.54
NAME_SIZE = NATION_SIZE = 12.0  # mục V: 12–13
MOTTO_SIZE = NUMBER_SIZE = PLACE_SIZE = 13.0  # mục V: tiêu ngữ 13–14, số 13, địa danh 13–14
ISSUER_RULE = 0.4  # the rule under the school's name: 1/3 to 1/2 of its line (mục II.2)
_SLACK = 0.98  # a line is set 2 % short of the room it has, against rounding in the layout
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
    room = _points(TEXT_WIDTH_CM)
    previous: Block | None = None
    for block in document.blocks:
        after_table = previous is not None and not isinstance(previous, Para)
        if isinstance(block, Para):
            _fill(word.add_paragraph(), block, room, document.size, 6.0 if after_table else 0.0)
        else:
            if after_table:  # two tables in a row would be merged into one
                word.add_paragraph().paragraph_format.space_after = Pt(0)
            if isinstance(block, Columns):
                _columns(word, block, document.size)
            elif isinstance(block, Letterhead):
                _letterhead(word, block)
            else:
                _table(word, block, document.size)
        previous = block
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
    spacing.space_after = Pt(6)
    spacing.line_spacing = 1.15
    _page_numbers(section, document.size)


def _page_numbers(section: Section, size: float) -> None:
    """The page number, centred in the top margin, not on the first page (mục I.7)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    shown = paragraph.add_run("2")
    shown.font.size = Pt(size)
    field.append(shown._r)
    paragraph._p.append(field)


def _fill(paragraph: Paragraph, para: Para, room: float, size: float, extra: float = 0) -> None:
    """The paragraph's text; a centred one in measured, even lines, with its rule if any."""
    paragraph.alignment = _ALIGN[para.align]
    form = paragraph.paragraph_format
    if para.indent:
        form.first_line_indent = Cm(1)
    if para.space_before or extra:
        form.space_before = Pt(para.space_before + extra)
    points = para.size or size
    if para.align != "center":
        _write(paragraph, [para.text], para)
        return
    lines = break_lines(para.text, room * _SLACK, points, bold=para.bold, italic=para.italic)
    _write(paragraph, lines, para)
    if para.rule:
        widest = max(text_width(line, points, bold=para.bold) for line in lines)
        paragraph.paragraph_format.space_after = Pt(0)
        _rule(_paragraph_after(paragraph), widest * para.rule, room)


def _write(paragraph: Paragraph, lines: Sequence[str], para: Para) -> None:
    """One run; the lines apart by line breaks (not paragraphs: it is one element)."""
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    run.bold, run.italic = para.bold or None, para.italic or None
    if para.size is not None:
        run.font.size = Pt(para.size)


def _rule(paragraph: Paragraph, length: float, room: float) -> None:
    """A solid line `length` points long, centred in `room`: the bottom border of a paragraph
    two points high that holds nothing else."""
    form = paragraph.paragraph_format
    form.left_indent = form.right_indent = Pt(max(room - length, 0) / 2)
    form.space_before = form.space_after = Pt(0)
    form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    form.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _paragraph_after(paragraph: Paragraph) -> Paragraph:
    following = OxmlElement("w:p")
    paragraph._p.addnext(following)
    return Paragraph(following, paragraph._parent)


def _letterhead(word: WordDocument, head: Letterhead) -> None:
    right = (
        max(
            text_width(head.nation, NATION_SIZE, bold=True),
            text_width(head.motto, MOTTO_SIZE, bold=True),
            text_width(head.place_date, PLACE_SIZE, italic=True),
        )
        / _SLACK
        + _points(2 * CELL_MARGIN_CM)
        + 1
    )  # a point more than the sums, against rounding
    widths = (TEXT_WIDTH_CM - right / POINTS_PER_CM, right / POINTS_PER_CM)
    table = word.add_table(rows=2, cols=2)
    _widths(table, widths)
    _cell_margins(table, CELL_MARGIN_CM)
    left_room, right_room = (_points(width - 2 * CELL_MARGIN_CM) for width in widths)
    names, nation = table.rows[0].cells
    number, dated = table.rows[1].cells
    first = True
    if head.managing_body:
        _cell_para(names, first, head.managing_body.upper(), left_room, NAME_SIZE)
        first = False
    issuer = _cell_para(names, first, head.issuer.upper(), left_room, NAME_SIZE, bold=True)
    _rule(names.add_paragraph(), ISSUER_RULE * _widest(issuer, NAME_SIZE, bold=True), left_room)
    _cell_para(nation, True, head.nation, right_room, NATION_SIZE, bold=True)
    motto = _cell_para(nation, False, head.motto, right_room, MOTTO_SIZE, bold=True)
    _rule(nation.add_paragraph(), _widest(motto, MOTTO_SIZE, bold=True), right_room)
    _cell_para(number, True, head.number, left_room, NUMBER_SIZE, space_before=4)
    _cell_para(dated, True, head.place_date, right_room, PLACE_SIZE, italic=True, space_before=4)


def _cell_para(
    cell: _Cell,
    first: bool,
    text: str,
    room: float,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    space_before: float = 0,
) -> list[str]:
    """A centred, single-spaced paragraph of the heading; the lines it was set in."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    form = paragraph.paragraph_format
    form.space_after, form.line_spacing = Pt(0), 1.0
    form.space_before = Pt(space_before)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = break_lines(text, room * _SLACK, size, bold=bold, italic=italic)
    _write(paragraph, lines, Para(text, "center", bold=bold, italic=italic, size=size))
    return lines


def _widest(lines: Sequence[str], size: float, *, bold: bool) -> float:
    return max(text_width(line, size, bold=bold) for line in lines)


def _columns(word: WordDocument, block: Columns, size: float) -> None:
    table = word.add_table(rows=1, cols=2)
    widths = (TEXT_WIDTH_CM * block.split, TEXT_WIDTH_CM * (1 - block.split))
    _widths(table, widths)
    for cell, paras, width in zip(
        table.rows[0].cells, (block.left, block.right), widths, strict=True
    ):
        _fill_cell(cell, paras, _points(width - 2 * _DEFAULT_PADDING_CM), size)


def _fill_cell(cell: _Cell, paras: Sequence[Para], room: float, size: float) -> None:
    for number, para in enumerate(paras):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _fill(paragraph, para, room, size)


def _table(word: WordDocument, block: Table, size: float) -> None:
    columns = max(len(row) for row in block.rows)
    table = word.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    for number, row in enumerate(block.rows):
        for cell, text in zip(table.add_row().cells, row, strict=False):
            cell.paragraphs[0].paragraph_format.space_after = Pt(0)
            _fill(cell.paragraphs[0], Para(text, "left", bold=number == 0, size=size - 1), 0, size)
    # the first column names the row: it gets twice the room of each figure
    share = TEXT_WIDTH_CM / (columns + 1)
    _widths(table, [share * 2, *[share] * (columns - 1)])


def _widths(table: DocxTable, widths: Sequence[float]) -> None:
    """Column widths in cm: on the grid (LibreOffice reads it) and on every cell (Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _cell_margins(table: DocxTable, centimetres: float) -> None:
    """The left and right padding of every cell, in the table's own properties."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(centimetres / 2.54 * 1440)))  # twentieths of a point
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _points(centimetres: float) -> float:
    return centimetres * POINTS_PER_CM
