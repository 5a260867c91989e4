"""The survey engine as one pure step: a definition, a run's state and one input in, an outcome out.

`step(survey, state, event)` is the only place that decides what a tap or a typed reply means.
It never raises, for any input and any state (garbage indexes, text of any length, a state
saved by an older definition), and computes the visible questions once per input.

The rules, as the parent sees them:

1. A tap on the question being asked answers it: answers of questions it now hides are dropped
   (in `changed` as None), then the first unanswered visible question is asked, or the review
   is shown when none is left.
2. A repeated tap (the same option on a question already answered with that value: a double
   tap, or a tap on a question moved past) changes nothing and shows nothing (screen None).
   So does a repeated "Xong", "Sửa", "Có"/"Không" or a repeated pick from the list to change.
3. A tap with another value on an earlier answered question never changes it silently: it is
   proposed ("Đổi câu 1 từ «Hài lòng» thành «Rất hài lòng»?"); yes applies it (then as rule
   1), no shows again what was on screen. A new such tap replaces the proposal. Typed "có",
   "đồng ý", "1" / "không", "2" answer the proposal too.
4. A tap on a hidden question (reason "hidden"), an unknown question or option, an input that
   does not fit the question's kind, or a visible question neither asked nor answered (reason
   "stale") is refused: nothing changes and the current screen is shown again.
5. Ticks (multiple choice): a tick toggles an option of the question being asked (refused as
   "too_many" past max_choices); "Xong" stores the ticked options ("empty" if none). Ticks on
   an earlier question are stale: a multiple choice is changed through the review ("Sửa").
   Typed, one option ("3", a label) is a tick, "xong" is "Xong", and several ("1, 3", "13")
   are the whole answer at once.
6. Typed text is read by the stage: asking → the asked question's kind parses it; review →
   "1"/"gửi" submits, "2"/"sửa" lists the questions to change; choosing → a number picks the
   question to change; confirming → yes/no words. Anything else is refused ("not_a_choice")
   and the current screen shown again. Matching ignores case and diacritics.
7. Submit with every visible question answered → submitted (screen None: the caller thanks);
   otherwise the first unanswered question is asked.
8. Change → the list of questions to change; picking one asks it again (a multiple choice
   starts with its stored ticks); answering it goes on to the first unanswered, or the review.
9. Resume shows where the run stands and repairs a stale state (a question no longer shown,
   a proposal no longer valid, answers to hidden or unknown questions).
10. Always: answers hold the last accepted value of each visible question and nothing for a
    hidden one; while some visible question is unanswered, the one asked is the first of them;
    `Outcome.visible` is `visible_questions(survey, answers)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from surveys.answers import Accepted, parse_answer
from surveys.engine import SummaryLine, answer_label, visible_indexes
from surveys.kinds import join_values, kind_of, split_choices
from surveys.kinds.choice import DECORATION
from surveys.labels import (
    CHANGE_LABEL,
    CONFIRM_NO_LABEL,
    CONFIRM_YES_LABEL,
    DONE_LABEL,
    FIRST_KEY,
    SECOND_KEY,
    SKIPPED,
    SUBMIT_LABEL,
)
from surveys.options import label_of
from surveys.schema import Question, Survey
from surveys.text import fold

__all__ = [
    "SKIP_OPTION",
    "Ask",
    "Change",
    "ChangeList",
    "Confirm",
    "ConfirmChange",
    "Done",
    "Edit",
    "Input",
    "Outcome",
    "Pick",
    "Proposal",
    "Rejection",
    "RejectionReason",
    "Resume",
    "Review",
    "RunState",
    "Screen",
    "Stage",
    "Submit",
    "Tick",
    "Typed",
    "initial_state",
    "step",
]

Stage = Literal["asking", "review", "choosing", "confirming"]
RejectionReason = Literal["not_a_choice", "too_many", "empty", "too_long", "stale", "hidden"]
SKIP_OPTION = -1  # Pick's option for "Bỏ qua" on an optional question
_STAGES: dict[object, Stage] = {
    "asking": "asking",
    "review": "review",
    "choosing": "choosing",
    "confirming": "confirming",
}
_WORD_MAX = 40  # longer text is no command word; no need to fold it
_SUBMIT_WORDS = frozenset({fold(SUBMIT_LABEL), "gui", FIRST_KEY})
_DONE_WORDS = frozenset({fold(DONE_LABEL), "xong", "done"})
_CHANGE_WORDS = frozenset({fold(CHANGE_LABEL), "sua", SECOND_KEY})
_YES_WORDS = frozenset(
    {fold(CONFIRM_YES_LABEL), "co", "c", "dong y", "doi", "yes", "y", "ok", FIRST_KEY}
)
_NO_WORDS = frozenset(
    {fold(CONFIRM_NO_LABEL), "khong", "k", "ko", "no", "n", "giu nguyen", SECOND_KEY}
)


@dataclass(frozen=True)
class Proposal:
    """A change to an earlier answer, awaiting yes or no."""

    question: str
    value: str


@dataclass(frozen=True)
class RunState:
    """Where a parent's run stands: answers so far, the stage, the question asked, ticks."""

    answers: Mapping[str, str] = field(default_factory=dict)
    stage: Stage = "asking"
    asked: str | None = None  # the question on screen (stages asking and confirming)
    ticked: tuple[str, ...] = ()  # options ticked so far on the asked multiple choice
    proposal: Proposal | None = None  # stage confirming

    def to_json(self) -> dict[str, Any]:
        """The state as JSON data; from_json reads it back."""
        proposal = self.proposal
        return {
            "answers": dict(self.answers),
            "stage": self.stage,
            "asked": self.asked,
            "ticked": list(self.ticked),
            "proposal": None if proposal is None else [proposal.question, proposal.value],
        }

    @classmethod
    def from_json(cls, data: object) -> RunState:
        """Read a state saved by to_json; anything missing or malformed reads as a fresh run."""
        if not isinstance(data, Mapping):
            return cls()
        answers = data.get("answers")
        ticked = data.get("ticked")
        proposal = data.get("proposal")
        asked = data.get("asked")
        return cls(
            answers=_strings(answers) if isinstance(answers, Mapping) else {},
            stage=_STAGES.get(data.get("stage"), "asking"),
            asked=asked if isinstance(asked, str) else None,
            ticked=tuple(t for t in ticked if isinstance(t, str))
            if isinstance(ticked, list | tuple)
            else (),
            proposal=Proposal(*proposal)
            if isinstance(proposal, list | tuple)
            and len(proposal) == 2
            and all(isinstance(part, str) for part in proposal)
            else None,
        )


