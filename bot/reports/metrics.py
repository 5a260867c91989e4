"""How wide a line of Times New Roman is, and where to break a name into lines between words.

Widths come from the Adobe Times metrics that matplotlib ships (`fonts/afm/ptm*8a.afm`): Times
New Roman was drawn to the same widths, so a line measured here is the line Word or LibreOffice
sets. A Vietnamese letter is as wide as its base letter (the marks sit above or below it), and
"Đ" as "D". No font file is needed and nothing is read from the system.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

NO_BREAK = "\u00a0"  # joins words that must stay on one line
_FILES = {
    (False, False): "ptmr8a.afm",
    (True, False): "ptmb8a.afm",
    (False, True): "ptmri8a.afm",
    (True, True): "ptmbi8a.afm",
}
_NAMES = {
    "…": "ellipsis", "–": "endash", "—": "emdash", "‘": "quoteleft", "’": "quoteright",
    "“": "quotedblleft", "”": "quotedblright", "'": "quotesingle", "`": "grave",
    NO_BREAK: "space", "Đ": "Eth", "đ": "d", "Ð": "Eth",
}  # fmt: skip
_HORN = "\u031b"
# the horned letters are wider than their base (the horn juts out to the right); from Liberation
# Serif, whose widths are Times New Roman's: regular, bold, italic, bold italic
_HORNED = {"U": (776, 796, 754, 775), "u": (542, 600, 545, 599), "o": (529, 554, 534, 537)}
_UNKNOWN = 500  # thousandths of an em: a lower-case letter's width
_TRIALS = 5000  # ways of breaking a text tried before filling lines greedily instead


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of `text` set on one line, in points."""
    widths = _widths(bold, italic)
    total = sum(widths.get(_glyph(char), _UNKNOWN) for char in text if not _is_mark(char))
    return total * size / 1000


def _glyph(char: str) -> str:
    """The key a character's width is found under: its glyph name, or its base letter."""
    if char in _NAMES:
        return _NAMES[char]
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    return base + _HORN if _HORN in decomposed and base in _HORNED else base


def break_lines(
    text: str, width: float, size: float, *, bold: bool = False, italic: bool = False
) -> list[str]:
    """`text` in as few lines as fit `width` (points), as even as can be, broken only at spaces.

    Words joined by a no-break space stay on one line; a group too wide for any line is opened
    at its no-break spaces (still between words), never inside a word.
    """

    def fits(line: Sequence[str]) -> bool:
        return text_width(" ".join(line), size, bold=bold, italic=italic) <= width

    groups = _opened(text.split(" "), fits)
    for count in range(1, len(groups) + 1):
        if math.comb(len(groups) - 1, count - 1) > _TRIALS:  # a long paragraph: fill greedily
            return _greedy(groups, fits)
        best: list[str] | None = None
        widest = 0.0
        for cuts in itertools.combinations(range(1, len(groups)), count - 1):
            lines = [groups[a:b] for a, b in itertools.pairwise((0, *cuts, len(groups)))]
            if not all(fits(line) for line in lines):
                continue
            longest = max(
                text_width(" ".join(line), size, bold=bold, italic=italic) for line in lines
            )
            if best is None or longest < widest:
                best, widest = [" ".join(line) for line in lines], longest
        if best is not None:
            return best
    return groups  # one word a line: a word wider than the line cannot be helped


def _greedy(groups: list[str], fits: Callable[[Sequence[str]], bool]) -> list[str]:
    """Each line filled with as many groups as fit, as a word processor does."""
    lines: list[list[str]] = []
    for group in groups:
        if lines and fits([*lines[-1], group]):
            lines[-1].append(group)
        else:
            lines.append([group])
    return [" ".join(line) for line in lines]


def _opened(groups: list[str], fits: Callable[[Sequence[str]], bool]) -> list[str]:
    """The groups, each too wide for a line split at its no-break spaces."""
    found: list[str] = []
    for group in groups:
        found += [group] if fits([group]) else group.split(NO_BREAK)
    return [group for group in found if group]


@cache
def _widths(bold: bool, italic: bool) -> dict[str, int]:
    """Glyph name → width in thousandths of an em, from the AFM file."""
    import matplotlib  # only for where its data is: a name's width is not worth its start-up

    path = Path(matplotlib.get_data_path()) / "fonts" / "afm" / _FILES[bold, italic]
    widths: dict[str, int] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if not line.startswith("C "):
            continue
        fields = dict(part.strip().split(" ", 1) for part in line.split(";") if part.strip())
        widths[fields["N"]] = int(fields["WX"])
        if 32 <= int(fields["C"]) < 127:
            widths[chr(int(fields["C"]))] = int(fields["WX"])
    style = 2 * italic + bold
    widths.update({base + _HORN: each[style] for base, each in _HORNED.items()})
    return widths


def _is_mark(char: str) -> bool:
    return unicodedata.combining(char) != 0
