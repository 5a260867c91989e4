"""Pydantic models of a survey definition, with the checks that make a definition usable."""

from collections.abc import Callable
from typing import Self

from pydantic import Field, field_validator, model_validator

from surveys.fields import Copy, FieldPath, Model, Option, Slug, SurveyKey, invalid
from surveys.kinds import QuestionKind, kind_named, kind_of, known_kinds

__all__ = [
    "QUESTION_TEXT_MAX",
    "Element",
    "FieldPath",
    "Option",
    "Question",
    "ShowIf",
    "Survey",
    "invalid",
]

QUESTION_TEXT_MAX = 200


class ShowIf(Model):
    """Show a question only when an earlier answer equals a value or is one of some values."""

    question: Slug
    equals: str | None = None
    any_of: list[str] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.equals is None) == (self.any_of is None):
            raise invalid("show_if needs exactly one of 'equals' and 'any_of'")
        if self.any_of is not None and not self.any_of:
            raise invalid("'any_of' must not be empty", "any_of")
        return self

    def expected(self) -> list[str]:
        """Return the values that make the condition true."""
        return [self.equals] if self.equals is not None else list(self.any_of or [])


class Question(Model):
    """One question; its `type` names a registered kind (surveys.kinds), which checks the rest."""

    key: Slug
    type: str
    text: Copy
    element: Slug | None = None
    options: list[Option] = Field(default_factory=list)
    max_choices: int | None = None
    allow_unknown: bool = True
    optional: bool = False
    show_if: ShowIf | None = None
    # about the respondent (who answers, how they reach the school): counted, but released
    # shuffled among its group's responses (handlers/release.py), so it never singles one out
    profile: bool = False

    @field_validator("type")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        try:
            kind_named(value)
        except KeyError:
            known = ", ".join(kind.name for kind in known_kinds())
            raise invalid(f"unknown question type {value!r} (known: {known})") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.text) > QUESTION_TEXT_MAX:
            raise invalid(f"text is longer than {QUESTION_TEXT_MAX} characters", "text")
        kind = kind_of(self)
        if self.element is not None and not kind.scored:
            raise invalid(
                f"only {_kinds_that(_is_scored)} questions can belong to an element", "element"
            )
        if self.profile:
            self._check_profile(kind)
        kind.validate(self)
        return self

    def _check_profile(self, kind: QuestionKind) -> None:
        """A profile answer is shuffled away from the others: nothing may depend on it."""
        if not _is_profile_kind(kind):
            reason = f"only {_kinds_that(_is_profile_kind)} questions can be profile questions"
            raise invalid(reason, "profile")
        if self.show_if is not None:
            raise invalid("a profile question cannot have show_if", "show_if")

    def choice_values(self) -> list[str]:
        """Return the stored values this question accepts as a choice (empty for text)."""
        return kind_of(self).choice_values(self)


class Element(Model):
    """A group of scale items scored together (an element of SIPAS)."""

    key: Slug
    title: Copy


class Survey(Model):
    """A versioned questionnaire."""

    key: SurveyKey
    version: int = Field(ge=1)
    title: Copy
    intro: Copy
    # where the questionnaire comes from ("Bộ câu hỏi tham khảo SIPAS, … không phải mẫu chính
    # thức"): shown to parents under the intro and printed in every report file
    note: Copy | None = None
    elements: list[Element] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)
    overall: Slug | None = None
    wishes: Slug | None = None

    @model_validator(mode="after")
    def _references(self) -> Self:
        self._check_elements()
        seen: dict[str, Question] = {}
        for index, question in enumerate(self.questions):
            if question.key in seen:
                raise invalid(f"duplicate question key {question.key!r}", "questions", index, "key")
            if question.show_if is not None:
                _check_condition(question.show_if, seen, ("questions", index, "show_if"))
            seen[question.key] = question
        _check_role(seen, self.overall, _is_scored, "overall")
        _check_role(seen, self.wishes, _is_ticked_and_tallied, "wishes")
        if self.wishes is not None and seen[self.wishes].profile:
            raise invalid(f"wishes cannot be {self.wishes!r}, a profile question", "wishes")
        return self

    def _check_elements(self) -> None:
        keys: set[str] = set()
        for index, element in enumerate(self.elements):
            if element.key in keys:
                raise invalid(f"duplicate element key {element.key!r}", "elements", index, "key")
            keys.add(element.key)
        used = {question.element for question in self.questions}
        for index, question in enumerate(self.questions):
            if question.element is not None and question.element not in keys:
                reason = f"unknown element {question.element!r}"
                raise invalid(reason, "questions", index, "element")
        for index, element in enumerate(self.elements):
            if element.key not in used:
                raise invalid(f"element {element.key!r} has no questions", "elements", index)

    def question(self, key: str) -> Question:
        """Return the question with this key, or raise KeyError."""
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)

    def profile_keys(self) -> frozenset[str]:
        """The keys of the questions about the respondent, released shuffled."""
        return frozenset(question.key for question in self.questions if question.profile)

    def items(self, element: str) -> list[Question]:
        """Return the scale items of one element, in order."""
        return [question for question in self.questions if question.element == element]


Role = Callable[[QuestionKind], bool]


def _is_scored(kind: QuestionKind) -> bool:
    return kind.scored


def _is_profile_kind(kind: QuestionKind) -> bool:
    return kind.tallied and not kind.scored and kind.input != "text"


def _is_ticked_and_tallied(kind: QuestionKind) -> bool:
    return kind.input == "ticks" and kind.tallied


def _kinds_that(role: Role) -> str:
    """The names of the kinds that can play a role, for an error message: "scale"."""
    return " or ".join(kind.name for kind in known_kinds() if role(kind))


def _check_condition(show_if: ShowIf, earlier: dict[str, Question], path: FieldPath) -> None:
    target = earlier.get(show_if.question)
    if target is None:
        reason = f"show_if refers to {show_if.question!r}, which is not an earlier question"
        raise invalid(reason, *path, "question")
    if not kind_of(target).conditional:
        reason = f"show_if cannot depend on a {target.type} question"
        raise invalid(reason, *path, "question")
    if target.profile:
        reason = f"show_if cannot depend on {target.key!r}, a profile question"
        raise invalid(reason, *path, "question")
    allowed = target.choice_values()
    field = "equals" if show_if.equals is not None else "any_of"
    for value in show_if.expected():
        if value not in allowed:
            reason = f"{value!r} is not an answer of {target.key!r} (one of {', '.join(allowed)})"
            raise invalid(reason, *path, field)


def _check_role(questions: dict[str, Question], key: str | None, role: Role, field: str) -> None:
    if key is None:
        return
    question = questions.get(key)
    if question is None:
        raise invalid(f"{field} refers to unknown question {key!r}", field)
    if not role(kind_of(question)):
        reason = f"{field} must be a {_kinds_that(role)} question, {key!r} is {question.type}"
        raise invalid(reason, field)
