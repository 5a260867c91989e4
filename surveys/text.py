"""Text folding, so typed answers match labels with or without Vietnamese diacritics."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return text in Unicode normal form C."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Return a comparison key: casefolded, diacritics removed, đ as d, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.replace("đ", "d")).strip()
