"""The step engine, rule by rule (see surveys/step.py), on the shipped preschool questionnaire."""

import pytest

from surveys.labels import (
    CHANGE_LABEL,
    CONFIRM_NO_LABEL,
    CONFIRM_YES_LABEL,
    DONE_LABEL,
    SKIPPED,
    SUBMIT_LABEL,
)
from surveys.schema import Survey
from surveys.step import (
    SKIP_OPTION,
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
    Rejection,
    RejectionReason,
    Resume,
    Review,
    RunState,
    Submit,
    Tick,
    Typed,
    initial_state,
    step,
)
from tests.surveys.steps import at, edit, run, settled, tap, tick

SCALE_ITEMS = [
    "tc_cong_khai",
    "tc_thu_tuc",
    "tc_lien_he",
    "csvc_phong_hoc",
    "csvc_bep_ve_sinh",
    "mt_an_toan",
    "mt_than_thien",
    "hd_cham_soc",
    "hd_hoc_choi",
    "kq_tien_bo",
]
BEFORE_WISHES = {
    **dict.fromkeys(SCALE_ITEMS, "4"),
    "pakn_da_gui": "no",
    "pakn_kenh": "4",
    "overall": "5",
}
COMPLETE = {**BEFORE_WISHES, "wishes": "tiep_can,pakn", "comment": "Cảm ơn cô"}


def asked(outcome: Outcome) -> str:
    assert isinstance(outcome.screen, Ask), outcome.screen
    return outcome.screen.question.key


def review(survey: Survey) -> RunState:
    state = settled(survey, dict(COMPLETE))
    assert state.stage == "review"
    return state


def assert_refused(outcome: Outcome, before: Outcome, reason: RejectionReason) -> None:
    """Rule 4: a refusal changes nothing and shows the current screen again."""
    assert outcome.rejection == Rejection(reason)
    assert outcome.state == before.state
    assert outcome.changed == {}
    assert outcome.screen == before.screen


# Rule 1: a tap on the question asked answers it.


def test_a_new_run_asks_question_one(preschool: Survey) -> None:
    outcome = step(preschool, initial_state(), Resume())
    assert outcome.screen == Ask(preschool.questions[0], index=0, number=1, total=15, ticked=())
    assert outcome.state == RunState(stage="asking", asked="tc_cong_khai")
    assert outcome.changed == {}
    assert outcome.visible == tuple(q for q in preschool.questions if q.show_if is None)


def test_a_tap_on_the_asked_question_answers_it_and_asks_the_next(preschool: Survey) -> None:
    outcome = run(preschool, tap(preschool, "tc_cong_khai", "4"))
    assert outcome.changed == {"tc_cong_khai": "4"}
    assert outcome.state.answers == {"tc_cong_khai": "4"}
    assert outcome.screen == Ask(preschool.questions[1], index=1, number=2, total=15, ticked=())
    assert outcome.rejection is None


def test_the_scale_level_is_its_own_button(preschool: Survey) -> None:
    outcome = run(preschool, Pick(0, 4), Pick(1, 5))
    assert outcome.state.answers == {"tc_cong_khai": "5", "tc_thu_tuc": "0"}


def test_a_yes_reveals_its_questions_and_numbers_follow(preschool: Survey) -> None:
    state = settled(preschool, {k: "4" for k in SCALE_ITEMS})
    outcome = run(preschool, tap(preschool, "pakn_da_gui", "yes"), state=state)
    assert isinstance(outcome.screen, Ask)
    assert (outcome.screen.number, outcome.screen.total) == (12, 17)
    assert [q.key for q in outcome.visible][11:14] == ["pakn_kenh", "pakn_xu_ly", "pakn_thong_bao"]


