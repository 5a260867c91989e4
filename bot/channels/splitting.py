"""Cutting a long text into messages a platform takes: at a line break, a space, or anywhere."""

from __future__ import annotations

import unicodedata


def units(text: str) -> int:
    """Length in UTF-16 code units: how Telegram counts, and never less than Zalo's count."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` units, cut at a line break, else a space, else anywhere."""
    pieces: list[str] = []
    rest = text
    while units(rest) > limit:
        head = rest[:limit]
        while (excess := units(head) - limit) > 0:
            head = head[: -max(1, excess // 2)]  # a character is at most 2 units
        cut = _cut_point(head)
        while 1 < cut < len(rest) and unicodedata.combining(rest[cut]):
            cut -= 1  # a hard cut never strands a combining mark from its letter
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    pieces.append(rest)
    return [p for p in pieces if p] or [""]


def _cut_point(head: str) -> int:
    """Where to break `head`: a late line break, else a late space, else any, else its end."""
    for separator in ("\n", " "):
        at = head.rfind(separator)
        if at > len(head) // 2:
            return at
    return max(head.rfind("\n"), head.rfind(" "), 0) or len(head)
