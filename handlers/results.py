"""Reading a wave's anonymous answers and scoring them the SIPAS way."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Answer, CompletionReceipt, Response, Wave, WaveInvite
from handlers import texts
from surveys.catalog import Catalog
from surveys.scoring import Method, WaveScore, round2, score_wave


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
    """The SIPAS indices of a wave (suppressed under `min_group` respondents)."""
    survey = catalog.get(wave.survey_key, wave.survey_version)
    _, invited = await wave_progress(session, wave.id)
    responses = await wave_responses(session, wave.id)
    return score_wave(survey, responses, invited, method=method, min_group=min_group)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round2(value):.2f} %".replace(".", ",")


async def wave_score_text(
    session: AsyncSession, catalog: Catalog, wave: Wave, method: Method, min_group: int
) -> str:
    """The wave's results as a short chat message."""
    score = await score_of(session, catalog, wave, method, min_group)
    header = texts.RESULTS_HEADER.format(
        title=wave.title,
        answered=score.respondents,
        invited=score.invited,
        rate=percent(score.participation_rate),
    )
    if score.suppressed:
        return header + "\n" + texts.RESULTS_SUPPRESSED.format(n=score.respondents, min=min_group)
    lines = [header]
    lines += [
        texts.RESULTS_ELEMENT.format(title=element.title, index=percent(element.index))
        for element in score.elements
    ]
    mean = "–" if score.mean_score is None else f"{score.mean_score:.2f}".replace(".", ",")
    lines.append(texts.RESULTS_OVERALL.format(index=percent(score.overall_index), mean=mean))
    return "\n".join(lines)


async def wave_progress(
    session: AsyncSession, wave_id: int, class_ids: Sequence[int] | None = None
) -> tuple[int, int]:
    """(answered, invited) for a wave, optionally only some classes (counts only)."""
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
    if class_ids is not None:
        invited_q = invited_q.where(WaveInvite.class_id.in_(class_ids))
        answered_q = answered_q.where(WaveInvite.class_id.in_(class_ids))
    return int(await session.scalar(answered_q) or 0), int(await session.scalar(invited_q) or 0)
