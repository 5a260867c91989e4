"""The options a question offers, and the human labels of stored answers."""

from collections.abc import Iterable

from surveys.kinds import join_values, kind_of, split_choices
from surveys.labels import SKIPPED, SKIPPED_LABEL
from surveys.schema import Option, Question

__all__ = ["join_choices", "label_of", "options_for", "split_choices"]


def options_for(question: Question) -> list[Option]:
    """Return the options in display order (see the kind's button_key for what is typed)."""
    return kind_of(question).options(question)


def join_choices(question: Question, values: Iterable[str]) -> str:
    """Join option values into a stored multi answer, in option order."""
    return join_values(options_for(question), values)


def label_of(question: Question, value: str) -> str:
    """Return the human label of a stored answer value."""
    return SKIPPED_LABEL if value == SKIPPED else kind_of(question).label(question, value)
