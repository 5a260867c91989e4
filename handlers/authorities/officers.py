"""Officers of an authority: the invite code that makes one, and redeeming it in chat."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.models.people import Officer, StaffInvite
from bot.models.schools import Authority
from bot.numbers import vi_number
from handlers import texts
from handlers.authorities.scope import schools_beneath
from handlers.codes import STAFF_CODE_LENGTH, new_code
from handlers.people import ensure_person

OFFICER = "officer"  # the role of an officer's invite


async def create_officer_invite(
    session: AsyncSession, *, authority: Authority, now: datetime, ttl: timedelta
) -> StaffInvite:
    """A single-use, expiring code that makes its redeemer an officer of `authority`."""
    invite = StaffInvite(
        code=new_code(STAFF_CODE_LENGTH),
        school_id=None,
        authority_id=authority.id,
        role=OFFICER,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    return invite


async def grant_officer(ctx: Context, invite: StaffInvite) -> None:
    """Makes the person typing a valid officer code an officer of its authority, once."""
    assert invite.authority_id is not None
    schools = await schools_beneath(ctx.session, invite.authority_id)
    bound = ctx.services.settings.school_of_channel(ctx.inbound.channel)
    if bound is not None and bound not in {school.code for school in schools}:
        ctx.reply(texts.CODE_OTHER_SCHOOL)  # a school's own bot serves that school only
        return
    person = await ensure_person(ctx)
    invite.used_at, invite.used_by = ctx.now, person.id
    held = await ctx.session.scalar(
        select(Officer.id).where(
            Officer.person_id == person.id, Officer.authority_id == invite.authority_id
        )
    )
    if held is None:
        ctx.session.add(
            Officer(person_id=person.id, authority_id=invite.authority_id, created_at=ctx.now)
        )
    authority = await ctx.session.get(Authority, invite.authority_id)
    name = authority.name if authority is not None else ""
    ctx.reply(texts.OFFICER_WELCOME.format(authority=name, schools=vi_number(len(schools))))