def test_the_last_answer_shows_the_review(preschool: Survey) -> None:
    state = settled(preschool, {k: v for k, v in COMPLETE.items() if k != "comment"})
    outcome = run(preschool, Typed("Cảm ơn cô"), state=state)
    assert outcome.changed == {"comment": "Cảm ơn cô"}
    assert outcome.state == RunState(answers=COMPLETE, stage="review")
    assert isinstance(outcome.screen, Review)
    assert [line.number for line in outcome.screen.lines] == list(range(1, 16))
    assert outcome.screen.lines[10].answer == "Không"
    assert (
        outcome.screen.lines[13].answer == "Tuyển sinh, thủ tục, khoản thu; Xử lý ý kiến, phản ánh"
    )


def test_skip_answers_an_optional_question(preschool: Survey) -> None:
    state = settled(preschool, {k: v for k, v in COMPLETE.items() if k != "comment"})
    outcome = run(preschool, Pick(at(preschool, "comment"), SKIP_OPTION), state=state)
    assert outcome.changed == {"comment": SKIPPED}
    assert isinstance(outcome.screen, Review)
    assert outcome.screen.lines[-1].answer == "(bỏ qua)"


# Rule 2: a repeated tap changes nothing and sends nothing.


@pytest.mark.parametrize("value", ["4", "5"])
def test_a_double_tap_sends_nothing(preschool: Survey, value: str) -> None:
    first = run(preschool, tap(preschool, "tc_cong_khai", value))
    again = step(preschool, first.state, tap(preschool, "tc_cong_khai", value))
    assert again.screen is None
    assert again.changed == {}
    assert again.rejection is None
    assert again.state is first.state


def test_a_tap_with_the_same_value_after_moving_on_sends_nothing(preschool: Survey) -> None:
    moved = run(preschool, Pick(0, 3), Pick(1, 3), Pick(2, 3))
    again = step(preschool, moved.state, Pick(0, 3))
    assert (again.screen, again.changed, again.state) == (None, {}, moved.state)


def test_a_repeated_done_sends_nothing(preschool: Survey) -> None:
    state = settled(preschool, dict(BEFORE_WISHES))
    wishes = at(preschool, "wishes")
    done = run(preschool, tick(preschool, "wishes", "pakn"), Done(wishes), state=state)
    assert done.changed == {"wishes": "pakn"}
    again = step(preschool, done.state, Done(wishes))
    assert (again.screen, again.changed, again.state) == (None, {}, done.state)


def test_repeated_review_buttons_send_nothing(preschool: Survey) -> None:
    listed = run(preschool, Change(), state=review(preschool))
    assert isinstance(listed.screen, ChangeList)
    assert step(preschool, listed.state, Change()).screen is None
    editing = step(preschool, listed.state, edit(preschool, "overall"))
    assert asked(editing) == "overall"
    assert step(preschool, editing.state, edit(preschool, "overall")).screen is None


# Rule 3: a different value on an earlier question is proposed, never applied silently.


def test_a_different_value_on_an_earlier_question_is_proposed(preschool: Survey) -> None:
    moved = run(preschool, Pick(0, 3), Pick(1, 3))
    proposed = step(preschool, moved.state, tap(preschool, "tc_cong_khai", "5"))
    assert proposed.changed == {}
    assert proposed.state.answers == moved.state.answers
    assert proposed.state.stage == "confirming"
    assert proposed.state.proposal == Proposal("tc_cong_khai", "5")
    assert proposed.screen == ConfirmChange(
        preschool.questions[0], index=0, number=1, old="Hài lòng", new="Rất hài lòng"
    )


def test_yes_applies_the_change_and_goes_on(preschool: Survey) -> None:
    moved = run(preschool, Pick(0, 3), Pick(1, 3), Pick(0, 4))
    outcome = step(preschool, moved.state, Confirm(yes=True))
    assert outcome.changed == {"tc_cong_khai": "5"}
    assert outcome.state == RunState(
        answers={"tc_cong_khai": "5", "tc_thu_tuc": "4"}, asked="tc_lien_he"
    )
    assert asked(outcome) == "tc_lien_he"


