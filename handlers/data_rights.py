"""A parent's rights over their data: see it, withdraw or give consent, delete it.

Deleting keeps only what is no longer theirs or what another law requires: the anonymous
answers; their invitations and receipts as anonymous counts (`erased_invites`), so participation
never drops below the responses kept; the consent log without the person; and, for an open named
complaint or denunciation, the name and contact it was filed with (the sealed identity of a
denouncer) until the case closes (handlers/tickets/store.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, insert, select

from bot.context import Context
from bot.interactions import Button, choice
from bot.models import (
    PURPOSES,
    ChatAccount,
    CompletionReceipt,
    ErasedInvite,
    Person,
    Purpose,
    SurveyRun,
    Ticket,
    WaveInvite,
)
from handlers import texts
from handlers.linking import app_name, link_choices
from handlers.people import Place, consents_of, places_of, record_consent_event
from handlers.tickets import follow, intake
from handlers.tickets.rules import NAMED_KINDS
from handlers.tickets.store import forget_sender, number_of, tickets_of
from handlers.tickets.views import kind_name


class ChangeConsent(Button, verb="mycons"):
    """ "Rút đồng ý" / "Đồng ý" in /dulieu: the person's own consent to one purpose."""

    purpose: Purpose
    grant: bool


class AskDeleteMe(Button, verb="delme"):
    """ "Xóa dữ liệu của tôi": asks the person to confirm."""


class DeleteMe(Button, verb="erase"):
    """The answer to the confirmation: erase the person who taps, or keep everything."""

    yes: bool


async def show_my_data(ctx: Context) -> None:
    """Shows everything stored about this person, with buttons to change it."""
    person = ctx.person
    if person is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    accounts = list(
        await ctx.session.scalars(
            select(ChatAccount).where(ChatAccount.person_id == person.id).order_by(ChatAccount.id)
        )
    )
    places = await places_of(ctx.session, person.id)
    consents = await consents_of(ctx.session, person.id)
    receipts = await ctx.session.scalar(
        select(func.count())
        .select_from(CompletionReceipt)
        .where(CompletionReceipt.person_id == person.id)
    )
    zone = ZoneInfo(ctx.services.settings.timezone)
    lines = [
        texts.MY_DATA,
        texts.MY_DATA_ACCOUNTS.format(accounts=", ".join(app_name(a.channel) for a in accounts)),
        texts.MY_DATA_CLASSES.format(
            classes=", ".join(f"{_place_name(p)} – {p.school.name}" for p in places) or "–"
        ),
    ]
    choices = []
    for purpose in PURPOSES:
        event = consents[purpose]
        granted = bool(event and event.granted)
        state = (
            texts.CONSENT_YES.format(date=event.at.astimezone(zone).strftime("%d/%m/%Y"))
            if event and granted
            else texts.CONSENT_NO
        )
        lines.append(
            texts.MY_DATA_CONSENT.format(purpose=texts.PURPOSE_NAMES[purpose], state=state)
        )
        label = texts.WITHDRAW if granted else texts.GRANT
        label = label.format(purpose=texts.PURPOSE_NAMES[purpose])
        choices.append(choice(ChangeConsent(purpose, grant=not granted), label))
    lines.append(texts.MY_DATA_SURVEYS.format(count=receipts or 0))
    lines.append(texts.MY_DATA_TICKETS.format(count=len(await tickets_of(ctx.session, person.id))))
    choices += link_choices(accounts, ctx.account)
    choices.append(choice(AskDeleteMe(), texts.DELETE_ME))
    ctx.reply("\n".join(lines), choices)


