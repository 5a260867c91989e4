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
   "đồng ý", "1" / "không", "2" answer the proposal too. While it waits, a tap on the question
   asked still answers it (dropping the proposal); "Gửi", "Sửa" and the list are stale.
4. A tap on a hidden question (reason "hidden"), an unknown question or option, an input that
   does not fit the question's kind, or a visible question neither asked nor answered (reason
   "stale") is refused: nothing changes and the current screen is shown again.
5. Ticks (multiple choice): a tick toggles an option of the question being asked (refused as
   "too_many" past max_choices); "Xong" stores the ticked options ("empty" if none). Ticks on
   an earlier question are stale: a multiple choice is changed through the review ("Sửa").
   Typed, one option's key or label ticks it and "Xong" finishes, as the buttons do; a list
   ("1, 3") answers at once.
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

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from surveys.answers import Accepted, parse_answer
from surveys.inputs import (
    SKIP_OPTION,
    Change,
    Confirm,
    Done,
    Edit,
    Input,
    Pick,
    Resume,
    Submit,
    Tick,
    Typed,
)
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
from surveys.outcomes import (
    Ask,
    ChangeList,
    ConfirmChange,
    Outcome,
    Rejection,
    RejectionReason,
    Review,
    Screen,
)
from surveys.run_state import Proposal, RunState, Stage, initial_state
from surveys.run_view import View, screen_of, settled
from surveys.schema import Question, Survey
from surveys.text import choice_key, names, typed_keys

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

_NUMBER = re.compile(r"[0-9]{1,4}")  # ASCII only: int() also reads "٣" but refuses "²"
_WORD_MAX = 40  # longer text is no command word; no need to fold it
_DONE_WORD = choice_key(DONE_LABEL)
_SUBMIT_WORDS = frozenset({choice_key(SUBMIT_LABEL), "gui", FIRST_KEY})
_CHANGE_WORDS = frozenset({choice_key(CHANGE_LABEL), "sua", SECOND_KEY})
_YES_WORDS = frozenset(
    {choice_key(CONFIRM_YES_LABEL), "co", "c", "dong y", "doi", "yes", "y", "ok", FIRST_KEY}
)
_NO_WORDS = frozenset(
    {choice_key(CONFIRM_NO_LABEL), "khong", "k", "ko", "no", "n", "giu nguyen", SECOND_KEY}
)


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
class _Run:
    """One step's work: the survey, the settled state and its view, the answers it dropped."""

    survey: Survey
    state: RunState
    view: View
    dropped: Mapping[str, str | None]

    @classmethod
    def of(cls, survey: Survey, state: RunState) -> _Run:
        """Settle the state: drop answers to hidden or unknown questions, repair the stage."""
        view = View.of(survey, state.answers)
        answers = state.answers
        dropped: dict[str, str | None] = {k: None for k in answers if k not in view.numbers}
        if dropped:
            answers = {k: v for k, v in answers.items() if k in view.numbers}
        return cls(survey, settled(view, state, answers), view, dropped)

    # What to show

    def show(
        self,
        state: RunState,
        rejection: Rejection | None = None,
        *,
        changed: Mapping[str, str | None] | None = None,
        view: View | None = None,
    ) -> Outcome:
        """Show what this state shows."""
        view = view or self.view
        return Outcome(
            state=state,
            changed=self.dropped if changed is None else changed,
            screen=screen_of(state, view),
            rejection=rejection,
            visible=view.questions,
        )

    def refuse(self, reason: RejectionReason, limit: int | None = None) -> Outcome:
        """Refuse the input: nothing changes, the current screen is shown again."""
        return self.show(self.state, Rejection(reason, limit))

    def nothing(self, *, submitted: bool = False) -> Outcome:
        """Change nothing and send nothing (a repeat, or the submission the caller thanks for)."""
        return Outcome(
            state=self.state,
            changed=self.dropped,
            screen=None,
            submitted=submitted,
            visible=self.view.questions,
        )

    # Inputs

    def typed(self, text: str) -> Outcome:
        """Read a typed reply by the stage (rule 6)."""
        stage = self.state.stage
        if not isinstance(text, str):
            return self.refuse("not_a_choice")
        if stage == "asking" and self.state.asked is not None:
            question = self.view.question(self.state.asked)
            ticked = self.typed_tick(question, _word(text))
            if ticked is not None:
                return ticked
            result = parse_answer(question, text)
            if isinstance(result, Accepted):
                return self.answer(question, result.value)
            return self.refuse(result.reason, result.limit)
        word = _word(text)
        if stage == "review" and word in _SUBMIT_WORDS:
            return self.submit()
        if stage == "review" and word in _CHANGE_WORDS:
            return self.change()
        number = int(word) if _NUMBER.fullmatch(word) else 0
        if stage == "choosing" and 1 <= number <= len(self.view.questions):
            return self.edit(self.view.indexes[number - 1])
        if stage == "choosing" and _NUMBER.fullmatch(word):
            return self.refuse("out_of_range", len(self.view.questions))
        if stage == "confirming" and word in _YES_WORDS | _NO_WORDS:
            return self.confirm(word in _YES_WORDS)
        return self.refuse("not_a_choice")

    def typed_tick(self, question: Question, word: str) -> Outcome | None:
        """On a multiple choice, one option's key or label typed ticks it; "Xong" is Done."""
        kind = kind_of(question)
        if kind.input != "ticks" or not word:
            return None
        index = self.view.indexes[self.view.numbers[question.key] - 1]
        if word == _DONE_WORD:
            return self.done(index)
        for position, option in enumerate(kind.options(question), start=1):
            if names(word, kind.button_key(question, position, option), option.label):
                return self.tick(index, position - 1)
        return None

    def pick(self, index: int, option: int) -> Outcome:
        """A tap on an option: answer, repeat, proposal or refusal (rules 1-4)."""
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
        """Toggle one option of the multiple choice asked (rule 5)."""
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
        """Store the ticked options of the multiple choice asked (rule 5)."""
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
        """Send the answers if every visible question has one (rule 7)."""
        if self.state.stage == "confirming":
            return self.refuse("stale")
        if not self.complete():
            return self.show(self.state)
        return self.nothing(submitted=True)

    def change(self) -> Outcome:
        """List the questions to change (rule 8)."""
        stage = self.state.stage
        if stage == "confirming":
            return self.refuse("stale")
        if not self.complete():
            return self.show(self.state)
        if stage == "choosing":
            return self.nothing()
        return self.show(RunState(self.state.answers, "choosing"))

    def edit(self, index: int) -> Outcome:
        """Ask an answered question again, from the list (rule 8)."""
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
        """Apply or drop the proposed change (rule 3)."""
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
        """Whether every visible question has an answer."""
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
            view = View.of(self.survey, answers)
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


def _picked(question: Question, option: int) -> str | None:
    """The value a tap on option #option stores, or None if the tap does not fit the question."""
    if option == SKIP_OPTION:
        return SKIPPED if question.optional else None
    kind = kind_of(question)
    if kind.input != "tap" or not isinstance(option, int):
        return None
    options = kind.options(question)
    return options[option].value if 0 <= option < len(options) else None


def _word(text: str) -> str:
    """A typed command word, folded: "Gửi" → "gui", "1️⃣" → "1"; "" for long text."""
    if len(text) > _WORD_MAX:
        return ""
    keys = typed_keys(text.translate(DECORATION))  # "Gửi ạ", "2." and "2)" read as the word
    return keys[-1] if keys else ""
