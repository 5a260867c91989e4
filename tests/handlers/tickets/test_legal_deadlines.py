"""Every legal deadline of a ticket, named by its article, on real dates of the shipped calendar.

The calendar is the `holidays` package's Vietnamese one with the shipped override file: Tết 2026
is 14–22/2 (the Government's 9 days), Tết 2027 is 4–10/2 (29 Tết to Mùng năm, as the package has
it), 24/11/2026 is a day off. "Days" are calendar days counted as Bộ luật Dân sự 2015 Art. 147–148
say: from the day after, and a period ending on a day off ends on the next working day.
"""

from __future__ import annotations

from datetime import date

from handlers.tickets import deadlines
from handlers.tickets.rules import Policy, rule_for
from handlers.tickets.workdays import calendar_from

CALENDAR = calendar_from(None)
POLICY = Policy()
COMPLAINT = rule_for("khieu_nai", "hoc_phi", anonymous=False, policy=POLICY)
REMOTE_COMPLAINT = rule_for("khieu_nai", "hoc_phi", anonymous=False, policy=POLICY, remote=True)
DENUNCIATION = rule_for("to_cao", "giao_vien", anonymous=False, policy=POLICY)


def accept_complaint(received: date) -> date:
    return deadlines.decide_due(CALENDAR, COMPLAINT, received)


def test_khieu_nai_acceptance_10_days_art27_are_calendar_days_from_the_day_after() -> None:
    # Monday 23/11/2026: 24/11 is a holiday and 28–29/11 a weekend, yet all count: Thursday 3/12
    assert accept_complaint(date(2026, 11, 23)) == date(2026, 12, 3)
    assert COMPLAINT.decide.days == 10 and not COMPLAINT.decide.working
    assert COMPLAINT.decide.source == "Luật Khiếu nại 2011, Điều 27"


def test_khieu_nai_acceptance_10_days_art27_ending_on_a_weekend_ends_monday_blds_art148() -> None:
    # Wednesday 25/11 + 10 days = Saturday 5/12: the period ends on Monday 7/12
    assert accept_complaint(date(2026, 11, 25)) == date(2026, 12, 7)


def test_khieu_nai_acceptance_10_days_art27_across_tet_2026() -> None:
    # 5/2 + 10 = Sunday 15/2 and 10/2 + 10 = Friday 20/2, both inside Tết 14–22/2: Monday 23/2
    assert accept_complaint(date(2026, 2, 5)) == date(2026, 2, 23)
    assert accept_complaint(date(2026, 2, 10)) == date(2026, 2, 23)
    # received the Friday before Tết: 23/2 is the tenth day itself, a working day
    assert accept_complaint(date(2026, 2, 13)) == date(2026, 2, 23)


def test_khieu_nai_acceptance_10_days_art27_across_tet_2027() -> None:
    # 25/1/2027 + 10 = Thursday 4/2 (29 Tết); Tết runs to Wednesday 10/2: Thursday 11/2
    assert accept_complaint(date(2027, 1, 25)) == date(2027, 2, 11)
    assert not CALENDAR.is_working_day(date(2027, 2, 10))
    assert CALENDAR.is_working_day(date(2027, 2, 11))


def test_khieu_nai_resolution_30_days_art28_and_45_if_complex() -> None:
    accepted = date(2026, 3, 2)
    assert deadlines.resolve_due(CALENDAR, COMPLAINT, accepted) == date(2026, 4, 1)
    assert deadlines.resolve_due(CALENDAR, COMPLAINT, accepted, 1) == date(2026, 4, 16)
    assert COMPLAINT.max_extensions == 1


def test_khieu_nai_resolution_art28_remote_area_45_days_and_60_if_complex() -> None:
    accepted = date(2026, 3, 2)
    assert deadlines.resolve_due(CALENDAR, REMOTE_COMPLAINT, accepted) == date(2026, 4, 16)
    # 60 days is Friday 1/5 (Labour Day), then the weekend: Monday 4/5
    assert deadlines.resolve_due(CALENDAR, REMOTE_COMPLAINT, accepted, 1) == date(2026, 5, 4)
    assert REMOTE_COMPLAINT.max_extensions == 1
    assert "vùng sâu, vùng xa" in REMOTE_COMPLAINT.resolve.source


