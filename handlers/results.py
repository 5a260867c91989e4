"""Reading a wave's anonymous answers and scoring them the SIPAS way.

A wave's indices are shown once it has closed and all its answers are released (`released_at`,
handlers/release.py): a figure shown of a part of a wave and then of the whole would give away
the last few answers. Until then only participation, counted from the receipts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.waves import Answer, CompletionReceipt, ErasedInvite, Response, Wave, WaveInvite
from bot.numbers import vi_number, vi_percent
from handlers import texts
from handlers.reports.grades import GradeFigures, grade_breakdown, grade_tallies, scored_keys
from handlers.reports.small_groups import mark, score_shown
from surveys.catalog import Catalog
from surveys.scoring import Method, WaveScore, value_counts


async def wave_responses(session: AsyncSession, wave_id: int) -> list[dict[str, str]]:
    """Every submitted response of a wave as {question: value}; no person is attached."""
    rows = await session.execute(
        select(Answer.response_id, Answer.question_key, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id == wave_id)
    )
    responses: dict[str, dict[str, str]] = defaultdict(dict)
    for response_id, key, value in rows:
        responses[response_id][key] = value
    # a response whose every answer was skipped has no answer rows, yet it counts
    response_ids = await session.scalars(select(Response.id).where(Response.wave_id == wave_id))
    return [responses.get(response_id, {}) for response_id in response_ids]


async def score_of(
    session: AsyncSession, catalog: Catalog, wave: Wave, method: Method, min_group: int
) -> WaveScore:
    """The SIPAS indices of a wave's released answers, with no figure from a small group."""
    survey = catalog.get(wave.survey_key, wave.survey_version)
    _, invited = await wave_progress(session, wave.id)
    responses = await wave_responses(session, wave.id)
    counts = value_counts(responses)
    return score_shown(survey, counts, len(responses), invited, method=method, min_group=min_group)


def percent(value: float | None) -> str:
    """ "64,5 %", or "–" where there is no figure."""
    return "–" if value is None else vi_percent(value)


async def wave_score_text(
    session: AsyncSession, catalog: Catalog, wave: Wave, method: Method, min_group: int
) -> str:
    """The wave's results as a short chat message (its participation only, until released)."""
    if wave.released_at is None:
        answered, invited = await wave_progress(session, wave.id)
        rate = percent(100 * answered / invited if invited else None)
        header = texts.RESULTS_HEADER.format(
            title=wave.title, answered=vi_number(answered), invited=vi_number(invited), rate=rate
        )
        return header + "\n" + texts.RESULTS_AFTER_CLOSE
    score = await score_of(session, catalog, wave, method, min_group)
    header = texts.RESULTS_HEADER.format(
        title=wave.title,
        answered=vi_number(score.respondents),
        invited=vi_number(score.invited),
        rate=percent(score.participation_rate),
    )
    hidden = mark(min_group)
    if score.suppressed:
        return (
            header
            + "\n"
            + texts.RESULTS_SUPPRESSED.format(n=vi_number(score.respondents), mark=hidden)
        )
    lines = [header]
    lines += [
        texts.RESULTS_ELEMENT.format(title=element.title, index=percent_or(element.index, hidden))
        for element in score.elements
    ]
    mean = hidden if score.mean_score is None else vi_number(score.mean_score)
    lines.append(
        texts.RESULTS_OVERALL.format(index=percent_or(score.overall_index, hidden), mean=mean)
    )
    grades = await wave_grades(session, catalog, wave, method, min_group)
    if grades:
        lines.append(texts.RESULTS_GRADES)
        lines += [
            texts.RESULTS_GRADE.format(title=grade.title, figures=grade_figures(grade, hidden))
            for grade in grades
        ]
    return "\n".join(lines)


async def wave_grades(
    session: AsyncSession, catalog: Catalog, wave: Wave, method: Method, min_group: int
) -> tuple[GradeFigures, ...]:
    """The wave's figures by grade (none if no response has a grade)."""
    survey = catalog.get(wave.survey_key, wave.survey_version)
    tallies = await grade_tallies(session, [wave.id], scored_keys([survey]))
    return grade_breakdown(survey, tallies.get(wave.id, {}), method=method, min_group=min_group)


def grade_figures(grade: GradeFigures, hidden: str) -> str:
    """ "12 phiếu; chỉ số chung 85 %; hài lòng nói chung 83,3 %", or the mark alone."""
    score = grade.score
    if score.suppressed:
        return hidden
    parts = [texts.GRADE_RESPONSES.format(n=vi_number(score.respondents))]
    if score.elements:
        parts.append(texts.GRADE_OVERALL.format(index=percent_or(score.overall_index, hidden)))
    if grade.asks_overall:
        index = percent_or(score.overall_question_index, hidden)
        parts.append(texts.GRADE_SATISFIED.format(index=index))
    return "; ".join(parts)


def percent_or(value: float | None, hidden: str) -> str:
    """A percentage, or the mark where too few answers left no figure."""
    return hidden if value is None else percent(value)


async def wave_progress(
    session: AsyncSession, wave_id: int, class_ids: Sequence[int] | None = None
) -> tuple[int, int]:
    """(answered, invited) for a wave, optionally only some classes (counts only); parents
    erased since still count."""
    invited_q = select(func.count()).select_from(WaveInvite).where(WaveInvite.wave_id == wave_id)
    answered_q = (
        select(func.count())
        .select_from(CompletionReceipt)
        .join(
            WaveInvite,
            (WaveInvite.wave_id == CompletionReceipt.wave_id)
            & (WaveInvite.person_id == CompletionReceipt.person_id),
        )
        .where(CompletionReceipt.wave_id == wave_id)
    )
    erased_q = select(func.count(), func.count(ErasedInvite.answered_at)).where(
        ErasedInvite.wave_id == wave_id
    )
    if class_ids is not None:
        invited_q = invited_q.where(WaveInvite.class_id.in_(class_ids))
        answered_q = answered_q.where(WaveInvite.class_id.in_(class_ids))
        erased_q = erased_q.where(ErasedInvite.class_id.in_(class_ids))
    erased_invited, erased_answered = (await session.execute(erased_q)).one()
    answered = int(await session.scalar(answered_q) or 0) + erased_answered
    return answered, int(await session.scalar(invited_q) or 0) + erased_invited
