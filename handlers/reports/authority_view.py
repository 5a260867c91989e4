"""The authority view as a chat message, XLSX sheets and a chart: the same figures in each.

A school's index counted from too few answers is the mark of `small_groups` wherever it would
stand (sheet, chart, text), and counts in no average, unit or rank.
"""

from __future__ import annotations

from dataclasses import replace

from bot.numbers import vi_number
from bot.reports.model import BarChart, Cell, Line, Series, Sheet
from handlers import texts
from handlers.reports.authority import BAND_WIDTH, AuthorityFigures, SchoolRow, UnitRow
from handlers.reports.sheets import figure, pct
from handlers.reports.small_groups import mark
from handlers.reports.wording import (
    decimal,
    meets,
    percent,
    percent_or,
    period_label,
    target_mark,
)

SHOWN = 10  # schools (and units) named in the chat text; the XLSX has all of them
CHARTED_SCHOOLS = 30  # bars a chart of schools holds legibly


def authority_text(view: AuthorityFigures, min_group: int) -> str:
    """The headline, the distribution against target, the units and the ranking (the first
    ten); every school is in the files."""
    average = view.average
    bands = "; ".join(
        texts.REPORT_AUTHORITY_BAND.format(label=band.label, count=vi_number(band.count))
        for band in view.bands
    )
    lines = [
        texts.REPORT_AUTHORITY_HEADER.format(
            authority=view.name, period=period_label(view.period), count=vi_number(len(view.rows))
        ),
        texts.REPORT_AUTHORITY_AVERAGE.format(
            index=percent(average.overall),
            turnout=percent(average.turnout),
            on_time=percent(average.on_time_rate),
        ),
        texts.REPORT_AUTHORITY_BANDS.format(bands=bands),
    ]
    hidden = mark(min_group)
    if view.units:
        lines += ["", texts.REPORT_AUTHORITY_UNITS]
        lines += [_unit_line(unit, hidden) for unit in view.units[:SHOWN]]
    lines += ["", texts.REPORT_AUTHORITY_RANKING]
    lines += [_school_line(row, view.target, min_group) for row in view.rows[:SHOWN]]
    if len(view.rows) > SHOWN:
        lines.append(texts.REPORT_AUTHORITY_MORE.format(count=vi_number(len(view.rows) - SHOWN)))
    return "\n".join(lines)


def _unit_line(unit: UnitRow, hidden: str) -> str:
    return texts.REPORT_AUTHORITY_UNIT.format(
        name=unit.name,
        index=percent_or(unit.figures.overall, hidden),
        schools=vi_number(unit.schools),
        met=vi_number(unit.met),
    )


def _school_line(row: SchoolRow, target: int, min_group: int) -> str:
    if row.overall is None:
        none = not row.responses
        index = texts.REPORT_AUTHORITY_NO_RESPONSES if none else mark(min_group)
    else:
        index = percent(row.overall)
    turnout = f"{vi_number(row.answered or 0)}/{vi_number(row.invited)}" if row.invited else "–"
    if row.turnout is not None:
        turnout += f" ({percent(row.turnout)})"
    return texts.REPORT_AUTHORITY_SCHOOL.format(
        rank=row.rank if row.rank is not None else texts.REPORT_AUTHORITY_UNRANKED,
        name=row.name,
        index=index,
        mark=f" {target_mark(row.overall, target)}" if row.overall is not None else "",
        turnout=turnout,
    )


def authority_sheets(view: AuthorityFigures, min_group: int) -> list[Sheet]:
    """The schools ranked with their average, the units (if any), the distribution, the notes."""
    hidden = mark(min_group)
    header: list[Cell] = [
        texts.COL_RANK, texts.COL_SCHOOL, texts.COL_CODE, texts.COL_UNIT, texts.COL_RESPONSES,
        texts.COL_ANSWERED, texts.COL_INVITED, texts.COL_TURNOUT,
        *(f"{title} (%)" for title in view.elements),
        texts.COL_OVERALL, texts.COL_OVERALL_QUESTION, texts.COL_TARGET_MET,
        texts.COL_DUE, texts.COL_ON_TIME, texts.COL_ON_TIME_RATE, texts.COL_NEWS,
    ]  # fmt: skip
    average = replace(view.average, name=texts.ROW_AVERAGE)
    schools = [_school_row(row, view.target, hidden) for row in view.rows]
    sheets = [
        Sheet(texts.SHEET_SCHOOLS, [header, *schools, _school_row(average, view.target, None)])
    ]
    if view.units:
        sheets.append(Sheet(texts.SHEET_UNITS, _units(view, hidden)))
    sheets.append(Sheet(texts.SHEET_BANDS, _bands(view)))
    low = max(view.target - BAND_WIDTH, 0)
    notes = [
        [texts.SHEET_NOTES],
        *(
            [note.format(min=min_group, mark=hidden, target=view.target, low=low)]
            for note in texts.AUTHORITY_NOTES
        ),
    ]
    if view.note:  # where the compared survey's questions come from
        notes.append([f"{texts.ROW_NOTE}: {view.note}"])
    sheets.append(Sheet(texts.SHEET_NOTES, notes))
    return sheets


