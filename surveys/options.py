"""The options a question offers, and the human labels of stored answers."""

from collections.abc import Iterable

from surveys.labels import (
    CHOICE_SEPARATOR,
    LABEL_SEPARATOR,
    NO,
    NO_LABEL,
    SCALE_LABELS,
    SKIPPED,
    SKIPPED_LABEL,
    UNKNOWN,
    UNKNOWN_LABEL,
    YES,
    YES_LABEL,
)
from surveys.schema import Option, Question

_SCALE = tuple(Option(value=str(level), label=label) for level, label in SCALE_LABELS.items())
_UNKNOWN = Option(value=UNKNOWN, label=UNKNOWN_LABEL)
_YES_NO = (Option(value=YES, label=YES_LABEL), Option(value=NO, label=NO_LABEL))


def options_for(question: Question) -> list[Option]:
    """Return the options in display order; typed number n picks the n-th (scale: the level)."""
    if question.type == "scale":
        return [*_SCALE, _UNKNOWN] if question.allow_unknown else list(_SCALE)
    if question.type == "yesno":
        return list(_YES_NO)
    return list(question.options)


def split_choices(value: str) -> list[str]:
    """Split a stored multi answer into its option values."""
    return [part for part in value.split(CHOICE_SEPARATOR) if part]


def join_choices(question: Question, values: Iterable[str]) -> str:
    """Join option values into a stored multi answer, in option order."""
    chosen = set(values)
    return CHOICE_SEPARATOR.join(o.value for o in options_for(question) if o.value in chosen)


def label_of(question: Question, value: str) -> str:
    """Return the human label of a stored answer value."""
    if value == SKIPPED:
        return SKIPPED_LABEL
    if question.type == "text":
        return value
    labels = {option.value: option.label for option in options_for(question)}
    if question.type == "multi":
        return LABEL_SEPARATOR.join(labels.get(part, part) for part in split_choices(value))
    return labels.get(value, value)
