"""vi-VN numbers: one decimal at most, a decimal comma, "." thousands, never "64,00"."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.numbers import shown, vi_number, vi_percent

ROOT = Path(__file__).parents[2]


def test_the_shapes_a_reader_sees() -> None:
    assert vi_percent(64.45) == "64,5 %"
    assert vi_percent(100.0) == "100 %"
    assert vi_percent(64.0) == "64 %"
    assert vi_percent(0.04) == "0 %" and vi_percent(-0.04) == "0 %"  # no "-0"
    assert vi_number(1234) == "1.234" and vi_number(1234567.25) == "1.234.567,3"
    assert vi_number(3.85) == "3,9"  # half up, as a reader rounds
    assert shown(89.96) == 90.0


def parsed(text: str) -> float:
    """A vi-VN number read back: "." groups thousands, "," marks the decimals."""
    return float(text.removesuffix(" %").replace(".", "").replace(",", "."))


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_any_percentage_reads_back_within_half_a_tenth(value: float) -> None:
    text = vi_percent(value)
    assert re.fullmatch(r"\d{1,3}(,\d)? %", text), text
    assert "." not in text  # below 1.000 no thousands mark, and never a decimal point
    assert abs(parsed(text) - value) <= 0.05 + 1e-9
    assert parsed(text) == shown(value)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_any_number_groups_thousands_and_has_no_trailing_zero(value: float) -> None:
    text = vi_number(value)
    assert re.fullmatch(r"-?\d{1,3}(\.\d{3})*(,[1-9])?", text), text
    assert abs(parsed(text) - value) <= 0.05 + 1e-6 * abs(value)


def test_no_other_code_writes_a_decimal_for_a_reader() -> None:
    """Chat text, charts and the DOCX go through bot/numbers.py; only the CSV export keeps its
    own dialect (bot/reports/tables.py) and logs keep theirs."""
    pattern = re.compile(r"\{[^}]*:\.\d+f\}|:\.\d+f\}\"\.replace|\.replace\(\"\.\", \",\"\)")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("handlers", "bot/reports", "surveys")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line) and path.name != "tables.py"
    ]
    assert offenders == []
    assert pattern.search('f"{value:.2f}".replace(".", ",")')  # the check can fail
