"""The survey figures of many schools, counted by the database (GROUP BY), never row by row.

Every SIPAS index and every per-option tally only needs how many responses gave each value to
each question (`surveys.scoring.score_counts`, `tally_options`), so the answers are grouped by
wave, period and (question, value) in one statement, however many schools and answers there are.
Free-text answers are left out of it: a comment is shown only in a school's own report
(`comments_of`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import Subquery, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Answer, Classroom, CompletionReceipt, Response, Wave, WaveInvite
from handlers.reports.periods import Period
from surveys.catalog import Catalog
from surveys.kinds import QuestionKind, kind_of
from surveys.schema import Survey


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


TallyKey = tuple[int, int, str]  # school id, period index, survey key


def counted_keys(catalog: Catalog) -> list[str]:
    """The questions whose answers are counted: scored items, tallied choices and the wishes."""
    keys = {q.key for s in catalog.all() for q in s.questions if _counted(kind_of(q))}
    keys |= {s.wishes for s in catalog.all() if s.wishes}
    return sorted(keys)


def _counted(kind: QuestionKind) -> bool:
    return kind.scored or kind.tallied


async def tally_answers(
    session: AsyncSession, catalog: Catalog, school_ids: Sequence[int], periods: Sequence[Period]
) -> dict[TallyKey, Tally]:
    """Value counts and respondents per (school, period, survey), each period by submission day.

    Grouped by wave, the narrowest key, and only then told apart by school and survey: the
    database aggregates the answers without joining each of them to its wave.
    """
    waves = {
        wave_id: (school_id, key, version)
        for wave_id, school_id, key, version in await session.execute(
            select(Wave.id, Wave.school_id, Wave.survey_key, Wave.survey_version).where(
                Wave.school_id.in_(school_ids)
            )
        )
    }
    chosen = _responses_in(periods, list(waves))
    counted = await session.execute(
        select(chosen.c.wave_id, chosen.c.period, Answer.question_key, Answer.value, func.count())
        .join(chosen, chosen.c.id == Answer.response_id)
        .where(Answer.question_key.in_(counted_keys(catalog)))
        .group_by(chosen.c.wave_id, chosen.c.period, Answer.question_key, Answer.value)
    )
    tallies: dict[TallyKey, Tally] = {}

    def tally_of(wave_id: int, index: int) -> Tally:
        school_id, key, version = waves[wave_id]
        tally = tallies.setdefault((school_id, index, key), Tally())
        tally.version = max(tally.version, version)
        return tally

    for wave_id, index, question, value, n in counted:
        tally_of(wave_id, index).counts.setdefault(question, Counter())[value] += n
    # a response whose every answer was skipped has no answer rows, yet it counts
    responded = await session.execute(
        select(chosen.c.wave_id, chosen.c.period, func.count())
        .select_from(chosen)
        .group_by(chosen.c.wave_id, chosen.c.period)
    )
    for wave_id, index, n in responded:
        tally_of(wave_id, index).respondents += n
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
    found: dict[tuple[int, str], list[Turnout]] = {}
    for school_id, key, class_id, invited, answered in rows:
        found.setdefault((school_id, key), []).append(Turnout(class_id, invited, answered))
    return found


async def class_names(session: AsyncSession, school_ids: Sequence[int]) -> dict[int, str]:
    rows = await session.execute(
        select(Classroom.id, Classroom.name).where(Classroom.school_id.in_(school_ids))
    )
    return {class_id: name for class_id, name in rows}


async def comments_of(
    session: AsyncSession, surveys: Mapping[int, Sequence[Survey]], period: Period
) -> dict[tuple[int, str], list[str]]:
    """Per (school, survey): the free-text answers of the period, alphabetically; no class, day
    or order of arrival goes with them, so none points to its author. One query for all."""
    asked = {
        (school_id, survey.key): {q.key for q in survey.questions if kind_of(q).input == "text"}
        for school_id, found in surveys.items()
        for survey in found
    }
    keys = {key for wanted in asked.values() for key in wanted}
    if not keys:
        return {}
    rows = await session.execute(
        select(Wave.school_id, Wave.survey_key, Answer.question_key, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(
            Wave.school_id.in_(list(surveys)),
            Response.submitted_on.between(period.start, period.end),
            Answer.question_key.in_(keys),
            Answer.value != "",
        )
    )
    said: dict[tuple[int, str], list[str]] = {}
    for school_id, survey_key, question, value in rows:
        if question in asked.get((school_id, survey_key), ()) and value.strip():
            said.setdefault((school_id, survey_key), []).append(value.strip())
    return {key: sorted(values) for key, values in said.items()}


def _responses_in(periods: Sequence[Period], wave_ids: Sequence[int]) -> Subquery:
    """The responses to these waves submitted in one of the periods, with that period's index.

    A subquery, so that GROUP BY names its column rather than repeating the CASE (whose bound
    dates PostgreSQL would not recognise as the same expression).
    """
    day = Response.submitted_on
    period = case(*((day.between(p.start, p.end), i) for i, p in enumerate(periods)))
    return (
        select(Response.id, Response.wave_id, period.label("period"))
        .where(
            Response.wave_id.in_(wave_ids),
            or_(*(day.between(p.start, p.end) for p in periods)),
        )
        .subquery()
    )
