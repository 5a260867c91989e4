"""Report periods: a week (Monday to Sunday), a calendar quarter, or any range of local days."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Kind = Literal["week", "quarter", "range"]
_DAY = r"(\d{1,2})/(\d{1,2})/(\d{4})"
_TYPED_RANGE = re.compile(rf"{_DAY}\s*(?:-|–|—|đến)\s*{_DAY}")


@dataclass(frozen=True)
class Period:
    """Local days from `start` to `end`, both included."""

    start: date
    end: date
    kind: Kind = "range"

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period a change is measured against: the week, quarter or as many days before."""
        if self.kind == "quarter":
            return quarter_of(self.start - timedelta(days=1))
        before = self.start - timedelta(days=1)
        return Period(before - timedelta(days=self.days - 1), before, self.kind)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as UTC instants: its first moment, and the first moment after it."""
        first = datetime.combine(self.start, time(), zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return first, after

    def weeks(self) -> Iterator[Period]:
        """The Monday-to-Sunday weeks of the period, those at its edges cut to it."""
        monday = self.start - timedelta(days=self.start.weekday())
        while monday <= self.end:
            yield Period(max(monday, self.start), min(monday + timedelta(days=6), self.end))
            monday += timedelta(days=7)


def week_of(day: date) -> Period:
    """The Monday-to-Sunday week of a day."""
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6), "week")


def quarter_of(day: date) -> Period:
    """The calendar quarter of a day."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    after = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return Period(start, after - timedelta(days=1), "quarter")


def quarter_number(period: Period) -> int:
    return (period.start.month - 1) // 3 + 1


def parse_typed_range(text: str) -> Period | None:
    """ "01/11/2026 - 30/11/2026" (or with "–", "đến") as a period; None if it is not one."""
    found = _TYPED_RANGE.fullmatch(text.strip())
    if found is None:
        return None
    d1, m1, y1, d2, m2, y2 = (int(part) for part in found.groups())
    try:
        return Period(date(y1, m1, d1), date(y2, m2, d2))
    except ValueError:
        return None
