"""English words of the `hailong` command's output."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 class", "2 classes", "0 questions": a count with its noun."""
    return f"{count} {one if count == 1 else many or one + 's'}"