def test_no_keeps_the_answer_and_shows_the_asked_question_again(preschool: Survey) -> None:
    moved = run(preschool, Pick(0, 3), Pick(1, 3))
    outcome = run(preschool, Pick(0, 4), Confirm(yes=False), state=moved.state)
    assert outcome.changed == {}
    assert outcome.state == moved.state
    assert outcome.screen == moved.screen


@pytest.mark.parametrize(
    ("typed", "applied"),
    [
        ("có", True),
        ("Đồng ý", True),
        ("1", True),
        ("1️⃣", True),
        (CONFIRM_YES_LABEL, True),
        ("không", False),
        ("ko", False),
        ("2", False),
        (CONFIRM_NO_LABEL, False),
    ],
)
def test_typed_yes_or_no_answers_the_proposal(preschool: Survey, typed: str, applied: bool) -> None:
    moved = run(preschool, Pick(0, 3), Pick(1, 3), Pick(0, 4))
    outcome = step(preschool, moved.state, Typed(typed))
    assert outcome.state.answers["tc_cong_khai"] == ("5" if applied else "4")
    assert outcome.state.stage == "asking"
    assert asked(outcome) == "tc_lien_he"


def test_another_tap_replaces_the_proposal(preschool: Survey) -> None:
    moved = run(preschool, Pick(0, 3), Pick(1, 3), Pick(0, 4))
    replaced = step(preschool, moved.state, Pick(1, 0))
    assert replaced.state.proposal == Proposal("tc_thu_tuc", "1")
    assert isinstance(replaced.screen, ConfirmChange)
    assert (replaced.screen.old, replaced.screen.new) == ("Hài lòng", "Rất không hài lòng")
    assert step(preschool, replaced.state, Pick(1, 0)).screen is None


def test_a_change_from_the_review_returns_to_the_review(preschool: Survey) -> None:
    state = review(preschool)
    no = run(preschool, tap(preschool, "overall", "3"), Confirm(yes=False), state=state)
    assert no.state == state
    assert isinstance(no.screen, Review)
    yes = run(preschool, tap(preschool, "overall", "3"), Confirm(yes=True), state=state)
    assert yes.changed == {"overall": "3"}
    assert yes.state == RunState(answers={**COMPLETE, "overall": "3"}, stage="review")


def test_a_confirmed_change_drops_the_answers_it_hides(preschool: Survey) -> None:
    answers = {**COMPLETE, "pakn_da_gui": "yes", "pakn_xu_ly": "4", "pakn_thong_bao": "5"}
    state = settled(preschool, answers)
    outcome = run(preschool, tap(preschool, "pakn_da_gui", "no"), Confirm(yes=True), state=state)
    assert outcome.changed == {"pakn_da_gui": "no", "pakn_xu_ly": None, "pakn_thong_bao": None}
    assert outcome.state.answers == COMPLETE
    assert isinstance(outcome.screen, Review)


def test_a_confirmed_change_that_reveals_questions_asks_them(preschool: Survey) -> None:
    outcome = run(
        preschool, tap(preschool, "pakn_da_gui", "yes"), Confirm(yes=True), state=review(preschool)
    )
    assert asked(outcome) == "pakn_xu_ly"
    assert outcome.state.stage == "asking"


def test_a_tap_on_the_asked_question_while_confirming_answers_it(preschool: Survey) -> None:
    moved = run(preschool, Pick(0, 3), Pick(0, 4))
    outcome = step(preschool, moved.state, Pick(1, 2))
    assert outcome.changed == {"tc_thu_tuc": "3"}
    assert outcome.state.proposal is None
    assert asked(outcome) == "tc_lien_he"
    assert step(preschool, outcome.state, Confirm(yes=True)).screen is None


# Rule 4: stale and hidden taps are refused, and the parent sees where they are.


