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
from bot.models.people import Membership
from bot.models.schools import Classroom, School
from bot.models.waves import CompletionReceipt, Wave, WaveClass, WaveInvite
from bot.numbers import vi_number
from bot.routing import JobContext
from bot.settings import Settings
from handlers import texts
from handlers.audience import parents_of
from handlers.confirm import ask_to_confirm, cancel_confirmation, take_confirmed
from handlers.people import consenting, has_consent, places_of
from handlers.posters import Poster, addressing, class_choices, poster_of
from handlers.posting import Draft, post_to_wave, scope_name
from handlers.results import wave_progress, wave_score_text
from surveys.catalog import Catalog


class WaveDraft(FlowState):
    """A wave being opened: the school (checked at every tap), the survey, the classes (none
    and `whole_school`: all of them), how many days it stays open, and the step it is at."""

    school: int
    step: Literal["survey", "classes", "days", "confirm"] = "survey"
    survey: str = ""
    classes: tuple[int, ...] = ()
    whole_school: bool = False
    days: int = 0


NEW_WAVE = Flow("wave", WaveDraft, cancelled=texts.WAVE_CANCELLED)
Days = Literal[7, 14, 30]
DAYS: tuple[Days, ...] = (7, 14, 30)


class NewWave(Button, verb="wnew"):
    """ "Mở đợt khảo sát mới" in the staff menu of one school."""

    school: int


class WaveSurvey(Button, verb="wsurvey", flow=NEW_WAVE):
    """The survey of the wave being opened."""

    survey: str


class WaveClassTick(Button, verb="wclass", flow=NEW_WAVE):
    """Ticks or unticks one class (one the opener may survey) of the wave being opened."""

    classroom: int


class WaveWholeSchool(Button, verb="wall", flow=NEW_WAVE):
    """The whole school (a principal's choice only)."""


class WaveClassesDone(Button, verb="wcldone", flow=NEW_WAVE):
    """ "Xong" once the classes are ticked."""


class WaveDays(Button, verb="wdays", flow=NEW_WAVE):
    """How many days the wave stays open from now; then the preview."""

    days: Days


class WaveOpen(Button, verb="wopen", flow=NEW_WAVE):
    """ "Mở đợt và mời N phụ huynh": the one tap that opens the previewed wave."""


class WaveCancel(Button, verb="wcancel", flow=NEW_WAVE, aside=True):
    """ "Hủy": drops the wave being opened; nobody is invited."""


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
    if not school_classes:
        raise NoClassYet("the school has no class yet: there is no parent to invite")
    scope = list(class_ids) or school_classes
    if not set(scope) <= set(school_classes):
        raise ValueError("the classes must belong to the school")
    overlap = await overlapping(session, school_id, survey.key, scope, opens_at, closes_at)
    if overlap is not None:
        raise overlap
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


class NoClassYet(ValueError):
    """A wave for a school that has no class: nobody to invite."""


class WaveOverlaps(ValueError):
    """A wave of the same survey is open, or will be, for some of the classes in those days:
    their parents would be invited to the same questionnaire twice."""

    def __init__(self, wave: Wave, scope: set[int], asked: set[int], classes: list[str]) -> None:
        super().__init__(
            f"{wave.survey_key} is open already for {', '.join(classes)} in wave {wave.id}"
        )
        self.wave = wave
        self.scope = scope  # the classes of that wave
        self.asked = asked  # the classes of the one refused
        self.classes = classes  # the names of those they share


