"""Staff working the ticket queue (/phieu): read, take, answer, decide, forward, assign, close.

Every button is checked against the actions the reader may take on the ticket as it stands now,
so a stale button, another school's staff or a teacher cannot do more than the view offers.
Each action is its own button type; the ticket id in it only names the ticket, it decides nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from sqlalchemy import select

from bot.channels.base import Choice, Outbound
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models.people import Person
from bot.models.schools import Classroom
from bot.models.tickets import SealedSender, Ticket
from bot.numbers import vi_number
from handlers import texts
from handlers.confirm import ask_to_confirm, cancel_confirmation, take_confirmed
from handlers.tickets.access import Staff, school_staff, staff_names, staff_of
from handlers.tickets.follow import close_ticket, rating_choices
from handlers.tickets.overview import overview_text
from handlers.tickets.rules import (
    CONCLUDED,
    HANDLED_BY_AUTHORITY,
    NAMED_KINDS,
    PENDING,
    TEXT_LIMIT,
    can_change,
)
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
    sender_of,
)
from handlers.tickets.views import day_text, kind_name, staff_view, status_name, update_text

QUEUE_SIZE = 10
Noted = Literal["msg", "fwd", "ref", "res", "ext"]


class Noting(FlowState):
    """The ticket a staff member is typing a note for, what the note is for, and (a result
    being previewed) the note typed."""

    ticket: int
    do: Noted
    note: str = ""


STAFF_NOTE = Flow("pakn_staff", Noting, cancelled=texts.FEEDBACK_CANCELLED)


class TicketResultSend(Button, verb="tkrsend", flow=STAFF_NOTE):
    """ "Gửi kết quả" under the previewed result: resolves the ticket and tells the parent."""


class TicketResultEdit(Button, verb="tkredit", flow=STAFF_NOTE):
    """ "Sửa": the result is typed again."""


class TicketResultCancel(Button, verb="tkrcanc", flow=STAFF_NOTE, aside=True):
    """ "Hủy": nothing is sent; the ticket stays as it was."""


class TicketView(Button, verb="tkview"):
    """A ticket of the queue, as this reader may see it."""

    ticket: int


class TicketTake(Button, verb="tktake"):
    ticket: int


class TicketAccept(Button, verb="tkacc"):
    ticket: int


class TicketResolve(Button, verb="tkres"):
    """Asks for the result, then resolves."""

    ticket: int


class TicketForward(Button, verb="tkfwd"):
    """Asks where to, then forwards."""

    ticket: int


class TicketRefuse(Button, verb="tkref"):
    """Asks for the reason, then refuses."""

    ticket: int


class TicketMessage(Button, verb="tkmsg"):
    """Asks for a message, then relays it to the sender."""

    ticket: int


class TicketClose(Button, verb="tkclose"):
    ticket: int


class TicketExtend(Button, verb="tkext"):
    """Asks for the reason, then lengthens the deadline as the law allows."""

    ticket: int


class TicketAssign(Button, verb="tkasg"):
    """Asks whom to give the ticket to."""

    ticket: int


class TicketAssignTo(Button, verb="tkto"):
    """Gives the ticket to one of its school's staff."""

    ticket: int
    person: int


class TicketIdentity(Button, verb="tkwho"):
    """Shows a denouncer's identity to the ticket's handler (logged)."""

    ticket: int


class TicketPhotos(Button, verb="tkimg"):
    ticket: int


NoteButton = TicketMessage | TicketForward | TicketRefuse | TicketResolve | TicketExtend
# the button asking for each note, and what the note leads to: a status, "" for a message to the
# sender, "extended" for a new due date (the reason is logged and sent to the sender)
NOTED: dict[Noted, tuple[type[NoteButton], str]] = {
    "msg": (TicketMessage, ""),
    "fwd": (TicketForward, "forwarded"),
    "ref": (TicketRefuse, "refused"),
    "res": (TicketResolve, "resolved"),
    "ext": (TicketExtend, "extended"),
}
_NOTE_OF: dict[type[Button], Noted] = {kind: name for name, (kind, _) in NOTED.items()}


