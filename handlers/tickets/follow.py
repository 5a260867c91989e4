"""A parent following their tickets (/theodoi): status and history, adding information, rating."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.channels.base import Choice
from bot.context import Context
from bot.models import Ticket
from handlers import texts
from handlers.tickets.access import holders_of
from handlers.tickets.rules import TEXT_LIMIT
from handlers.tickets.store import (
    SENDER,
    Terms,
    due_of,
    events_of,
    log_event,
    notify_people,
    number_of,
    sender_of,
    tickets_of,
)
from handlers.tickets.views import kind_name, parent_view, rating_choices, status_name

ADD_FLOW = "pakn_add"
LISTED = 10
_LOOKUP = re.compile(r"PA-?(\d{4})-?(\d{1,6})-?([A-Z0-9]{6})")


async def list_mine(ctx: Context) -> None:
    """Lists the parent's tickets, or shows the one an anonymous lookup code names."""
    if ctx.command_arg:
        await _lookup(ctx, ctx.command_arg)
        return
    tickets = await tickets_of(ctx.session, ctx.person.id) if ctx.person else []
    if not tickets:
        ctx.reply(texts.FOLLOW_NONE)
        return
    lines = [texts.FOLLOW_HEADER]
    lines += [
        texts.FOLLOW_LINE.format(
            number=number_of(ticket),
            kind=kind_name(ticket),
            status=status_name(ticket),
            due=due_of(ticket).strftime("%d/%m/%Y"),
        )
        for ticket in tickets[:LISTED]
    ]
    choices = [Choice(f"tt:v:{ticket.id}", number_of(ticket)) for ticket in tickets[:LISTED]]
    ctx.reply("\n".join(lines), choices)


async def act(ctx: Context) -> None:
    """Shows one of the parent's tickets, starts adding information to it, or records a rating."""
    parts = (ctx.inbound.choice or "").split(":")
    ticket = await _mine(ctx, parts[2] if len(parts) > 2 else "")
    if ticket is None:
        ctx.reply(texts.STALE_BUTTON)
    elif parts[1] == "v":
        await _show(ctx, ticket)
    elif parts[1] == "add" and ticket.status == "closed":
        ctx.reply(texts.FEEDBACK_TICKET_CLOSED.format(number=number_of(ticket)))
    elif parts[1] == "add":
        ctx.set_flow(ADD_FLOW, ticket=ticket.id)
        ctx.reply(texts.FEEDBACK_ASK_INFO.format(number=number_of(ticket)))
    elif parts[1] == "rate" and len(parts) == 3 and ticket.status == "closed":
        ctx.reply(texts.RATE_ASK.format(number=number_of(ticket)), rating_choices(ticket))
    elif parts[1] == "rate" and len(parts) == 4 and parts[3] in ("1", "2", "3", "4", "5"):
        await _rate(ctx, ticket, int(parts[3]))
    else:
        ctx.reply(texts.STALE_BUTTON)


async def add_typed(ctx: Context) -> None:
    """Adds the typed information to the ticket and tells whoever handles it."""
    ticket = await _mine(ctx, str(ctx.dialog.data.get("ticket", "")))
    words = ctx.inbound.text.strip()
    if ticket is None or ticket.status == "closed":
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_GONE)
    elif not words or len(words) > TEXT_LIMIT:
        ctx.reply(texts.FEEDBACK_TOO_LONG.format(limit=TEXT_LIMIT))
    else:
        await _add(ctx, ticket, words)
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_INFO_ADDED.format(number=number_of(ticket)))


async def add_photo(ctx: Context, media: str) -> None:
    """Attaches a photo to the ticket information is being added to."""
    ticket = await _mine(ctx, str(ctx.dialog.data.get("ticket", "")))
    if ticket is None or ticket.status == "closed":
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_GONE)
        return
    ticket.photos = [*ticket.photos, media]
    await _add(ctx, ticket, texts.INFO_PHOTO)
    ctx.reply(texts.FEEDBACK_INFO_ADDED.format(number=number_of(ticket)))


async def _add(ctx: Context, ticket: Ticket, note: str) -> None:
    log_event(ctx.session, ticket, "info", SENDER, ctx.now, note)
    alert = texts.STAFF_INFO_ADDED.format(number=number_of(ticket), text=note)
    await notify_people(ctx.work, await holders_of(ctx.session, ticket), alert)


async def _show(ctx: Context, ticket: Ticket) -> None:
    events = await events_of(ctx.session, ticket, public_only=True)
    choices = []
    if ticket.status != "closed":
        choices.append(Choice(f"tt:add:{ticket.id}", texts.ADD_INFO))
    elif ticket.rating is None:
        choices.append(Choice(f"tt:rate:{ticket.id}", texts.RATE))
    ctx.reply(parent_view(ticket, events, Terms.of(ctx.services.settings)), choices)


async def _rate(ctx: Context, ticket: Ticket, rating: int) -> None:
    """Stores the sender's 1–5 rating of a closed ticket, once."""
    if ticket.status != "closed":
        ctx.reply(texts.STALE_BUTTON)
        return
    if ticket.rating is not None:
        ctx.reply(texts.ALREADY_RATED, edit=True)
        return
    ticket.rating, ticket.rated_at = rating, ctx.now
    log_event(ctx.session, ticket, "rated", SENDER, ctx.now, str(rating))
    ctx.reply(texts.RATED, edit=True)
    alert = texts.STAFF_RATED.format(number=number_of(ticket), rating=rating)
    await notify_people(ctx.work, await holders_of(ctx.session, ticket), alert)


async def _mine(ctx: Context, ticket_id: str) -> Ticket | None:
    """The ticket if this person sent it with their name (never someone else's)."""
    if ctx.person is None or not ticket_id.isdigit():
        return None
    ticket = await ctx.session.get(Ticket, int(ticket_id), with_for_update=True)
    if ticket is None or await sender_of(ctx.session, ticket) != ctx.person.id:
        return None
    return ticket


async def _lookup(ctx: Context, typed: str) -> None:
    """Shows status and public history to whoever holds an anonymous ticket's lookup code."""
    found = _LOOKUP.fullmatch(re.sub(r"\s", "", typed).upper())
    ticket = None
    if found:
        year, seq, code = found.groups()
        ticket = await ctx.session.scalar(
            select(Ticket).where(
                Ticket.year == int(year), Ticket.seq == int(seq), Ticket.lookup_code == code
            )
        )
    if ticket is None:
        ctx.reply(texts.FOLLOW_NOT_FOUND)
        return
    events = await events_of(ctx.session, ticket, public_only=True)
    ctx.reply(parent_view(ticket, events, Terms.of(ctx.services.settings)))
