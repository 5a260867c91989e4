"""Survey waves: launching one, inviting consenting parents, and the staff menu."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models import (
    Classroom,
    CompletionReceipt,
    Membership,
    School,
    Wave,
    WaveClass,
    WaveInvite,
)
from bot.routing import JobContext
from bot.settings import Settings
from handlers import texts
from handlers.audience import parents_of
from handlers.people import consenting, has_consent, places_of
from handlers.posting import Draft, post_to_wave
from handlers.results import wave_progress, wave_score_text
from surveys.catalog import Catalog


class WaveDraft(FlowState):
    """A wave a principal is launching: the school (checked when tapped) and the survey picked."""

    school: int
    survey: str = ""


NEW_WAVE = Flow("wave", WaveDraft, cancelled=texts.WAVE_CANCELLED)


class NewWave(Button, verb="wnew"):
    """ "Mở đợt khảo sát mới" in the staff menu of one school."""

    school: int


class WaveSurvey(Button, verb="wsurvey", flow=NEW_WAVE):
    """The survey of the wave being launched."""

    survey: str


class WaveDays(Button, verb="wdays", flow=NEW_WAVE):
    """How long the wave being launched stays open; launches it."""

    days: Literal[7, 14]


class WaveResults(Button, verb="wres"):
    """ "Kết quả …" of one wave in the staff menu."""

    wave: int


async def launch_wave(
    session: AsyncSession,
    catalog: Catalog,
    *,
    school_id: int,
    survey_key: str,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
    settings: Settings,
    class_ids: Sequence[int] = (),
    title: str | None = None,
) -> tuple[Wave, int]:
    """Opens a wave for some classes (all when none given); invites at once if it is open."""
    survey = catalog.latest(survey_key)
    if closes_at <= opens_at:
        raise ValueError("closes_at must be after opens_at")
    school_classes = list(
        await session.scalars(select(Classroom.id).where(Classroom.school_id == school_id))
    )
    scope = list(class_ids) or school_classes
    if not scope or not set(scope) <= set(school_classes):
        raise ValueError("the classes must belong to the school")
    wave = Wave(
        school_id=school_id,
        survey_key=survey.key,
        survey_version=survey.version,
        title=title or survey.title,
        opens_at=opens_at,
        closes_at=closes_at,
        created_at=now,
    )
    session.add(wave)
    await session.flush()
    session.add_all(WaveClass(wave_id=wave.id, class_id=class_id) for class_id in scope)
    await session.flush()
    invited = await invite_wave(session, wave, now, settings) if opens_at <= now else 0
    return wave, invited


async def invite_wave(session: AsyncSession, wave: Wave, now: datetime, settings: Settings) -> int:
    """Invites every consenting parent of the wave's classes once; returns how many.

    The invitations are one broadcast, so they go behind the replies of people who are talking to
    the bot meanwhile; during the school's quiet hours it is released when they end, to those
    invited now who have not answered by then (handlers/posting.py).
    """
    wave.invited_at = now
    scope = await session.scalars(select(WaveClass.class_id).where(WaveClass.wave_id == wave.id))
    class_of = await parents_of(session, list(scope))  # a parent of two classes is invited once
    allowed = await consenting(session, list(class_of), "surveys")
    already = set(
        await session.scalars(select(WaveInvite.person_id).where(WaveInvite.wave_id == wave.id))
    )
    new = [person for person in class_of if person in allowed and person not in already]
    session.add_all(
        WaveInvite(wave_id=wave.id, person_id=person, class_id=class_of[person], invited_at=now)
        for person in new
    )
    if not new:
        return 0
    school = await session.get(School, wave.school_id)
    assert school is not None
    start = _start_choice(wave, resume=False)
    draft = Draft(
        school=school,
        kind="invitation",
        title=wave.title,
        body={"text": _invite_text(wave, settings.timezone), "choices": [start.__dict__.copy()]},
        wave_id=wave.id,
    )
    await post_to_wave(session, draft, settings, now)
    return len(new)


async def invite_to_open_waves(session: AsyncSession, person_id: int, now: datetime) -> list[Wave]:
    """Adds a newly consenting parent to the open waves of their classes."""
    if not await has_consent(session, person_id, "surveys"):
        return []
    waves = await open_waves_for(session, person_id, now)
    for wave in waves:
        if await session.get(WaveInvite, (wave.id, person_id)) is None:
            class_id = await session.scalar(
                select(Membership.class_id)
                .join(WaveClass, WaveClass.class_id == Membership.class_id)
                .where(WaveClass.wave_id == wave.id, Membership.person_id == person_id)
                .limit(1)
            )
            assert class_id is not None
            session.add(
                WaveInvite(wave_id=wave.id, person_id=person_id, class_id=class_id, invited_at=now)
            )
    return waves


async def open_waves_for(session: AsyncSession, person_id: int, now: datetime) -> list[Wave]:
    """Open waves covering one of the parent's classes that they have not submitted."""
    submitted = select(CompletionReceipt.wave_id).where(CompletionReceipt.person_id == person_id)
    my_classes = select(Membership.class_id).where(
        Membership.person_id == person_id, Membership.role == "parent"
    )
    query = (
        select(Wave)
        .join(WaveClass, WaveClass.wave_id == Wave.id)
        .where(
            WaveClass.class_id.in_(my_classes),
            Wave.opens_at <= now,
            Wave.closes_at > now,
            Wave.id.not_in(submitted),
        )
        .distinct()
        .order_by(Wave.id)
    )
    return list(await session.scalars(query))


