"""Wrong codes are limited per chat: 5 in 10 minutes, then one "try later" and silence.

A class code, a staff invite and a link code are all typed into the same chat, and a script can
type thousands a minute; each guess costs a lookup and would get an answer. The `WRONG_CODES`-th
wrong one within `WINDOW` of the first is answered "try again in 10 minutes" instead of "wrong
code", and from then on the chat gets no answer at all to a code, and no code is even looked up,
until `WINDOW` has passed since that last wrong one. The count lives in the database
(`code_attempts`), so every replica and a restart see it; a right code typed in between does not
reset it (a parent's own class code would, for whoever knows one).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Final

from sqlalchemy import delete, or_

from bot.context import Context
from bot.models.people import CodeAttempts
from handlers import texts

WRONG_CODES: Final = 5
WINDOW: Final = timedelta(minutes=10)
KEEP: Final = timedelta(days=1)  # a chat's count is forgotten this long after it stopped


async def attempts_of(ctx: Context) -> CodeAttempts | None:
    """This chat's count of wrong codes, locked for this transaction."""
    key = (ctx.inbound.channel, ctx.inbound.chat_id)
    return await ctx.session.get(CodeAttempts, key, with_for_update=True)


def refused(ctx: Context, attempts: CodeAttempts | None) -> bool:
    """Whether the chat may not try a code now (it was told when it was locked)."""
    return (
        attempts is not None
        and attempts.locked_until is not None
        and attempts.locked_until > ctx.now
    )


async def count_wrong_code(ctx: Context, attempts: CodeAttempts | None) -> bool:
    """Counts a wrong code; True when it was the last the window allows, which locks the chat
    for `WINDOW`."""
    if attempts is None:
        await _forget_old(ctx)
        attempts = CodeAttempts(
            channel=ctx.inbound.channel,
            chat_id=ctx.inbound.chat_id,
            window_start=ctx.now,
            failures=0,
        )
        ctx.session.add(attempts)
    elif attempts.locked_until is not None or attempts.window_start + WINDOW <= ctx.now:
        # the window, or the lock after it, has passed: this code starts a new one
        attempts.window_start, attempts.failures, attempts.locked_until = ctx.now, 0, None
    attempts.failures += 1
    if attempts.failures < WRONG_CODES:
        return False
    attempts.locked_until = ctx.now + WINDOW
    return True


def try_later(ctx: Context) -> None:
    """The one answer a chat gets when it is locked: until when, in minutes."""
    ctx.reply(texts.CODE_TRY_LATER.format(minutes=math.ceil(WINDOW.total_seconds() / 60)))


async def _forget_old(ctx: Context) -> None:
    """Drops the counts of chats that stopped a day ago (a chat id is personal data too)."""
    await ctx.session.execute(
        delete(CodeAttempts).where(
            CodeAttempts.window_start < ctx.now - KEEP,
            or_(CodeAttempts.locked_until.is_(None), CodeAttempts.locked_until < ctx.now),
        )
    )
