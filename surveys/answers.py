"""Turn what a parent typed or tapped into a stored answer value, or a reason to ask again."""

from surveys.kinds import (
    MAX_CHOICE_LENGTH,
    MAX_TEXT_LENGTH,
    Accepted,
    Rejected,
    RejectReason,
    join_values,
    kind_of,
    split_choices,
)
from surveys.labels import SKIP_LABEL, SKIPPED
from surveys.schema import Question
from surveys.text import fold, nfc

__all__ = [
    "MAX_CHOICE_LENGTH",
    "MAX_TEXT_LENGTH",
    "SKIP_WORDS",
    "Accepted",
    "RejectReason",
    "Rejected",
    "parse_answer",
    "toggle_choice",
]

SKIP_WORDS = frozenset({fold(SKIP_LABEL), "-"})
_SKIP_WORD_MAX = max(map(len, SKIP_WORDS)) + 8  # longer text is never a skip word; no need to fold


def parse_answer(question: Question, text: str) -> Accepted | Rejected:
    """Parse a typed answer or a button payload for this question."""
    raw = nfc(text).strip()
    if question.optional and len(raw) <= _SKIP_WORD_MAX and fold(raw) in SKIP_WORDS:
        return Accepted(SKIPPED)
    if not raw:
        return Rejected("empty")
    return kind_of(question).parse(question, raw)


def toggle_choice(question: Question, selected: str, value: str) -> Accepted | Rejected:
    """Add or remove one option of a multi question, as a button tap does."""
    kind = kind_of(question)
    if kind.input != "ticks":
        raise ValueError(f"{question.key!r} is not a multi question")
    known = kind.choice_values(question)
    if value not in known:
        return Rejected("not_a_choice")
    current = [part for part in split_choices(selected) if part in known]
    if value in current:
        current.remove(value)
    elif question.max_choices is not None and len(current) >= question.max_choices:
        return Rejected("too_many", question.max_choices)
    else:
        current.append(value)
    return Accepted(join_values(kind.options(question), current))
