"""Invite codes: short, unambiguous, forgiving of how people type them."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CLASS_CODE_LENGTH = 8
STAFF_CODE_LENGTH = 10


def new_code(length: int) -> str:
    """A random code without look-alike characters (no 0/O, 1/I)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def clean_code(text: str) -> str:
    """The code a person meant: upper case, spaces and dashes dropped."""
    return re.sub(r"[\s\-_.]", "", text).upper()


def looks_like_code(text: str) -> bool:
    cleaned = clean_code(text)
    return 6 <= len(cleaned) <= 16 and cleaned.isalnum() and cleaned.isascii()
