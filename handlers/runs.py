"""Loading and saving a parent's unfinished questionnaire."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.context import Context
from bot.db import table_of
from bot.models import CompletionReceipt, DraftAnswer, SurveyRun, Wave, WaveClass
from handlers.people import places_of
from surveys.engine import prune_hidden
from surveys.schema import Survey

# every tap runs these: table statements built once skip the ORM's per-call overhead
_DRAFT_TABLE = table_of(DraftAnswer)
_DRAFTS = select(_DRAFT_TABLE.c.question_key, _DRAFT_TABLE.c.value).where(
    _DRAFT_TABLE.c.run_id == bindparam("run_id")
)


def _draft_upsert(insert: Any) -> Any:
    statement = insert(_DRAFT_TABLE).values(
        run_id=bindparam("run_id"),
        question_key=bindparam("question_key"),
        value=bindparam("value"),
        answered_at=bindparam("answered_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=["run_id", "question_key"],
        set_={"value": statement.excluded.value, "answered_at": statement.excluded.answered_at},
    )


_UPSERTS = {"sqlite": _draft_upsert(sqlite.insert), "postgresql": _draft_upsert(postgresql.insert)}


async def answers_of(ctx: Context, run: SurveyRun) -> dict[str, str]:
    rows = await ctx.session.execute(_DRAFTS, {"run_id": run.id})
    return {key: value for key, value in rows}


async def save_answer(
    ctx: Context, run: SurveyRun, survey: Survey, answers: dict[str, str], key: str, value: str
) -> dict[str, str]:
    """Stores one answer at once and forgets answers an earlier change has hidden."""
    answers = {**answers, key: value}
    kept = prune_hidden(survey, answers)
    for gone in set(answers) - set(kept):
        await ctx.session.execute(
            delete(DraftAnswer).where(
                DraftAnswer.run_id == run.id, DraftAnswer.question_key == gone
            )
        )
    values = {"run_id": run.id, "question_key": key, "value": value, "answered_at": ctx.now}
    await ctx.session.execute(_UPSERTS[ctx.session.get_bind().dialect.name], values)
    run.selecting = ""
    return kept


async def find_or_start_run(ctx: Context, wave: Wave, person_id: int) -> SurveyRun | None:
    """The parent's run of this wave, started now if needed; None if they are not in scope."""
    run = await ctx.session.scalar(
        select(SurveyRun).where(SurveyRun.wave_id == wave.id, SurveyRun.person_id == person_id)
    )
    if run is not None:
        return run
    class_id = await class_in_wave(ctx, wave, person_id)
    if class_id is None:
        return None
    run = SurveyRun(
        token=secrets.token_urlsafe(6)[:8],
        wave_id=wave.id,
        person_id=person_id,
        class_id=class_id,
        survey_key=wave.survey_key,
        survey_version=wave.survey_version,
        selecting="",
        reviewing=False,
        started_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(run)
    await ctx.session.flush()
    return run


async def class_in_wave(ctx: Context, wave: Wave, person_id: int) -> int | None:
    """The parent's class that the wave covers (the first, for a parent of several)."""
    scope = set(
        await ctx.session.scalars(select(WaveClass.class_id).where(WaveClass.wave_id == wave.id))
    )
    for place in await places_of(ctx.session, person_id, "parent"):
        if place.classroom and place.school.id == wave.school_id and place.classroom.id in scope:
            return place.classroom.id
    return None


async def has_submitted(ctx: Context, wave_id: int, person_id: int) -> bool:
    receipt = await ctx.session.get(CompletionReceipt, (wave_id, person_id))
    return receipt is not None


def is_open(wave: Wave, now: datetime) -> bool:
    return wave.opens_at <= now < wave.closes_at
