"""Loading and saving a parent's unfinished questionnaire.

An answer is staged on the unit of work and written with the other answers of the same dispatch
batch, in one statement just before commit: every tap runs this, and a database round trip costs
more than all the rest of handling it. The runs read for a batch are kept there too (`RunDrafts`),
so each handler of the batch finds its run without another query.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.db import json_object_agg, table_of, upsert_statements
from bot.models.waves import CompletionReceipt, DraftAnswer, SurveyRun, Wave, WaveClass
from bot.unit_of_work import UnitOfWork
from handlers.people import places_of

DraftKey = tuple[int, str]

_DRAFT_TABLE = table_of(DraftAnswer)
# the runs, their waves and their answers so far, in one round trip for a whole batch
_RUNS_BY_TOKEN = (
    select(
        SurveyRun,
        Wave,
        select(json_object_agg(DraftAnswer.question_key, DraftAnswer.value))
        .where(DraftAnswer.run_id == SurveyRun.id)
        .scalar_subquery(),
    )
    .join(Wave, Wave.id == SurveyRun.wave_id)
    .where(SurveyRun.token.in_(bindparam("tokens", expanding=True)))
)
Loaded = tuple[SurveyRun, Wave, dict[str, str]]


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


_UPSERT_DRAFT = upsert_statements(_draft_upsert)


@dataclass
class RunDrafts:
    """A unit of work's runs read so far (by token; None: no such run) and its staged answers."""

    runs: dict[str, Loaded | None] = field(default_factory=dict)
    drafts: dict[DraftKey, dict[str, Any]] = field(default_factory=dict)

    async def write(self, session: AsyncSession) -> None:
        """Upserts the staged answers of the whole batch in one statement."""
        if self.drafts:
            await session.execute(_UPSERT_DRAFT(session), list(self.drafts.values()))

    def answers_of(self, run_id: int) -> dict[str, str]:
        return {key: row["value"] for (run, key), row in self.drafts.items() if run == run_id}


async def prefetch_runs(work: UnitOfWork, tokens: Collection[str]) -> None:
    """Reads the runs of these tokens with their waves and answers, once per unit of work."""
    loaded = work.staged(RunDrafts).runs
    wanted = [token for token in tokens if token not in loaded]
    if not wanted:
        return
    for run, wave, stored in await work.session.execute(_RUNS_BY_TOKEN, {"tokens": wanted}):
        loaded[run.token] = (run, wave, dict(stored or {}))
    for token in wanted:
        loaded.setdefault(token, None)


async def run_by_token(ctx: Context, token: str) -> Loaded | None:
    """The run a button or typed reply belongs to, its wave and its answers so far."""
    await prefetch_runs(ctx.work, [token])
    state = ctx.work.staged(RunDrafts)
    found = state.runs[token]
    if found is None:
        return None
    run, wave, stored = found
    return run, wave, {**stored, **state.answers_of(run.id)}


async def apply_changes(ctx: Context, run: SurveyRun, changed: Mapping[str, str | None]) -> None:
    """Stores the answers the engine changed (None: an answer a change has hidden)."""
    state = ctx.work.staged(RunDrafts)
    staged, loaded = state.drafts, state.runs.get(run.token)
    for key, value in changed.items():
        if value is not None:
            staged[(run.id, key)] = {
                "run_id": run.id,
                "question_key": key,
                "value": value,
                "answered_at": ctx.now,
            }
            if loaded is not None:
                loaded[2][key] = value
            continue
        staged.pop((run.id, key), None)
        if loaded is not None:
            loaded[2].pop(key, None)
        await ctx.session.execute(
            delete(DraftAnswer).where(DraftAnswer.run_id == run.id, DraftAnswer.question_key == key)
        )


async def drop_run(ctx: Context, run: SurveyRun) -> None:
    """Deletes a submitted run and its draft answers (and what this unit of work holds of them)."""
    state = ctx.work.staged(RunDrafts)
    state.runs.pop(run.token, None)
    for draft in [draft for draft in state.drafts if draft[0] == run.id]:
        del state.drafts[draft]
    await ctx.session.execute(delete(DraftAnswer).where(DraftAnswer.run_id == run.id))
    await ctx.session.execute(delete(SurveyRun).where(SurveyRun.id == run.id))


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
        state={},
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
