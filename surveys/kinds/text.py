"""Free text, typed; an optional one has a "Bỏ qua" button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveys.kinds.base import (
    MAX_TEXT_LENGTH,
    Accepted,
    InputMode,
    Rejected,
    forbid_max_choices,
    forbid_options,
)
from surveys.labels import OPTIONAL_HINT, TEXT_HINT

if TYPE_CHECKING:
    from surveys.fields import Option
    from surveys.schema import Question


class TextKind:
    """Whatever the parent types, up to MAX_TEXT_LENGTH characters; never scored or counted."""

    name = "text"
    input: InputMode = "text"
    scored = False
    tallied = False
    conditional = False  # no later question can depend on free text

    def options(self, question: Question) -> list[Option]:
        """None: the answer is typed."""
        return []

    def choice_values(self, question: Question) -> list[str]:
        """None: the answer is typed."""
        return []

    def parse(self, question: Question, text: str) -> Accepted | Rejected:
        """The text itself, unless too long."""
        return (
            Rejected("too_long", MAX_TEXT_LENGTH) if len(text) > MAX_TEXT_LENGTH else Accepted(text)
        )

    def label(self, question: Question, value: str) -> str:
        """The text itself."""
        return value

    def hint(self, question: Question) -> str:
        """Type the answer (or skip it, when optional)."""
        return TEXT_HINT + (OPTIONAL_HINT if question.optional else "")

    def button_key(self, question: Question, position: int, option: Option) -> str:
        """Never shown: a text question has no options."""
        return str(position)

    def validate(self, question: Question) -> None:
        """No options, no max_choices."""
        forbid_options(question)
        forbid_max_choices(question)


TEXT = TextKind()