def test_khieu_nai_resolution_art28_across_tet_2027_near_and_remote() -> None:
    accepted = date(2026, 12, 22)
    assert deadlines.resolve_due(CALENDAR, COMPLAINT, accepted) == date(2027, 1, 21)
    # 45 days is Friday 5/2/2027, Giao thừa: Thursday 11/2
    assert deadlines.resolve_due(CALENDAR, COMPLAINT, accepted, 1) == date(2027, 2, 11)
    assert deadlines.resolve_due(CALENDAR, REMOTE_COMPLAINT, accepted) == date(2027, 2, 11)
    # 60 days is Saturday 20/2/2027: Monday 22/2
    assert deadlines.resolve_due(CALENDAR, REMOTE_COMPLAINT, accepted, 1) == date(2027, 2, 22)


def test_remote_area_art28_changes_nothing_but_a_named_complaints_resolution() -> None:
    for kind, topic, anonymous in [
        ("to_cao", "giao_vien", False),
        ("phan_anh", "thu_tuc", False),
        ("gop_y", "khac", False),
        ("khieu_nai", "hoc_phi", True),  # anonymous: information, handled as a petition
    ]:
        near = rule_for(kind, topic, anonymous, POLICY)
        assert rule_for(kind, topic, anonymous, POLICY, remote=True) == near
    assert REMOTE_COMPLAINT.decide == COMPLAINT.decide  # Art. 27 has no remote-area limit


def test_to_cao_initial_handling_7_working_days_art24_1_and_10_when_extended() -> None:
    received = date(2026, 11, 23)  # 24/11 is off: 25, 26, 27/11, 30/11, 1, 2, 3/12
    assert deadlines.decide_due(CALENDAR, DENUNCIATION, received) == date(2026, 12, 3)
    # several places to verify: up to 10 working days, 4, 7, 8/12
    extended = deadlines.decide_due(CALENDAR, DENUNCIATION, received, extended=True)
    assert extended == date(2026, 12, 8)
    assert DENUNCIATION.decide_extended is not None
    assert DENUNCIATION.decide_extended.days == 10 and DENUNCIATION.decide_extended.working
    # a complaint has no such extension; asking for one changes nothing
    assert deadlines.decide_due(CALENDAR, COMPLAINT, received, extended=True) == date(2026, 12, 3)


def test_to_cao_initial_handling_art24_1_across_tet_2026() -> None:
    received = date(2026, 2, 9)  # 10–13/2, then Tết to 22/2, then 23–25/2
    assert deadlines.decide_due(CALENDAR, DENUNCIATION, received) == date(2026, 2, 25)
    extended = deadlines.decide_due(CALENDAR, DENUNCIATION, received, extended=True)
    assert extended == date(2026, 3, 2)  # 26, 27/2 and Monday 2/3


def test_to_cao_initial_handling_art24_1_across_tet_2027() -> None:
    received = date(2027, 2, 1)  # 2, 3/2, then 4–10/2 off, then 11, 12, 15, 16, 17/2
    assert deadlines.decide_due(CALENDAR, DENUNCIATION, received) == date(2027, 2, 17)
    extended = deadlines.decide_due(CALENDAR, DENUNCIATION, received, extended=True)
    assert extended == date(2027, 2, 22)  # 18, 19 and Monday 22/2


def test_to_cao_transfer_5_working_days_art24_2() -> None:
    assert deadlines.forward_due(CALENDAR, DENUNCIATION, date(2026, 11, 23)) == date(2026, 12, 1)


def test_to_cao_resolution_30_days_art30_extended_at_most_twice_by_30() -> None:
    accepted = date(2026, 1, 20)
    dues = [deadlines.resolve_due(CALENDAR, DENUNCIATION, accepted, n) for n in range(3)]
    # 19/2 in Tết → 23/2; Saturday 21/3 → 23/3; Monday 20/4
    assert dues == [date(2026, 2, 23), date(2026, 3, 23), date(2026, 4, 20)]
    assert DENUNCIATION.max_extensions == 2
    assert DENUNCIATION.extension is not None and DENUNCIATION.extension.days == 30


def test_to_cao_resolution_art30_across_tet_2027() -> None:
    accepted = date(2027, 1, 4)
    dues = [deadlines.resolve_due(CALENDAR, DENUNCIATION, accepted, n) for n in range(3)]
    # 3/2 is worked (Tết starts 4/2); 5/3 Friday; 90 days is Sunday 4/4 → Monday 5/4
    assert dues == [date(2027, 2, 3), date(2027, 3, 5), date(2027, 4, 5)]


def test_phan_anh_10_working_days_luat_tiep_cong_dan_art28_across_tet_2027() -> None:
    petition = rule_for("phan_anh", "bua_an", anonymous=False, policy=POLICY)
    # 2, 3/2, then 11, 12, 15, 16, 17, 18, 19, 22/2
    assert deadlines.decide_due(CALENDAR, petition, date(2027, 2, 1)) == date(2027, 2, 22)