def _school_row(row: SchoolRow, target: int, hidden: str | None) -> list[Cell]:
    """A school's line (a missing index is the mark: too few answers) or the average's."""

    def index(value: float | None) -> Cell:
        return pct(value) if hidden is None else figure(value, hidden)

    met = None
    if hidden is not None and row.overall is not None:  # a school's, not the average's
        met = texts.YES_WORD if meets(row.overall, target) else texts.NO_WORD
    return [
        row.rank, row.name, row.code or None, row.unit or None, row.responses, row.answered,
        row.invited, pct(row.turnout),
        *(index(value) for value in row.elements),
        index(row.overall), index(row.satisfied), met,
        row.due, row.on_time, pct(row.on_time_rate), row.news,
    ]  # fmt: skip


def _units(view: AuthorityFigures, hidden: str) -> list[list[Cell]]:
    header: list[Cell] = [
        texts.COL_UNIT_NAME, texts.COL_UNIT_KIND, texts.COL_SCHOOLS, texts.COL_COUNTED,
        texts.COL_MET, texts.COL_TURNOUT, *(f"{title} (%)" for title in view.elements),
        texts.COL_OVERALL, texts.COL_OVERALL_QUESTION, texts.COL_ON_TIME_RATE,
    ]  # fmt: skip
    rows: list[list[Cell]] = [header]
    for unit in view.units:
        means = unit.figures
        rows.append(
            [
                unit.name, texts.AUTHORITY_KIND_NAMES[unit.kind], unit.schools, unit.counted,
                unit.met, pct(means.turnout), *(figure(v, hidden) for v in means.elements),
                figure(means.overall, hidden), figure(means.satisfied, hidden),
                pct(means.on_time_rate),
            ]
        )  # fmt: skip
    return rows


def _bands(view: AuthorityFigures) -> list[list[Cell]]:
    total = len(view.rows)
    rows: list[list[Cell]] = [[texts.COL_BAND, texts.COL_SCHOOLS, texts.COL_SHARE]]
    rows += [[band.label, band.count, pct(100 * band.count / total)] for band in view.bands]
    return rows


def authority_chart(view: AuthorityFigures, min_group: int) -> BarChart:
    """Each school's overall index and participation, ranked, with the average and the target;
    for a province of several units (or of more schools than a chart can hold), each unit's
    means instead — every school is in the XLSX."""
    period = period_label(view.period)
    hidden = mark(min_group)
    named: list[tuple[str, SchoolRow]]
    note = texts.REPORT_AUTHORITY_CHART_NOTE.format(min=min_group, mark=hidden)
    if len(view.units) > 1 or (view.units and len(view.rows) > CHARTED_SCHOOLS):
        title = texts.REPORT_AUTHORITY_UNITS_CHART.format(authority=view.name, period=period)
        named = [(unit.name, unit.figures) for unit in view.units]
        note = f"{texts.REPORT_AUTHORITY_UNITS_NOTE} {note}"
    else:
        title = texts.REPORT_AUTHORITY_CHART.format(authority=view.name, period=period)
        named = [(row.name, row) for row in view.rows]
    series = [
        Series(texts.COL_OVERALL, [row.overall for _, row in named]),
        Series(texts.COL_TURNOUT, [row.turnout for _, row in named]),
    ]
    lines = [Line(view.target, texts.REPORT_CHART_TARGET.format(target=view.target))]
    if view.average.overall is not None:
        label = texts.REPORT_AUTHORITY_AVERAGE_LINE.format(value=decimal(view.average.overall))
        lines.append(Line(view.average.overall, label, "dotted"))
    labels = [name if row.overall is not None else f"{name} ({hidden})" for name, row in named]
    if view.note:
        note += " " + texts.REPORT_CHART_NOTE.format(note=view.note)
    return BarChart(title, labels, series, lines, note=note)
