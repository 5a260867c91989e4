"""What every question kind provides, the result of reading a reply, and shared checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from surveys.fields import invalid
from surveys.labels import CHOICE_SEPARATOR
from surveys.text import fold

if TYPE_CHECKING:
    from surveys.fields import Option
    from surveys.schema import Question

MIN_OPTIONS = 2
MAX_TEXT_LENGTH = 2000
MAX_CHOICE_LENGTH = 500  # longer input cannot be a choice; keeps parsing cheap
RejectReason = Literal["not_a_choice", "too_many", "empty", "too_long", "out_of_range"]
# tap: each option is a button that answers; ticks: buttons toggle, then "Xong"; text: typed
InputMode = Literal["tap", "ticks", "text"]


@dataclass(frozen=True)
class Accepted:
    """The answer is valid; value is what to store."""

    value: str


@dataclass(frozen=True)
class Rejected:
    """The answer is not valid; limit is max_choices (too_many), the text cap (too_long) or
    the highest number shown (out_of_range)."""

    reason: RejectReason
    limit: int | None = None


class QuestionKind(Protocol):
    """Everything the engine, the schema, the renderer and the reports need of a question type.

    `parse` gets text already in NFC, stripped and not empty; a skip word on an optional
    question never reaches it (see surveys.answers.parse_answer).
    """

    @property
    def name(self) -> str:
        """The `type:` of a question in a definition."""

    @property
    def input(self) -> InputMode:
        """How the parent answers: tap a button, tick buttons then "Xong", or type."""

    @property
    def scored(self) -> bool:
        """Its answers are scale levels that feed the SIPAS element and overall indices."""

    @property
    def tallied(self) -> bool:
        """Reports count its answers per option."""

    @property
    def conditional(self) -> bool:
        """A later question may be shown depending on its answer (show_if)."""

    def options(self, question: Question) -> list[Option]:
        """The options in display order (empty when the answer is typed)."""

    def choice_values(self, question: Question) -> list[str]:
        """The stored values of its options, in display order."""

    def parse(self, question: Question, text: str) -> Accepted | Rejected:
        """What a typed reply means for this question."""

    def label(self, question: Question, value: str) -> str:
        """The human label of a stored (not skipped) answer."""

    def hint(self, question: Question) -> str:
        """The line shown under the question text ("" for none)."""

    def button_key(self, question: Question, position: int, option: Option) -> str:
        """The short key of the option at this 1-based position, shown on Zalo and typed."""

    def validate(self, question: Question) -> None:
        """Raise a validation error (surveys.fields.invalid) if the definition cannot be run."""


def split_choices(value: str) -> list[str]:
    """Split a stored answer into its option values (several for a multiple choice)."""
    return [part for part in value.split(CHOICE_SEPARATOR) if part]


def join_values(options: Iterable[Option], values: Iterable[str]) -> str:
    """Join option values into one stored answer, in option order."""
    chosen = set(values)
    return CHOICE_SEPARATOR.join(option.value for option in options if option.value in chosen)


def require_options(question: Question) -> None:
    """Check that a choice question has enough distinct options, none of them a number."""
    if len(question.options) < MIN_OPTIONS:
        raise invalid(f"a {question.type} question needs at least {MIN_OPTIONS} options", "options")
    values: set[str] = set()
    labels: set[str] = set()
    for index, option in enumerate(question.options):
        if option.value.isdigit():
            reason = "an option value must not be a number (typed numbers pick by position)"
            raise invalid(reason, "options", index, "value")
        if option.value in values:
            raise invalid(f"duplicate option value {option.value!r}", "options", index, "value")
        if fold(option.label) in labels:
            raise invalid(f"duplicate option label {option.label!r}", "options", index, "label")
        values.add(option.value)
        labels.add(fold(option.label))


def forbid_options(question: Question) -> None:
    """Check that a question whose options are implicit (or absent) lists none."""
    if question.options:
        raise invalid(f"a {question.type} question takes no options", "options")


def forbid_max_choices(question: Question) -> None:
    """Check that a question answered with one value sets no max_choices."""
    if question.max_choices is not None:
        raise invalid(f"a {question.type} question takes no max_choices", "max_choices")
