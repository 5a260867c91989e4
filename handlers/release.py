"""Releasing survey answers from the waiting pool into `responses`, never one parent at a time.

At submission a parent's answers go to `pending_responses` (wave, class, answers: no person, chat
or time), in the transaction that writes their completion receipt. While they wait there they are
as linkable as that transaction is, so they wait only until their class has
`HAILONG_MIN_GROUP_SIZE` of them, or the wave closes. A release (the `release_responses` job,
every minute) then, in a transaction of its own, takes them out of the pool and writes the class's
responses again, all of them, shuffled, under new random ids: every response of a class shares
one transaction (`xmin`), carries no time, and its id and position say nothing of when it came.

At close the rest is released. A class with fewer than the minimum in all is released without
its class (`class_id` NULL), among the wave's other small classes, and the wave is marked
`released_at`: only then do reports count it, so no figure is ever shown of a part of a wave and
then of the whole (the difference would be the last few answers). The questionnaires left
unfinished are deleted then, with their draft answers.

Grades. Each response carries its class's grade (nhà trẻ, mầm, chồi, lá), for the reports'
breakdown by grade; for a response with its class that says nothing the class does not. The
small classes' responses keep their grade only where it costs no anonymity: the small classes of
one grade form a group of their own when they have at least the minimum between them, and so
does the rest (`pooled_by_grade`); otherwise they go, without a grade, into the rest. So no
response is among fewer than the minimum because of its grade.

Profile questions (who answers, how they reach the school: `profile: true` in a definition) are
about the person, and someone who knows which parents answered might tell who is the class's only
father. Their answers are dealt out again at random among the responses of the group written
(`_scatter`): each figure of them stays true, but a response's profile answer is no longer its
author's, so it points to no one and pairs with none of their other answers.

Releases of a wave take its row lock: two replicas (or two runs) never release one answer twice.
Closing takes the lock that submissions' foreign-key checks wait for, and a submission looks at
`released_at` after its insert (`submit_answers`), so no answer lands in a wave already released.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BindParameter, bindparam, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import table_of
from bot.models.schools import Classroom
from bot.models.waves import Answer, DraftAnswer, PendingResponse, Response, SurveyRun, Wave
from bot.routing import JobContext
from surveys.catalog import Catalog

Answers = Mapping[str, str]
_shuffle = random.SystemRandom().shuffle
_INSERT_RESPONSES = insert(table_of(Response))
_INSERT_ANSWERS = insert(table_of(Answer))


async def hold_answers(
    session: AsyncSession, wave_id: int, class_id: int, answers: Answers
) -> bool:
    """Puts a submission's answers in the pool; False (and nothing kept) if the wave is released.

    The check comes after the insert, whose foreign key waits for a closing release under way.
    """
    held = PendingResponse(
        wave_id=wave_id,
        class_id=class_id,
        answers={key: value for key, value in sorted(answers.items()) if value},
    )
    session.add(held)
    await session.flush()
    released = await session.scalar(select(Wave.released_at).where(Wave.id == wave_id))
    if released is not None:
        await session.delete(held)
        return False
    return True


async def release_responses(job: JobContext) -> None:
    """Releases each class with enough answers waiting, and whatever waits of closed waves."""
    now = job.services.clock.now()
    minimum = job.services.settings.min_group_size
    async with job.reading() as session:
        waiting = (
            await session.execute(
                select(PendingResponse.wave_id, PendingResponse.class_id, func.count())
                .join(Wave, Wave.id == PendingResponse.wave_id)
                .where(Wave.closes_at > now)
                .group_by(PendingResponse.wave_id, PendingResponse.class_id)
                .having(func.count() >= minimum)
            )
        ).all()
        closing = set(
            await session.scalars(
                select(Wave.id).where(Wave.closes_at <= now, Wave.released_at.is_(None))
            )
        )
        closing |= set(
            await session.scalars(
                select(PendingResponse.wave_id)
                .join(Wave, Wave.id == PendingResponse.wave_id)
                .where(Wave.closes_at <= now)
            )
        )
    catalog = job.services.catalog
    for wave_id, class_id, _ in waiting:
        async with job.transaction() as work:
            await release_class(work.session, wave_id, class_id, minimum, now, catalog=catalog)
    for wave_id in sorted(closing):
        async with job.transaction() as work:
            await release_closed_wave(work.session, wave_id, minimum, now, catalog=catalog)


async def release_class(
    session: AsyncSession,
    wave_id: int,
    class_id: int | None,
    minimum: int,
    now: datetime,
    *,
    catalog: Catalog,
) -> int:
    """Releases a class's waiting answers of an open wave if there are at least `minimum`."""
    wave = await _locked(session, wave_id, closing=False)
    if wave is None or wave.closes_at <= now or class_id is None:
        return 0  # a closed wave, or a deleted class: all goes at close
    held = list(
        await session.scalars(
            select(PendingResponse).where(
                PendingResponse.wave_id == wave_id, PendingResponse.class_id == class_id
            )
        )
    )
    if len(held) < minimum:
        return 0  # another release took them first
    await _take(session, held)
    grade = (await _grades(session, [class_id])).get(class_id, "")
    group = _Group(wave_id, class_id, grade, _profile_keys(catalog, wave))
    await _redraw(session, group, [row.answers for row in held])
    return len(held)