async def change_consent(ctx: Context, tap: ChangeConsent) -> None:
    """Withdraws or gives one consent of the person who taps (never anyone else's)."""
    person = ctx.person
    if person is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    record_consent_event(ctx, person.id, tap.purpose, tap.grant)
    if not tap.grant and tap.purpose == "surveys":
        await ctx.session.execute(delete(SurveyRun).where(SurveyRun.person_id == person.id))
        ctx.end_flow()
    drafting = ctx.flow_state(intake.FEEDBACK) or ctx.flow_state(follow.ADD_INFO)
    if not tap.grant and tap.purpose == "feedback" and drafting is not None:
        ctx.end_flow()  # the unsent draft goes; tickets already sent stay in the register
    word = texts.CONSENT_GRANTED_WORD if tap.grant else texts.CONSENT_WITHDRAWN_WORD
    ctx.reply(
        texts.CONSENT_CHANGED.format(state=word, purpose=texts.PURPOSE_NAMES[tap.purpose]),
        edit=True,
    )


async def ask_delete_me(ctx: Context, tap: AskDeleteMe) -> None:
    """Asks the person to confirm that everything about them is to be deleted."""
    if ctx.person is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    open_cases = [
        ticket
        for ticket in await tickets_of(ctx.session, ctx.person.id)
        if ticket.status != "closed" and ticket.kind in NAMED_KINDS and not ticket.anonymous
    ]
    note = texts.DELETE_KEEPS_CASES.format(cases=_cases(open_cases)) if open_cases else ""
    ctx.reply(
        texts.DELETE_CONFIRM + note,
        [
            choice(DeleteMe(yes=True), texts.DELETE_YES),
            choice(DeleteMe(yes=False), texts.DELETE_NO),
        ],
        edit=True,
    )


async def delete_me(ctx: Context, tap: DeleteMe) -> None:
    """Deletes the person who taps (after their confirmation), or keeps everything."""
    person = ctx.person
    if person is None:
        ctx.reply(texts.MY_DATA_NONE)
    elif tap.yes:
        # the anonymous responses have no link to the person, so they stay in the aggregates;
        # tickets stay in the school's register, their link, name and contact are dropped
        kept = await forget_sender(ctx.session, person.id, ctx.now)
        await _keep_counts(ctx, person.id)
        await _close_consent_log(ctx, person.id)
        await ctx.session.execute(delete(Person).where(Person.id == person.id))
        ctx.person, ctx.account = None, None
        ctx.end_flow()
        note = texts.DELETED_KEPT_FOR_CASES.format(cases=_cases(kept)) if kept else ""
        ctx.reply(texts.DELETED + note, edit=True)
    else:
        ctx.reply(texts.KEPT, edit=True)


async def _keep_counts(ctx: Context, person_id: int) -> None:
    """The person's invitations (answered or not) become anonymous counts before they go."""
    answered = and_(
        CompletionReceipt.wave_id == WaveInvite.wave_id,
        CompletionReceipt.person_id == WaveInvite.person_id,
    )
    rows = await ctx.session.execute(
        select(
            WaveInvite.wave_id,
            WaveInvite.class_id,
            WaveInvite.invited_at,
            CompletionReceipt.submitted_at,
        )
        .outerjoin(CompletionReceipt, answered)
        .where(WaveInvite.person_id == person_id)
    )
    counted = [
        {"wave_id": wave, "class_id": room, "invited_at": invited, "answered_at": answered_at}
        for wave, room, invited, answered_at in rows
    ]
    if counted:
        await ctx.session.execute(insert(ErasedInvite), counted)


async def _close_consent_log(ctx: Context, person_id: int) -> None:
    """Ends each standing consent with a withdrawal, so the anonymous trail says how it ended."""
    for purpose, event in (await consents_of(ctx.session, person_id)).items():
        if event is not None and event.granted:
            record_consent_event(ctx, person_id, purpose, False)
    await ctx.session.flush()  # before the person goes: the database then empties person_id


def _cases(tickets: Sequence[Ticket]) -> str:
    return ", ".join(
        texts.DELETE_CASE.format(number=number_of(t), kind=kind_name(t).lower()) for t in tickets
    )


def _place_name(place: Place) -> str:
    return place.classroom.name if place.classroom else texts.ROLE_NAMES.get(place.role, place.role)
