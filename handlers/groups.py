"""Class groups: a Telegram group the bot is added to, linked to a class by a teacher's code.

The teacher gets a one-time code in private (/thongbao → "Liên kết nhóm lớp") and types
`/lienket CODE` in the group: the group is then the class's, and the class's posts go there.
Telegram delivers commands to a bot in a group even in privacy mode, so nothing else is read.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.context import Context
from bot.interactions import Button, choice
from bot.models.broadcasts import ClassGroup, GroupLinkCode
from bot.models.people import Membership
from bot.models.schools import Classroom, School
from handlers import help, texts
from handlers.codes import clean_code, new_code
from handlers.posters import addressing, poster_of

CODE_LENGTH = 8
CODE_HOURS = 24


class LinkGroup(Button, verb="grplink"):
    """ "Liên kết nhóm lớp": a code for the poster's class, or the choice of class first."""


class LinkGroupOf(Button, verb="grpclass"):
    """The class to link a group to; only one the one tapping may post to."""

    classroom: int


async def in_group(ctx: Context) -> None:
    """Registers the group the bot joins or leaves and links it by code.

    Taps in a group ("Đã xem") are buttons like any other: they arrive through the routes' table.
    """
    inbound = ctx.inbound
    if inbound.kind == "joined":
        await _joined(ctx)
    elif inbound.kind == "left":
        group = await _group(ctx)
        if group is not None:
            group.active = False  # nothing more is sent there; a re-add turns it back on
    elif ctx.command == "lienket":
        await _link(ctx, ctx.command_arg)
    else:
        await help.in_group(ctx)


async def _group(ctx: Context) -> ClassGroup | None:
    return await ctx.session.scalar(
        select(ClassGroup).where(
            ClassGroup.channel == ctx.inbound.channel, ClassGroup.chat_id == ctx.inbound.chat_id
        )
    )


async def _this_group(ctx: Context) -> ClassGroup:
    """This chat's group, registered now if the bot's joining it was never seen."""
    group = await _group(ctx)
    if group is None:
        group = ClassGroup(
            channel=ctx.inbound.channel, chat_id=ctx.inbound.chat_id, title="", added_at=ctx.now
        )
        ctx.session.add(group)
    return group


async def _joined(ctx: Context) -> None:
    group = await _this_group(ctx)
    group.active, group.title = True, ctx.inbound.text[:200] or group.title
    ctx.reply(texts.GROUP_HELLO)


async def _link(ctx: Context, typed: str) -> None:
    if not typed.strip():
        ctx.reply(texts.GROUP_LINK_HOW)
        return
    code = await ctx.session.get(GroupLinkCode, clean_code(typed))
    if code is None or code.expires_at <= ctx.now:
        ctx.reply(texts.GROUP_CODE_BAD)
        return
    classroom = await ctx.session.get(Classroom, code.class_id)
    school = await ctx.session.get(School, classroom.school_id) if classroom else None
    if classroom is None or school is None or not await _may_link(ctx, classroom):
        ctx.reply(texts.GROUP_CODE_NOT_YOURS)
        return
    group = await _this_group(ctx)
    group.class_id, group.active = classroom.id, True
    group.linked_at, group.linked_by = ctx.now, ctx.person.id if ctx.person else None
    await ctx.session.delete(code)  # used once
    ctx.reply(texts.GROUP_LINKED.format(class_name=classroom.name, school=school.name))


async def _may_link(ctx: Context, classroom: Classroom) -> bool:
    """The one typing the code teaches the class or leads its school."""
    if ctx.person is None:
        return False
    found = await ctx.session.scalar(
        select(Membership.id).where(
            Membership.person_id == ctx.person.id,
            Membership.school_id == classroom.school_id,
            (
                (Membership.role == "principal")
                | ((Membership.role == "teacher") & (Membership.class_id == classroom.id))
            ),
        )
    )
    return found is not None


async def offer_link(ctx: Context, tap: LinkGroup) -> None:
    """Gives staff a one-time code to type in their class's group, picking the class first."""
    poster = await addressing(ctx)
    if poster is None:
        return
    if len(poster.classes) == 1:
        await _give_code(ctx, poster.person_id, next(iter(poster.classes.values())))
    else:
        choices = [choice(LinkGroupOf(c.id), c.name) for c in poster.classes.values()]
        ctx.reply(texts.GROUP_PICK_CLASS, choices)


async def offer_link_of(ctx: Context, tap: LinkGroupOf) -> None:
    """Gives the code for the tapped class, if the one tapping may post to it."""
    poster = await poster_of(ctx)
    if poster is None:
        ctx.reply(texts.STAFF_ONLY)
    elif tap.classroom not in poster.classes:
        ctx.reply(texts.ANNOUNCE_NOT_YOURS)
    else:
        await _give_code(ctx, poster.person_id, poster.classes[tap.classroom])


async def _give_code(ctx: Context, person_id: int, classroom: Classroom) -> None:
    code = GroupLinkCode(
        code=new_code(CODE_LENGTH),
        class_id=classroom.id,
        person_id=person_id,
        expires_at=ctx.now + timedelta(hours=CODE_HOURS),
    )
    ctx.session.add(code)
    ctx.end_flow()
    ctx.reply(texts.GROUP_CODE.format(class_name=classroom.name, code=code.code, hours=CODE_HOURS))