async def release_closed_wave(
    session: AsyncSession, wave_id: int, minimum: int, now: datetime, *, catalog: Catalog
) -> int:
    """Releases all that waits of a closed wave (small classes without their class); marks it."""
    wave = await _locked(session, wave_id, closing=True)
    if wave is None or wave.closes_at > now:
        return 0
    held = list(
        await session.scalars(select(PendingResponse).where(PendingResponse.wave_id == wave_id))
    )
    by_class: dict[int | None, list[Answers]] = {}
    for row in held:
        by_class.setdefault(row.class_id, []).append(row.answers)
    out = await _released_per_class(session, wave_id)
    profile = _profile_keys(catalog, wave)
    small: dict[str, list[Answers]] = {"": by_class.pop(None, [])}  # a deleted class: no grade
    grades = await _grades(session, by_class)
    for class_id, answers in by_class.items():
        grade = grades.get(class_id, "")
        if out.get(class_id, 0) + len(answers) >= minimum:
            await _redraw(session, _Group(wave_id, class_id, grade, profile), answers)
        else:
            small.setdefault(grade, []).extend(answers)
    for grade, answers in pooled_by_grade(small, minimum).items():
        await _redraw(session, _Group(wave_id, None, grade, profile), answers)
    await _take(session, held)
    # a questionnaire left unfinished can no longer be sent: its answers, still the parent's, go
    unfinished = select(SurveyRun.id).where(SurveyRun.wave_id == wave_id)
    await session.execute(delete(DraftAnswer).where(DraftAnswer.run_id.in_(unfinished)))
    await session.execute(delete(SurveyRun).where(SurveyRun.wave_id == wave_id))
    if wave.released_at is None:
        wave.released_at = now
    return len(held)


def pooled_by_grade(
    small: Mapping[str, Sequence[Answers]], minimum: int
) -> dict[str, list[Answers]]:
    """The small classes' answers by the grade they may keep ("": none).

    A grade keeps its name when its small classes have at least `minimum` answers between
    them and the answers left without a grade are none or at least `minimum` too; while the
    rest is too small, the smallest named grade joins it.
    """
    kept = {grade: list(found) for grade, found in small.items() if grade and len(found) >= minimum}
    rest = [answers for grade, found in small.items() if grade not in kept for answers in found]
    while 0 < len(rest) < minimum and kept:
        smallest = min(kept, key=lambda grade: (len(kept[grade]), grade))
        rest += kept.pop(smallest)
    return {**kept, "": rest} if rest else kept