async def queue(ctx: Context) -> None:
    """Lists the open tickets this staff member may see, the nearest due date first."""
    staff = await staff_of(ctx.session, ctx.person.id) if ctx.person else None
    if staff is None:
        ctx.reply(texts.STAFF_ONLY)
        return
    found = await ctx.session.scalars(
        select(Ticket).where(Ticket.school_id.in_(staff.schools), Ticket.status != "closed")
    )
    tickets = sorted(
        (t for t in found if staff.can_see(t)),
        key=lambda t: (t.status not in PENDING, due_of(t), t.id),
    )
    terms = Terms.of(ctx.services.settings)
    today = terms.today(ctx.now)
    # an officer sees how the schools beneath them stand: counts by status, never a ticket
    overview = await overview_text(ctx.session, staff.officer, today) if staff.officer else ""
    if not tickets:
        ctx.reply(overview or texts.QUEUE_EMPTY)
        return
    lines = [overview + "\n"] if overview else []
    lines.append(texts.QUEUE_HEADER.format(count=vi_number(len(tickets))))
    lines += [_queue_line(ticket, staff, terms, today) for ticket in tickets[:QUEUE_SIZE]]
    if len(tickets) > QUEUE_SIZE:
        lines.append(texts.QUEUE_MORE.format(count=vi_number(len(tickets) - QUEUE_SIZE)))
    choices = [choice(TicketView(t.id), number_of(t)) for t in tickets[:QUEUE_SIZE]]
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


async def view(ctx: Context, tap: TicketView) -> None:
    """Shows a ticket the reader may see, with what they can do next."""
    if (found := await _load(ctx, tap.ticket)) is not None:
        staff, ticket = found
        await show(ctx, staff, ticket, Terms.of(ctx.services.settings))


async def ask_note(ctx: Context, tap: NoteButton) -> None:
    """Asks for the message, result, reason or destination the tapped action needs."""
    if (offered := await _offered(ctx, type(tap), tap.ticket)) is None:
        return
    _, ticket, _ = offered
    do = _NOTE_OF[type(tap)]
    ctx.start_flow(STAFF_NOTE, Noting(ticket=ticket.id, do=do))
    asked = NOTED[do][1] or "reply"
    if asked == "extended" and ticket.status == "received":
        asked = "extended_decide"  # the initial handling, not the resolution
    prompt = texts.STAFF_ASK_NOTE[asked]
    ctx.reply(prompt.format(number=number_of(ticket)))


async def note_typed(ctx: Context) -> None:
    """Sends the typed message to the parent, or records the typed reason or result."""
    noting = ctx.flow_state(STAFF_NOTE)
    if noting is None:
        ctx.end_flow()
        ctx.reply(texts.STALE_BUTTON)
        return
    kind, status = NOTED[noting.do]
    offered = await _offered(ctx, kind, noting.ticket)
    note = ctx.inbound.text.strip()
    if offered is None:
        ctx.end_flow()
    elif not note or len(note) > TEXT_LIMIT:
        ctx.reply(texts.STAFF_NOTE_EMPTY.format(limit=vi_number(TEXT_LIMIT)))
    elif not status:
        ctx.end_flow()
        await _message_sender(ctx, *offered, note)
    elif status == "extended":
        ctx.end_flow()
        await _extend(ctx, *offered, note)
    elif status == "resolved":  # the result reaches the parent only once confirmed
        _preview_result(ctx, offered[1], noting.model_copy(update={"note": note}))
    else:
        ctx.end_flow()
        await change(ctx, *offered, status, note)


def _preview_result(ctx: Context, ticket: Ticket, noting: Noting) -> None:
    """The result as the parent will read it, with "Gửi kết quả", "Sửa" and "Hủy"."""
    body = texts.TICKET_UPDATE_NOTES["resolved"].format(note=noting.note).strip()
    preview = texts.STAFF_RESULT_PREVIEW.format(number=number_of(ticket), body=body)
    confirm = [
        choice(TicketResultSend(), texts.STAFF_SEND_RESULT),
        choice(TicketResultEdit(), texts.STAFF_EDIT_RESULT),
    ]
    ask_to_confirm(
        ctx, noting, preview, confirm, choice(TicketResultCancel(), texts.CANCEL), edit=False
    )


async def send_result(ctx: Context, tap: TicketResultSend) -> None:
    """Resolves the ticket with the previewed result and tells the parent, once."""
    noting = take_confirmed(ctx, STAFF_NOTE)
    if noting is None or noting.do != "res" or not noting.note:
        ctx.reply(texts.STALE_BUTTON)
        return
    if (offered := await _offered(ctx, TicketResolve, noting.ticket)) is not None:
        await change(ctx, *offered, "resolved", noting.note)


async def edit_result(ctx: Context, tap: TicketResultEdit) -> None:
    """Asks for the result again; nothing was sent."""
    noting = ctx.flow_state(STAFF_NOTE)
    if noting is None or (offered := await _offered(ctx, TicketResolve, noting.ticket)) is None:
        ctx.end_flow()
        return
    ctx.save_flow(noting.model_copy(update={"note": ""}))
    ctx.reply(texts.STAFF_ASK_NOTE["resolved"].format(number=number_of(offered[1])), edit=True)


