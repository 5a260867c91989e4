"""Working days and legal deadlines on real dates: Tết 2026, 30/4–1/5, 2/9, weekends, overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from handlers.tickets import deadlines
from handlers.tickets.rules import Policy, rule_for
from handlers.tickets.workdays import (
    SHIPPED,
    CalendarFileError,
    WorkCalendar,
    calendar_from,
    parse_overrides,
)

CALENDAR = calendar_from(None)
POLICY = Policy()
PETITION = rule_for("phan_anh", "bua_an", anonymous=False, policy=POLICY)
COMPLAINT = rule_for("khieu_nai", "hoc_phi", anonymous=False, policy=POLICY)
DENUNCIATION = rule_for("to_cao", "giao_vien", anonymous=False, policy=POLICY)


def test_tet_2026_is_nine_days_off_in_the_shipped_file() -> None:
    off = [d for d in CALENDAR.days_off_in(2026) if date(2026, 2, 13) <= d <= date(2026, 2, 23)]
    assert off == [date(2026, 2, day) for day in range(14, 23)]
    assert CALENDAR.is_working_day(date(2026, 2, 13))  # Friday before
    assert CALENDAR.is_working_day(date(2026, 2, 23))  # Monday after
    assert "Tết" in CALENDAR.why_off(date(2026, 2, 14))


def test_a_petition_across_tet_counts_ten_working_days() -> None:
    # received Friday 13/2: 23–27/2 and 2–6/3 are the ten working days
    assert deadlines.decide_due(CALENDAR, PETITION, date(2026, 2, 13)) == date(2026, 3, 6)


def test_a_complaint_counts_calendar_days_and_ends_on_the_next_working_day() -> None:
    # Luật Khiếu nại Art. 27: 10 days from 5/2 is Sunday 15/2, inside Tết: Monday 23/2
    assert deadlines.decide_due(CALENDAR, COMPLAINT, date(2026, 2, 5)) == date(2026, 2, 23)
    # 10 days from Wednesday 25/11 is Saturday 5/12: Monday 7/12
    assert deadlines.decide_due(CALENDAR, COMPLAINT, date(2026, 11, 25)) == date(2026, 12, 7)
    # a plain weekday end stays: 10 days from Monday 23/11 is Thursday 3/12
    assert deadlines.decide_due(CALENDAR, COMPLAINT, date(2026, 11, 23)) == date(2026, 12, 3)


def test_resolution_counts_from_acceptance_and_extensions_add_lawful_steps() -> None:
    accepted = date(2026, 1, 20)
    # 30 days is 19/2, in Tết: Monday 23/2
    assert deadlines.resolve_due(CALENDAR, DENUNCIATION, accepted) == date(2026, 2, 23)
    # one extension of a denunciation: 60 days, Saturday 21/3 → Monday 23/3
    assert deadlines.resolve_due(CALENDAR, DENUNCIATION, accepted, 1) == date(2026, 3, 23)
    # a complex complaint: 45 days from acceptance (Luật Khiếu nại Art. 28)
    assert deadlines.resolve_due(CALENDAR, COMPLAINT, date(2026, 3, 2), 1) == date(2026, 4, 16)


def test_across_30_april_and_1_may() -> None:
    # 26/4 Giỗ Tổ is a Sunday, so Monday 27/4 is off; 30/4 and 1/5 are off
    assert [d.day for d in CALENDAR.days_off_in(2026) if d.month == 4 and d.day > 24] == [
        25,
        26,
        27,
        30,
    ]
    petition_5 = rule_for("gop_y", "khac", anonymous=False, policy=Policy(answer_days=5))
    # received Friday 24/4: 28, 29/4, 4, 5, 6/5
    assert deadlines.decide_due(CALENDAR, petition_5, date(2026, 4, 24)) == date(2026, 5, 6)


def test_across_2_september_with_its_working_saturday() -> None:
    # Saturday 22/8/2026 is worked in exchange for Monday 31/8
    assert CALENDAR.is_working_day(date(2026, 8, 22))
    assert not CALENDAR.is_working_day(date(2026, 8, 31))
    assert CALENDAR.add_working_days(date(2026, 8, 21), 5) == date(2026, 8, 27)
    # 28/8 is worked, then 29/8–2/9 are off
    assert CALENDAR.add_working_days(date(2026, 8, 27), 3) == date(2026, 9, 4)


def test_a_weekend_is_not_counted_and_receipt_on_saturday_starts_on_monday() -> None:
    assert CALENDAR.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)
    assert CALENDAR.add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)
    # 24/11/2026 (Ngày Văn hóa Việt Nam) is a day off in the installed calendar
    assert deadlines.decide_due(CALENDAR, PETITION, date(2026, 11, 23)) == date(2026, 12, 8)


def test_the_warning_comes_two_working_days_before() -> None:
    assert deadlines.warn_on(CALENDAR, date(2026, 12, 8)) == date(2026, 12, 4)  # Tue → Fri
    assert deadlines.warn_on(CALENDAR, date(2026, 2, 24)) == date(2026, 2, 13)  # across Tết


def test_forwarding_administrative_feedback_and_denunciations_has_a_shorter_limit() -> None:
    rules = rule_for("phan_anh", "thu_tuc", anonymous=False, policy=POLICY)
    assert deadlines.forward_due(CALENDAR, rules, date(2026, 11, 23)) == date(2026, 12, 1)
    assert deadlines.forward_due(CALENDAR, DENUNCIATION, date(2026, 11, 23)) == date(2026, 12, 1)
    assert deadlines.forward_due(CALENDAR, PETITION, date(2026, 11, 23)) is None
    assert deadlines.decide_due(CALENDAR, DENUNCIATION, date(2026, 11, 23)) == date(2026, 12, 3)


def test_an_anonymous_complaint_follows_the_petition_rules() -> None:
    anonymous = rule_for("khieu_nai", "hoc_phi", anonymous=True, policy=POLICY)
    assert anonymous.decide == PETITION.decide and anonymous.max_extensions == 0


def test_a_school_override_file_changes_the_count(tmp_path: Path) -> None:
    path = tmp_path / "workdays.yaml"
    path.write_text(
        "2026:\n"
        "  days_off:\n"
        "    2026-12-31: Nghỉ cuối năm của trường\n"
        "    2026-12-24..2026-12-25: Nghỉ bù hội thi\n"
        "  working_days:\n"
        "    2026-11-24: Trường vẫn làm việc\n"
        "    2026-12-26: Thứ Bảy làm bù\n",
        encoding="utf-8",
    )
    school = calendar_from(path)
    assert school.is_working_day(date(2026, 11, 24))
    assert not school.is_working_day(date(2026, 12, 24))
    assert school.is_working_day(date(2026, 12, 26))
    assert deadlines.decide_due(school, PETITION, date(2026, 11, 23)) == date(2026, 12, 7)
    assert school.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 28)
    # the base calendar is untouched by a school's file
    assert deadlines.decide_due(CALENDAR, PETITION, date(2026, 11, 23)) == date(2026, 12, 8)
    # an edit is read again without a restart
    path.write_text("2026:\n  working_days:\n    2026-12-24: đi làm\n", encoding="utf-8")
    assert calendar_from(path).is_working_day(date(2026, 12, 24))


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("2026:\n  days_off:\n    2026-13-01: sai\n", 3, "is not a date"),
        ("2026:\n  days_off:\n    2025-12-31: sai năm\n", 3, "is not in 2026"),
        ("2026:\n  holidays:\n    2026-12-31: x\n", 2, "unknown section 'holidays'"),
        ("26:\n  days_off: {}\n", 1, "'26' is not a year"),
        ("2026:\n  days_off:\n    2026-12-31..2026-12-30: x\n", 3, "ends before it starts"),
        ("2026: [1, 2\n", 2, "not valid YAML"),
        ("- 2026-12-31\n", 1, "expected a mapping of years"),
    ],
)
def test_a_broken_override_file_names_the_line_and_the_reason(
    text: str, line: int, reason: str
) -> None:
    with pytest.raises(CalendarFileError) as raised:
        parse_overrides(text, "school.yaml")
    assert str(raised.value).startswith(f"school.yaml:{line}: ")
    assert reason in str(raised.value)


def test_a_day_both_off_and_worked_is_refused_and_a_missing_file_is_reported(
    tmp_path: Path,
) -> None:
    text = "2026:\n  days_off:\n    2026-12-31: x\n  working_days:\n    2026-12-31: y\n"
    with pytest.raises(CalendarFileError, match="both a day off and a working day"):
        parse_overrides(text)
    with pytest.raises(CalendarFileError, match="cannot read the file"):
        calendar_from(tmp_path / "missing.yaml")


def test_the_shipped_file_and_an_empty_one_parse() -> None:
    days_off, working = parse_overrides(SHIPPED.read_text(encoding="utf-8"), SHIPPED)
    assert date(2026, 2, 14) in days_off and date(2026, 8, 22) in working
    assert parse_overrides("") == ({}, {})
    assert WorkCalendar().is_working_day(date(2026, 2, 13))
