"""How report figures read in Vietnamese: periods, percentages, changes, the mark against target."""

from __future__ import annotations

from datetime import date

from bot.numbers import shown, vi_number
from handlers import texts
from handlers.reports.periods import Period, quarter_number
from handlers.results import percent, percent_or

__all__ = [
    "change_text", "day_text", "decimal", "meets", "percent", "percent_or", "period_label",
    "signed", "target_mark",
]  # fmt: skip


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def period_label(period: Period) -> str:
    """ "tuần 16/11–22/11/2026", "quý IV năm 2026", "từ 01/11/2026 đến 30/11/2026"."""
    if period.kind == "week":
        return texts.REPORT_WEEK.format(
            start=period.start.strftime("%d/%m"), end=day_text(period.end)
        )
    if period.kind == "quarter":
        number = texts.QUARTER_NUMERALS[quarter_number(period)]
        return texts.REPORT_QUARTER.format(number=number, year=period.start.year)
    return texts.REPORT_RANGE.format(start=day_text(period.start), end=day_text(period.end))


def decimal(value: float) -> str:
    """An index as it is read: 91,3."""
    return vi_number(value)


def signed(value: float | None) -> str:
    """ "+1,5", "−2,1", "±0", or "–" when there is nothing to compare."""
    if value is None:
        return "–"
    change = shown(value)
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return sign + decimal(abs(change))


def change_text(value: float | None) -> str:
    """ " (+1,5)" after an index, or nothing when there is nothing to compare."""
    return "" if value is None else texts.REPORT_CHANGE.format(change=signed(value))


def meets(value: float, target: int) -> bool:
    """Judged on the figure as shown (one decimal), so a shown 90 % meets 90 %."""
    return shown(value) >= target


def target_mark(value: float | None, target: int) -> str:
    if value is None:
        return ""
    return texts.REPORT_MET if meets(value, target) else texts.REPORT_NOT_MET