@pytest.mark.parametrize(
    "event",
    [
        Pick(-1, 0),
        Pick(17, 0),
        Pick(10**12, 0),
        Pick(0, 6),
        Pick(0, -2),
        Pick(0, SKIP_OPTION),
        Pick(3, 3),
        Tick(1, 0),
        Done(1),
        Edit(99),
        Tick(-5, 0),
    ],
    ids=repr,
)
def test_stale_inputs_are_refused(preschool: Survey, event: Input) -> None:
    current = run(preschool, Pick(0, 3))
    assert_refused(step(preschool, current.state, event), current, "stale")


def test_inputs_that_do_not_fit_the_kind_are_stale(preschool: Survey) -> None:
    current = run(preschool, state=settled(preschool, dict(BEFORE_WISHES)))
    assert asked(current) == "wishes"
    assert_refused(
        step(preschool, current.state, Pick(at(preschool, "wishes"), 0)), current, "stale"
    )
    assert_refused(
        step(preschool, current.state, Tick(at(preschool, "wishes"), 7)), current, "stale"
    )
    assert_refused(
        step(preschool, current.state, Pick(at(preschool, "comment"), 0)), current, "stale"
    )


def test_a_tap_on_a_hidden_question_is_refused_as_hidden(preschool: Survey) -> None:
    current = run(preschool, state=settled(preschool, {**BEFORE_WISHES}))
    for key in ("pakn_xu_ly", "pakn_thong_bao"):
        assert_refused(step(preschool, current.state, tap(preschool, key, "4")), current, "hidden")
        assert_refused(step(preschool, current.state, edit(preschool, key)), current, "hidden")


# Rule 5: ticks.


def test_ticks_toggle_and_done_stores_them_in_option_order(preschool: Survey) -> None:
    state = settled(preschool, dict(BEFORE_WISHES))
    wishes = at(preschool, "wishes")
    ticked = run(
        preschool,
        tick(preschool, "wishes", "pakn"),
        tick(preschool, "wishes", "tiep_can"),
        tick(preschool, "wishes", "ket_qua"),
        tick(preschool, "wishes", "ket_qua"),
        state=state,
    )
    assert ticked.changed == {}
    assert ticked.state.ticked == ("pakn", "tiep_can")
    assert isinstance(ticked.screen, Ask)
    assert ticked.screen.ticked == ("pakn", "tiep_can")
    done = step(preschool, ticked.state, Done(wishes))
    assert done.changed == {"wishes": "tiep_can,pakn"}
    assert done.state.ticked == ()
    assert asked(done) == "comment"


def test_too_many_ticks_are_refused_with_the_limit(preschool: Survey) -> None:
    state = settled(preschool, dict(BEFORE_WISHES))
    three = run(
        preschool,
        *(tick(preschool, "wishes", v) for v in ("pakn", "moi_truong", "ket_qua")),
        state=state,
    )
    fourth = step(preschool, three.state, tick(preschool, "wishes", "hoat_dong"))
    assert fourth.rejection == Rejection("too_many", 3)
    assert fourth.state == three.state
    assert fourth.screen == three.screen


def test_done_with_nothing_ticked_is_refused(preschool: Survey) -> None:
    current = run(preschool, state=settled(preschool, dict(BEFORE_WISHES)))
    assert_refused(step(preschool, current.state, Done(at(preschool, "wishes"))), current, "empty")


def test_ticks_on_an_earlier_multiple_choice_are_stale(preschool: Survey) -> None:
    current = run(preschool, state=settled(preschool, {**BEFORE_WISHES, "wishes": "pakn"}))
    assert asked(current) == "comment"
    assert_refused(
        step(preschool, current.state, tick(preschool, "wishes", "pakn")), current, "stale"
    )


def test_editing_a_multiple_choice_starts_from_its_ticks(preschool: Survey) -> None:
    editing = run(preschool, Change(), edit(preschool, "wishes"), state=review(preschool))
    assert editing.state.ticked == ("tiep_can", "pakn")
    assert isinstance(editing.screen, Ask)
    assert editing.screen.ticked == ("tiep_can", "pakn")
    done = run(
        preschool,
        tick(preschool, "wishes", "pakn"),
        Done(at(preschool, "wishes")),
        state=editing.state,
    )
    assert done.changed == {"wishes": "tiep_can"}
    assert isinstance(done.screen, Review)