def start_choices(waves: Sequence[Wave], resumable: Collection[int]) -> list[Choice]:
    return [_start_choice(wave, resume=wave.id in resumable) for wave in waves]


class StartSurvey(Button, verb="s"):
    """ "Bắt đầu" / "Làm tiếp" / "Trả lời khảo sát": opens a wave's questionnaire."""

    wave: int


def _start_choice(wave: Wave, *, resume: bool) -> Choice:
    verb = texts.SURVEY_RESUME if resume else texts.SURVEY_START
    return choice(StartSurvey(wave.id), f"{verb}: {wave.title}")


def _invite_text(wave: Wave, timezone: str) -> str:
    closes = wave.closes_at.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y")
    return texts.SURVEY_INVITE.format(title=wave.title, closes=closes)


async def open_due_waves(job: JobContext) -> None:
    """Invites parents to waves whose opening time has come."""
    now = job.services.clock.now()
    async with job.transaction() as work:
        due = await work.session.scalars(
            select(Wave).where(
                Wave.invited_at.is_(None), Wave.opens_at <= now, Wave.closes_at > now
            )
        )
        for wave in due.all():
            await invite_wave(work.session, wave, now, job.services.settings)


async def staff_menu(ctx: Context) -> None:
    """Shows staff the waves of their school with progress, and what they can do."""
    assert ctx.person is not None
    places = await places_of(ctx.session, ctx.person.id, "teacher", "principal")
    school = places[0].school
    waves = list(
        await ctx.session.scalars(
            select(Wave).where(Wave.school_id == school.id).order_by(Wave.id.desc()).limit(5)
        )
    )
    lines = [texts.STAFF_MENU.format(school=school.name)]
    choices: list[Choice] = []
    principal = any(p.role == "principal" and p.school.id == school.id for p in places)
    my_classes = [p.classroom.id for p in places if p.role == "teacher" and p.classroom]
    for wave in waves:
        answered, invited = await wave_progress(
            ctx.session, wave.id, None if principal else my_classes
        )
        closes = wave.closes_at.astimezone(ZoneInfo(ctx.services.settings.timezone))
        lines.append(
            texts.STAFF_WAVE_LINE.format(
                title=wave.title,
                answered=answered,
                invited=invited,
                closes=closes.strftime("%d/%m"),
            )
        )
        if principal:
            results = texts.STAFF_RESULTS.format(title=wave.title)
            choices.append(choice(WaveResults(wave.id), results))
    if principal:
        choices.append(choice(NewWave(school.id), texts.STAFF_NEW_WAVE))
    ctx.reply("\n".join(lines), choices)


