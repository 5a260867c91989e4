"""Survey reminders: at most N to each parent who has not answered an open wave.

Reminder k of a wave is due `k × HAILONG_SURVEY_REMINDER_DAYS` days after its invitations and is
one broadcast (unique per wave and round, so a restart or a second replica never sends it twice)
to the invited parents who still consent to surveys and have not answered. During the school's
quiet hours it waits, unreleased, for their end, and the parents are chosen when it is released
(handlers/posting.py): one who answers during the night gets no reminder in the morning.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.interactions import choice
from bot.models.broadcasts import Broadcast
from bot.models.schools import School
from bot.models.waves import Wave
from bot.routing import JobContext
from bot.settings import Settings
from handlers import texts
from handlers.posting import Draft, post_to_wave
from handlers.waves import StartSurvey


def due_round(wave: Wave, settings: Settings, now: datetime) -> int:
    """The latest reminder round due now (0: none yet); later rounds wait, missed ones lapse."""
    assert wave.invited_at is not None
    gap = timedelta(days=settings.survey_reminder_days)
    rounds = 0
    while rounds < settings.survey_reminders and wave.invited_at + gap * (rounds + 1) <= now:
        rounds += 1
    return rounds


async def remind_waves(job: JobContext) -> None:
    """Sends the reminder rounds that have come due for the open waves."""
    settings, now = job.services.settings, job.services.clock.now()
    if settings.survey_reminders <= 0:
        return
    async with job.transaction() as work:
        session = work.session
        waves = list(
            await session.scalars(
                select(Wave).where(
                    Wave.invited_at.is_not(None), Wave.opens_at <= now, Wave.closes_at > now
                )
            )
        )
        sent = await _rounds_sent(session, [wave.id for wave in waves])
        for wave in waves:
            round_ = due_round(wave, settings, now)
            if round_ > sent.get(wave.id, 0):
                await _remind(job, session, wave, round_)


async def _rounds_sent(session: AsyncSession, wave_ids: list[int]) -> dict[int, int]:
    """The latest reminder round already written for each of the waves, in one query."""
    rows = await session.execute(
        select(Broadcast.wave_id, func.max(Broadcast.reminder_round))
        .where(Broadcast.wave_id.in_(wave_ids), Broadcast.reminder_round.is_not(None))
        .group_by(Broadcast.wave_id)
    )
    return {wave: latest for wave, latest in rows if wave is not None and latest is not None}


async def _remind(job: JobContext, session: AsyncSession, wave: Wave, round_: int) -> None:
    settings, now = job.services.settings, job.services.clock.now()
    school = await session.get(School, wave.school_id)
    assert school is not None
    closes = wave.closes_at.astimezone(ZoneInfo(settings.timezone)).strftime("%d/%m/%Y")
    text = texts.SURVEY_REMINDER.format(title=wave.title, closes=closes)
    answer = choice(StartSurvey(wave.id), texts.SURVEY_ANSWER)
    draft = Draft(
        school=school,
        kind="reminder",
        title=wave.title,
        body={"text": text, "choices": [answer.__dict__.copy()]},
        wave_id=wave.id,
        reminder_round=round_,
    )
    await post_to_wave(session, draft, settings, now)