async def overlapping(
    session: AsyncSession,
    school_id: int,
    survey_key: str,
    scope: list[int],
    opens_at: datetime,
    closes_at: datetime,
) -> WaveOverlaps | None:
    """What a wave of this survey for these classes in these days would overlap, if anything."""
    twin = await session.scalar(
        select(Wave)
        .join(WaveClass, WaveClass.wave_id == Wave.id)
        .where(
            Wave.school_id == school_id,
            Wave.survey_key == survey_key,
            WaveClass.class_id.in_(scope),
            Wave.opens_at < closes_at,
            Wave.closes_at > opens_at,
        )
        .order_by(Wave.id)
        .limit(1)
    )
    if twin is None:
        return None
    rows = await session.execute(
        select(Classroom.id, Classroom.name)
        .join(WaveClass, WaveClass.class_id == Classroom.id)
        .where(WaveClass.wave_id == twin.id)
        .order_by(Classroom.name)
    )
    classes = {class_id: name for class_id, name in rows}
    shared = [name for class_id, name in classes.items() if class_id in scope]
    return WaveOverlaps(twin, set(classes), set(scope), shared)


async def invite_wave(session: AsyncSession, wave: Wave, now: datetime, settings: Settings) -> int:
    """Invites every consenting parent of the wave's classes once; returns how many.

    The invitations are one broadcast, so they go behind the replies of people who are talking to
    the bot meanwhile; during the school's quiet hours it is released when they end, to those
    invited now who have not answered by then (handlers/posting.py).
    """
    wave.invited_at = now
    scope = await session.scalars(select(WaveClass.class_id).where(WaveClass.wave_id == wave.id))
    class_of = await invitees(session, list(scope), wave.id)
    new = list(class_of)
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


async def invitees(
    session: AsyncSession, class_ids: Sequence[int], wave_id: int | None = None
) -> dict[int, int]:
    """Whom inviting to a wave of these classes invites: each parent who consents to surveys,
    once (a parent of two classes with the first of them), less those the wave already invited.
    The preview of a wave being opened counts these very people."""
    class_of = await parents_of(session, class_ids)
    allowed = await consenting(session, list(class_of), "surveys")
    already: set[int] = set()
    if wave_id is not None:
        invited = select(WaveInvite.person_id).where(WaveInvite.wave_id == wave_id)
        already = set(await session.scalars(invited))
    return {p: c for p, c in class_of.items() if p in allowed and p not in already}


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
                answered=vi_number(answered),
                invited=vi_number(invited),
                closes=closes.strftime("%d/%m"),
            )
        )
        if principal:
            results = texts.STAFF_RESULTS.format(title=wave.title)
            choices.append(choice(WaveResults(wave.id), results))
    # a principal surveys any class of the school, a teacher the classes they teach
    choices.append(choice(NewWave(school.id), texts.STAFF_NEW_WAVE))
    ctx.reply("\n".join(lines), choices)


async def new_wave(ctx: Context, tap: NewWave) -> None:
    """Starts opening a wave in the tapped school, for its principal or one of its teachers."""
    poster = await addressing(ctx)
    if poster is None:
        return
    if poster.school.id != tap.school:
        ctx.reply(texts.STAFF_ONLY)
        return
    draft = WaveDraft(school=tap.school)
    ctx.start_flow(NEW_WAVE, draft)
    ctx.reply(texts.STAFF_PICK_SURVEY, _survey_choices(ctx), edit=True)


async def pick_survey(ctx: Context, tap: WaveSurvey) -> None:
    """Takes the survey of the wave being opened, then asks which classes it is for."""
    if (opening := await _opening(ctx)) is None:
        return
    poster, draft = opening
    if tap.survey not in {s.key for s in ctx.services.catalog.all()}:
        ctx.reply(texts.STALE_BUTTON)
        return
    draft = draft.model_copy(update={"survey": tap.survey, "step": "classes"})
    if len(poster.classes) == 1 and not poster.principal:  # one class: nothing to choose
        draft = draft.model_copy(update={"classes": tuple(poster.classes), "step": "days"})
    await _go_to(ctx, poster, draft)


async def pick_class(ctx: Context, tap: WaveClassTick) -> None:
    """Ticks or unticks a class the opener may survey; any other class is refused."""
    if (opening := await _opening(ctx)) is None:
        return
    poster, draft = opening
    if tap.classroom not in poster.classes:
        ctx.reply(texts.WAVE_NOT_YOURS)
        return
    chosen = tuple(sorted(set(draft.classes) ^ {tap.classroom}))
    draft = draft.model_copy(update={"classes": chosen, "whole_school": False})
    await _go_to(ctx, poster, draft)


