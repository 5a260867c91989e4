"""Help, cancelling, and polite answers to what the bot cannot use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Literal

from bot.channels.base import COMMANDS_META, Choice, Command
from bot.context import Context
from bot.interactions import Button, choice
from bot.routing import During, Handler
from handlers import texts
from handlers.authorities.scope import officer_scope
from handlers.people import places_of
from surveys.text import names

Item = Literal[
    "khaosat", "phananh", "theodoi", "dulieu", "phieu", "thongbao", "tin", "baocao", "trogiup"
]
PARENT_ITEMS: tuple[Item, ...] = ("khaosat", "phananh", "theodoi", "dulieu")
TEACHER_ITEMS: tuple[Item, ...] = ("khaosat", "phieu", "thongbao")
PRINCIPAL_ITEMS: tuple[Item, ...] = ("khaosat", "phieu", "thongbao", "tin", "baocao")
OFFICER_ITEMS: tuple[Item, ...] = ("baocao", "phieu")  # the news are the schools' to send
# what only a teacher or a principal has: such a person is addressed "thầy/cô"
STAFF_ONLY_ITEMS = frozenset(TEACHER_ITEMS) - {*PARENT_ITEMS, *OFFICER_ITEMS}


class MenuItem(Button, verb="menu"):
    """A main-menu entry: runs the slash command of the same name."""

    command: Item


async def menu_items(ctx: Context) -> list[Item]:
    """The sender's menu: each of their roles' entries once, in a stable order, then help."""
    if ctx.person is None:
        return ["trogiup"]
    roles = {place.role for place in await places_of(ctx.session, ctx.person.id)}
    wanted: list[Item] = []
    for role, items in (
        ("parent", PARENT_ITEMS),
        ("teacher", TEACHER_ITEMS),
        ("principal", PRINCIPAL_ITEMS),
    ):
        if role in roles:
            wanted += items
    if await officer_scope(ctx.session, ctx.person.id):
        wanted += OFFICER_ITEMS
    if roles or wanted:
        wanted.append("dulieu")
    return [*dict.fromkeys(wanted), "trogiup"]


def item_choices(items: Sequence[Item]) -> list[Choice]:
    """The menu entries as buttons; help is a way out, not an answer (`Choice.aside`)."""
    return [
        choice(MenuItem(item), texts.MENU_LABELS[item], aside=item == "trogiup") for item in items
    ]


async def show_help(ctx: Context) -> None:
    """Lists what a parent (and staff) can do, each item a button that does it."""
    items = [item for item in await menu_items(ctx) if item != "trogiup"]
    staff = not set(items) <= {*PARENT_ITEMS, "dulieu"}  # a teacher's, principal's or officer's
    ctx.reply(texts.HELP + (texts.HELP_STAFF if staff else ""), item_choices(items))


async def show_menu(ctx: Context, *, understood: bool = True) -> None:
    """Shows the main menu of the sender's roles as buttons (numbered on Zalo); `understood`
    False says first that the text typed was not understood."""
    items = await menu_items(ctx)
    if set(items) & STAFF_ONLY_ITEMS:  # a teacher or a principal: "thầy/cô"
        intro = texts.STAFF_MENU_INTRO if understood else texts.STAFF_NOT_UNDERSTOOD_MENU
    else:
        intro = texts.MENU if understood else texts.NOT_UNDERSTOOD_MENU
    ctx.reply(intro, item_choices(items))


def is_menu_word(text: str) -> bool:
    """Whether a typed text asks for the menu ("menu", "0", "trợ giúp", "help")."""
    return names(text, *texts.MENU_WORDS)


def menu_first(typed: Handler) -> Handler:
    """A flow's handler of typing that answers a menu word with the menu, the flow kept (a way
    out of any step; the web chat's "☰ Menu" sends "menu"); a number is left to the flow."""

    async def handle(ctx: Context) -> None:
        """Shows the menu for "menu" or "trợ giúp"; anything else goes to the flow's step."""
        text = ctx.inbound.text
        if is_menu_word(text) and not text.strip().isdigit():  # "0" may answer a question
            await show_menu(ctx)
        else:
            await typed(ctx)

    return handle


def commands_of(items: Sequence[Item]) -> list[Command]:
    """The platform command menu for these menu entries, with /huy last."""
    return [Command(name, texts.COMMAND_DESCRIPTIONS[name]) for name in [*items, "huy"]]


async def give_command_menu(ctx: Context) -> None:
    """Has the platform's command menu of this chat follow the sender's roles (a role granted):
    the last reply carries the list; a platform without such a menu ignores it."""
    if not ctx.replies:
        return
    listed = [[c.name, c.description] for c in commands_of(await menu_items(ctx))]
    last = ctx.replies[-1]
    ctx.replies[-1] = replace(last, meta={**last.meta, COMMANDS_META: listed})


def run_item(commands: Mapping[str, Handler]) -> Callable[[Context, MenuItem], Awaitable[None]]:
    """A menu tap runs the very handler of its slash command."""

    async def run(ctx: Context, tap: MenuItem) -> None:
        """Does what the tapped menu entry's command does."""
        ctx.command, ctx.command_arg = tap.command, ""
        await commands[tap.command](ctx)

    return run


def cancel_in(flows: Sequence[During]) -> Handler:
    """/huy: leaves the open flow, saying what its declaration says becomes of it."""
    said = {during.flow.name: during.flow.cancelled for during in flows}

    async def cancel(ctx: Context) -> None:
        """Leaves the current step (a draft is dropped; saved survey answers stay)."""
        if ctx.dialog.flow or ctx.dialog.choices:
            cancelled = said.get(ctx.dialog.flow, texts.CANCELLED)
            ctx.end_flow()
            ctx.reply(cancelled)
        else:
            ctx.reply(texts.NOTHING_TO_CANCEL)

    return cancel


async def not_text(ctx: Context) -> None:
    """Answers a photo, sticker or voice message that was not asked for."""
    ctx.reply(texts.NOT_TEXT)


async def in_group(ctx: Context) -> None:
    """Asks people to write to the bot privately; other group chatter is ignored."""
    if ctx.inbound.text.startswith("/"):
        ctx.reply(texts.IN_GROUP)