async def new_wave(ctx: Context, tap: NewWave) -> None:
    """Starts launching a wave in the tapped school, for a principal of that school only."""
    if not await _leads(ctx, tap.school):
        ctx.reply(texts.STAFF_ONLY)
        return
    ctx.start_flow(NEW_WAVE, WaveDraft(school=tap.school))
    await _ask_launch_step(ctx, WaveDraft(school=tap.school), edit=True)


async def pick_survey(ctx: Context, tap: WaveSurvey) -> None:
    """Takes the survey of the wave being launched, then asks how long it stays open."""
    draft = ctx.flow_state(NEW_WAVE)
    if draft is None or not await _leads(ctx, draft.school):
        ctx.end_flow()
        ctx.reply(texts.STAFF_ONLY)
        return
    if tap.survey not in {s.key for s in ctx.services.catalog.all()}:
        ctx.reply(texts.STALE_BUTTON)
        return
    draft = draft.model_copy(update={"survey": tap.survey})
    ctx.save_flow(draft)
    await _ask_launch_step(ctx, draft, edit=True)


async def launch(ctx: Context, tap: WaveDays) -> None:
    """Opens the wave being launched for as many days as tapped, once."""
    draft = ctx.flow_state(NEW_WAVE)
    ctx.end_flow()  # a second tap on a day button is stale: one wave per launch
    if draft is None or not await _leads(ctx, draft.school):
        ctx.reply(texts.STAFF_ONLY)
        return
    if not draft.survey:
        ctx.reply(texts.STALE_BUTTON)
        return
    closes = ctx.now + timedelta(days=tap.days)
    wave, invited = await launch_wave(
        ctx.session,
        ctx.services.catalog,
        school_id=draft.school,
        survey_key=draft.survey,
        opens_at=ctx.now,
        closes_at=closes,
        now=ctx.now,
        settings=ctx.services.settings,
    )
    local = closes.astimezone(ZoneInfo(ctx.services.settings.timezone)).strftime("%d/%m/%Y")
    ctx.reply(
        texts.STAFF_LAUNCHED.format(title=wave.title, closes=local, invited=invited), edit=True
    )


async def launch_typed(ctx: Context) -> None:
    """While a wave is being launched, points to the buttons of the step it is at."""
    draft = ctx.flow_state(NEW_WAVE)
    if draft is None:
        ctx.end_flow()
        ctx.reply(texts.STALE_BUTTON)
        return
    await _ask_launch_step(ctx, draft, prefix=texts.ANNOUNCE_USE_BUTTONS)


async def _ask_launch_step(
    ctx: Context, draft: WaveDraft, *, edit: bool = False, prefix: str = ""
) -> None:
    if not draft.survey:
        choices = [choice(WaveSurvey(s.key), s.title) for s in ctx.services.catalog.all()]
        text = texts.STAFF_PICK_SURVEY
    else:
        days: tuple[Literal[7, 14], ...] = (7, 14)
        choices = [choice(WaveDays(d), texts.STAFF_DAYS.format(days=d)) for d in days]
        text = texts.STAFF_PICK_DAYS
    ctx.reply(f"{prefix}\n\n{text}" if prefix else text, choices, edit=edit)


async def show_results(ctx: Context, tap: WaveResults) -> None:
    """A wave's results, for a principal of the wave's own school only."""
    chosen = await ctx.session.get(Wave, tap.wave)
    if chosen is None or not await _leads(ctx, chosen.school_id):
        ctx.reply(texts.STAFF_ONLY)
        return
    settings = ctx.services.settings
    text = await wave_score_text(
        ctx.session, ctx.services.catalog, chosen, settings.scoring_method, settings.min_group_size
    )
    ctx.reply(text)


async def _leads(ctx: Context, school_id: int) -> bool:
    """Whether the one tapping is a principal of this school (checked at every tap)."""
    if ctx.person is None:
        return False
    places = await places_of(ctx.session, ctx.person.id, "principal")
    return any(place.school.id == school_id for place in places)
