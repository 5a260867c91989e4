"""Vietnamese working days: weekends and public holidays off, adjusted by a yearly override file.

The base is the `holidays` package's VN calendar (Tết, Giỗ Tổ, 30/4, 1/5, 2/9, compensatory days
and the swaps it knows, including working Saturdays). The Government's extra days off and swapped
working days are announced year by year, so a YAML file adds them; the school edits it:

    2026:
      days_off:
        2026-02-14..2026-02-22: Tết Nguyên đán Bính Ngọ
      working_days:
        2026-08-22: Thứ Bảy làm bù cho thứ Hai 31/8

An override wins over the base calendar: a working day listed there is worked even on a Saturday
or a holiday, and a day off is off even on a weekday.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

SHIPPED = Path(__file__).parent / "workdays.yaml"
SECTIONS = ("days_off", "working_days")


class CalendarFileError(ValueError):
    """An override file that cannot be used; str() is "path:line: reason"."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")


@dataclass
class WorkCalendar:
    """Answers whether a day is worked, and counts working days."""

    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, str] = field(default_factory=dict)
    base: Any = field(default_factory=lambda: holidays.country_holidays("VN", language="vi"))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day in self.base:  # `in` also loads that year's swaps
            return False
        return day.weekday() < 5 or day in self.base.weekend_workdays

    def why_off(self, day: date) -> str:
        """The name of the holiday or override that makes a day off ("" for a weekend)."""
        return self.days_off.get(day) or str(self.base.get(day) or "")

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (`start` itself is never counted)."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            count -= self.is_working_day(day)
        return day

    def working_days_before(self, day: date, count: int) -> date:
        """The working day `count` working days before `day`."""
        while count > 0:
            day -= timedelta(days=1)
            count -= self.is_working_day(day)
        return day

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is worked, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def worked_weekend_days_in(self, year: int) -> Iterator[date]:
        """Every Saturday or Sunday of the year that is worked (a swapped day)."""
        return (day for day in _days_of(year) if day.weekday() >= 5 and self.is_working_day(day))

    def days_off_in(self, year: int) -> Iterator[date]:
        """Every day of the year that is not worked, in order."""
        return (day for day in _days_of(year) if not self.is_working_day(day))


def _days_of(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def calendar_from(path: Path | None) -> WorkCalendar:
    """The calendar with the overrides of `path` (the shipped file when None), reread on edits."""
    path = path or SHIPPED
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise CalendarFileError(path, 0, f"cannot read the file ({error.strerror})") from None
    return _load(path, stamp)


@lru_cache(maxsize=8)
def _load(path: Path, stamp: int) -> WorkCalendar:
    days_off, working = parse_overrides(path.read_text(encoding="utf-8"), path)
    return WorkCalendar(days_off, working)


def parse_overrides(
    text: str, path: str | Path = "<text>"
) -> tuple[dict[date, str], dict[date, str]]:
    """The (days off, working days) of an override file, each date with its note."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise CalendarFileError(path, mark.line + 1 if mark else 0, "not valid YAML") from None
    found: dict[str, dict[date, str]] = {section: {} for section in SECTIONS}
    if root is None:
        return found["days_off"], found["working_days"]
    for year_node, sections in _entries(root, path, "a mapping of years"):
        year = _year(year_node, path)
        for section_node, days in _entries(sections, path, "days_off and working_days"):
            if section_node.value not in SECTIONS:
                raise CalendarFileError(
                    path, _line(section_node), f"unknown section {section_node.value!r}"
                )
            for day_node, note in _entries(days, path, "a mapping of dates to notes"):
                for day in _days(day_node, year, path):
                    found[section_node.value][day] = (
                        note.value if isinstance(note, ScalarNode) else ""
                    )
    both = sorted(set(found["days_off"]) & set(found["working_days"]))
    if both:
        raise CalendarFileError(path, 0, f"{both[0]:%Y-%m-%d} is both a day off and a working day")
    return found["days_off"], found["working_days"]


def _entries(node: Node, path: str | Path, wanted: str) -> list[tuple[ScalarNode, Node]]:
    if isinstance(node, ScalarNode) and node.value in ("", "~", "null"):
        return []
    if not isinstance(node, MappingNode):
        raise CalendarFileError(path, _line(node), f"expected {wanted}")
    pairs: list[tuple[ScalarNode, Node]] = []
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            raise CalendarFileError(path, _line(key), f"expected {wanted}")
        pairs.append((key, value))
    return pairs


def _year(node: ScalarNode, path: str | Path) -> int:
    if not (node.value.isdigit() and len(node.value) == 4):
        raise CalendarFileError(path, _line(node), f"{node.value!r} is not a year")
    return int(node.value)


def _days(node: ScalarNode, year: int, path: str | Path) -> list[date]:
    """The dates a key names: one day "2026-08-22" or a range "2026-02-14..2026-02-22"."""
    first_text, _, last_text = node.value.partition("..")
    try:
        first = date.fromisoformat(first_text.strip())
        last = date.fromisoformat(last_text.strip()) if last_text else first
    except ValueError:
        reason = f"{node.value!r} is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD)"
        raise CalendarFileError(path, _line(node), reason) from None
    if last < first:
        raise CalendarFileError(
            path, _line(node), f"{node.value!r}: the range ends before it starts"
        )
    if first.year != year or last.year != year:
        raise CalendarFileError(path, _line(node), f"{node.value!r} is not in {year}")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1
