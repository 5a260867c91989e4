"""The SIPAS figures by grade (nhà trẻ, mầm, chồi, lá): the child's age group, never asked.

Each response carries the grade of its class when it was released (`responses.grade`,
handlers/release.py; "" when the class had none, or a small class whose grade's group was too
small to keep it). A grade with fewer than `min_group_size` responses shows no figure, and no
figure of a grade is shown that the whole minus the grades shown would give back for fewer than
`min_group_size` answers (`small_groups.breakdown_shown`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.waves import Answer, Response
from bot.school_terms import GRADES
from handlers import texts
from handlers.reports.small_groups import breakdown_shown
from surveys.kinds import kind_of
from surveys.schema import Survey
from surveys.scoring import Method, WaveScore, score_counts


@dataclass
class GradeTally:
    """One grade's responses as value counts of the scored questions."""

    respondents: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, other: GradeTally) -> None:
        self.respondents += other.respondents
        for key, values in other.counts.items():
            self.counts.setdefault(key, Counter()).update(values)


@dataclass(frozen=True)
class GradeFigures:
    """A grade's figures: suppressed (no figure, not even its count) under the minimum."""

    grade: str
    title: str
    score: WaveScore
    asks_overall: bool  # the survey has the overall question

    @property
    def respondents(self) -> int | None:
        return None if self.score.suppressed else self.score.respondents


def grade_title(grade: str) -> str:
    """ "Mẫu giáo lớn (lá)"; a grade of another name as it is written; "" as "no grade"."""
    return texts.GRADE_TITLES.get(grade, grade)


def grade_order(grade: str) -> tuple[int, str]:
    return (GRADES.index(grade) if grade in GRADES else len(GRADES) + (not grade), grade)


def scored_keys(surveys: Sequence[Survey]) -> list[str]:
    """The questions a breakdown counts: the scored ones."""
    return sorted({q.key for s in surveys for q in s.questions if kind_of(q).scored})


async def grade_tallies(
    session: AsyncSession, wave_ids: Sequence[int], keys: Sequence[str]
) -> dict[int, dict[str, GradeTally]]:
    """Per wave and grade, the value counts of these questions; two grouped queries."""
    if not wave_ids:
        return {}
    ids = {"wave_ids": list(wave_ids), "keys": list(keys)}
    found: dict[int, dict[str, GradeTally]] = {}
    counted = await session.execute(
        select(Response.wave_id, Response.grade, Answer.question_key, Answer.value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.wave_id.in_(bindparam("wave_ids", expanding=True)),
            Answer.question_key.in_(bindparam("keys", expanding=True)),
        )
        .group_by(Response.wave_id, Response.grade, Answer.question_key, Answer.value),
        ids,
    )
    for wave_id, grade, key, value, n in counted:
        tally = found.setdefault(wave_id, {}).setdefault(grade, GradeTally())
        tally.counts.setdefault(key, Counter())[value] += n
    responded = await session.execute(
        select(Response.wave_id, Response.grade, func.count())
        .where(Response.wave_id.in_(bindparam("wave_ids", expanding=True)))
        .group_by(Response.wave_id, Response.grade),
        {"wave_ids": ids["wave_ids"]},
    )
    for wave_id, grade, n in responded:
        found.setdefault(wave_id, {}).setdefault(grade, GradeTally()).respondents += n
    return found


def grade_breakdown(
    survey: Survey, tallies: Mapping[str, GradeTally], *, method: Method, min_group: int
) -> tuple[GradeFigures, ...]:
    """Each grade's figures, in grade order; none when no response has a grade."""
    if not any(grade for grade, tally in tallies.items() if tally.respondents):
        return ()
    groups = {grade: tally.counts for grade, tally in tallies.items() if tally.respondents}
    shown = breakdown_shown(survey, groups, min_group)
    return tuple(
        GradeFigures(
            grade,
            grade_title(grade),
            score_counts(
                survey,
                shown[grade],
                tallies[grade].respondents,
                0,  # participation is counted from invitations, not by grade
                method=method,
                min_group=min_group,
            ),
            survey.overall is not None,
        )
        for grade in sorted(groups, key=grade_order)
    )
