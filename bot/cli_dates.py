"""The one way the `hailong` command reads a day or a time: 2026-12-01 or 01/12/2026 (day first,
as written in Vietnam), with "HH:MM" after it for a time. Used as argparse types, so a wrong one
is refused in one line before anything runs."""

from __future__ import annotations

import argparse
from datetime import date, datetime

_DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DAY_HELP = "a day: 2026-12-01 or 01/12/2026"
MOMENT_HELP = 'a local time: "2026-12-01 08:00" or "01/12/2026 08:00"'


def day(text: str) -> date:
    """2026-12-01 or 01/12/2026 (1 December), else an argparse error saying how to write it."""
    for form in _DAY_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r} is not a day; write it 2026-12-01 or 01/12/2026")


def moment(text: str) -> datetime:
    """A day and "HH:MM" (a naive local time), else an argparse error saying how to write it."""
    given, _, clock = text.strip().rpartition(" ")
    try:
        return datetime.combine(day(given), datetime.strptime(clock, "%H:%M").time())
    except (argparse.ArgumentTypeError, ValueError):
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a day and time; write it "2026-12-01 08:00" or "01/12/2026 08:00"'
        ) from None