async def pick_whole_school(ctx: Context, tap: WaveWholeSchool) -> None:
    """Ticks or unticks the whole school, for a principal only."""
    if (opening := await _opening(ctx)) is None:
        return
    poster, draft = opening
    if not poster.principal:
        ctx.reply(texts.WAVE_NOT_YOURS)
        return
    draft = draft.model_copy(update={"classes": (), "whole_school": not draft.whole_school})
    await _go_to(ctx, poster, draft)


async def classes_done(ctx: Context, tap: WaveClassesDone) -> None:
    """Goes on to the dates once at least one class (or the whole school) is ticked."""
    if (opening := await _opening(ctx)) is None:
        return
    poster, draft = opening
    if not draft.classes and not draft.whole_school:
        ctx.reply(texts.ANNOUNCE_PICK_ONE, _class_choices(poster, draft))
        return
    draft = draft.model_copy(update={"step": "days"})
    await _go_to(ctx, poster, draft)


async def pick_days(ctx: Context, tap: WaveDays) -> None:
    """Takes how long the wave stays open, then previews it with whom it will invite."""
    if (opening := await _opening(ctx)) is None:
        return
    poster, draft = opening
    if not draft.survey or (not draft.classes and not draft.whole_school):
        ctx.reply(texts.STALE_BUTTON)
        return
    draft = draft.model_copy(update={"days": tap.days, "step": "confirm"})
    await _preview(ctx, poster, draft)


async def open_previewed(ctx: Context, tap: WaveOpen) -> None:
    """Opens the previewed wave now and invites its parents, once."""
    draft = take_confirmed(ctx, NEW_WAVE)
    poster = await _opener(ctx, draft.school) if draft is not None else None
    if draft is None or poster is None:
        ctx.reply(texts.STALE_BUTTON if draft is None else texts.STAFF_ONLY)
        return
    targets = poster.targets(draft.classes, draft.whole_school)
    if targets is None or draft.step != "confirm" or not draft.survey:
        ctx.reply(texts.WAVE_NOT_YOURS if targets is None else texts.STALE_BUTTON)
        return
    closes = ctx.now + timedelta(days=draft.days)
    try:
        wave, invited = await launch_wave(
            ctx.session,
            ctx.services.catalog,
            school_id=draft.school,
            survey_key=draft.survey,
            opens_at=ctx.now,
            closes_at=closes,
            now=ctx.now,
            settings=ctx.services.settings,
            class_ids=targets,
        )
    except WaveOverlaps as overlap:  # opened since the preview (by a colleague, the CLI)
        await _back_to_classes(ctx, poster, draft, overlap, edit=True)
        return
    done = texts.STAFF_LAUNCHED.format(
        title=wave.title, closes=_day(ctx, closes), invited=vi_number(invited)
    )
    ctx.reply(done, edit=True)


async def cancel(ctx: Context, tap: WaveCancel) -> None:
    """Drops the wave being opened; nobody is invited."""
    cancel_confirmation(ctx, texts.WAVE_CANCELLED)


async def launch_typed(ctx: Context) -> None:
    """While a wave is being opened, points to the buttons of the step it is at."""
    if (opening := await _opening(ctx)) is None:
        return
    poster, draft = opening
    if draft.step == "confirm":
        await _preview(ctx, poster, draft, edit=False)
        return
    await _ask_step(ctx, poster, draft, prefix=texts.ANNOUNCE_USE_BUTTONS)


async def _go_to(ctx: Context, poster: Poster, draft: WaveDraft) -> None:
    """Keeps the changed draft and shows its step in place of the tapped message."""
    ctx.save_flow(draft)
    await _ask_step(ctx, poster, draft, edit=True)


