"""A parent answering a questionnaire: load the run, take one step of the engine, save, show.

Every tap and typed reply of a run goes through `_advance`: the engine (surveys/step.py) alone
decides what the input means for the run's state — an answer, a repeat that changes nothing, a
change to an earlier answer that must be confirmed, or a refusal — and this module stores what
it changed and shows what it asks for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlalchemy import select

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models.waves import CompletionReceipt, SurveyRun, Wave
from handlers import asking, texts
from handlers.authorities.scope import officer_scope
from handlers.people import has_consent, places_of
from handlers.release import hold_answers
from handlers.runs import (
    apply_changes,
    drop_run,
    find_or_start_run,
    has_submitted,
    is_open,
    prefetch_runs,
    run_by_token,
)
from handlers.waves import StartSurvey, open_waves_for, staff_menu, start_choices
from surveys import labels
from surveys.engine import SummaryLine, visible_questions
from surveys.kinds import kind_of
from surveys.options import label_of
from surveys.run_view import View
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
    Resume,
    Review,
    RunState,
    Screen,
    Submit,
    Tick,
    Typed,
    step,
)


class Answering(FlowState):
    """The run whose questions typed replies answer."""

    run: str


SURVEY = Flow("survey", Answering, cancelled=texts.CANCELLED)


class PickAnswer(Button, verb="a", typed=False):
    """One option of a question answered with one tap."""

    wave: int
    run: str
    question: int
    option: int


class SkipAnswer(Button, verb="sk", typed=False, aside=True):
    """ "Bỏ qua" on an optional question."""

    wave: int
    run: str
    question: int


class TickAnswer(Button, verb="m", typed=False):
    """Ticks or unticks one option of a question with several answers."""

    wave: int
    run: str
    question: int
    option: int


class DoneTicking(Button, verb="d", typed=False):
    """ "Xong" under a question with several answers."""

    wave: int
    run: str
    question: int


class SubmitRun(Button, verb="r", typed=False):
    """ "Gửi phiếu" under the review."""

    wave: int
    run: str


class ChangeRun(Button, verb="rc", typed=False):
    """ "Sửa câu trả lời" under the review."""

    wave: int
    run: str


class EditAnswer(Button, verb="e", typed=False):
    """A question number picked from the review, to answer it again."""

    wave: int
    run: str
    question: int


class ConfirmEdit(Button, verb="cf", typed=False):
    """Yes or no to changing an earlier answer."""

    wave: int
    run: str
    yes: bool


# the buttons of one parent's run: each carries the wave (to tell "already sent" from "gone");
# none is matched by the dispatcher to typed text, which only the engine reads (typed=False)
RUN_BUTTONS = (
    PickAnswer,
    SkipAnswer,
    TickAnswer,
    DoneTicking,
    SubmitRun,
    ChangeRun,
    EditAnswer,
    ConfirmEdit,
)

REJECTIONS = {
    "not_a_choice": texts.INVALID_CHOICE,
    "too_many": texts.INVALID_TOO_MANY,
    "empty": texts.INVALID_EMPTY,
    "too_long": texts.INVALID_TOO_LONG,
    "out_of_range": texts.CHOOSE_IN_RANGE,
    "stale": texts.STALE_BUTTON,
    "hidden": texts.QUESTION_HIDDEN,
}


async def prefetch_runs_of(contexts: Sequence[Context]) -> None:
    """Reads at once the questionnaires a batch of answers and survey buttons belong to."""
    tokens: set[str] = set()
    for ctx in contexts:
        if isinstance(ctx.button, RUN_BUTTONS):
            tokens.add(ctx.button.run)
        elif (answering := ctx.flow_state(SURVEY)) is not None:
            tokens.add(answering.run)
    if tokens:
        await prefetch_runs(contexts[0].work, tokens)


async def list_surveys(ctx: Context) -> None:
    """Lists the surveys open for this parent (and the staff menu for staff)."""
    person = ctx.person
    if person is None:
        ctx.reply(texts.SURVEYS_NEED_CLASS)
        return
    if await places_of(ctx.session, person.id, "teacher", "principal"):
        await staff_menu(ctx)
        return
    if not await places_of(ctx.session, person.id, "parent"):
        officer = await officer_scope(ctx.session, person.id) is not None
        ctx.reply(texts.SURVEYS_FOR_OFFICERS if officer else texts.SURVEYS_NEED_CLASS)
    elif not await has_consent(ctx.session, person.id, "surveys"):
        ctx.reply(texts.SURVEYS_NEED_CONSENT)
    else:
        waves = await open_waves_for(ctx.session, person.id, ctx.now)
        started = set(
            await ctx.session.scalars(
                select(SurveyRun.wave_id).where(SurveyRun.person_id == person.id)
            )
        )
        if waves:
            ctx.reply(texts.SURVEYS_OPEN, start_choices(waves, resumable=started))
        else:
            ctx.reply(texts.SURVEYS_NONE)


async def open_survey(ctx: Context, tap: StartSurvey) -> None:
    """Starts the chosen wave, or resumes it where the parent left off."""
    wave = await ctx.session.get(Wave, tap.wave)
    person = ctx.person
    if wave is None or person is None:
        ctx.reply(texts.STALE_BUTTON)
    elif not is_open(wave, ctx.now):
        ctx.reply(texts.WAVE_CLOSED)
    elif await has_submitted(ctx, wave.id, person.id):
        ctx.reply(texts.ALREADY_SUBMITTED)
    elif not await has_consent(ctx.session, person.id, "surveys"):
        ctx.reply(texts.SURVEYS_NEED_CONSENT)
    else:
        run = await find_or_start_run(ctx, wave, person.id)
        if run is None:  # not a parent of a class this wave covers
            ctx.reply(texts.STALE_BUTTON)
            return
        found = await run_by_token(ctx, run.token)
        if not (found and found[2]):
            survey = ctx.services.catalog.get(run.survey_key, run.survey_version)
            ctx.reply(intro_text(wave.title, survey))
        await _advance(ctx, wave.id, run.token, Resume())


def intro_text(title: str, survey: Survey) -> str:
    """The first message of a questionnaire: its intro, its length, then its note."""
    intro = survey.intro + " " + length_text(survey)
    if survey.note:
        intro += "\n" + texts.SURVEY_INTRO_NOTE.format(note=survey.note)
    return texts.SURVEY_INTRO.format(title=title, intro=intro)


# a tap on a 1–5 scale takes a parent about 10 s to read and answer; 12 s leaves room for the
# odd typed answer, so 25 questions read "5 phút" and a one-question pulse "chưa tới 1 phút"
SECONDS_PER_QUESTION = 12


def length_text(survey: Survey) -> str:
    """ "Phiếu có 25 câu, mất khoảng 5 phút.", counted from the questions a parent first sees."""
    questions = len(visible_questions(survey, {}))
    minutes = math.ceil(questions * SECONDS_PER_QUESTION / 60)
    if minutes <= 1:
        return texts.SURVEY_LENGTH_SHORT.format(questions=questions)
    return texts.SURVEY_LENGTH.format(questions=questions, minutes=minutes)


async def pick(ctx: Context, tap: PickAnswer) -> None:
    """Answers a question with the tapped option (or asks to confirm changing an earlier one)."""
    await _advance(ctx, tap.wave, tap.run, Pick(tap.question, tap.option))


async def skip(ctx: Context, tap: SkipAnswer) -> None:
    """Skips an optional question."""
    await _advance(ctx, tap.wave, tap.run, Pick(tap.question, SKIP_OPTION))


async def tick(ctx: Context, tap: TickAnswer) -> None:
    """Ticks or unticks one option of a question with several answers."""
    await _advance(ctx, tap.wave, tap.run, Tick(tap.question, tap.option))


async def done_ticking(ctx: Context, tap: DoneTicking) -> None:
    """Stores the ticked options and moves on."""
    await _advance(ctx, tap.wave, tap.run, Done(tap.question))


async def submit(ctx: Context, tap: SubmitRun) -> None:
    """Sends the reviewed questionnaire."""
    await _advance(ctx, tap.wave, tap.run, Submit())


async def change(ctx: Context, tap: ChangeRun) -> None:
    """Lists the questions the parent may change before sending."""
    await _advance(ctx, tap.wave, tap.run, Change())


async def edit(ctx: Context, tap: EditAnswer) -> None:
    """Asks again the question picked from the review."""
    await _advance(ctx, tap.wave, tap.run, Edit(tap.question))


async def confirm(ctx: Context, tap: ConfirmEdit) -> None:
    """Changes the earlier answer, or keeps it, as the parent confirmed."""
    await _advance(ctx, tap.wave, tap.run, Confirm(tap.yes))


async def answer_typed(ctx: Context) -> None:
    """Answers the question being asked with what the parent typed."""
    answering = ctx.flow_state(SURVEY)
    if answering is None:
        ctx.end_flow()
        ctx.reply(texts.UNKNOWN_TEXT)
        return
    found = await run_by_token(ctx, answering.run)
    wave_id = found[1].id if found else 0
    await _advance(ctx, wave_id, answering.run, Typed(ctx.inbound.text))


async def _advance(ctx: Context, wave_id: int, token: str, event: Input) -> None:
    """Load the run, take one engine step, store what changed, show what comes next."""
    found = await run_by_token(ctx, token)
    person = ctx.person
    if found is None or person is None or found[0].person_id != person.id:
        gone = person is not None and await has_submitted(ctx, wave_id, person.id)
        ctx.reply(texts.ALREADY_SUBMITTED if gone else texts.RUN_GONE)
        return
    run, wave, answers = found
    if not is_open(wave, ctx.now):
        ctx.end_flow()
        ctx.reply(texts.WAVE_CLOSED)
        return
    survey = ctx.services.catalog.get(run.survey_key, run.survey_version)
    state = RunState.from_json({**run.state, "answers": answers})
    outcome = step(survey, state, event)
    if outcome.changed:
        await apply_changes(ctx, run, outcome.changed)
    saved = outcome.saved()
    if saved != run.state:  # most answers change only the answers, not where the run stands
        run.state = saved
    if outcome.submitted:
        given = outcome.state.answers
        review = _review_text(View.of(survey, given).lines(given)) if ctx.can_edit else ""
        await _store_response(ctx, run, dict(given), review)
        return
    replace_tapped = _replaces_tapped(event, outcome)
    if outcome.rejection is not None:
        reason = outcome.rejection
        ctx.reply(REJECTIONS[reason.reason].format(max=reason.limit))
    if outcome.screen is not None:
        answering = ctx.flow_state(SURVEY)
        if answering is None or answering.run != run.token:
            ctx.start_flow(SURVEY, Answering(run=run.token))
        note = _settled_change(event, state, outcome)
        kept = _answered_form(ctx, event, survey, state, outcome) if replace_tapped else None
        if kept is not None:  # the tapped message keeps what it asked, with the answer
            ctx.reply(kept, edit=True)
        edit = replace_tapped and kept is None
        _show(ctx, wave.id, run.token, survey, outcome.screen, edit=edit, note=note)
    typed_text = event.text if isinstance(event, Typed) else ""
    if outcome.rejection is not None and asking.looks_like_sentence(typed_text, answering=True):
        asking.offer_during(ctx, typed_text)  # a question, not an answer: offer to send it


def _answered_form(
    ctx: Context, event: Input, survey: Survey, state: RunState, outcome: Outcome
) -> str | None:
    """What the tapped message becomes once answered: the question with its answer, or the
    review with the question picked to change; None when it simply moves on."""
    if not ctx.can_edit:
        return None  # a typed answer: the parent's own message already shows it
    if isinstance(event, Pick | Done):
        question = survey.questions[event.question]
        value = outcome.state.answers.get(question.key)
        numbers = [q.key for q in outcome.visible]
        if value is None or question.key not in numbers:
            return None
        asked = texts.QUESTION.format(
            number=numbers.index(question.key) + 1, total=len(numbers), text=question.text
        )
        return texts.ANSWERED.format(asked=asked, answer=label_of(question, value))
    if isinstance(event, Edit) and isinstance(outcome.screen, Ask):
        lines = View.of(survey, state.answers).lines(state.answers)
        picked = texts.CHANGE_PICKED.format(number=outcome.screen.number)
        return texts.ANSWERED.format(asked=_review_text(lines), answer=picked)
    return None


def _review_text(lines: Sequence[SummaryLine]) -> str:
    """The review: its heading, then each visible question with its answer."""
    rows = [
        texts.REVIEW_LINE.format(number=line.number, text=line.text, answer=line.answer)
        for line in lines
    ]
    return "\n".join([texts.REVIEW, *rows])


def _settled_change(event: Input, state: RunState, outcome: Outcome) -> str:
    """After yes or no to changing an earlier answer, a line saying which way it went."""
    proposal = state.proposal
    if not isinstance(event, Confirm) or proposal is None or outcome.rejection is not None:
        return ""
    numbers = {question.key: n for n, question in enumerate(outcome.visible, start=1)}
    number = numbers.get(proposal.question)
    if number is None:
        return ""
    if not event.yes:
        return texts.CHANGE_KEPT.format(number=number)
    question = outcome.visible[number - 1]
    return texts.CHANGE_MADE.format(number=number, new=label_of(question, proposal.value))


def _replaces_tapped(event: Input, outcome: Outcome) -> bool:
    """Whether the message whose button was tapped is edited: into its answered form, the next
    screen then coming below it (`_answered_form`), or else into the next screen itself.

    An accepted tap moves its own message on (the question answered, the review's buttons); a tap
    with another value on an earlier question gets its confirmation as a new message, and a
    refused one leaves the message as it was.
    """
    taps = Pick | Tick | Done | Submit | Change | Edit | Confirm
    return (
        isinstance(event, taps)
        and outcome.rejection is None
        and not isinstance(outcome.screen, ConfirmChange)
    )


def _show(
    ctx: Context, wave: int, run: str, survey: Survey, screen: Screen, *, edit: bool, note: str
) -> None:
    """Shows one screen of the run (a question, the review, the list to change, a confirmation),
    after `note` if there is one."""
    if isinstance(screen, Ask):
        question = screen.question
        kind = kind_of(question)
        text = texts.QUESTION.format(number=screen.number, total=screen.total, text=question.text)
        hint = kind.hint(question)
        text = (f"{note}\n\n" if note else "") + text + (f"\n{hint}" if hint else "")
        ctx.reply(text, _question_choices(wave, run, screen), edit=edit)
    elif isinstance(screen, Review):
        choices = [
            choice(SubmitRun(wave, run), labels.SUBMIT_LABEL, key="1"),
            choice(ChangeRun(wave, run), labels.CHANGE_LABEL, key="2"),
        ]
        head = [note, ""] if note else []
        ctx.reply("\n".join([*head, _review_text(screen.lines)]), choices, edit=edit)
    elif isinstance(screen, ChangeList):
        index = {q.key: i for i, q in enumerate(survey.questions)}
        choices = [
            choice(EditAnswer(wave, run, index[line.key]), str(line.number), key=str(line.number))
            for line in screen.lines
        ]
        # the review stays on screen while the parent picks what to change
        text = f"{_review_text(screen.lines)}\n\n{texts.WHICH_TO_CHANGE}"
        ctx.reply(text, choices, edit=edit)
    elif isinstance(screen, ConfirmChange):
        text = texts.CONFIRM_CHANGE.format(number=screen.number, old=screen.old, new=screen.new)
        choices = [
            choice(ConfirmEdit(wave, run, yes=True), labels.CONFIRM_YES_LABEL, key="1"),
            choice(ConfirmEdit(wave, run, yes=False), labels.CONFIRM_NO_LABEL, key="2"),
        ]
        ctx.reply(text, choices, edit=edit)


def _question_choices(wave: int, run: str, screen: Ask) -> list[Choice]:
    """A question's buttons: its options (ticks and "Xong" for several); "Bỏ qua" if optional."""
    question, index = screen.question, screen.index
    kind = kind_of(question)
    options = kind.options(question) if kind.input != "text" else []
    ticked = set(screen.ticked)
    choices = [
        choice(
            TickAnswer(wave, run, index, n)
            if kind.input == "ticks"
            else PickAnswer(wave, run, index, n),
            ("✓ " if option.value in ticked else "") + option.label,
            kind.button_key(question, n + 1, option),
        )
        for n, option in enumerate(options)
    ]
    if kind.input == "ticks":
        choices.append(
            choice(DoneTicking(wave, run, index), labels.DONE_LABEL, key=labels.DONE_LABEL)
        )
    if question.optional:
        choices.append(
            choice(SkipAnswer(wave, run, index), labels.SKIP_LABEL, key=labels.SKIP_LABEL)
        )
    return choices


async def _store_response(
    ctx: Context, run: SurveyRun, answers: dict[str, str], review: str
) -> None:
    """Records who has answered, and leaves the answers, without them, to be released later.

    The answers wait in a pool that carries no person, chat or time (handlers/release.py) and
    reach `responses` in another transaction, with at least the minimum group of their class.
    """
    assert ctx.person is not None
    if not await hold_answers(ctx.session, run.wave_id, run.class_id, answers):
        ctx.end_flow()
        ctx.reply(texts.WAVE_CLOSED)
        return
    ctx.session.add(
        CompletionReceipt(wave_id=run.wave_id, person_id=ctx.person.id, submitted_at=ctx.now)
    )
    await drop_run(ctx, run)
    ctx.end_flow()
    if review:  # the tapped review stays, marked sent, and the thanks comes below it
        ctx.reply(texts.ANSWERED.format(asked=review, answer=texts.REVIEW_SENT), edit=True)
    ctx.reply(texts.SUBMITTED)