# Rule 6: typed replies are read by the stage.


@pytest.mark.parametrize(
    ("typed", "value"),
    [("5", "5"), ("rat hai long", "5"), ("Hài lòng", "4"), ("0", "0"), ("không rõ", "0")],
)
def test_typed_answers_the_asked_question(preschool: Survey, typed: str, value: str) -> None:
    outcome = run(preschool, Typed(typed))
    assert outcome.changed == {"tc_cong_khai": value}
    assert asked(outcome) == "tc_thu_tuc"


@pytest.mark.parametrize(
    ("typed", "rejection"),
    [
        ("7", Rejection("out_of_range", 5)),
        ("gửi", Rejection("not_a_choice")),
        ("   ", Rejection("empty")),
        ("x" * 100_000, Rejection("not_a_choice")),
    ],
)
def test_typed_nonsense_is_refused_and_asked_again(
    preschool: Survey, typed: str, rejection: Rejection
) -> None:
    current = run(preschool)
    outcome = step(preschool, current.state, Typed(typed))
    assert outcome.rejection == rejection
    assert (outcome.state, outcome.screen, outcome.changed) == (current.state, current.screen, {})


def test_typed_multiple_choice_and_its_limit(preschool: Survey) -> None:
    current = run(preschool, state=settled(preschool, dict(BEFORE_WISHES)))
    too_many = step(preschool, current.state, Typed("1, 2, 3, 4"))
    assert too_many.rejection == Rejection("too_many", 3)
    assert too_many.screen == current.screen
    outcome = step(preschool, current.state, Typed("7 1"))
    assert outcome.changed == {"wishes": "tiep_can,pakn"}


def test_typed_keys_and_labels_tick_a_multiple_choice_as_its_buttons_do(
    preschool: Survey,
) -> None:
    current = run(preschool, state=settled(preschool, dict(BEFORE_WISHES)))
    ticked = run(preschool, Typed("7"), Typed("cơ sở vật chất"), Typed("2"), state=current.state)
    assert ticked.changed == {}
    assert ticked.state.ticked == ("pakn",)
    assert ticked.screen == Ask(preschool.questions[15], 15, 14, 15, ("pakn",))
    done = step(preschool, ticked.state, Typed("xong"))
    assert done.changed == {"wishes": "pakn"}
    empty = step(preschool, current.state, Typed(DONE_LABEL))
    assert empty.rejection == Rejection("empty")


def test_typed_text_too_long(preschool: Survey) -> None:
    state = settled(preschool, {k: v for k, v in COMPLETE.items() if k != "comment"})
    outcome = run(preschool, Typed("a" * 2001), state=state)
    assert outcome.rejection == Rejection("too_long", 2000)
    assert step(preschool, state, Typed("bỏ qua")).changed == {"comment": SKIPPED}


@pytest.mark.parametrize("typed", ["1", "gửi", "GUI", "Gửi phiếu", SUBMIT_LABEL, "gui."])
def test_typed_submit_on_the_review(preschool: Survey, typed: str) -> None:
    outcome = step(preschool, review(preschool), Typed(typed))
    assert outcome.submitted
    assert outcome.screen is None


@pytest.mark.parametrize("typed", ["2", "sửa", "SUA", CHANGE_LABEL])
def test_typed_change_on_the_review(preschool: Survey, typed: str) -> None:
    outcome = step(preschool, review(preschool), Typed(typed))
    assert isinstance(outcome.screen, ChangeList)
    assert outcome.state.stage == "choosing"


