"""Correcting one's own data from /dulieu: one's name, or the name and contact on a ticket.

The right to see and correct (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 Art. 4(1)(c), Art. 13(1):
the person corrects some kinds of data themselves). Every step is a typed button or typed text
that is no command, and has its way out ("Thôi, không sửa", or /huy). Only a ticket not yet
closed can be corrected: the contact is what the school answers it through; a closed case's file
stays as it was filed. The handler sees the change in the ticket's log ("corrected"), never its
old or new value there.
"""

from __future__ import annotations

from typing import Literal

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models.tickets import SealedSender, Ticket
from bot.numbers import vi_number
from handlers import texts
from handlers.my_data import Case, MyData, correctable
from handlers.tickets.intake import FIELD_LIMIT
from handlers.tickets.store import SENDER, log_event

Field = Literal["name", "contact"]
FIELDS: tuple[Field, ...] = ("name", "contact")
MIN_LENGTH = 2


class Correcting(FlowState):
    """What is being corrected: one's name (no ticket), or a ticket's field; the value typed."""

    ticket: int | None = None
    field: Field | None = None
    value: str | None = None


CORRECT = Flow("sua", Correcting, cancelled=texts.FIX_CANCELLED)


class FixName(Button, verb="fixname"):
    """ "Sửa tên của tôi" in /dulieu."""


class FixTicket(Button, verb="fixtkt"):
    """ "Sửa họ tên, liên hệ trên phiếu" in /dulieu."""


class FixPick(Button, verb="fixpick", flow=CORRECT):
    """One of the person's own open tickets, to correct."""

    ticket: int


class FixField(Button, verb="fixfield", flow=CORRECT):
    """The ticket's name or its contact."""

    field: Field


class FixSave(Button, verb="fixsave", flow=CORRECT):
    """ "Lưu": saves the value typed."""


class FixCancel(Button, verb="fixstop", flow=CORRECT, aside=True):
    """ "Thôi, không sửa": the way out at every step."""


def correction_choices(data: MyData) -> list[Choice]:
    """The /dulieu buttons that start a correction: one's name, and tickets if any is open."""
    found = [choice(FixName(), texts.FIX_NAME)]
    if any(case.correctable for case in data.cases):
        found.append(choice(FixTicket(), texts.FIX_TICKET))
    return found


async def fix_name(ctx: Context, tap: FixName) -> None:
    """Asks for the name the person wants the school to use."""
    if ctx.person is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    ctx.start_flow(CORRECT, Correcting())
    current = ctx.person.display_name or "–"
    ctx.reply(texts.FIX_ASK_NAME.format(current=current) + texts.FIX_HINT, [_cancel()])


async def fix_ticket(ctx: Context, tap: FixTicket) -> None:
    """Offers the person's open tickets that carry a name or contact (straight on if one)."""
    cases = await correctable(ctx.session, ctx.person.id) if ctx.person else []
    if ctx.person is None or not cases:
        ctx.reply(texts.FIX_NONE if ctx.person else texts.MY_DATA_NONE)
        return
    ctx.start_flow(CORRECT, Correcting())
    if len(cases) == 1:
        await _pick_field(ctx, cases[0])
        return
    picks = [choice(FixPick(case.id), case.number) for case in cases]
    ctx.reply(texts.FIX_PICK_TICKET + texts.FIX_HINT, [*picks, _cancel()])


async def pick(ctx: Context, tap: FixPick) -> None:
    """Takes the ticket, which must be one of the person's own open ones."""
    case = await _own_case(ctx, tap.ticket)
    if case is not None:
        await _pick_field(ctx, case, edit=True)


async def pick_field(ctx: Context, tap: FixField) -> None:
    """Asks for the new value of the ticket's name or contact."""
    state = ctx.flow_state(CORRECT)
    case = await _own_case(ctx, state.ticket if state else None)
    if state is None or case is None:
        return
    ctx.save_flow(state.model_copy(update={"field": tap.field, "value": None}))
    ask = texts.FIX_ASK_FIELD[tap.field].format(number=case.number)
    ctx.reply(ask + texts.FIX_HINT, [_cancel()], edit=True)


