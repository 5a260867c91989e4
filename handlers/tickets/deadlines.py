"""Due dates of a ticket, counted the way the law counts them.

Working days ("ngày làm việc"): the day of receipt is not counted; day 1 is the next working day
of the calendar (weekends, public holidays and the override file's days off skipped, its working
Saturdays counted).
Calendar days ("ngày"), Bộ luật Dân sự 2015: the first day is not counted either (Điều 147 khoản
1); the period ends at the close of its last day (Điều 148 khoản 1, "Khi thời hạn tính bằng ngày
thì thời hạn kết thúc tại thời điểm kết thúc ngày cuối cùng của thời hạn"), and when that day is a
weekend or a holiday, at the close of the next working day (Điều 148 khoản 5). The Code's way
applies unless a law provides another (Điều 145; its 2015 wording not read here); the complaint
and denunciation laws, as far as read, provide none.
"""

from __future__ import annotations

from datetime import date, timedelta

from handlers.tickets.rules import Limit, Rule
from handlers.tickets.workdays import WorkCalendar

WARN_WORKING_DAYS = 2  # the assignee is warned this many working days before a due date


def due_after(calendar: WorkCalendar, start: date, limit: Limit, extra_days: int = 0) -> date:
    """The last day of `limit` (plus `extra_days` of the same unit) counted from `start`."""
    days = limit.days + extra_days
    if limit.working:
        return calendar.add_working_days(start, days)
    return calendar.next_working_day(start + timedelta(days=days))


def decide_due(
    calendar: WorkCalendar, rule: Rule, received_on: date, *, extended: bool = False
) -> date:
    """When the school must have accepted, forwarded or refused the ticket.

    `extended`: the longer limit the law allows with a reason (a denunciation to verify at
    several places: 10 working days instead of 7, Luật Tố cáo 2018 Điều 24 khoản 1).
    """
    limit = rule.decide_extended if extended and rule.decide_extended else rule.decide
    return due_after(calendar, received_on, limit)


def forward_due(calendar: WorkCalendar, rule: Rule, received_on: date) -> date | None:
    """When a ticket for another body must have been forwarded, if sooner than the decision."""
    return None if rule.forward is None else due_after(calendar, received_on, rule.forward)


def resolve_due(calendar: WorkCalendar, rule: Rule, accepted_on: date, extensions: int = 0) -> date:
    """When an accepted ticket must be resolved, after `extensions` extensions of a complex case."""
    extra = rule.extension.days * extensions if rule.extension else 0
    return due_after(calendar, accepted_on, rule.resolve, extra)


def warn_on(calendar: WorkCalendar, due: date) -> date:
    """The day the assignee is reminded of a due date."""
    return calendar.working_days_before(due, WARN_WORKING_DAYS)