async def cancel_result(ctx: Context, tap: TicketResultCancel) -> None:
    """Drops the result typed; the ticket stays as it was."""
    cancel_confirmation(ctx, texts.STAFF_RESULT_CANCELLED)


async def take(ctx: Context, tap: TicketTake) -> None:
    if (offered := await _offered(ctx, TicketTake, tap.ticket)) is not None:
        staff, ticket, terms = offered
        ticket.assignee_id = staff.person_id
        log_event(ctx.session, ticket, "taken", _actor(staff, ticket), ctx.now)
        await show(ctx, staff, ticket, terms, texts.STAFF_TOOK.format(number=number_of(ticket)))


async def accept(ctx: Context, tap: TicketAccept) -> None:
    if (offered := await _offered(ctx, TicketAccept, tap.ticket)) is not None:
        await change(ctx, *offered, "accepted")


async def close(ctx: Context, tap: TicketClose) -> None:
    """Closes a concluded ticket; one whose sender may still rate it waits for the rating, or
    HAILONG_TICKET_RATING_DAYS (the job `close_waiting`), so the parent is not cut off."""
    if (offered := await _offered(ctx, TicketClose, tap.ticket)) is None:
        return
    staff, ticket, terms = offered
    days = ctx.services.settings.ticket_rating_days
    rater = await sender_of(ctx.session, ticket)
    if ticket.rating is not None or not days or rater is None:
        await change(ctx, *offered, "closed")
        return
    ticket.close_after = ctx.now + timedelta(days=days)
    log_event(ctx.session, ticket, "close_asked", _actor(staff, ticket), ctx.now)
    until = day_text(ticket.close_after, terms)
    await show(
        ctx,
        staff,
        ticket,
        terms,
        texts.STAFF_CLOSE_WAITS.format(number=number_of(ticket), days=days, until=until),
    )


async def _extend(ctx: Context, staff: Staff, ticket: Ticket, terms: Terms, reason: str) -> None:
    """Lengthens the deadline once, as the law allows, logs why and tells the sender."""
    action = extend(ticket, terms, reason)
    log_event(ctx.session, ticket, action, _actor(staff, ticket), ctx.now, reason)
    message = update_text(ticket, action, reason, terms)
    await notify_sender(ctx.work, ticket, message)
    due = day_text(due_of(ticket), terms)
    done = texts.STAFF_EXTENDED.format(number=number_of(ticket), due=due)
    await show(ctx, staff, ticket, terms, done)


async def show_identity(ctx: Context, tap: TicketIdentity) -> None:
    """Shows a denouncer's identity to the ticket's handler alone, and logs that it was seen."""
    if (offered := await _offered(ctx, TicketIdentity, tap.ticket)) is None:
        return
    staff, ticket, _ = offered
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


async def show_photos(ctx: Context, tap: TicketPhotos) -> None:
    if (offered := await _offered(ctx, TicketPhotos, tap.ticket)) is None:
        return
    _, ticket, _ = offered
    number = number_of(ticket)
    for index, media in enumerate(ticket.photos, start=1):
        caption = texts.STAFF_PHOTO.format(
            index=index, count=vi_number(len(ticket.photos)), number=number
        )
        if ctx.services.photos.missing(media):  # the parent's photo could not be downloaded
            ctx.reply(f"{caption}\n{texts.STAFF_PHOTO_MISSING}")
        else:
            ctx.replies.append(Outbound(ctx.inbound.chat_id, caption, image=media))


async def ask_assignee(ctx: Context, tap: TicketAssign) -> None:
    """Offers the ticket's school's staff to give it to."""
    if (offered := await _offered(ctx, TicketAssign, tap.ticket)) is None:
        return
    _, ticket, _ = offered
    people = [
        p for p in await school_staff(ctx.session, ticket.school_id) if p != ticket.assignee_id
    ]
    if not people:
        ctx.reply(texts.STAFF_NO_ONE_TO_ASSIGN)
        return
    names = await staff_names(ctx.session, people)
    choices = [choice(TicketAssignTo(ticket.id, p), names[p]) for p in people]
    ctx.reply(texts.STAFF_PICK_ASSIGNEE.format(number=number_of(ticket)), choices)


