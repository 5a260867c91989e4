"""The survey figures of many schools, counted by the database (GROUP BY), never row by row.

Every SIPAS index and every per-option tally only needs how many responses gave each value to
each question (`surveys.scoring.score_counts`, `tally_options`), so the answers are grouped by
wave and (question, value) in one statement, however many schools and answers there are.
Free-text answers are left out of it: a comment is shown only in a school's own report
(`comments_of`).

A response carries no time, only its wave: a wave's answers count in the period that contains
the (local) day it closes, once they have all been released (`waves.released_at`,
handlers/release.py). Participation is counted from the completion receipts, which are about
people and say when each answered: a parent erased since still counts (`erased_invites`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, and_, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.schools import Classroom
from bot.models.waves import Answer, CompletionReceipt, ErasedInvite, Response, Wave, WaveInvite
from handlers.reports.periods import Period
from surveys.catalog import Catalog
from surveys.kinds import QuestionKind, kind_of
from surveys.schema import Survey

_WAVE_IDS: BindParameter[int] = bindparam("wave_ids", expanding=True)


@dataclass
class Tally:
    """One school's responses to one survey in one period, as value counts."""

    respondents: int = 0
    version: int = 0  # the newest version among the waves: the definition they are scored by
    counts: dict[str, Counter[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Turnout:
    """Invited parents of one class to a survey's waves, and how many of them have answered."""

    class_id: int
    invited: int
    answered: int


@dataclass(frozen=True)
class ReportedWave:
    """A wave whose answers a report counts: its school, survey and the period it falls in."""

    id: int
    school_id: int
    survey_key: str
    version: int
    period: int  # the index of the period that contains its closing day


TallyKey = tuple[int, int, str]  # school id, period index, survey key


def counted_keys(catalog: Catalog) -> list[str]:
    """The questions whose answers are counted, in any version: scored items, tallied choices
    and the wishes."""
    surveys = [version for s in catalog.all() for version in catalog.versions(s.key)]
    keys = {q.key for s in surveys for q in s.questions if _counted(kind_of(q))}
    keys |= {s.wishes for s in surveys if s.wishes}
    return sorted(keys)


def _counted(kind: QuestionKind) -> bool:
    return kind.scored or kind.tallied


async def reported_waves(
    session: AsyncSession, school_ids: Sequence[int], periods: Sequence[Period], zone: ZoneInfo
) -> list[ReportedWave]:
    """The released waves of these schools that closed in one of the periods."""
    rows = await session.execute(
        select(Wave.id, Wave.school_id, Wave.survey_key, Wave.survey_version, Wave.closes_at).where(
            Wave.school_id.in_(school_ids), Wave.released_at.is_not(None)
        )
    )
    found = []
    for wave_id, school_id, key, version, closes_at in rows:
        day = closes_at.astimezone(zone).date()
        index = next((i for i, p in enumerate(periods) if p.start <= day <= p.end), None)
        if index is not None:
            found.append(ReportedWave(wave_id, school_id, key, version, index))
    return found


async def open_waves(
    session: AsyncSession, school_ids: Sequence[int], period: Period, zone: ZoneInfo
) -> Counter[tuple[int, str]]:
    """Per (school, survey): the waves open at some time in the period, not released yet."""
    first, after = period.bounds(zone)
    rows = await session.execute(
        select(Wave.school_id, Wave.survey_key, func.count())
        .where(
            Wave.school_id.in_(school_ids),
            Wave.released_at.is_(None),
            Wave.opens_at < after,
            Wave.closes_at > first,
        )
        .group_by(Wave.school_id, Wave.survey_key)
    )
    return Counter({(school_id, key): n for school_id, key, n in rows})


async def tally_answers(
    session: AsyncSession, catalog: Catalog, waves: Sequence[ReportedWave]
) -> dict[TallyKey, Tally]:
    """Value counts and respondents per (school, period, survey) of the reported waves.

    Grouped by wave, the narrowest key, and only then told apart by school and survey: the
    database aggregates the answers without joining each of them to its wave.
    """
    by_id = {wave.id: wave for wave in waves}
    if not by_id:
        return {}
    ids = {"wave_ids": list(by_id)}
    counted = await session.execute(
        select(Response.wave_id, Answer.question_key, Answer.value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id.in_(_WAVE_IDS), Answer.question_key.in_(counted_keys(catalog)))
        .group_by(Response.wave_id, Answer.question_key, Answer.value),
        ids,
    )
    tallies: dict[TallyKey, Tally] = {}

    def tally_of(wave_id: int) -> Tally:
        wave = by_id[wave_id]
        tally = tallies.setdefault((wave.school_id, wave.period, wave.survey_key), Tally())
        tally.version = max(tally.version, wave.version)
        return tally

    for wave_id, question, value, n in counted:
        tally_of(wave_id).counts.setdefault(question, Counter())[value] += n
    # a response whose every answer was skipped has no answer rows, yet it counts
    responded = await session.execute(
        select(Response.wave_id, func.count())
        .where(Response.wave_id.in_(_WAVE_IDS))
        .group_by(Response.wave_id),
        ids,
    )
    for wave_id, n in responded:
        tally_of(wave_id).respondents += n
    return tallies


def survey_for(catalog: Catalog, key: str, version: int) -> Survey | None:
    """The definition to score with: the version answered, else the newest; None if unknown."""
    if (key, version) in catalog:
        return catalog.get(key, version)
    return catalog.latest(key) if key in catalog else None


async def turnout(
    session: AsyncSession, school_ids: Sequence[int], period: Period, zone: ZoneInfo
) -> dict[tuple[int, str], list[Turnout]]:
    """Per (school, survey): each class's parents invited to a wave open at some time in the
    period, and those of them who had answered it by the period's end."""
    first, after = period.bounds(zone)
    answered_by_end = and_(
        CompletionReceipt.wave_id == WaveInvite.wave_id,
        CompletionReceipt.person_id == WaveInvite.person_id,
        CompletionReceipt.submitted_at < after,
    )
    rows = await session.execute(
        select(
            Wave.school_id, Wave.survey_key, WaveInvite.class_id,
            func.count(), func.count(CompletionReceipt.person_id),
        )
        .select_from(WaveInvite)
        .join(Wave, Wave.id == WaveInvite.wave_id)
        .outerjoin(CompletionReceipt, answered_by_end)
        .where(
            Wave.school_id.in_(school_ids),
            Wave.opens_at < after,
            Wave.closes_at > first,
            WaveInvite.invited_at < after,
        )
        .group_by(Wave.school_id, Wave.survey_key, WaveInvite.class_id)
    )  # fmt: skip
    counts: Counter[tuple[int, str, int, str]] = Counter()
    for school_id, key, class_id, invited, answered in rows:
        counts[(school_id, key, class_id, "invited")] += invited
        counts[(school_id, key, class_id, "answered")] += answered
    erased = await session.execute(
        select(
            Wave.school_id, Wave.survey_key, ErasedInvite.class_id,
            func.count(), func.count(case((ErasedInvite.answered_at < after, 1))),
        )
        .join(Wave, Wave.id == ErasedInvite.wave_id)
        .where(
            Wave.school_id.in_(school_ids),
            Wave.opens_at < after,
            Wave.closes_at > first,
            ErasedInvite.invited_at < after,
        )
        .group_by(Wave.school_id, Wave.survey_key, ErasedInvite.class_id)
    )  # fmt: skip
    for school_id, key, class_id, invited, answered in erased:
        counts[(school_id, key, class_id, "invited")] += invited
        counts[(school_id, key, class_id, "answered")] += answered
    found: dict[tuple[int, str], list[Turnout]] = {}
    for school_id, key, class_id, what in sorted(counts):
        if what == "invited":
            answered = counts[(school_id, key, class_id, "answered")]
            found.setdefault((school_id, key), []).append(
                Turnout(class_id, counts[(school_id, key, class_id, what)], answered)
            )
    return found


async def class_names(session: AsyncSession, school_ids: Sequence[int]) -> dict[int, str]:
    rows = await session.execute(
        select(Classroom.id, Classroom.name).where(Classroom.school_id.in_(school_ids))
    )
    return {class_id: name for class_id, name in rows}


async def comments_of(
    session: AsyncSession, surveys: Mapping[int, Sequence[Survey]], waves: Sequence[ReportedWave]
) -> dict[tuple[int, str], list[str]]:
    """Per (school, survey): the free-text answers of the reported waves, alphabetically; no
    class, wave or order of arrival goes with them, so none points to its author. One query."""
    asked = {
        (school_id, survey.key): {q.key for q in survey.questions if kind_of(q).input == "text"}
        for school_id, found in surveys.items()
        for survey in found
    }
    keys = {key for wanted in asked.values() for key in wanted}
    by_id = {wave.id: wave for wave in waves if wave.school_id in surveys}
    if not keys or not by_id:
        return {}
    rows = await session.execute(
        select(Response.wave_id, Answer.question_key, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id.in_(_WAVE_IDS), Answer.question_key.in_(keys), Answer.value != ""),
        {"wave_ids": list(by_id)},
    )
    said: dict[tuple[int, str], list[str]] = {}
    for wave_id, question, value in rows:
        wave = by_id[wave_id]
        key = (wave.school_id, wave.survey_key)
        if question in asked.get(key, ()) and value.strip():
            said.setdefault(key, []).append(value.strip())
    return {key: sorted(values) for key, values in said.items()}
