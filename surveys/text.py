"""Text folding, so typed answers match labels with or without Vietnamese diacritics."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return text in Unicode normal form C."""
    return unicodedata.normalize("NFC", text)


def tidy(text: str) -> str:
    """Return a typed name as it is stored and looked up: NFC, single spaces, none at the ends."""
    return nfc(" ".join(text.split()))


def fold(text: str) -> str:
    """Return a comparison key: casefolded, diacritics removed, đ as d, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", nfc(text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare.replace("đ", "d")).strip()


# Said after a choice out of politeness; dropped only when the reply without them names a
# choice, so a label that ends in one of these words still matches as typed.
TRAILING = ("a", "ah", "nhe", "nha", "nhen", "oi", "nhe a", "a nhe", "nha a")
LEADING = ("da", "vang", "da vang")
# punctuation, dashes, quotes and symbols, but not the sign of a negative number ("-1" is no 1)
_QUOTES_AND_MARKS = re.compile(r"(?!(?<!\S)-\d)[^\w\s]")


def choice_key(text: str) -> str:
    """Return the key a typed choice and a label are compared by: folded, with punctuation,
    dashes and quotes dropped ("Phản ánh – kiến nghị" and "phan anh - kien nghi" agree)."""
    return _SPACES.sub(" ", _QUOTES_AND_MARKS.sub(" ", fold(text))).strip()


def typed_keys(text: str) -> tuple[str, ...]:
    """Return the keys a typed reply may mean: as typed, then without a trailing particle
    ("hài lòng ạ", "2 nhé") and without a leading "dạ"/"vâng"; empty for a reply with no words."""
    key = choice_key(text)
    if not key:
        return ()
    heads = [key, *(key[len(word) + 1 :] for word in LEADING if key.startswith(word + " "))]
    keys = [
        kept
        for head in heads
        for kept in (head, *(head[: -len(w) - 1] for w in TRAILING if head.endswith(" " + w)))
    ]
    return tuple(dict.fromkeys(keys))


def names(text: str, *candidates: str) -> bool:
    """Whether a typed reply names one of the candidates (a label, a key, a value)."""
    keys = typed_keys(text)
    return bool(keys) and any(choice_key(candidate) in keys for candidate in candidates)
