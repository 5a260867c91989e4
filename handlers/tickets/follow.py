"""A parent following their tickets (/theodoi): status and history, adding information, rating."""

from __future__ import annotations

import re
from typing import Literal, get_args

from sqlalchemy import select

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models.tickets import Ticket
from bot.numbers import vi_number
from bot.routing import JobContext
from bot.unit_of_work import UnitOfWork
from handlers import texts
from handlers.tickets.access import holders_of
from handlers.tickets.rules import CONCLUDED, TEXT_LIMIT
from handlers.tickets.store import (
    SENDER,
    SYSTEM,
    Actor,
    Terms,
    apply_status,
    drop_kept_sender,
    due_of,
    events_of,
    log_event,
    notify_people,
    notify_sender,
    number_of,
    sender_of,
    tickets_of,
)
from handlers.tickets.views import kind_name, parent_view, status_name, update_text

LISTED = 10
RATEABLE = CONCLUDED | {"closed"}  # a ticket is rated once it has its result
_LOOKUP = re.compile(r"PA-?(\d{4})-?(\d{1,6})-?([A-Z0-9]{6})")
Stars = Literal[1, 2, 3, 4, 5]


class AddingInfo(FlowState):
    """The ticket the parent is adding information (text or photos) to."""

    ticket: int


ADD_INFO = Flow("pakn_add", AddingInfo, cancelled=texts.FEEDBACK_CANCELLED, photos=True)


class MyTicket(Button, verb="ttview"):
    """One of the parent's own tickets, from /theodoi."""

    ticket: int


class AddTicketInfo(Button, verb="ttadd"):
    """ "Bổ sung thông tin" on the parent's own open ticket."""

    ticket: int


class AskRating(Button, verb="ttrate"):
    """ "Đánh giá" on the parent's own ticket once it has its result (or is closed)."""

    ticket: int


class RateTicket(Button, verb="ttstars"):
    """The parent's 1–5 rating of their own ticket once it has its result (or is closed)."""

    ticket: int
    stars: Stars


def rating_choices(ticket: Ticket) -> list[Choice]:
    return [
        choice(RateTicket(ticket.id, stars), texts.RATING_LABELS[stars], key=str(stars))
        for stars in get_args(Stars)
    ]


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
    choices = [choice(MyTicket(ticket.id), number_of(ticket)) for ticket in tickets[:LISTED]]
    ctx.reply("\n".join(lines), choices)


async def show_mine(ctx: Context, tap: MyTicket) -> None:
    """Shows one of the parent's own tickets with its public history."""
    if (ticket := await _mine(ctx, tap.ticket)) is not None:
        await _show(ctx, ticket)


async def start_adding(ctx: Context, tap: AddTicketInfo) -> None:
    """Asks for the information to add to the parent's own open ticket."""
    ticket = await _mine(ctx, tap.ticket)
    if ticket is None:
        return
    if ticket.status == "closed":
        ctx.reply(texts.FEEDBACK_TICKET_CLOSED.format(number=number_of(ticket)))
        return
    ctx.start_flow(ADD_INFO, AddingInfo(ticket=ticket.id))
    ctx.reply(texts.FEEDBACK_ASK_INFO.format(number=number_of(ticket)), takes_photo=True)


async def ask_rating(ctx: Context, tap: AskRating) -> None:
    """Offers the 1–5 rating of the parent's own ticket that has its result."""
    ticket = await _rateable_and_mine(ctx, tap.ticket)
    if ticket is None:
        return
    ctx.reply(texts.RATE_ASK.format(number=number_of(ticket)), rating_choices(ticket))


async def rate(ctx: Context, tap: RateTicket) -> None:
    """Stores the sender's 1–5 rating of their own ticket, once; a ticket whose closing staff
    asked for was waiting for it, and closes now."""
    ticket = await _rateable_and_mine(ctx, tap.ticket)
    if ticket is None:
        return
    if ticket.rating is not None:
        ctx.reply(texts.ALREADY_RATED, edit=True)
        return
    ticket.rating, ticket.rated_at = tap.stars, ctx.now
    log_event(ctx.session, ticket, "rated", SENDER, ctx.now, str(tap.stars))
    ctx.reply(texts.RATED, edit=True)
    alert = texts.STAFF_RATED.format(number=number_of(ticket), rating=tap.stars)
    await notify_people(ctx.work, await holders_of(ctx.session, ticket), alert)
    if ticket.close_after is not None and ticket.status in CONCLUDED:
        await close_ticket(ctx.work, ticket, Terms.of(ctx.services.settings), SYSTEM)


