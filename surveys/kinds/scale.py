"""The five-level satisfaction scale of SIPAS, with "Không rõ" unless disallowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveys.fields import Option
from surveys.kinds.base import forbid_max_choices, forbid_options
from surveys.kinds.choice import ChoiceKind
from surveys.labels import SCALE_LABELS, UNKNOWN, UNKNOWN_LABEL

if TYPE_CHECKING:
    from surveys.schema import Question

_LEVELS = tuple(Option(value=str(level), label=label) for level, label in SCALE_LABELS.items())
_WITH_UNKNOWN = (*_LEVELS, Option(value=UNKNOWN, label=UNKNOWN_LABEL))
_LABELS = {option.value: option.label for option in _WITH_UNKNOWN}
_UNKNOWN_WORDS = frozenset({"khong ro", "khong biet", "khong tra loi"})


class ScaleKind(ChoiceKind):
    """Levels 1-5 (and 0, unknown) keyed by their own number; the only scored kind."""

    name = "scale"
    scored = True

    def options(self, question: Question) -> list[Option]:
        """Levels 1 to 5, then "Không rõ" when allowed."""
        return list(_WITH_UNKNOWN if question.allow_unknown else _LEVELS)

    def choice_values(self, question: Question) -> list[str]:
        """Levels "1" to "5", then "0" when unknown is allowed."""
        return [option.value for option in (_WITH_UNKNOWN if question.allow_unknown else _LEVELS)]

    def label(self, question: Question, value: str) -> str:
        """The SIPAS wording of a level."""
        return _LABELS.get(value, value)

    def button_key(self, question: Question, position: int, option: Option) -> str:
        """The level itself, so that "5" is always "Rất hài lòng"."""
        return option.value

    def validate(self, question: Question) -> None:
        """The levels are implicit: no options, no max_choices."""
        forbid_options(question)
        forbid_max_choices(question)

    def alias(self, question: Question, folded: str) -> str | None:
        """Words such as "không rõ", "không biết" mean unknown, when allowed."""
        return UNKNOWN if question.allow_unknown and folded in _UNKNOWN_WORDS else None


SCALE = ScaleKind()