@pytest.mark.parametrize("typed", ["3", "có", "", "x" * 5000])
def test_other_words_on_the_review_are_refused(preschool: Survey, typed: str) -> None:
    state = review(preschool)
    outcome = step(preschool, state, Typed(typed))
    assert outcome.rejection == Rejection("not_a_choice")
    assert outcome.state is state
    assert isinstance(outcome.screen, Review)


def test_a_typed_number_picks_the_question_to_change(preschool: Survey) -> None:
    listed = run(preschool, Change(), state=review(preschool))
    outcome = step(preschool, listed.state, Typed("14"))
    assert asked(outcome) == "wishes"
    for typed in ("mười", "-1", "²", "٣", "1" * 5000):
        refused = step(preschool, listed.state, Typed(typed))
        assert refused.rejection == Rejection("not_a_choice")
        assert refused.screen == listed.screen
    for typed in ("0", "16", "16."):  # a number beyond the list gets the list's range
        refused = step(preschool, listed.state, Typed(typed))
        assert refused.rejection == Rejection("out_of_range", 15)
        assert refused.screen == listed.screen


def test_other_words_while_confirming_are_refused(preschool: Survey) -> None:
    proposed = run(preschool, Pick(0, 3), Pick(0, 4))
    outcome = step(preschool, proposed.state, Typed("5"))
    assert outcome.rejection == Rejection("not_a_choice")
    assert (outcome.state, outcome.screen) == (proposed.state, proposed.screen)


# Rule 7: submit.


def test_submit_when_complete(preschool: Survey) -> None:
    state = review(preschool)
    outcome = step(preschool, state, Submit())
    assert outcome.submitted
    assert (outcome.screen, outcome.changed, outcome.state) == (None, {}, state)


def test_submit_with_a_question_unanswered_asks_it(preschool: Survey) -> None:
    state = RunState(answers={k: v for k, v in COMPLETE.items() if k != "overall"}, stage="review")
    outcome = step(preschool, state, Submit())
    assert not outcome.submitted
    assert asked(outcome) == "overall"


def test_review_buttons_wait_for_a_pending_proposal(preschool: Survey) -> None:
    proposed = run(preschool, tap(preschool, "overall", "1"), state=review(preschool))
    for event in (Submit(), Change(), edit(preschool, "overall")):
        assert_refused(step(preschool, proposed.state, event), proposed, "stale")


# Rule 8: change from the review.


def test_change_lists_the_questions_then_edit_asks_one_again(preschool: Survey) -> None:
    listed = run(preschool, Change(), state=review(preschool))
    assert isinstance(listed.screen, ChangeList)
    assert [line.key for line in listed.screen.lines] == [q.key for q in listed.visible]
    editing = step(preschool, listed.state, edit(preschool, "tc_lien_he"))
    assert editing.state == RunState(answers=COMPLETE, stage="asking", asked="tc_lien_he")
    assert editing.screen == Ask(preschool.questions[2], index=2, number=3, total=15, ticked=())
    changed = step(preschool, editing.state, tap(preschool, "tc_lien_he", "2"))
    assert changed.changed == {"tc_lien_he": "2"}
    assert isinstance(changed.screen, Review)


def test_editing_with_the_same_answer_returns_to_the_review(preschool: Survey) -> None:
    editing = run(preschool, Change(), edit(preschool, "overall"), state=review(preschool))
    outcome = step(preschool, editing.state, tap(preschool, "overall", "5"))
    assert outcome.changed == {}
    assert isinstance(outcome.screen, Review)


def test_change_or_edit_before_the_end_is_stale_or_asks(preschool: Survey) -> None:
    current = run(preschool, Pick(0, 3))
    assert step(preschool, current.state, Change()).screen == current.screen
    assert_refused(step(preschool, current.state, Edit(0)), current, "stale")


# Rule 9: resume repairs what no longer holds.


def test_resume_changes_nothing_on_a_settled_state(preschool: Survey) -> None:
    current = run(preschool, Pick(0, 3), Pick(1, 3), Pick(0, 4))
    again = step(preschool, current.state, Resume())
    assert again.state is current.state
    assert (again.screen, again.changed) == (current.screen, {})