def initial_state() -> RunState:
    """The state of a run not started: step it with Resume() to ask question 1."""
    return RunState()


# Inputs; `question` is the question's index in survey.questions, as buttons carry it.


@dataclass(frozen=True)
class Typed:
    """The parent typed a reply."""

    text: str


@dataclass(frozen=True)
class Pick:
    """A tap on option #option (0-based) of a question; SKIP_OPTION is "Bỏ qua"."""

    question: int
    option: int


@dataclass(frozen=True)
class Tick:
    """A tap toggling option #option of a multiple choice."""

    question: int
    option: int


@dataclass(frozen=True)
class Done:
    """The "Xong" button of a multiple choice."""

    question: int


@dataclass(frozen=True)
class Submit:
    """The "Gửi phiếu" button of the review."""


@dataclass(frozen=True)
class Change:
    """The "Sửa câu trả lời" button of the review."""


@dataclass(frozen=True)
class Edit:
    """A question picked from the list of questions to change."""

    question: int


@dataclass(frozen=True)
class Confirm:
    """The answer to a proposed change."""

    yes: bool


@dataclass(frozen=True)
class Resume:
    """Show where the run stands (opening or reopening it); changes nothing."""


Input = Typed | Pick | Tick | Done | Submit | Change | Edit | Confirm | Resume


