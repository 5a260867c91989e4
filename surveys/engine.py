"""Pure survey flow: which questions show, which comes next, and the review before submitting."""

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.answers import (
    MAX_TEXT_LENGTH,
    Accepted,
    Rejected,
    RejectReason,
    parse_answer,
    toggle_choice,
)
from surveys.labels import (
    NO,
    NO_LABEL,
    SCALE_LABELS,
    SKIPPED,
    UNANSWERED_LABEL,
    UNKNOWN,
    UNKNOWN_LABEL,
    YES,
    YES_LABEL,
)
from surveys.options import label_of, options_for, split_choices
from surveys.schema import Question, ShowIf, Survey

__all__ = [
    "MAX_TEXT_LENGTH",
    "NO",
    "NO_LABEL",
    "SCALE_LABELS",
    "SKIPPED",
    "UNKNOWN",
    "UNKNOWN_LABEL",
    "YES",
    "YES_LABEL",
    "Accepted",
    "RejectReason",
    "Rejected",
    "SummaryLine",
    "answer_label",
    "label_of",
    "next_question",
    "number_of",
    "options_for",
    "parse_answer",
    "prune_hidden",
    "summary",
    "toggle_choice",
    "visible_indexes",
    "visible_questions",
]

Answers = Mapping[str, str]


@dataclass(frozen=True)
class SummaryLine:
    """One line of the review shown before submitting."""

    number: int
    key: str
    text: str
    answer: str


def visible_questions(survey: Survey, answers: Answers) -> list[Question]:
    """Return the questions shown for these answers, in order."""
    questions = survey.questions
    return [questions[index] for index in visible_indexes(survey, answers)]


def visible_indexes(survey: Survey, answers: Answers) -> list[int]:
    """Return the positions in survey.questions of the questions shown for these answers.

    A condition only looks at an earlier question that is itself shown, so a stale answer to a
    hidden question reveals nothing.
    """
    shown: set[str] = set()
    indexes: list[int] = []
    for index, question in enumerate(survey.questions):
        condition = question.show_if
        if condition is None or (condition.question in shown and _holds(condition, answers)):
            shown.add(question.key)
            indexes.append(index)
    return indexes


def next_question(survey: Survey, answers: Answers) -> Question | None:
    """Return the first visible unanswered question, or None when the survey is complete."""
    for question in visible_questions(survey, answers):
        if question.key not in answers:
            return question
    return None


def number_of(survey: Survey, answers: Answers, key: str) -> tuple[int, int]:
    """Return (position, total) of a visible question, for "Câu 3/15"; KeyError if hidden."""
    visible = visible_questions(survey, answers)
    for position, question in enumerate(visible, start=1):
        if question.key == key:
            return position, len(visible)
    raise KeyError(key)


def summary(survey: Survey, answers: Answers) -> list[SummaryLine]:
    """Return the numbered review of every visible question and its answer label."""
    return [
        SummaryLine(
            number=number,
            key=question.key,
            text=question.text,
            answer=answer_label(question, answers.get(question.key)),
        )
        for number, question in enumerate(visible_questions(survey, answers), start=1)
    ]


def prune_hidden(survey: Survey, answers: Answers) -> dict[str, str]:
    """Drop answers to questions that are hidden (or unknown) after an answer changed."""
    keep = {question.key for question in visible_questions(survey, answers)}
    return {key: value for key, value in answers.items() if key in keep}


def answer_label(question: Question, value: str | None) -> str:
    """Return the label of a stored answer, or "(chưa trả lời)" when there is none."""
    return UNANSWERED_LABEL if value is None else label_of(question, value)


def _holds(condition: ShowIf, answers: Answers) -> bool:
    given = answers.get(condition.question)
    if not given:
        return False
    return not set(split_choices(given)).isdisjoint(condition.expected())
