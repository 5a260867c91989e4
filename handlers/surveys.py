"""A parent answering a questionnaire: ask, record each answer at once, review, submit."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from bot.channels.base import Choice
from bot.context import Context
from bot.models import Answer, CompletionReceipt, Response, SurveyRun, Wave
from handlers import texts
from handlers.people import has_consent, places_of
from handlers.runs import (
    answers_of,
    clear_selection,
    find_or_start_run,
    forget_staged,
    has_submitted,
    is_open,
    prefetch_runs,
    run_by_token,
    save_answer,
)
from handlers.waves import open_waves_for, staff_menu, start_choices
from surveys.engine import (
    Accepted,
    Rejected,
    next_question,
    number_of,
    options_for,
    parse_answer,
    summary,
    toggle_choice,
    visible_questions,
)
from surveys.options import split_choices
from surveys.schema import Question, Survey

# button prefixes whose payload's second field is a run token (see handlers/__init__.py)
RUN_BUTTONS = frozenset({"a", "m", "d", "r", "e"})

REJECTIONS = {
    "not_a_choice": texts.INVALID_CHOICE,
    "too_many": texts.INVALID_TOO_MANY,
    "empty": texts.INVALID_EMPTY,
    "too_long": texts.INVALID_TOO_LONG,
}


async def prefetch_runs_of(contexts: Sequence[Context]) -> None:
    """Reads at once the questionnaires a batch of answers and survey buttons belong to."""
    tokens: set[str] = set()
    for ctx in contexts:
        parts = (ctx.inbound.choice or "").split(":", 2) if ctx.inbound.kind == "choice" else []
        token = ctx.dialog.data.get("token") if ctx.dialog.flow == "survey" else None
        if len(parts) > 1 and parts[0] in RUN_BUTTONS:
            tokens.add(parts[1])
        elif isinstance(token, str):
            tokens.add(token)
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
        ctx.reply(texts.SURVEYS_NEED_CLASS)
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


async def open_survey(ctx: Context) -> None:
    """Starts the chosen wave, or resumes it at the first unanswered question."""
    wave = await ctx.session.get(Wave, int((ctx.inbound.choice or "").split(":")[1]))
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
        if run is None:
            ctx.reply(texts.STALE_BUTTON)
            return
        survey = _survey_of(ctx, run)
        answers = await answers_of(ctx, run)
        if not answers:
            ctx.reply(texts.SURVEY_INTRO.format(title=wave.title, intro=survey.intro))
        await show_next_step(ctx, run, survey, answers)


async def answer_button(ctx: Context) -> None:
    """Records the tapped answer for its own question and moves on."""
    found = await _run_from_button(ctx)
    if found is None:
        return
    run, survey, answers, question, value = found
    await _accept(ctx, run, survey, answers, question, parse_answer(question, value))


async def answer_typed(ctx: Context) -> None:
    """Records a typed answer to the question being asked, or asks again politely."""
    if not isinstance(ctx.dialog.data.get("token"), str) or ctx.person is None:
        ctx.end_flow()
        ctx.reply(texts.UNKNOWN_TEXT)
        return
    found = await _current_run(ctx)
    if found is None:
        ctx.end_flow()
        return
    run, answers = found
    survey = _survey_of(ctx, run)
    question = _asked(ctx, survey, answers)
    if question is None:
        await show_next_step(ctx, run, survey, answers)
        return
    await _accept(ctx, run, survey, answers, question, parse_answer(question, ctx.inbound.text))


async def toggle_button(ctx: Context) -> None:
    """Ticks or unticks one option of a multiple-choice question."""
    found = await _run_from_button(ctx)
    if found is None:
        return
    run, survey, answers, question, value = found
    result = toggle_choice(question, run.selecting, value)
    if isinstance(result, Rejected):
        ctx.reply(texts.INVALID_TOO_MANY.format(max=result.limit), edit=False)
        await ask(ctx, run, survey, answers, question)
        return
    run.selecting = result.value
    await ask(ctx, run, survey, answers, question, edit=True)


async def finish_multi(ctx: Context) -> None:
    """Stores the ticked options of a multiple-choice question."""
    found = await _run_from_button(ctx)
    if found is None:
        return
    run, survey, answers, question, _ = found
    if not run.selecting:
        ctx.reply(texts.INVALID_EMPTY)
        await ask(ctx, run, survey, answers, question)
        return
    await _accept(ctx, run, survey, answers, question, Accepted(run.selecting))


async def change_answer(ctx: Context) -> None:
    """Asks again the question the parent picked from the review."""
    found = await _run_from_button(ctx)
    if found is None:
        return
    run, survey, answers, question, _ = found
    run.selecting = answers.get(question.key, "") if question.type == "multi" else ""
    await ask(ctx, run, survey, answers, question, edit=True)


async def review_action(ctx: Context) -> None:
    """Submits the reviewed questionnaire, or lists the questions to change."""
    parts = (ctx.inbound.choice or "").split(":")
    found = await _run_by_token(ctx, parts[1])
    if found is None:
        return
    run, answers = found
    survey = _survey_of(ctx, run)
    if next_question(survey, answers) is not None:
        await show_next_step(ctx, run, survey, answers)
    elif parts[2] == "submit":
        await submit(ctx, run, answers)
    else:
        lines = summary(survey, answers)
        keys = {q.key: i for i, q in enumerate(survey.questions)}
        choices = [
            Choice(f"e:{run.token}:{keys[line.key]}", str(line.number), key=str(line.number))
            for line in lines
        ]
        ctx.reply(texts.WHICH_TO_CHANGE, choices, edit=True)


async def submit(ctx: Context, run: SurveyRun, answers: dict[str, str]) -> None:
    """Turns the run into an anonymous response and a separate completion receipt."""
    wave = await ctx.session.get(Wave, run.wave_id)
    assert wave is not None and ctx.person is not None
    if not is_open(wave, ctx.now):
        ctx.reply(texts.WAVE_CLOSED, edit=True)
        return
    local_day = ctx.now.astimezone(ZoneInfo(ctx.services.settings.timezone)).date()
    response = Response(wave_id=run.wave_id, class_id=run.class_id, submitted_on=local_day)
    ctx.session.add(response)
    await ctx.session.flush()
    ctx.session.add_all(
        Answer(response_id=response.id, question_key=key, value=value)
        for key, value in answers.items()
        if value
    )
    ctx.session.add(
        CompletionReceipt(wave_id=run.wave_id, person_id=ctx.person.id, submitted_at=ctx.now)
    )
    forget_staged(ctx, run)
    await ctx.session.execute(delete(SurveyRun).where(SurveyRun.id == run.id))
    ctx.end_flow()
    ctx.reply(texts.SUBMITTED, edit=True)


async def show_next_step(
    ctx: Context, run: SurveyRun, survey: Survey, answers: dict[str, str], *, edit: bool = False
) -> None:
    """Asks the first unanswered question, or shows the review when all are answered."""
    question = next_question(survey, answers)
    if question is not None:
        clear_selection(run)
        await ask(ctx, run, survey, answers, question, edit=edit)
        return
    ctx.set_flow("survey", token=run.token, at="")
    lines = [
        texts.REVIEW_LINE.format(number=line.number, text=line.text, answer=line.answer)
        for line in summary(survey, answers)
    ]
    ctx.reply(
        "\n".join([texts.REVIEW, *lines]),
        [
            Choice(f"r:{run.token}:submit", texts.SUBMIT),
            Choice(f"r:{run.token}:change", texts.CHANGE),
        ],
        edit=edit,
    )


async def ask(
    ctx: Context,
    run: SurveyRun,
    survey: Survey,
    answers: dict[str, str],
    question: Question,
    *,
    edit: bool = False,
) -> None:
    """Shows one question with its choices and remembers that it is the one asked."""
    number, total = number_of(survey, answers, question.key)
    index = survey.questions.index(question)
    text = texts.QUESTION.format(number=number, total=total, text=question.text)
    ctx.set_flow("survey", token=run.token, at=question.key)
    ctx.reply(text + _hint(question), _choices(run, index, question), edit=edit)


def _choices(run: SurveyRun, index: int, question: Question) -> list[Choice]:
    prefix = f"{run.token}:{index}"
    options = options_for(question)
    if question.type == "multi":
        ticked = set(split_choices(run.selecting))
        choices = [
            Choice(f"m:{prefix}:{o.value}", ("✓ " if o.value in ticked else "") + o.label, str(n))
            for n, o in enumerate(options, start=1)
        ]
        return [*choices, Choice(f"d:{prefix}", texts.DONE, key=texts.DONE)]
    if question.type == "text":
        return [Choice(f"a:{prefix}:-", texts.SKIP, key=texts.SKIP)] if question.optional else []
    scale = question.type == "scale"
    return [
        Choice(f"a:{prefix}:{o.value}", o.label, o.value if scale else str(n))
        for n, o in enumerate(options, start=1)
    ]


def _hint(question: Question) -> str:
    if question.type == "multi":
        return texts.QUESTION_MULTI_HINT.format(max=question.max_choices)
    if question.type == "text":
        return texts.QUESTION_TEXT_HINT + (
            texts.QUESTION_OPTIONAL_HINT if question.optional else ""
        )
    return ""


async def _accept(
    ctx: Context,
    run: SurveyRun,
    survey: Survey,
    answers: dict[str, str],
    question: Question,
    result: Accepted | Rejected,
) -> None:
    if isinstance(result, Rejected):
        ctx.reply(REJECTIONS[result.reason].format(max=result.limit))
        await ask(ctx, run, survey, answers, question)
        return
    was_asked = ctx.dialog.data.get("at") == question.key
    answers = await save_answer(ctx, run, survey, answers, question.key, result.value)
    await show_next_step(ctx, run, survey, answers, edit=was_asked)


async def _run_from_button(
    ctx: Context,
) -> tuple[SurveyRun, Survey, dict[str, str], Question, str] | None:
    """The run, survey, answers, question and value a survey button names, if still valid."""
    token, index, *rest = (ctx.inbound.choice or "").split(":", 3)[1:]
    found = await _run_by_token(ctx, token)
    if found is None:
        return None
    run, answers = found
    survey = _survey_of(ctx, run)
    if not index.isdigit() or int(index) >= len(survey.questions):
        ctx.reply(texts.STALE_BUTTON)
        return None
    question = survey.questions[int(index)]
    if question not in visible_questions(survey, answers):
        ctx.reply(texts.QUESTION_HIDDEN)
        await show_next_step(ctx, run, survey, answers)
        return None
    return run, survey, answers, question, rest[0] if rest else ""


async def _run_by_token(ctx: Context, token: str) -> tuple[SurveyRun, dict[str, str]] | None:
    """The open run a button belongs to and its answers; says so when it is gone or closed."""
    found = await run_by_token(ctx, token)
    if found is None or ctx.person is None or found[0].person_id != ctx.person.id:
        ctx.reply(texts.RUN_GONE)
        return None
    run, wave, answers = found
    if not is_open(wave, ctx.now):
        ctx.reply(texts.WAVE_CLOSED)
        return None
    return run, answers


async def _current_run(ctx: Context) -> tuple[SurveyRun, dict[str, str]] | None:
    """The run the typed reply continues (None when the flow holds no run token)."""
    token = ctx.dialog.data.get("token")
    if not isinstance(token, str) or ctx.person is None:
        return None
    return await _run_by_token(ctx, token)


def _asked(ctx: Context, survey: Survey, answers: dict[str, str]) -> Question | None:
    key = ctx.dialog.data.get("at")
    visible = {q.key: q for q in visible_questions(survey, answers)}
    return visible.get(key) if isinstance(key, str) else None


def _survey_of(ctx: Context, run: SurveyRun) -> Survey:
    return ctx.services.catalog.get(run.survey_key, run.survey_version)
