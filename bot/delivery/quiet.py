"""Quiet hours: the part of the night a school's broadcasts wait out (e.g. 21:00–06:30)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

_SPAN = re.compile(r"\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*")


@dataclass(frozen=True)
class QuietHours:
    """A daily window in local time; it may run over midnight."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """ "21:00-06:30" → the window; "" → None (no quiet hours); anything else → ValueError."""
        if not text.strip():
            return None
        found = _SPAN.fullmatch(text)
        if found is None:
            raise ValueError(f"quiet hours must look like 21:00-06:30, not {text!r}")
        h1, m1, h2, m2 = (int(part) for part in found.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) == (h2, m2):
            raise ValueError(f"quiet hours {text!r}: times out of range or equal")
        return cls(time(h1, m1), time(h2, m2))

    def until(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When the quiet window around `now` ends (UTC), or None when it is not quiet now."""
        local = now.astimezone(zone)
        clock = local.time()
        if self.start < self.end:
            quiet = self.start <= clock < self.end
            day = local.date()
        else:  # over midnight: quiet late in the evening and early in the morning
            quiet = clock >= self.start or clock < self.end
            day = local.date() + timedelta(days=1) if clock >= self.start else local.date()
        if not quiet:
            return None
        return datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def normalise(text: str) -> str:
    """The stored form of quiet hours typed by an operator ("" for none); ValueError if bad."""
    parsed = QuietHours.parse(text)
    return str(parsed) if parsed else ""
