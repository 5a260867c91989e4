"""Staff working the ticket queue (/phieu): read, take, answer, decide, forward, assign, close.

Every button is checked against the actions the reader may take on the ticket as it stands now,
so a stale button, another school's staff or a teacher cannot do more than the view offers.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.channels.base import Choice, Outbound
from bot.context import Context
from bot.models import Classroom, Person, SealedSender, Ticket
from handlers import texts
from handlers.tickets.access import Staff, school_staff, staff_names, staff_of
from handlers.tickets.rules import CONCLUDED, NAMED_KINDS, PENDING, TEXT_LIMIT, can_change
from handlers.tickets.store import (
    Actor,
    Terms,
    apply_status,
    can_extend,
    due_of,
    extend,
    log_event,
    notify_people,
    notify_sender,
    number_of,
)
from handlers.tickets.views import (
    day_text,
    kind_name,
    rating_choices,
    staff_view,
    status_name,
    update_text,
)

NOTE_FLOW = "pakn_staff"
QUEUE_SIZE = 10
# actions that need a typed note, and the status they lead to ("" = a message, no change)
NOTED = {"msg": "", "fwd": "forwarded", "ref": "refused", "res": "resolved"}


async def queue(ctx: Context) -> None:
    """Lists the open tickets this staff member may see, the nearest due date first."""
    staff = await staff_of(ctx.session, ctx.person.id) if ctx.person else None
    if staff is None:
        ctx.reply(texts.STAFF_ONLY)
        return
    found = await ctx.session.scalars(
        select(Ticket).where(Ticket.school_id.in_(list(staff.roles)), Ticket.status != "closed")
    )
    tickets = sorted(
        (t for t in found if staff.can_see(t)),
        key=lambda t: (t.status not in PENDING, due_of(t), t.id),
    )
    if not tickets:
        ctx.reply(texts.QUEUE_EMPTY)
        return
    terms = Terms.of(ctx.services.settings)
    today = terms.today(ctx.now)
    lines = [texts.QUEUE_HEADER.format(count=len(tickets))]
    lines += [_queue_line(ticket, staff, terms, today) for ticket in tickets[:QUEUE_SIZE]]
    if len(tickets) > QUEUE_SIZE:
        lines.append(texts.QUEUE_MORE.format(count=len(tickets) - QUEUE_SIZE))
    choices = [Choice(f"tk:v:{t.id}", number_of(t)) for t in tickets[:QUEUE_SIZE]]
    ctx.reply("\n".join(lines), choices)


def _queue_line(ticket: Ticket, staff: Staff, terms: Terms, today: date) -> str:
    pending = ticket.status in PENDING
    assignee = ""
    if ticket.assignee_id is not None:
        assignee = texts.QUEUE_MINE if ticket.assignee_id == staff.person_id else texts.QUEUE_TAKEN
    return texts.QUEUE_LINE.format(
        mark=texts.QUEUE_OVERDUE if pending and due_of(ticket) < today else "",
        number=number_of(ticket),
        kind=kind_name(ticket),
        topic=texts.TOPIC_NAMES[ticket.topic],
        status=status_name(ticket) if pending else texts.QUEUE_WAITING_CLOSE,
        due=day_text(due_of(ticket), terms),
        assignee=assignee,
    )


async def act(ctx: Context) -> None:
    """Shows a ticket, or does what its button names if the reader may still do it."""
    parts = (ctx.inbound.choice or "").split(":")
    found = await _load(ctx, parts[2] if len(parts) > 2 else "")
    if found is None:
        return
    staff, ticket = found
    terms = Terms.of(ctx.services.settings)
    action = parts[1]
    if action == "v":
        await show(ctx, staff, ticket, terms)
    elif action not in _allowed(staff, ticket, terms) | {"to"}:
        _not_allowed(ctx, ticket)
    elif action in NOTED:
        ctx.set_flow(NOTE_FLOW, ticket=ticket.id, do=action)
        prompt = texts.STAFF_ASK_NOTE[NOTED[action] or "reply"]
        ctx.reply(prompt.format(number=number_of(ticket)))
    else:
        await _do(ctx, staff, ticket, terms, action, parts[3:])


async def note_typed(ctx: Context) -> None:
    """Sends the typed message to the parent, or records the typed reason or result."""
    data = ctx.dialog.data
    found = await _load(ctx, str(data.get("ticket", "")))
    if found is None:
        ctx.end_flow()
        return
    staff, ticket = found
    terms = Terms.of(ctx.services.settings)
    action = str(data.get("do", ""))
    note = ctx.inbound.text.strip()
    if action not in _allowed(staff, ticket, terms):
        ctx.end_flow()
        _not_allowed(ctx, ticket)
    elif not note or len(note) > TEXT_LIMIT:
        ctx.reply(texts.STAFF_NOTE_EMPTY.format(limit=TEXT_LIMIT))
    elif action == "msg":
        ctx.end_flow()
        await _message_sender(ctx, staff, ticket, terms, note)
    else:
        ctx.end_flow()
        await change(ctx, staff, ticket, terms, NOTED[action], note)


def actions(staff: Staff, ticket: Ticket, terms: Terms) -> list[Choice]:
    """The buttons this reader may use on the ticket now."""
    status, leads, mine = ticket.status, staff.leads(ticket), ticket.assignee_id == staff.person_id
    # the district reads every ticket of the school but acts only on those it handles
    acting = leads or mine or staff.role_at(ticket.school_id) != "district"
    # accepting, refusing or forwarding a complaint or denunciation is the head's decision
    formal = ticket.kind in NAMED_KINDS and not ticket.anonymous
    wanted = [
        ("take", texts.TAKE, acting and status in PENDING and not mine),
        ("acc", texts.ACCEPT, leads and status == "received" and ticket.kind != "gop_y"),
        ("res", texts.RESOLVE, acting and status in PENDING and (leads or not formal)),
        ("fwd", texts.FORWARD, leads and status in PENDING),
        ("ref", texts.REFUSE, leads and status == "received"),
        ("msg", texts.MESSAGE_SENDER, acting and status != "closed"),
        ("close", texts.CLOSE, acting and status in CONCLUDED and (leads or not formal)),
        ("ext", texts.EXTEND, leads and can_extend(ticket, terms)),
        ("asg", texts.ASSIGN, leads and status != "closed"),
        ("who", texts.SHOW_IDENTITY, staff.sees_identity(ticket)),
        ("img", texts.SHOW_PHOTOS.format(count=len(ticket.photos)), bool(ticket.photos)),
    ]
    return [Choice(f"tk:{name}:{ticket.id}", label) for name, label, ok in wanted if ok]


def _allowed(staff: Staff, ticket: Ticket, terms: Terms) -> set[str]:
    """The names of the actions whose buttons `actions` offers."""
    return {choice.payload.split(":")[1] for choice in actions(staff, ticket, terms)}


def _not_allowed(ctx: Context, ticket: Ticket) -> None:
    status = status_name(ticket)
    ctx.reply(texts.TICKET_NOT_ALLOWED.format(number=number_of(ticket), status=status))


async def show(ctx: Context, staff: Staff, ticket: Ticket, terms: Terms, done: str = "") -> None:
    """The ticket as this reader may see it, with what they can do next."""
    sender = await _sender_line(ctx, ticket)
    assignee = await _assignee_name(ctx, staff, ticket)
    view = staff_view(ticket, sender, assignee, terms)
    ctx.reply(f"{done}\n\n{view}" if done else view, actions(staff, ticket, terms))


async def change(
    ctx: Context, staff: Staff, ticket: Ticket, terms: Terms, to: str, note: str = ""
) -> None:
    """Moves the ticket on, logs who did it, and tells the sender in their own chat."""
    assert can_change(ticket.status, to)
    apply_status(ticket, to, terms, ctx.now, note)
    log_event(ctx.session, ticket, to, _actor(staff, ticket), ctx.now, note)
    choices = rating_choices(ticket) if to == "closed" and ticket.rating is None else []
    message = update_text(ticket, to, note, terms)
    if await notify_sender(ctx.work, ticket, message, choices) and to in CONCLUDED:
        ticket.notified_at = ctx.now
    done = texts.STAFF_DONE.format(number=number_of(ticket), status=status_name(ticket))
    await show(ctx, staff, ticket, terms, done)


async def _do(
    ctx: Context, staff: Staff, ticket: Ticket, terms: Terms, action: str, rest: list[str]
) -> None:
    number = number_of(ticket)
    if action == "take":
        ticket.assignee_id = staff.person_id
        log_event(ctx.session, ticket, "taken", _actor(staff, ticket), ctx.now)
        await show(ctx, staff, ticket, terms, texts.STAFF_TOOK.format(number=number))
    elif action in ("acc", "close"):
        await change(ctx, staff, ticket, terms, "accepted" if action == "acc" else "closed")
    elif action == "ext":
        extend(ticket, terms)
        log_event(ctx.session, ticket, "extended", _actor(staff, ticket), ctx.now)
        message = update_text(ticket, "extended", "", terms)
        await notify_sender(ctx.work, ticket, message)
        done = texts.STAFF_EXTENDED.format(number=number, due=day_text(due_of(ticket), terms))
        await show(ctx, staff, ticket, terms, done)
    elif action == "who":
        await _show_identity(ctx, staff, ticket)
    elif action == "img":
        for index, media in enumerate(ticket.photos, start=1):
            caption = texts.STAFF_PHOTO.format(index=index, count=len(ticket.photos), number=number)
            ctx.replies.append(Outbound(ctx.inbound.chat_id, caption, image=media))
    elif action == "asg":
        await _ask_assignee(ctx, staff, ticket)
    elif action == "to":
        await _assign(ctx, staff, ticket, terms, rest[0] if rest else "")


async def _message_sender(
    ctx: Context, staff: Staff, ticket: Ticket, terms: Terms, note: str
) -> None:
    """Relays a staff message to the sender through the bot; the staff account stays hidden."""
    log_event(ctx.session, ticket, "reply", _actor(staff, ticket), ctx.now, note)
    number = number_of(ticket)
    message = texts.TICKET_REPLY.format(number=number, note=note)
    told = await notify_sender(ctx.work, ticket, message)
    done = texts.STAFF_REPLIED if told else texts.STAFF_REPLIED_ANONYMOUS
    await show(ctx, staff, ticket, terms, done.format(number=number))


async def _show_identity(ctx: Context, staff: Staff, ticket: Ticket) -> None:
    """Shows a denouncer's identity to the ticket's handler alone, and logs that it was seen."""
    sealed = await ctx.session.get(SealedSender, ticket.id)
    log_event(ctx.session, ticket, "identity", _actor(staff, ticket), ctx.now)
    if sealed is None:
        ctx.reply(texts.IDENTITY_ERASED)
        return
    ctx.reply(
        texts.STAFF_IDENTITY.format(
            number=number_of(ticket), name=sealed.name, contact=sealed.contact
        )
    )


async def _ask_assignee(ctx: Context, staff: Staff, ticket: Ticket) -> None:
    people = [
        p for p in await school_staff(ctx.session, ticket.school_id) if p != ticket.assignee_id
    ]
    if not people:
        ctx.reply(texts.STAFF_NO_ONE_TO_ASSIGN)
        return
    names = await staff_names(ctx.session, people)
    choices = [Choice(f"tk:to:{ticket.id}:{p}", names[p]) for p in people]
    ctx.reply(texts.STAFF_PICK_ASSIGNEE.format(number=number_of(ticket)), choices)


async def _assign(ctx: Context, staff: Staff, ticket: Ticket, terms: Terms, who: str) -> None:
    """Gives the ticket to a teacher or principal of its school (the handler's decision)."""
    people = await school_staff(ctx.session, ticket.school_id)
    allowed = staff.leads(ticket) and ticket.status != "closed"
    if not (allowed and who.isdigit() and int(who) in people):  # the school's own staff only
        ctx.reply(texts.STALE_BUTTON)
        return
    ticket.assignee_id = int(who)
    name = (await staff_names(ctx.session, [int(who)]))[int(who)]
    log_event(ctx.session, ticket, "assigned", _actor(staff, ticket), ctx.now, name)
    alert = texts.STAFF_ASSIGNED_TO_YOU.format(
        number=number_of(ticket), kind=kind_name(ticket), due=day_text(due_of(ticket), terms)
    )
    await notify_people(ctx.work, [int(who)], alert)
    done = texts.STAFF_ASSIGNED.format(number=number_of(ticket), name=name)
    await show(ctx, staff, ticket, terms, done)


async def _load(ctx: Context, ticket_id: str) -> tuple[Staff, Ticket] | None:
    """The ticket and the reader's roles, if the reader may see it (else a polite refusal)."""
    staff = await staff_of(ctx.session, ctx.person.id) if ctx.person else None
    ticket = (
        await ctx.session.get(Ticket, int(ticket_id), with_for_update=True)
        if staff is not None and ticket_id.isdigit()
        else None
    )
    if staff is None or ticket is None or not staff.can_see(ticket):
        ctx.reply(texts.TICKET_NOT_FOUND if staff else texts.STAFF_ONLY)
        return None
    return staff, ticket


async def _sender_line(ctx: Context, ticket: Ticket) -> str:
    """Who sent it, as far as staff may know: never a denouncer, never an anonymous sender."""
    if ticket.anonymous:
        return texts.SENDER_ANONYMOUS
    if ticket.kind == "to_cao":
        return texts.STAFF_SENDER_SEALED
    if ticket.sender_name:
        return texts.SENDER_NAMED.format(name=ticket.sender_name, contact=ticket.sender_contact)
    person = await ctx.session.get(Person, ticket.person_id) if ticket.person_id else None
    if person is None:
        return texts.SENDER_ERASED
    classroom = await ctx.session.get(Classroom, ticket.class_id) if ticket.class_id else None
    place = texts.CLASS_LABEL.format(name=classroom.name) if classroom else ""
    if person.display_name:
        return texts.STAFF_SENDER_PARENT_NAMED.format(name=person.display_name, place=place).strip()
    return texts.STAFF_SENDER_PARENT.format(place=place).strip()


async def _assignee_name(ctx: Context, staff: Staff, ticket: Ticket) -> str:
    if ticket.assignee_id is None:
        return texts.NOBODY
    if ticket.assignee_id == staff.person_id:
        return texts.ASSIGNEE_ME
    return (await staff_names(ctx.session, [ticket.assignee_id]))[ticket.assignee_id]


def _actor(staff: Staff, ticket: Ticket) -> Actor:
    return Actor(staff.person_id, staff.role_at(ticket.school_id))
