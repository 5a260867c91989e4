"""Single choice: one of the options listed in the definition."""

from surveys.kinds.choice import ChoiceKind


class SingleKind(ChoiceKind):
    """One option of the definition, by button, number, value or label."""

    name = "single"


SINGLE = SingleKind()
