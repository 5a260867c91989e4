"""Pydantic models of a survey definition, with the checks that make a definition usable."""

import re
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from surveys.labels import NO, YES, scale_values
from surveys.text import fold, nfc

QuestionType = Literal["scale", "single", "multi", "yesno", "text"]
QUESTION_TEXT_MAX = 200
MIN_OPTIONS = 2
_SLUG = re.compile(r"[a-z0-9_]+")
FieldPath = tuple[str | int, ...]


def invalid(reason: str, *path: str | int) -> PydanticCustomError:
    """Build a validation error whose ctx carries the path of the offending field."""
    return PydanticCustomError("survey_definition", "{reason}", {"reason": reason, "path": path})


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise invalid(f"{value!r} is not a slug (use only a-z, 0-9 and _)")
    return value


def _clean_copy(value: str) -> str:
    value = nfc(value).strip()
    if not value:
        raise PydanticCustomError("empty_text", "must not be empty")
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
Copy = Annotated[str, AfterValidator(_clean_copy)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


class Option(_Model):
    """One choice of a single or multiple choice question."""

    value: Slug
    label: Copy


class ShowIf(_Model):
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


class Question(_Model):
    """One question; scale and yes/no questions get their options implicitly."""

    key: Slug
    type: QuestionType
    text: Copy
    element: Slug | None = None
    options: list[Option] = []
    max_choices: int | None = None
    allow_unknown: bool = True
    optional: bool = False
    show_if: ShowIf | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.text) > QUESTION_TEXT_MAX:
            raise invalid(f"text is longer than {QUESTION_TEXT_MAX} characters", "text")
        if self.element is not None and self.type != "scale":
            raise invalid("only scale questions can belong to an element", "element")
        if self.type in ("single", "multi"):
            self._check_options()
        elif self.options:
            raise invalid(f"a {self.type} question takes no options", "options")
        if self.type == "multi":
            if self.max_choices is None or not 1 <= self.max_choices <= len(self.options):
                raise invalid("a multi question needs 1 <= max_choices <= options", "max_choices")
        elif self.max_choices is not None:
            raise invalid("only multi questions take max_choices", "max_choices")
        return self

    def _check_options(self) -> None:
        if len(self.options) < MIN_OPTIONS:
            reason = f"a {self.type} question needs at least {MIN_OPTIONS} options"
            raise invalid(reason, "options")
        values: set[str] = set()
        labels: set[str] = set()
        for index, option in enumerate(self.options):
            if option.value.isdigit():
                reason = "an option value must not be a number (typed numbers pick by position)"
                raise invalid(reason, "options", index, "value")
            if option.value in values:
                raise invalid(f"duplicate option value {option.value!r}", "options", index, "value")
            if fold(option.label) in labels:
                raise invalid(f"duplicate option label {option.label!r}", "options", index, "label")
            values.add(option.value)
            labels.add(fold(option.label))

    def choice_values(self) -> list[str]:
        """Return the stored values this question accepts as a choice (empty for text)."""
        if self.type == "scale":
            return scale_values(allow_unknown=self.allow_unknown)
        if self.type == "yesno":
            return [YES, NO]
        return [option.value for option in self.options]


class Element(_Model):
    """A group of scale items scored together (an element of SIPAS)."""

    key: Slug
    title: Copy


class Survey(_Model):
    """A versioned questionnaire."""

    key: Slug
    version: int = Field(ge=1)
    title: Copy
    intro: Copy
    note: Copy | None = None
    elements: list[Element] = []
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
        _check_role(seen, self.overall, "scale", "overall")
        _check_role(seen, self.wishes, "multi", "wishes")
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

    def items(self, element: str) -> list[Question]:
        """Return the scale items of one element, in order."""
        return [question for question in self.questions if question.element == element]


def _check_condition(show_if: ShowIf, earlier: dict[str, Question], path: FieldPath) -> None:
    target = earlier.get(show_if.question)
    if target is None:
        reason = f"show_if refers to {show_if.question!r}, which is not an earlier question"
        raise invalid(reason, *path, "question")
    if target.type == "text":
        raise invalid("show_if cannot depend on a text question", *path, "question")
    allowed = target.choice_values()
    field = "equals" if show_if.equals is not None else "any_of"
    for value in show_if.expected():
        if value not in allowed:
            reason = f"{value!r} is not an answer of {target.key!r} (one of {', '.join(allowed)})"
            raise invalid(reason, *path, field)


def _check_role(questions: dict[str, Question], key: str | None, kind: str, field: str) -> None:
    if key is None:
        return
    question = questions.get(key)
    if question is None:
        raise invalid(f"{field} refers to unknown question {key!r}", field)
    if question.type != kind:
        raise invalid(f"{field} must be a {kind} question, {key!r} is {question.type}", field)
