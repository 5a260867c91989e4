"""Turn what a parent typed or tapped into a stored answer value, or a reason to ask again."""

import re
from dataclasses import dataclass
from typing import Literal

from surveys.labels import NO, SKIPPED, UNKNOWN, YES
from surveys.options import join_choices, options_for, split_choices
from surveys.schema import Question
from surveys.text import fold, nfc

MAX_TEXT_LENGTH = 2000
MAX_CHOICE_LENGTH = 500  # longer input cannot be a choice; keeps parsing cheap
RejectReason = Literal["not_a_choice", "too_many", "empty", "too_long"]

_SKIP_WORDS = frozenset({"bo qua", "-"})
# "rồi" / "chưa" are the natural answers to "Anh/chị đã … chưa?".
_YES_WORDS = frozenset({"co", "c", "yes", "y", "roi", "da roi", "co roi"})
_NO_WORDS = frozenset({"khong", "k", "ko", "no", "n", "chua"})
_UNKNOWN_WORDS = frozenset({"khong ro", "khong biet", "khong tra loi"})
_GLUE_LIMIT = 10  # with fewer options, "135" means 1, 3 and 5
_DIGITS = re.compile(r"[0-9]+")
_NUMBER_LIST = re.compile(r"[0-9]+(?:\s+[0-9]+)*")
_SEPARATORS = re.compile(r"[,;\n]+")
_DECORATION = str.maketrans("", "", "\ufe0f\u20e3")  # emoji keycaps such as 4️⃣


@dataclass(frozen=True)
class Accepted:
    """The answer is valid; value is what to store."""

    value: str


@dataclass(frozen=True)
class Rejected:
    """The answer is not valid; limit is max_choices (too_many) or the text cap (too_long)."""

    reason: RejectReason
    limit: int | None = None


def parse_answer(question: Question, text: str) -> Accepted | Rejected:
    """Parse a typed answer or a button payload for this question."""
    raw = nfc(text).strip()
    if question.optional and fold(raw) in _SKIP_WORDS:
        return Accepted(SKIPPED)
    if not raw:
        return Rejected("empty")
    if question.type == "text":
        return (
            Rejected("too_long", MAX_TEXT_LENGTH) if len(raw) > MAX_TEXT_LENGTH else Accepted(raw)
        )
    if len(raw) > MAX_CHOICE_LENGTH:
        return Rejected("not_a_choice")
    if question.type == "multi":
        return _parse_multi(question, raw)
    value = _match(question, raw)
    return Rejected("not_a_choice") if value is None else Accepted(value)


def toggle_choice(question: Question, selected: str, value: str) -> Accepted | Rejected:
    """Add or remove one option of a multi question, as a button tap does."""
    if question.type != "multi":
        raise ValueError(f"{question.key!r} is not a multi question")
    known = question.choice_values()
    if value not in known:
        return Rejected("not_a_choice")
    current = [part for part in split_choices(selected) if part in known]
    if value in current:
        current.remove(value)
    elif question.max_choices is not None and len(current) >= question.max_choices:
        return Rejected("too_many", question.max_choices)
    else:
        current.append(value)
    return Accepted(join_choices(question, current))


def _parse_multi(question: Question, raw: str) -> Accepted | Rejected:
    tokens = _tokens(question, raw)
    if not tokens:
        return Rejected("empty")
    chosen: list[str] = []
    start = 0
    while start < len(tokens):
        found = _longest_match(question, tokens, start)
        if found is None:
            return Rejected("not_a_choice")
        value, start = found
        if value not in chosen:
            chosen.append(value)
    if question.max_choices is not None and len(chosen) > question.max_choices:
        return Rejected("too_many", question.max_choices)
    return Accepted(join_choices(question, chosen))


def _longest_match(question: Question, tokens: list[str], start: int) -> tuple[str, int] | None:
    """Match tokens[start:end] for the largest end, as a label may contain a comma."""
    window = 1 + max(option.label.count(",") for option in question.options)
    for end in range(min(len(tokens), start + window), start, -1):
        value = _match(question, ", ".join(tokens[start:end]))
        if value is not None:
            return value, end
    return None


def _tokens(question: Question, raw: str) -> list[str]:
    """Split "1, 3", "1 3", "13" (with up to 9 options) or "Bữa ăn, An toàn" into tokens."""
    tokens: list[str] = []
    count = len(question.options)
    for piece in _SEPARATORS.split(raw.translate(_DECORATION)):
        part = piece.strip()
        if _NUMBER_LIST.fullmatch(part):
            for number in part.split():
                glued = count < _GLUE_LIMIT and int(number) > count and "0" not in number
                tokens.extend(list(number) if glued else [number])
        elif part:
            tokens.append(part)
    return tokens


def _match(question: Question, token: str) -> str | None:
    """Return the option value a single token names, by number, value or label."""
    token = token.translate(_DECORATION).strip().rstrip(".!")
    options = options_for(question)
    if _DIGITS.fullmatch(token):
        number = int(token)
        if question.type == "scale":
            level = str(number)
            return level if level in question.choice_values() else None
        return options[number - 1].value if 1 <= number <= len(options) else None
    folded = fold(token)
    for option in options:
        if folded in (option.value, fold(option.label)):
            return option.value
    return _alias(question, folded)


def _alias(question: Question, folded: str) -> str | None:
    if question.type == "yesno":
        return YES if folded in _YES_WORDS else NO if folded in _NO_WORDS else None
    if question.type == "scale" and question.allow_unknown and folded in _UNKNOWN_WORDS:
        return UNKNOWN
    return None
