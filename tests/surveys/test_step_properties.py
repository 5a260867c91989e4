"""Property test of the step engine: any sequence of taps and typed replies keeps rule 10."""

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.engine import visible_questions
from surveys.kinds import MAX_TEXT_LENGTH, kind_of, split_choices
from surveys.labels import SKIPPED
from surveys.schema import Survey
from surveys.step import (
    Ask,
    Change,
    ChangeList,
    Confirm,
    ConfirmChange,
    Done,
    Edit,
    Input,
    Outcome,
    Pick,
    Proposal,
    Resume,
    Review,
    RunState,
    Submit,
    Tick,
    Typed,
    step,
)

# the toy survey (conftest): show_if on a yes/no, a single choice and a multiple choice, an
# optional text, a required text; 9 questions
KEYS = ["food", "sleep", "has_sent", "channel", "channel_why", "topics", "meals_detail"]
VALUES = ["1", "4", "0", "9", "yes", "no", "zalo", "letter", "meals", "meals,play", "", "x"]
WORDS = [
    "1", "2", "3", "4", "5", "0", "10", "có", "không", "đồng ý", "gửi", "sửa", "bỏ qua", "-",
    "1, 3", "13", "123", "xong", "Zalo", "An toàn, bữa ăn", "1️⃣", "x" * 3000, "", "  ",
    "²", "٣", "９", "\ud800", "\x00",
]  # fmt: skip

# runs well under way, where changing an answer hides or reveals questions
UNDER_WAY = [
    {"food": "4", "sleep": "5", "has_sent": "yes", "channel": "letter"},
    {
        "food": "4",
        "sleep": "5",
        "has_sent": "yes",
        "channel": "meeting",
        "channel_why": "",
        "topics": "meals,play",
        "meals_detail": "Thêm rau",
        "overall": "4",
        "comment": "",
    },
]
starts = st.sampled_from([RunState(), *(RunState(answers=answers) for answers in UNDER_WAY)])
saved_states = st.builds(
    RunState.from_json,
    st.fixed_dictionaries(
        {
            "answers": st.dictionaries(st.sampled_from([*KEYS, "junk"]), st.sampled_from(VALUES)),
            "stage": st.sampled_from(["asking", "review", "choosing", "confirming", "gone"]),
            "asked": st.sampled_from([*KEYS, None, "junk"]),
            "ticked": st.lists(st.sampled_from(["meals", "safety", "play", "zz"]), max_size=4),
            "proposal": st.none() | st.lists(st.sampled_from([*KEYS, *VALUES]), max_size=2),
        }
    ),
)
# An action is (what, a, b): resolved against the state when it is sent, so that most taps land
# on the buttons a parent sees (the question asked, earlier answers) and some are garbage.
actions = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=19),
        st.integers(min_value=0, max_value=40),
        st.integers(min_value=0, max_value=40),
    ),
    min_size=20,
    max_size=60,
)


def event_for(
    survey: Survey, state: RunState, action: tuple[int, int, int], texts: list[str]
) -> Input:
    """The input an action stands for in this state."""
    what, a, b = action
    questions = survey.questions
    asked = next((at for at, q in enumerate(questions) if q.key == state.asked), a % 12 - 2)
    answered = [at for at, q in enumerate(questions) if q.key in state.answers] or [asked]
    earlier = answered[a % len(answered)]
    if what <= 1 and state.stage == "confirming":
        return Confirm(yes=b % 3 != 0)
    if what <= 1 and state.stage in ("review", "choosing"):
        return Typed(WORDS[a % len(WORDS)])
    if what <= 3:  # answer the question asked (-1: skip)
        return Pick(asked, b % (len(option_list(survey, asked)) + 1) - 1)
    if what <= 6:  # tap an earlier answered question
        return Pick(earlier, b % (len(option_list(survey, earlier)) + 1) - 1)
    inputs: list[Input] = [
        Tick(asked, b % 4),
        Tick(earlier, b % 4),
        Done(asked),
        Confirm(yes=b % 3 != 0),
        Edit(a % 12 - 2),
        Submit(),
        Change(),
        Resume(),
        Typed(WORDS[a % len(WORDS)]),
        Typed(texts[a % len(texts)] if texts else ""),
        Pick(a - 2, b - 2),
        Tick(a - 2, b - 2),
        Done(a - 2) if b % 2 else Edit(a - 2),
    ]
    return inputs[what - 7]


def option_list(survey: Survey, at: int) -> list[str]:
    if not 0 <= at < len(survey.questions):
        return []
    question = survey.questions[at]
    return kind_of(question).choice_values(question)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    start=starts | saved_states,
    plan=actions,
    texts=st.lists(st.text(max_size=12), max_size=3),
)
def test_any_sequence_keeps_the_invariants(
    toy: Survey, start: RunState, plan: list[tuple[int, int, int]], texts: list[str]
) -> None:
    state = start
    for action in plan:
        event = event_for(toy, state, action, texts)
        before = step(toy, state, Resume()).state  # the state as the engine reads it
        outcome = step(toy, state, event)
        check_answers(toy, state, before, event, outcome)
        check_stage(toy, outcome)
        check_screen(toy, before, event, outcome)
        check_repeat(toy, event, outcome)
        state = outcome.state


