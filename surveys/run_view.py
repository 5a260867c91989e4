"""A run seen against its survey: the visible questions, a stale state repaired, the screen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from surveys.engine import SummaryLine, answer_label, visible_indexes
from surveys.kinds import kind_of
from surveys.labels import SKIPPED
from surveys.options import label_of
from surveys.outcomes import Ask, ChangeList, ConfirmChange, Review, Screen
from surveys.run_state import STAGES, Proposal, RunState
from surveys.schema import Question, Survey


@dataclass(frozen=True)
class View:
    """The visible questions for some answers, with their indexes and 1-based numbers."""

    questions: tuple[Question, ...]
    indexes: tuple[int, ...]
    numbers: Mapping[str, int]

    @classmethod
    def of(cls, survey: Survey, answers: Mapping[str, str]) -> View:
        """The view for these answers (the one place a step computes visibility)."""
        indexes = visible_indexes(survey, answers)
        questions = tuple(survey.questions[index] for index in indexes)
        numbers = {question.key: number for number, question in enumerate(questions, start=1)}
        return cls(questions, tuple(indexes), numbers)

    def question(self, key: str) -> Question:
        """The visible question with this key (KeyError if hidden)."""
        return self.questions[self.numbers[key] - 1]

    def first_unanswered(self, answers: Mapping[str, str]) -> str | None:
        """The key of the first visible question without an answer, if any."""
        return next((q.key for q in self.questions if q.key not in answers), None)

    def lines(self, answers: Mapping[str, str]) -> tuple[SummaryLine, ...]:
        """The numbered review of the visible questions and their answers."""
        return tuple(
            SummaryLine(number, q.key, q.text, answer_label(q, answers.get(q.key)))
            for number, q in enumerate(self.questions, start=1)
        )


def settled(view: View, state: RunState, answers: Mapping[str, str]) -> RunState:
    """The state made consistent with the visible questions (rule 9)."""
    stage = STAGES.get(state.stage, "asking")
    asked = state.asked if state.asked in view.numbers else None
    proposal = state.proposal if stage == "confirming" else None
    if proposal is not None and not _proposable(view, answers, proposal):
        proposal = None
    if stage == "confirming" and proposal is None:
        stage = "asking" if asked is not None else "review"
    first = view.first_unanswered(answers)
    if first is not None:
        asked = first
        stage = "confirming" if stage == "confirming" else "asking"
    elif stage == "asking" and asked is None:
        stage = "review"
    if stage in ("review", "choosing"):
        asked = None
    ticked = state.ticked if asked == state.asked and state.ticked else ()
    if ticked and asked is not None:
        ticked = _valid_ticks(view.question(asked), ticked)
    repaired = RunState(answers, stage, asked, ticked, proposal)
    return state if repaired == state else repaired


def _proposable(view: View, answers: Mapping[str, str], proposal: Proposal) -> bool:
    """Whether a proposal still changes an answered, visible question to one of its options."""
    key, value = proposal.question, proposal.value
    stored = answers.get(key)
    if key not in view.numbers or stored is None or stored == value:
        return False
    question = view.question(key)
    if value == SKIPPED:
        return question.optional
    kind = kind_of(question)
    return kind.input == "tap" and value in kind.choice_values(question)


def _valid_ticks(question: Question, ticked: tuple[str, ...]) -> tuple[str, ...]:
    """The ticks that are options of this multiple choice, once each, within max_choices."""
    kind = kind_of(question)
    if kind.input != "ticks":
        return ()
    known = kind.choice_values(question)
    valid = tuple(dict.fromkeys(value for value in ticked if value in known))
    return valid[: question.max_choices] if question.max_choices is not None else valid


def screen_of(state: RunState, view: View) -> Screen:
    """What a settled state shows."""
    answers = state.answers
    if state.stage == "review":
        return Review(view.lines(answers))
    if state.stage == "choosing":
        return ChangeList(view.lines(answers))
    proposal = state.proposal
    if state.stage == "confirming" and proposal is not None:
        question = view.question(proposal.question)
        number = view.numbers[question.key]
        old = label_of(question, answers[question.key])
        new = label_of(question, proposal.value)
        return ConfirmChange(question, view.indexes[number - 1], number, old, new)
    position = view.numbers.get(state.asked or "")
    if position is None:  # not reached: a settled state asking names a visible question
        return Review(view.lines(answers))
    question = view.questions[position - 1]
    return Ask(question, view.indexes[position - 1], position, len(view.questions), state.ticked)
