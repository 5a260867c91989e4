"""Numbers as Vietnamese readers write them: "64,5 %", "100 %", "3,8", "1.234".

Every figure in chat text, on a chart and in the DOCX draft goes through here, so a report and a
wave's results never disagree on "100%" against "64,00 %". The XLSX keeps the real number with a
number format (bot/reports/tables.py); the CSV export keeps its own dialect.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# one decimal is what a reader compares; a second one suggests a precision a survey of a class of
# thirty does not have
_STEP = Decimal("0.1")


def shown(value: float) -> float:
    """The value as displayed: half up to one decimal; a target or a rank is judged on this."""
    return float(_rounded(value))


def vi_number(value: float) -> str:
    """ "64,5", "100", "1.234", "-2,1": at most one decimal, no trailing zero, "." thousands."""
    rounded = _rounded(value)
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    return f"{rounded:,}".translate(_VI)


def vi_percent(value: float) -> str:
    """ "64,5 %": the number, a space, the sign, as Vietnamese typesetting writes it."""
    return vi_number(value) + " %"


def _rounded(value: float) -> Decimal:
    rounded = Decimal(repr(float(value))).quantize(_STEP, rounding=ROUND_HALF_UP)
    return rounded if rounded else Decimal("0.0")  # no "-0"


_VI = str.maketrans({",": ".", ".": ","})