def check_answers(
    survey: Survey, saved: RunState, before: RunState, event: Input, outcome: Outcome
) -> None:
    """Answers move only by what `changed` says, to valid values, never silently."""
    answers = outcome.state.answers
    assert outcome.visible == tuple(visible_questions(survey, answers))
    assert set(answers) <= {question.key for question in outcome.visible}
    expected = dict(saved.answers)
    written = [key for key, value in outcome.changed.items() if value is not None]
    for key, value in outcome.changed.items():
        if value is None:
            assert expected.pop(key) is not None
        else:
            expected[key] = value
            assert is_valid(survey, key, value), (key, value)
            stored = before.answers.get(key)
            confirmed = before.proposal == Proposal(key, value) and isinstance(
                event, Confirm | Typed
            )
            assert stored is None or confirmed or before.asked == key, "changed silently"
    assert expected == answers
    assert len(written) <= 1
    assert RunState.from_json(outcome.state.to_json()) == outcome.state
    # what the handler stores (the saved form and the answers) reads back as the same state
    restored = RunState.from_json({**outcome.saved(), "answers": dict(answers)})
    assert step(survey, restored, Resume()).state == outcome.state
    resumed = step(survey, outcome.state, Resume())
    assert resumed.state is outcome.state
    assert resumed.changed == {}


def check_stage(survey: Survey, outcome: Outcome) -> None:
    """The question asked is the first unanswered one; review only when all are answered."""
    state = outcome.state
    visible = {question.key for question in outcome.visible}
    first = next((q.key for q in outcome.visible if q.key not in state.answers), None)
    if first is not None:
        assert state.stage in ("asking", "confirming")
        assert state.asked == first
    elif state.stage == "asking":
        assert state.asked in visible  # changing an answer from the review
    elif state.stage in ("review", "choosing"):
        assert state.asked is None
    if state.stage == "confirming":
        assert state.proposal is not None
        assert state.answers.get(state.proposal.question) not in (None, state.proposal.value)
    else:
        assert state.proposal is None
    if state.ticked:
        assert state.asked is not None
        assert kind_of(survey.question(state.asked)).input == "ticks"


def check_screen(survey: Survey, before: RunState, event: Input, outcome: Outcome) -> None:
    """The screen shows the new state; nothing is shown only for a repeat or a submission."""
    state, screen = outcome.state, outcome.screen
    if screen is None:
        assert outcome.rejection is None
        assert state == before
        assert outcome.submitted or isinstance(event, Pick | Done | Change | Edit | Confirm)
    elif isinstance(screen, Ask):
        assert state.stage == "asking"
        assert screen.question.key == state.asked
        assert survey.questions[screen.index] == screen.question
        assert outcome.visible[screen.number - 1] == screen.question
        assert screen.total == len(outcome.visible)
        assert screen.ticked == state.ticked
    elif isinstance(screen, ConfirmChange):
        assert state.stage == "confirming"
        assert state.proposal is not None
        assert screen.question.key == state.proposal.question
    else:
        assert state.stage == ("review" if isinstance(screen, Review) else "choosing")
        assert isinstance(screen, Review | ChangeList)
        assert len(screen.lines) == len(outcome.visible)
    if outcome.rejection is not None:
        assert state.answers == before.answers
        assert all(value is None for value in outcome.changed.values())
    if outcome.submitted:
        assert all(question.key in state.answers for question in outcome.visible)


def check_repeat(survey: Survey, event: Input, outcome: Outcome) -> None:
    """The same tap again, right after it was accepted, changes nothing and sends nothing."""
    if not isinstance(event, Pick) or outcome.rejection is not None:
        return
    if survey.questions[event.question].key not in outcome.changed:
        return
    again = step(survey, outcome.state, event)
    assert (again.screen, again.changed, again.rejection) == (None, {}, None)
    assert again.state is outcome.state


def is_valid(survey: Survey, key: str, value: str) -> bool:
    question = survey.question(key)
    kind = kind_of(question)
    if value == SKIPPED:
        return question.optional
    if kind.input == "text":
        return len(value) <= MAX_TEXT_LENGTH and value == value.strip()
    parts = split_choices(value)
    limit = question.max_choices or 1
    return 1 <= len(parts) <= limit and set(parts) <= set(kind.choice_values(question))


def stage_samples(survey: Survey) -> list[RunState]:
    """One settled state of every kind: each question asked, a proposal, the review, the list."""
    complete = UNDER_WAY[1]
    states = [
        step(survey, RunState(answers=dict(list(complete.items())[:n])), Resume()).state
        for n in range(len(complete) + 1)
    ]
    review = states[-1]
    proposed = step(survey, review, Pick(0, 0)).state
    listed = step(survey, review, Change()).state
    editing = step(survey, listed, Edit(5)).state
    ticking = step(survey, states[5], Tick(5, 0)).state
    return [*states, proposed, listed, editing, ticking]


def test_every_input_in_every_stage_keeps_the_invariants(toy: Survey) -> None:
    """Exhaustively: every word and every button index, garbage included, in every stage."""
    indexes = range(-2, len(toy.questions) + 2)
    inputs: list[Input] = [
        *(Typed(word) for word in WORDS),
        *(Pick(at, option) for at in indexes for option in range(-2, 8)),
        *(Tick(at, option) for at in indexes for option in range(-2, 5)),
        *(event(at) for at in indexes for event in (Done, Edit)),
        *(Confirm(yes) for yes in (True, False)),
        Submit(),
        Change(),
        Resume(),
    ]
    for state in stage_samples(toy):
        for event in inputs:
            outcome = step(toy, state, event)
            check_answers(toy, state, state, event, outcome)
            check_stage(toy, outcome)
            check_screen(toy, state, event, outcome)
            check_repeat(toy, event, outcome)
