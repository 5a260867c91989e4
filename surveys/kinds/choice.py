"""The common ground of kinds answered with one of their options: matching a typed reply."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from surveys.kinds.base import (
    MAX_CHOICE_LENGTH,
    Accepted,
    InputMode,
    Rejected,
    forbid_max_choices,
    require_options,
)
from surveys.text import choice_key, typed_keys

if TYPE_CHECKING:
    from surveys.fields import Option
    from surveys.schema import Question

_DIGITS = re.compile(r"[0-9]+")
DECORATION = str.maketrans("", "", "\ufe0f\u20e3")  # emoji keycaps such as 4️⃣


class ChoiceKind:
    """A kind whose answer is one option, tapped or typed as its key, value or label.

    By default the options are those of the definition and the key is the position; a kind
    with implicit options (scale, yes/no) overrides `options`, and `alias` for extra words.
    """

    name: str
    input: InputMode = "tap"
    scored: bool = False
    tallied: bool = True
    conditional: bool = True

    def options(self, question: Question) -> list[Option]:
        """The options of the definition, in its order."""
        return list(question.options)

    def choice_values(self, question: Question) -> list[str]:
        """The stored values of the options, in display order."""
        return [option.value for option in self.options(question)]

    def parse(self, question: Question, text: str) -> Accepted | Rejected:
        """One option, named by its key, value or label."""
        if len(text) > MAX_CHOICE_LENGTH:
            return Rejected("not_a_choice")
        value = self.match(question, text)
        if value is not None:
            return Accepted(value)
        return self.refuse_number(question, text)

    def label(self, question: Question, value: str) -> str:
        """The option's label, or the value itself when no option has it."""
        for option in self.options(question):
            if option.value == value:
                return option.label
        return value

    def hint(self, question: Question) -> str:
        """No hint: the buttons say it all."""
        return ""

    def button_key(self, question: Question, position: int, option: Option) -> str:
        """The position, as typed on Zalo."""
        return str(position)

    def validate(self, question: Question) -> None:
        """Enough distinct options; one answer, so no max_choices."""
        require_options(question)
        forbid_max_choices(question)

    def match(self, question: Question, token: str) -> str | None:
        """The value of the option one token names: by key, value or label, else an alias."""
        keys = typed_keys(token.translate(DECORATION))
        options = self.options(question)
        number = next((key for key in keys if _DIGITS.fullmatch(key)), None)
        if number is not None:  # a number names an option only by its key ("2.", "2 ạ")
            key = str(int(number))
            for position, option in enumerate(options, start=1):
                if self.button_key(question, position, option) == key:
                    return option.value
            return None
        for option in options:
            if option.value in keys or choice_key(option.label) in keys:
                return option.value
        return next((v for k in keys if (v := self.alias(question, k)) is not None), None)

    def refuse_number(self, question: Question, text: str) -> Rejected:
        """A number that names no option gets the range of the numbers shown; anything else
        the usual "not a choice"."""
        keys = [
            int(key)
            for position, option in enumerate(self.options(question), start=1)
            if (key := self.button_key(question, position, option)).isdigit() and key != "0"
        ]
        typed = typed_keys(text.translate(DECORATION))
        if keys and any(_DIGITS.fullmatch(key) for key in typed):
            return Rejected("out_of_range", max(keys))
        return Rejected("not_a_choice")

    def alias(self, question: Question, folded: str) -> str | None:
        """The value another word (already folded) stands for; none by default."""
        return None
