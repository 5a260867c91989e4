"""What parents have sent: their answers wherever they are now, waiting in the pool or released."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.waves import Answer, PendingResponse, Response


async def submitted_answers(session: AsyncSession) -> list[dict[str, str]]:
    """Every submitted questionnaire's answers, waiting (handlers/release.py) or released."""
    found = [dict(answers) for answers in await session.scalars(select(PendingResponse.answers))]
    released: dict[str, dict[str, str]] = {
        response_id: {} for response_id in await session.scalars(select(Response.id))
    }
    for response_id, key, value in await session.execute(
        select(Answer.response_id, Answer.question_key, Answer.value)
    ):
        released[response_id][key] = value
    return found + list(released.values())
