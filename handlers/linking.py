"""One parent on several chat apps: a one-time code joins another account to the same person.

The code is asked for in /dulieu on an account that is already the person's, and typed (like a
class code) on the other app. It is random (60 bits), single-use and short-lived, and every other
account of the person is told when it was used, with a way in /dulieu to undo it; so a stranger
cannot guess one, and a code that reached the wrong hands is noticed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

from sqlalchemy import Column, Table, UniqueConstraint, and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Outbound, platform_of
from bot.context import Context
from bot.db import table_of
from bot.interactions import Button, choice
from bot.models.people import ChatAccount, LinkCode, Person
from bot.models.schema import metadata
from bot.models.waves import CompletionReceipt, SurveyRun
from handlers import texts
from handlers.codes import new_code
from handlers.people import add_account

LINK_CODE_LENGTH = 12
LINK_CODE_TTL = timedelta(minutes=15)


class LinkAnotherApp(Button, verb="lnknew"):
    """ "Liên kết thêm ứng dụng": a one-time code for the person who taps."""


class Unlink(Button, verb="unlink"):
    """ "Bỏ liên kết …": detaches another chat account of the same person."""

    account: int


def app_name(channel: str) -> str:
    """How a parent calls the app behind a channel: every school's Zalo bot is "Zalo"."""
    platform = platform_of(channel)
    return texts.APP_NAMES.get(platform, platform)


def link_choices(accounts: Sequence[ChatAccount], current: ChatAccount | None) -> list[Choice]:
    """The /dulieu choices to link one more app, and to detach each other linked account."""
    others = [a for a in accounts if current is None or a.id != current.id]
    return [
        choice(LinkAnotherApp(), texts.LINK_ANOTHER),
        *(choice(Unlink(a.id), texts.UNLINK.format(app=app_name(a.channel))) for a in others),
    ]


async def offer_code(ctx: Context, tap: LinkAnotherApp) -> None:
    """Gives the person a one-time code to type on their other app."""
    person = ctx.person
    if person is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    # one live code a person: asking again replaces it
    await ctx.session.execute(delete(LinkCode).where(LinkCode.person_id == person.id))
    code = new_code(LINK_CODE_LENGTH)
    ctx.session.add(
        LinkCode(
            code=code, person_id=person.id, created_at=ctx.now, expires_at=ctx.now + LINK_CODE_TTL
        )
    )
    minutes = int(LINK_CODE_TTL.total_seconds() // 60)
    ctx.reply(texts.LINK_CODE.format(code=code, minutes=minutes), edit=True)


async def unlink(ctx: Context, tap: Unlink) -> None:
    """Detaches another account of the person who taps; anyone else's account is refused."""
    if ctx.person is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    account = await ctx.session.get(ChatAccount, tap.account)
    mine = account is not None and account.person_id == ctx.person.id
    this_one = ctx.account is not None and tap.account == ctx.account.id
    if account is None or not mine or this_one:
        ctx.reply(texts.STALE_BUTTON)
        return
    await ctx.session.delete(account)
    ctx.reply(texts.UNLINKED.format(app=app_name(account.channel)), edit=True)


async def redeem_link_code(ctx: Context, code: str) -> bool:
    """Joins this chat account to the person who asked for `code`; False when it is no link code."""
    link = await ctx.session.scalar(select(LinkCode).where(LinkCode.code == code).with_for_update())
    if link is None:
        return False
    owner_id = link.person_id
    await ctx.session.delete(link)  # used or expired, it is spent
    if link.expires_at <= ctx.now:
        ctx.reply(texts.LINK_EXPIRED)
    elif ctx.person is not None and ctx.person.id == owner_id:
        ctx.reply(texts.LINK_SAME_ACCOUNT)
    else:
        await _join(ctx, owner_id)
    return True


async def _join(ctx: Context, owner_id: int) -> None:
    account = ctx.account
    if ctx.person is not None and account is not None:
        await merge_people(ctx.session, keep_id=owner_id, gone_id=ctx.person.id)
        await ctx.session.refresh(account)
        # a questionnaire begun on one app for a wave answered on the other is done with
        answered = select(CompletionReceipt.wave_id).where(CompletionReceipt.person_id == owner_id)
        await ctx.session.execute(
            delete(SurveyRun).where(
                SurveyRun.person_id == owner_id, SurveyRun.wave_id.in_(answered)
            )
        )
    else:
        account = add_account(ctx, owner_id)
        await ctx.session.flush()
    ctx.person, ctx.account = await ctx.session.get(Person, owner_id), account
    ctx.reply(texts.LINKED)
    # the person's other chats hear of it, so a code that reached someone else is noticed
    others = await ctx.session.scalars(
        select(ChatAccount).where(ChatAccount.person_id == owner_id, ChatAccount.id != account.id)
    )
    notice = texts.LINKED_ELSEWHERE.format(app=app_name(ctx.inbound.channel))
    for other in others:
        ctx.work.send(other.channel, Outbound(other.chat_id, notice))


async def merge_people(session: AsyncSession, *, keep_id: int, gone_id: int) -> None:
    """Moves every row of person `gone` to person `keep`, then deletes `gone`.

    It goes over every table that refers to a person, so features added later are merged too.
    Where `keep` already has the same row (a class, a receipt, a run of the same wave), the row
    of `gone` is dropped: one person answers a wave once.
    """
    for table, column in _person_columns():
        for unique in _unique_sets(table, column):
            twin = table.alias()
            same = [twin.c[c.name].is_not_distinct_from(c) for c in unique if c is not column]
            held = exists().where(and_(twin.c[column.name] == keep_id, *same))
            await session.execute(delete(table).where(column == gone_id, held))
        await session.execute(update(table).where(column == gone_id).values({column.name: keep_id}))
    await session.execute(delete(table_of(Person)).where(table_of(Person).c.id == gone_id))


def _person_columns() -> Iterator[tuple[Table, Column[int]]]:
    for table in metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == Person.__tablename__ for fk in column.foreign_keys):
                yield table, column


def _unique_sets(table: Table, column: Column[int]) -> Iterator[list[Column[int]]]:
    """The column sets that must stay unique in `table` and include `column`."""
    sets = [list(table.primary_key.columns)]
    sets += [list(c.columns) for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets += [list(i.columns) for i in table.indexes if i.unique]
    for columns in sets:
        if any(c is column for c in columns):
            yield columns