async def assign(ctx: Context, tap: TicketAssignTo) -> None:
    """Gives the ticket to a teacher or principal of its school (the handler's decision)."""
    if (offered := await _offered(ctx, TicketAssign, tap.ticket)) is None:
        return
    staff, ticket, terms = offered
    if tap.person not in await school_staff(ctx.session, ticket.school_id):  # its own staff only
        ctx.reply(texts.STALE_BUTTON)
        return
    ticket.assignee_id = tap.person
    name = (await staff_names(ctx.session, [tap.person]))[tap.person]
    log_event(ctx.session, ticket, "assigned", _actor(staff, ticket), ctx.now, name)
    alert = texts.STAFF_ASSIGNED_TO_YOU.format(
        number=number_of(ticket), kind=kind_name(ticket), due=day_text(due_of(ticket), terms)
    )
    await notify_people(ctx.work, [tap.person], alert)
    done = texts.STAFF_ASSIGNED.format(number=number_of(ticket), name=name)
    await show(ctx, staff, ticket, terms, done)


def actions(staff: Staff, ticket: Ticket, terms: Terms) -> list[Choice]:
    """The buttons this reader may use on the ticket now."""
    return [choice(button, label) for button, label in _offers(staff, ticket, terms)]


def _offers(staff: Staff, ticket: Ticket, terms: Terms) -> list[tuple[Button, str]]:
    status, leads, mine = ticket.status, staff.leads(ticket), ticket.assignee_id == staff.person_id
    # (an officer sees only the tickets they lead: a denunciation of a school's leaders)
    acting = leads or mine or bool(staff.roles.get(ticket.school_id))
    # accepting, refusing or forwarding a complaint or denunciation is the head's decision
    formal = ticket.kind in NAMED_KINDS and not ticket.anonymous
    by_authority = ticket.handled_by == HANDLED_BY_AUTHORITY
    t = ticket.id
    photos = texts.SHOW_PHOTOS.format(count=vi_number(len(ticket.photos)))
    wanted: list[tuple[Button, str, bool]] = [
        (TicketTake(t), texts.TAKE, acting and status in PENDING and not mine),
        (TicketAccept(t), texts.ACCEPT, leads and status == "received" and ticket.kind != "gop_y"),
        (TicketResolve(t), texts.RESOLVE, acting and status in PENDING and (leads or not formal)),
        (TicketForward(t), texts.FORWARD, leads and status in PENDING),
        (TicketRefuse(t), texts.REFUSE, leads and status == "received"),
        (TicketMessage(t), texts.MESSAGE_SENDER, acting and status != "closed"),
        (
            TicketClose(t),
            texts.CLOSE,
            acting and status in CONCLUDED and (leads or not formal) and not ticket.close_after,
        ),
        (TicketExtend(t), texts.EXTEND, leads and can_extend(ticket, terms)),
        # a denunciation of the leaders is not given to the staff they lead
        (TicketAssign(t), texts.ASSIGN, leads and status != "closed" and not by_authority),
        (TicketIdentity(t), texts.SHOW_IDENTITY, staff.sees_identity(ticket)),
        (TicketPhotos(t), photos, bool(ticket.photos)),
    ]
    return [(button, label) for button, label, ok in wanted if ok]


async def _offered(
    ctx: Context, kind: type[Button], ticket_id: int
) -> tuple[Staff, Ticket, Terms] | None:
    """The reader, the ticket and the terms, if the reader's view of it offers `kind` now.

    Otherwise the reader is told politely and nothing is written.
    """
    found = await _load(ctx, ticket_id)
    if found is None:
        return None
    staff, ticket = found
    terms = Terms.of(ctx.services.settings)
    if kind not in {type(button) for button, _ in _offers(staff, ticket, terms)}:
        _not_allowed(ctx, ticket)
        return None
    return staff, ticket, terms


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
    if to == "closed":
        await close_ticket(ctx.work, ticket, terms, _actor(staff, ticket))
    else:
        apply_status(ticket, to, terms, ctx.now, note)
        log_event(ctx.session, ticket, to, _actor(staff, ticket), ctx.now, note)
        # the final answer comes with the rating, so the parent can rate it right away
        choices = rating_choices(ticket) if to in CONCLUDED and ticket.rating is None else []
        message = update_text(ticket, to, note, terms)
        if await notify_sender(ctx.work, ticket, message, choices) and to in CONCLUDED:
            ticket.notified_at = ctx.now
    done = texts.STAFF_DONE.format(number=number_of(ticket), status=status_name(ticket))
    await show(ctx, staff, ticket, terms, done)


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


async def _load(ctx: Context, ticket_id: int) -> tuple[Staff, Ticket] | None:
    """The ticket and the reader's roles, if the reader may see it (else a polite refusal)."""
    staff = await staff_of(ctx.session, ctx.person.id) if ctx.person else None
    ticket = (
        await ctx.session.get(Ticket, ticket_id, with_for_update=True)
        if staff is not None
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