def test_resume_drops_answers_to_unknown_and_hidden_questions(preschool: Survey) -> None:
    state = RunState(
        answers={"tc_cong_khai": "4", "retired": "5", "pakn_xu_ly": "3"},
        stage="review",
        asked="retired",
        ticked=("pakn",),
        proposal=Proposal("retired", "1"),
    )
    outcome = step(preschool, state, Resume())
    assert outcome.changed == {"retired": None, "pakn_xu_ly": None}
    assert outcome.state == RunState(answers={"tc_cong_khai": "4"}, asked="tc_thu_tuc")
    assert asked(outcome) == "tc_thu_tuc"


@pytest.mark.parametrize(
    "state",
    [
        RunState(answers=COMPLETE, stage="asking"),
        RunState(answers=COMPLETE, stage="asking", asked="pakn_xu_ly"),
        RunState(answers=COMPLETE, stage="confirming", proposal=Proposal("overall", "5")),
        RunState(answers=COMPLETE, stage="confirming", proposal=Proposal("overall", "9")),
        RunState(answers=COMPLETE, stage="confirming", proposal=Proposal("wishes", "pakn")),
        RunState(answers=COMPLETE, stage="confirming"),
        RunState(answers=COMPLETE, stage="choosing", asked="overall", ticked=("x",)),
    ],
    ids=repr,
)
def test_resume_of_a_complete_run_shows_the_review_or_the_list(
    preschool: Survey, state: RunState
) -> None:
    outcome = step(preschool, state, Resume())
    expected = ChangeList if state.stage == "choosing" else Review
    assert isinstance(outcome.screen, expected)
    assert outcome.state.asked is None
    assert outcome.state.proposal is None
    assert outcome.changed == {}


def test_resume_keeps_a_valid_proposal_and_ticks(preschool: Survey) -> None:
    answers = {**BEFORE_WISHES}
    state = RunState(
        answers=answers,
        stage="confirming",
        asked="wishes",
        ticked=("pakn", "fees", "pakn", "ket_qua"),
        proposal=Proposal("overall", "3"),
    )
    outcome = step(preschool, state, Resume())
    assert outcome.state.ticked == ("pakn", "ket_qua")
    assert isinstance(outcome.screen, ConfirmChange)
    back = step(preschool, outcome.state, Confirm(yes=False))
    assert back.screen == Ask(preschool.questions[15], 15, 14, 15, ("pakn", "ket_qua"))


def test_a_confirmed_change_keeps_the_ticks_of_the_asked_question(preschool: Survey) -> None:
    state = settled(preschool, dict(BEFORE_WISHES))
    outcome = run(
        preschool,
        tick(preschool, "wishes", "pakn"),
        tap(preschool, "overall", "3"),
        Confirm(yes=True),
        state=state,
    )
    assert outcome.changed == {"overall": "3"}
    assert outcome.state.ticked == ("pakn",)
    assert asked(outcome) == "wishes"


# The state as JSON.


def test_state_round_trips_through_json(preschool: Survey) -> None:
    state = RunState(
        answers={"a": "1"},
        stage="confirming",
        asked="wishes",
        ticked=("pakn",),
        proposal=Proposal("a", "2"),
    )
    assert RunState.from_json(state.to_json()) == state
    assert RunState.from_json(RunState().to_json()) == RunState()


@pytest.mark.parametrize(
    "data",
    [
        {},
        None,
        "asking",
        [],
        {"answers": [1], "stage": "done", "asked": 3, "ticked": "ab", "proposal": {"x": 1}},
        {"answers": {"a": 1, 2: "b"}, "ticked": [1, None], "proposal": ["q", 5]},
    ],
)
def test_malformed_json_reads_as_a_fresh_run(data: object) -> None:
    assert RunState.from_json(data) == RunState()
