"""Multiple choice: tick up to max_choices options, or type them ("1, 3", "13", labels)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from surveys.fields import invalid
from surveys.kinds.base import (
    MAX_CHOICE_LENGTH,
    Accepted,
    InputMode,
    Rejected,
    join_values,
    require_options,
    split_choices,
)
from surveys.kinds.choice import DECORATION, ChoiceKind
from surveys.labels import LABEL_SEPARATOR, MULTI_DONE_HINT, MULTI_HINT

if TYPE_CHECKING:
    from surveys.schema import Question

_GLUE_LIMIT = 10  # with fewer options, "135" means 1, 3 and 5
_NUMBER_LIST = re.compile(r"[0-9]+(?:\s+[0-9]+)*")
_SEPARATORS = re.compile(r"[,;\n]+")


class MultiKind(ChoiceKind):
    """Several options of the definition, stored comma-separated in option order."""

    name = "multi"
    input: InputMode = "ticks"

    def parse(self, question: Question, text: str) -> Accepted | Rejected:
        """Options named by number, value or label, separated or (numbers) glued."""
        if len(text) > MAX_CHOICE_LENGTH:
            return Rejected("not_a_choice")
        tokens = _tokens(question, text)
        if not tokens:
            return Rejected("empty")
        chosen: list[str] = []
        start = 0
        while start < len(tokens):
            found = self._longest_match(question, tokens, start)
            if found is None:
                return self.refuse_number(question, tokens[start])
            value, start = found
            if value not in chosen:
                chosen.append(value)
        if question.max_choices is not None and len(chosen) > question.max_choices:
            return Rejected("too_many", question.max_choices)
        return Accepted(join_values(self.options(question), chosen))

    def label(self, question: Question, value: str) -> str:
        """The labels of the chosen options, joined."""
        labels = {option.value: option.label for option in self.options(question)}
        return LABEL_SEPARATOR.join(labels.get(part, part) for part in split_choices(value))

    def hint(self, question: Question) -> str:
        """How many may be ticked (unless the question says it), and to finish with "Xong"."""
        if f"tối đa {question.max_choices}" in question.text.lower():
            return MULTI_DONE_HINT
        return MULTI_HINT.format(max=question.max_choices)

    def validate(self, question: Question) -> None:
        """Enough distinct options, and 1 <= max_choices <= options."""
        require_options(question)
        if question.max_choices is None or not 1 <= question.max_choices <= len(question.options):
            raise invalid("a multi question needs 1 <= max_choices <= options", "max_choices")

    def _longest_match(
        self, question: Question, tokens: list[str], start: int
    ) -> tuple[str, int] | None:
        """Match tokens[start:end] for the largest end, as a label may contain a comma."""
        window = 1 + max(option.label.count(",") for option in question.options)
        for end in range(min(len(tokens), start + window), start, -1):
            value = self.match(question, ", ".join(tokens[start:end]))
            if value is not None:
                return value, end
        return None


def _tokens(question: Question, raw: str) -> list[str]:
    """Split "1, 3", "1 3", "13" (with up to 9 options) or "Bữa ăn, An toàn" into tokens."""
    tokens: list[str] = []
    count = len(question.options)
    for piece in _SEPARATORS.split(raw.translate(DECORATION)):
        part = piece.strip()
        if _NUMBER_LIST.fullmatch(part):
            for number in part.split():
                glued = count < _GLUE_LIMIT and int(number) > count and "0" not in number
                tokens.extend(list(number) if glued else [number])
        elif part:
            tokens.append(part)
    return tokens


MULTI = MultiKind()
