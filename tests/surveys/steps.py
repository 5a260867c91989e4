"""Helpers to drive the step engine in tests: inputs named by question key and option value."""

from surveys.options import options_for
from surveys.schema import Survey
from surveys.step import Edit, Input, Outcome, Pick, Resume, RunState, Tick, step


def at(survey: Survey, key: str) -> int:
    """The index of a question, as its buttons carry it."""
    return [question.key for question in survey.questions].index(key)


def option(survey: Survey, key: str, value: str) -> int:
    """The 0-based position of an option among the question's options."""
    return [o.value for o in options_for(survey.question(key))].index(value)


def tap(survey: Survey, key: str, value: str) -> Pick:
    """A tap on the button of this value of this question."""
    return Pick(at(survey, key), option(survey, key, value))


def tick(survey: Survey, key: str, value: str) -> Tick:
    """A tap toggling this option of a multiple choice."""
    return Tick(at(survey, key), option(survey, key, value))


def edit(survey: Survey, key: str) -> Edit:
    """This question picked from the list of questions to change."""
    return Edit(at(survey, key))


def run(survey: Survey, *events: Input, state: RunState | None = None) -> Outcome:
    """Open a run (Resume), apply the inputs in turn, return the last outcome."""
    outcome = step(survey, state or RunState(), Resume())
    for event in events:
        outcome = step(survey, outcome.state, event)
    return outcome


def settled(survey: Survey, answers: dict[str, str]) -> RunState:
    """The state of a run with these answers, as Resume leaves it."""
    return step(survey, RunState(answers=answers), Resume()).state