async def _ask_step(
    ctx: Context, poster: Poster, draft: WaveDraft, *, edit: bool = False, prefix: str = ""
) -> None:
    if draft.step == "survey":
        text, choices = texts.STAFF_PICK_SURVEY, _survey_choices(ctx)
    elif draft.step == "classes":
        text, choices = texts.STAFF_PICK_CLASSES, _class_choices(poster, draft)
    else:
        text = texts.STAFF_PICK_DAYS.format(opens=_day(ctx, ctx.now))
        choices = [choice(WaveDays(d), texts.STAFF_DAYS.format(days=d)) for d in DAYS]
    ctx.reply(f"{prefix}\n\n{text}" if prefix else text, choices, edit=edit)


def _survey_choices(ctx: Context) -> list[Choice]:
    return [choice(WaveSurvey(s.key), s.title) for s in ctx.services.catalog.all()]


def _class_choices(poster: Poster, draft: WaveDraft) -> list[Choice]:
    done = choice(WaveClassesDone(), texts.DONE)
    return class_choices(
        poster, draft.classes, draft.whole_school, whole=WaveWholeSchool(), tick=WaveClassTick,
        done=done,
    )  # fmt: skip


async def _preview(ctx: Context, poster: Poster, draft: WaveDraft, *, edit: bool = True) -> None:
    """The wave as it will open, with whom it invites (counted as inviting counts them)."""
    targets = poster.targets(draft.classes, draft.whole_school)
    if targets is None:
        ctx.reply(texts.WAVE_NOT_YOURS)
        return
    survey = ctx.services.catalog.latest(draft.survey)
    scope = targets or list(poster.classes)
    closes = ctx.now + timedelta(days=draft.days)
    overlap = await overlapping(ctx.session, draft.school, survey.key, scope, ctx.now, closes)
    if overlap is not None:
        await _back_to_classes(ctx, poster, draft, overlap, edit=edit)
        return
    parents = vi_number(len(await invitees(ctx.session, scope)))
    preview = texts.STAFF_WAVE_PREVIEW.format(
        title=survey.title,
        scope=await scope_name(ctx.session, poster.school, targets),
        opens=_day(ctx, ctx.now),
        closes=_day(ctx, closes),
        invited=parents,
    )
    confirm = choice(WaveOpen(), texts.STAFF_OPEN_AND_INVITE.format(invited=parents))
    ask_to_confirm(ctx, draft, preview, [confirm], choice(WaveCancel(), texts.CANCEL), edit=edit)


async def _back_to_classes(
    ctx: Context, poster: Poster, draft: WaveDraft, overlap: WaveOverlaps, *, edit: bool
) -> None:
    """Says which class has a wave of the survey open, and until when; back at the classes."""
    busy = texts.WAVE_OVERLAPS.format(
        classes=", ".join(overlap.classes),
        title=overlap.wave.title,
        closes=_day(ctx, overlap.wave.closes_at),
    )
    back = draft.model_copy(update={"step": "classes", "classes": (), "whole_school": False})
    ctx.start_flow(NEW_WAVE, back)  # a new instance: the buttons shown before no longer act
    await _ask_step(ctx, poster, back, edit=edit, prefix=busy)


def _day(ctx: Context, at: datetime) -> str:
    return at.astimezone(ZoneInfo(ctx.services.settings.timezone)).strftime("%d/%m/%Y")


async def _opening(ctx: Context) -> tuple[Poster, WaveDraft] | None:
    """Who is opening the wave (still staff of its school, checked at every tap) and the draft
    the button belongs to; otherwise the flow ends with a polite answer."""
    draft = ctx.flow_state(NEW_WAVE)
    poster = await _opener(ctx, draft.school) if draft is not None else None
    if draft is None or poster is None:
        ctx.end_flow()
        ctx.reply(texts.STALE_BUTTON if draft is None else texts.STAFF_ONLY)
        return None
    return poster, draft


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


async def _opener(ctx: Context, school_id: int) -> Poster | None:
    """The one tapping, if they may open a wave in this school: its principal (any class) or
    one of its teachers (their own classes)."""
    poster = await poster_of(ctx)
    return (
        poster if poster is not None and poster.school.id == school_id and poster.classes else None
    )