async def close_ticket(work: UnitOfWork, ticket: Ticket, terms: Terms, actor: Actor) -> None:
    """Closes a concluded ticket, logs who closed it, and, if the sender has not rated it yet,
    tells them with the rating offered (a rating just given needs no second message)."""
    apply_status(ticket, "closed", terms, work.now)
    ticket.close_after = None
    log_event(work.session, ticket, "closed", actor, work.now)
    await drop_kept_sender(work.session, ticket)
    if ticket.rating is None:
        message = update_text(ticket, "closed", "", terms)
        await notify_sender(work, ticket, message, rating_choices(ticket))


async def close_waiting(job: JobContext) -> None:
    """Closes the tickets that waited their days for a rating that did not come."""
    now = job.services.clock.now()
    terms = Terms.of(job.services.settings)
    async with job.transaction() as work:
        due = await work.session.scalars(
            select(Ticket)
            .where(Ticket.close_after <= now, Ticket.status.in_(CONCLUDED))
            .order_by(Ticket.id)
            .with_for_update()
        )
        for ticket in due.all():
            await close_ticket(work, ticket, terms, SYSTEM)


async def add_typed(ctx: Context) -> None:
    """Adds the typed information (or a photo) to the ticket and tells whoever handles it."""
    adding = ctx.flow_state(ADD_INFO)
    ticket = await _mine(ctx, adding.ticket, quiet=True) if adding else None
    if ticket is None or ticket.status == "closed":
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_GONE)
    elif ctx.inbound.kind == "photo" and ctx.inbound.media:
        ticket.photos = [*ticket.photos, ctx.inbound.media]
        await _add(ctx, ticket, texts.INFO_PHOTO)
        # the flow stays open: more words or photos may follow
        ctx.reply(texts.FEEDBACK_INFO_ADDED.format(number=number_of(ticket)), takes_photo=True)
    elif not (words := ctx.inbound.text.strip()) or len(words) > TEXT_LIMIT:
        ctx.reply(texts.FEEDBACK_TOO_LONG.format(limit=vi_number(TEXT_LIMIT)), takes_photo=True)
    else:
        await _add(ctx, ticket, words)
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_INFO_ADDED.format(number=number_of(ticket)))


async def _add(ctx: Context, ticket: Ticket, note: str) -> None:
    log_event(ctx.session, ticket, "info", SENDER, ctx.now, note)
    alert = texts.STAFF_INFO_ADDED.format(number=number_of(ticket), text=note)
    await notify_people(ctx.work, await holders_of(ctx.session, ticket), alert)


async def _show(ctx: Context, ticket: Ticket) -> None:
    events = await events_of(ctx.session, ticket, public_only=True)
    choices = []
    if ticket.status != "closed":
        choices.append(choice(AddTicketInfo(ticket.id), texts.ADD_INFO))
    if ticket.rating is None and ticket.status in RATEABLE:
        choices.append(choice(AskRating(ticket.id), texts.RATE))
    ctx.reply(parent_view(ticket, events, Terms.of(ctx.services.settings)), choices)


async def _rateable_and_mine(ctx: Context, ticket_id: int) -> Ticket | None:
    """The parent's own ticket if it has its result or is closed (only then is it rated); else
    the stale text."""
    ticket = await _mine(ctx, ticket_id)
    if ticket is not None and ticket.status not in RATEABLE:
        ctx.reply(texts.STALE_BUTTON)
        return None
    return ticket


async def _mine(ctx: Context, ticket_id: int, *, quiet: bool = False) -> Ticket | None:
    """The ticket if the one tapping sent it with their name (never someone else's).

    Anyone else's ticket reads as a stale button (unless `quiet`), so nobody learns it exists.
    """
    person = ctx.person
    ticket = await ctx.session.get(Ticket, ticket_id, with_for_update=True) if person else None
    if ticket is None or person is None or await sender_of(ctx.session, ticket) != person.id:
        if not quiet:
            ctx.reply(texts.STALE_BUTTON)
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