async def typed(ctx: Context) -> None:
    """Takes the value typed and asks to confirm it; typing again replaces it."""
    state = ctx.flow_state(CORRECT)
    if state is None or ctx.person is None:
        ctx.end_flow()
        ctx.reply(texts.FIX_CANCELLED)
        return
    if state.ticket is not None and state.field is None:
        ctx.reply(texts.FIX_TAP_FIRST)
        return
    words = " ".join(ctx.inbound.text.split())
    if not MIN_LENGTH <= len(words) <= FIELD_LIMIT:
        too_short = len(words) < MIN_LENGTH
        ctx.reply(
            texts.FEEDBACK_TOO_SHORT
            if too_short
            else texts.FEEDBACK_TOO_LONG.format(limit=vi_number(FIELD_LIMIT))
        )
        return
    ctx.save_flow(state.model_copy(update={"value": words}))
    what = texts.FIX_WHAT[state.field or "own"]
    ctx.reply(
        texts.FIX_CONFIRM.format(what=what, value=words) + texts.FIX_HINT,
        [choice(FixSave(), texts.FIX_SAVE), _cancel()],
    )


async def save(ctx: Context, tap: FixSave) -> None:
    """Saves the confirmed value: the person's name, or the ticket's name or contact."""
    state = ctx.flow_state(CORRECT)
    if state is None or ctx.person is None or not state.value:
        ctx.end_flow()
        ctx.reply(texts.STALE_BUTTON)
        return
    if state.ticket is None:
        ctx.end_flow()
        ctx.person.display_name = state.value
        ctx.reply(texts.FIX_SAVED_NAME.format(value=state.value), edit=True)
        return
    case = await _own_case(ctx, state.ticket)
    if case is None or state.field is None:
        return
    ctx.end_flow()
    await _correct_case(ctx, case, state.field, state.value)
    what = texts.FIX_WHAT[state.field]
    saved = texts.FIX_SAVED_TICKET.format(what=what, number=case.number, value=state.value)
    ctx.reply(saved, edit=True)


async def cancel(ctx: Context, tap: FixCancel) -> None:
    """Leaves everything as it was."""
    ctx.end_flow()
    ctx.reply(texts.FIX_CANCELLED, edit=True)


async def _pick_field(ctx: Context, case: Case, *, edit: bool = False) -> None:
    ctx.save_flow(Correcting(ticket=case.id))
    fields = [choice(FixField(field), texts.FIX_FIELDS[field]) for field in FIELDS]
    shown = texts.FIX_PICK_FIELD.format(
        number=case.number, name=case.name or "–", contact=case.contact or "–"
    )
    ctx.reply(shown + texts.FIX_HINT, [*fields, _cancel()], edit=edit)


async def _own_case(ctx: Context, ticket_id: int | None) -> Case | None:
    """The person's own open case with that id; otherwise the flow ends, the tap refused."""
    cases = await correctable(ctx.session, ctx.person.id) if ctx.person else []
    case = next((c for c in cases if c.id == ticket_id), None)
    if case is None:
        ctx.end_flow()
        ctx.reply(texts.STALE_BUTTON)
    return case


async def _correct_case(ctx: Context, case: Case, field: Field, value: str) -> None:
    """Writes the field where the case keeps it: apart for a denunciation, on the ticket else."""
    ticket = await ctx.session.get(Ticket, case.id)
    sealed = await ctx.session.get(SealedSender, case.id) if case.sealed else None
    if ticket is None:
        return
    if sealed is not None and field == "name":
        sealed.name = value
    elif sealed is not None:
        sealed.contact = value
    elif field == "name":
        ticket.sender_name = value
    else:
        ticket.sender_contact = value
    log_event(ctx.session, ticket, "corrected", SENDER, ctx.now)


def _cancel() -> Choice:
    return choice(FixCancel(), texts.FIX_CANCEL)