# Screens: what the caller shows next.


@dataclass(frozen=True)
class Ask:
    """Ask one question: "Câu number/total"; ticked are the options ticked so far."""

    question: Question
    index: int
    number: int
    total: int
    ticked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """Every visible question answered: the answers to review before sending."""

    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True)
class ChangeList:
    """Which question to change (by its number)."""

    lines: tuple[SummaryLine, ...]


@dataclass(frozen=True)
class ConfirmChange:
    """Ask "Đổi câu number từ «old» thành «new»?" (old and new are labels)."""

    question: Question
    index: int
    number: int
    old: str
    new: str


Screen = Ask | Review | ChangeList | ConfirmChange


@dataclass(frozen=True)
class Rejection:
    """Why an input was refused; limit is max_choices (too_many) or the text cap (too_long)."""

    reason: RejectionReason
    limit: int | None = None


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The result of one input."""

    state: RunState  # the new state (the same object when nothing changed)
    changed: Mapping[str, str | None]  # answers written, or dropped (None) as now hidden
    screen: Screen | None  # what to show next; None: send nothing
    rejection: Rejection | None = None  # said before the screen
    submitted: bool = False  # the answers are final: the caller stores the response
    visible: tuple[Question, ...]  # the visible questions for the new answers


def step(survey: Survey, state: RunState, event: Input) -> Outcome:
    """Apply one input to a run: the new state, the answers changed and what to show."""
    run = _Run.of(survey, state)
    match event:
        case Typed(text=text):
            return run.typed(text)
        case Pick(question=index, option=option):
            return run.pick(index, option)
        case Tick(question=index, option=option):
            return run.tick(index, option)
        case Done(question=index):
            return run.done(index)
        case Submit():
            return run.submit()
        case Change():
            return run.change()
        case Edit(question=index):
            return run.edit(index)
        case Confirm(yes=yes):
            return run.confirm(yes)
        case _:
            return run.show(run.state)


@dataclass(frozen=True)
class _View:
    """The visible questions for some answers, with their indexes and 1-based numbers."""

    questions: tuple[Question, ...]
    indexes: tuple[int, ...]
    numbers: Mapping[str, int]

    @classmethod
    def of(cls, survey: Survey, answers: Mapping[str, str]) -> _View:
        indexes = visible_indexes(survey, answers)
        questions = tuple(survey.questions[index] for index in indexes)
        numbers = {question.key: number for number, question in enumerate(questions, start=1)}
        return cls(questions, tuple(indexes), numbers)

    def question(self, key: str) -> Question:
        return self.questions[self.numbers[key] - 1]

    def first_unanswered(self, answers: Mapping[str, str]) -> str | None:
        return next((q.key for q in self.questions if q.key not in answers), None)

    def lines(self, answers: Mapping[str, str]) -> tuple[SummaryLine, ...]:
        return tuple(
            SummaryLine(number, q.key, q.text, answer_label(q, answers.get(q.key)))
            for number, q in enumerate(self.questions, start=1)
        )


@dataclass(frozen=True)
class _Run:
    """One step's work: the survey, the settled state and its view, the answers it dropped."""

    survey: Survey
    state: RunState
    view: _View
    dropped: Mapping[str, str | None]

    @classmethod
    def of(cls, survey: Survey, state: RunState) -> _Run:
        """Settle the state: drop answers to hidden or unknown questions, repair the stage."""
        view = _View.of(survey, state.answers)
        answers = state.answers
        dropped: dict[str, str | None] = {k: None for k in answers if k not in view.numbers}
        if dropped:
            answers = {k: v for k, v in answers.items() if k in view.numbers}
        return cls(survey, _settled(view, state, answers), view, dropped)

    # What to show

    def show(
        self,
        state: RunState,
        rejection: Rejection | None = None,
        *,
        changed: Mapping[str, str | None] | None = None,
        view: _View | None = None,
    ) -> Outcome:
        view = view or self.view
        return Outcome(
            state=state,
            changed=self.dropped if changed is None else changed,
            screen=_screen(state, view),
            rejection=rejection,
            visible=view.questions,
        )

    def refuse(self, reason: RejectionReason, limit: int | None = None) -> Outcome:
        return self.show(self.state, Rejection(reason, limit))

    def nothing(self, *, submitted: bool = False) -> Outcome:
        return Outcome(
            state=self.state,
            changed=self.dropped,
            screen=None,
            submitted=submitted,
            visible=self.view.questions,
        )

    # Inputs

    def typed(self, text: str) -> Outcome:
        stage = self.state.stage
        if not isinstance(text, str):
            return self.refuse("not_a_choice")
        if stage == "asking" and self.state.asked is not None:
            question = self.view.question(self.state.asked)
            index = self.survey.questions.index(question)
            ticks = kind_of(question).input == "ticks"
            if ticks and _word(text) in _DONE_WORDS:
                return self.done(index)
            result = parse_answer(question, text)
            if not isinstance(result, Accepted):
                return self.refuse(result.reason, result.limit)
            options = [option.value for option in kind_of(question).options(question)]
            if ticks and result.value in options:  # one option typed: a tick, as on the list
                return self.tick(index, options.index(result.value))
            return self.answer(question, result.value)
        word = _word(text)
        if stage == "review" and word in _SUBMIT_WORDS:
            return self.submit()
        if stage == "review" and word in _CHANGE_WORDS:
            return self.change()
        if stage == "choosing" and word.isdigit() and 1 <= int(word) <= len(self.view.questions):
            return self.edit(self.view.indexes[int(word) - 1])
        if stage == "confirming" and word in _YES_WORDS | _NO_WORDS:
            return self.confirm(word in _YES_WORDS)
        return self.refuse("not_a_choice")

    def pick(self, index: int, option: int) -> Outcome:
        question = self.target(index)
        if isinstance(question, Outcome):
            return question
        value = _picked(question, option)
        if value is None:
            return self.refuse("stale")
        state = self.state
        if self.asking(question):
            return self.answer(question, value)
        stored = state.answers.get(question.key)
        if stored is None:
            return self.refuse("stale")
        if stored == value or state.proposal == Proposal(question.key, value):
            return self.nothing()
        proposal = Proposal(question.key, value)
        return self.show(replace(state, stage="confirming", proposal=proposal))

    def tick(self, index: int, option: int) -> Outcome:
        question = self.target(index)
        if isinstance(question, Outcome):
            return question
        kind = kind_of(question)
        options = kind.options(question)
        valid = isinstance(option, int) and 0 <= option < len(options)
        if kind.input != "ticks" or not self.asking(question) or not valid:
            return self.refuse("stale")
        value = options[option].value
        ticked = self.state.ticked
        state = RunState(self.state.answers, "asking", question.key, ticked)
        limit = question.max_choices
        if value in ticked:
            ticked = tuple(tick for tick in ticked if tick != value)
        elif limit is not None and len(ticked) >= limit:
            return self.show(state, Rejection("too_many", limit))
        else:
            ticked = (*ticked, value)
        return self.show(replace(state, ticked=ticked))

    def done(self, index: int) -> Outcome:
        question = self.target(index)
        if isinstance(question, Outcome):
            return question
        kind = kind_of(question)
        if kind.input != "ticks":
            return self.refuse("stale")
        if not self.asking(question):
            return self.nothing() if question.key in self.state.answers else self.refuse("stale")
        ticked = self.state.ticked
        if not ticked:
            state = RunState(self.state.answers, "asking", question.key)
            return self.show(state, Rejection("empty"))
        return self.answer(question, join_values(kind.options(question), ticked))

    def submit(self) -> Outcome:
        if self.state.stage == "confirming":
            return self.refuse("stale")
        if not self.complete():
            return self.show(self.state)
        return self.nothing(submitted=True)

    def change(self) -> Outcome:
        stage = self.state.stage
        if stage == "confirming":
            return self.refuse("stale")
        if not self.complete():
            return self.show(self.state)
        if stage == "choosing":
            return self.nothing()
        return self.show(RunState(self.state.answers, "choosing"))

    def edit(self, index: int) -> Outcome:
        question = self.target(index)
        if isinstance(question, Outcome):
            return question
        state = self.state
        if state.stage == "confirming" or not self.complete():
            return self.refuse("stale")
        if state.stage == "asking" and state.asked == question.key:
            return self.nothing()
        kind = kind_of(question)
        stored = split_choices(state.answers[question.key]) if kind.input == "ticks" else []
        known = kind.choice_values(question) if stored else []
        ticked = tuple(value for value in stored if value in known)
        return self.show(RunState(state.answers, "asking", question.key, ticked))

    def confirm(self, yes: bool) -> Outcome:
        state = self.state
        proposal = state.proposal
        if state.stage != "confirming" or proposal is None:
            return self.nothing()
        if yes:
            return self.answer(self.view.question(proposal.question), proposal.value)
        stage: Stage = "asking" if state.asked is not None else "review"
        return self.show(replace(state, stage=stage, proposal=None))

    # Helpers

    def target(self, index: int) -> Question | Outcome:
        """The question a button names, or the refusal when it is unknown or hidden."""
        questions = self.survey.questions
        if not isinstance(index, int) or not 0 <= index < len(questions):
            return self.refuse("stale")
        question = questions[index]
        return question if question.key in self.view.numbers else self.refuse("hidden")

    def asking(self, question: Question) -> bool:
        """Whether this question is the one on screen to be answered."""
        return self.state.asked == question.key and self.state.stage in ("asking", "confirming")

    def complete(self) -> bool:
        return self.view.first_unanswered(self.state.answers) is None

    def answer(self, question: Question, value: str) -> Outcome:
        """Store an answer, drop the answers it hides, move to the first unanswered or review."""
        before = self.state
        answers = dict(before.answers)
        changed = dict(self.dropped)
        view = self.view
        if answers.get(question.key) != value:
            answers[question.key] = value
            changed[question.key] = value
            view = _View.of(self.survey, answers)
            for key in [key for key in answers if key not in view.numbers]:
                del answers[key]
                changed[key] = None
        first = view.first_unanswered(answers)
        if first is None:
            state = RunState(answers, "review")
        else:
            keep = first == before.asked and question.key != before.asked
            state = RunState(answers, "asking", first, before.ticked if keep else ())
        return self.show(state, changed=changed, view=view)


