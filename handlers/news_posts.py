"""A school's library of news posts, looked up by title (a title is unique in a school)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.broadcasts import NewsPost


async def post_titled(session: AsyncSession, school_id: int, title: str) -> NewsPost | None:
    """The school's post of this title, if it has one."""
    return await session.scalar(
        select(NewsPost).where(NewsPost.school_id == school_id, NewsPost.title == title)
    )