def _profile_keys(catalog: Catalog, wave: Wave) -> frozenset[str]:
    """The wave's questions about the respondent; none if its definition is gone."""
    try:
        return catalog.get(wave.survey_key, wave.survey_version).profile_keys()
    except KeyError:
        return frozenset()


async def _grades(session: AsyncSession, class_ids: Iterable[int | None]) -> dict[int | None, str]:
    wanted = [class_id for class_id in class_ids if class_id is not None]
    if not wanted:
        return {}
    rows = await session.execute(
        select(Classroom.id, Classroom.grade).where(Classroom.id.in_(wanted))
    )
    return {class_id: grade for class_id, grade in rows}


async def _locked(session: AsyncSession, wave_id: int, *, closing: bool) -> Wave | None:
    """The wave, locked for this release: closing blocks submissions' foreign-key checks too."""
    query = select(Wave).where(Wave.id == wave_id).execution_options(populate_existing=True)
    return await session.scalar(query.with_for_update(key_share=not closing))


async def _released_per_class(session: AsyncSession, wave_id: int) -> dict[int | None, int]:
    rows = await session.execute(
        select(Response.class_id, func.count())
        .where(Response.wave_id == wave_id)
        .group_by(Response.class_id)
    )
    return {class_id: n for class_id, n in rows}


async def _take(session: AsyncSession, held: Sequence[PendingResponse]) -> None:
    ids = [row.id for row in held]
    if ids:
        await session.execute(
            delete(PendingResponse).where(PendingResponse.id.in_(bindparam("ids", expanding=True))),
            {"ids": ids},
        )


@dataclass(frozen=True)
class _Group:
    """The responses written together: a wave's class (or its small classes of one grade)."""

    wave_id: int
    class_id: int | None
    grade: str
    profile: Collection[str]  # the questions whose answers are dealt out again among them


async def _redraw(session: AsyncSession, group: _Group, more: Sequence[Answers]) -> None:
    """Writes the group's responses again with `more`: all in a random order, new random ids,
    the profile answers dealt out again."""
    wave_id, class_id = group.wave_id, group.class_id
    same_class = (
        (Response.class_id.is_(None) & (Response.grade == group.grade))
        if class_id is None
        else Response.class_id == class_id
    )
    ids = list(
        await session.scalars(select(Response.id).where(Response.wave_id == wave_id, same_class))
    )
    kept: dict[str, dict[str, str]] = {response_id: {} for response_id in ids}
    if ids:
        in_ids: BindParameter[str] = bindparam("ids", expanding=True)
        rows = await session.execute(
            select(Answer.response_id, Answer.question_key, Answer.value).where(
                Answer.response_id.in_(in_ids)
            ),
            {"ids": ids},
        )
        for response_id, key, value in rows:
            kept[response_id][key] = value
        await session.execute(delete(Answer).where(Answer.response_id.in_(in_ids)), {"ids": ids})
        await session.execute(delete(Response).where(Response.id.in_(in_ids)), {"ids": ids})
    everything = [*kept.values(), *(dict(answers) for answers in more)]
    _shuffle(everything)
    _scatter(everything, group.profile)
    new_ids = [str(uuid.uuid4()) for _ in everything]
    await session.execute(
        _INSERT_RESPONSES,
        [
            {"id": new, "wave_id": wave_id, "class_id": class_id, "grade": group.grade}
            for new in new_ids
        ],
    )
    answers = [
        {"response_id": new, "question_key": key, "value": value}
        for new, given in zip(new_ids, everything, strict=True)
        for key, value in given.items()
    ]
    if answers:
        await session.execute(_INSERT_ANSWERS, answers)


def _scatter(responses: Sequence[dict[str, str]], keys: Collection[str]) -> None:
    """Deals each profile question's answers out again at random among the responses: every
    count stays, no response keeps its author's (nor pairs two of their profile answers)."""
    for key in sorted(keys):
        values = [response.pop(key, None) for response in responses]
        _shuffle(values)
        for response, value in zip(responses, values, strict=True):
            if value is not None:
                response[key] = value