def _settled(view: _View, state: RunState, answers: Mapping[str, str]) -> RunState:
    """The state made consistent with the visible questions (rule 9)."""
    stage = _STAGES.get(state.stage, "asking")
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
    settled = RunState(answers, stage, asked, ticked, proposal)
    return state if settled == state else settled


def _proposable(view: _View, answers: Mapping[str, str], proposal: Proposal) -> bool:
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


def _picked(question: Question, option: int) -> str | None:
    """The value a tap on option #option stores, or None if the tap does not fit the question."""
    if option == SKIP_OPTION:
        return SKIPPED if question.optional else None
    kind = kind_of(question)
    if kind.input != "tap" or not isinstance(option, int):
        return None
    options = kind.options(question)
    return options[option].value if 0 <= option < len(options) else None


def _screen(state: RunState, view: _View) -> Screen:
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


def _word(text: str) -> str:
    """A typed command word, folded: "Gửi" → "gui", "1️⃣" → "1"; "" for long text."""
    if len(text) > _WORD_MAX:
        return ""
    return fold(text.translate(DECORATION)).rstrip(".!").strip()


def _strings(mapping: Mapping[Any, Any]) -> dict[str, str]:
    return {k: v for k, v in mapping.items() if isinstance(k, str) and isinstance(v, str)}
