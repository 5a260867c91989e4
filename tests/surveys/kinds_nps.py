"""A 0-10 "would you recommend" scale: a question kind defined outside the engine.

Everything the engine, the schema, the renderer and the reports need of the kind is here; the
only other step is the `register` call.
"""

from surveys.fields import Option
from surveys.kinds import ChoiceKind, forbid_max_choices, forbid_options, register
from surveys.schema import Question

_OPTIONS = tuple(Option(value=str(level), label=str(level)) for level in range(11))
NPS_HINT = "(0: chắc chắn không giới thiệu, 10: chắc chắn sẽ giới thiệu)"


class NpsKind(ChoiceKind):
    """Levels 0 to 10, tapped or typed as the number; counted per level, not SIPAS-scored."""

    name = "nps"
    scored = False
    tallied = True

    def options(self, question: Question) -> list[Option]:
        """Levels 0 to 10."""
        return list(_OPTIONS)

    def hint(self, question: Question) -> str:
        """What the ends of the scale mean."""
        return NPS_HINT

    def button_key(self, question: Question, position: int, option: Option) -> str:
        """The level itself, so that "0" is 0 and not the first button."""
        return option.value

    def validate(self, question: Question) -> None:
        """The levels are implicit: no options, no max_choices."""
        forbid_options(question)
        forbid_max_choices(question)


NPS = register(NpsKind())
