"""A parent's rights over their data: see it, withdraw or give consent, delete it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from bot.channels.base import Choice
from bot.context import Context
from bot.models import PURPOSES, ChatAccount, CompletionReceipt, Person, SurveyRun
from handlers import texts
from handlers.linking import app_name, link_choices
from handlers.people import Place, consents_of, places_of, record_consent_event
from handlers.tickets.store import forget_sender, tickets_of


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
        action = "withdraw" if granted else "grant"
        choices.append(
            Choice(f"data:{action}:{purpose}", label.format(purpose=texts.PURPOSE_NAMES[purpose]))
        )
    lines.append(texts.MY_DATA_SURVEYS.format(count=receipts or 0))
    lines.append(texts.MY_DATA_TICKETS.format(count=len(await tickets_of(ctx.session, person.id))))
    choices += link_choices(accounts, ctx.account)
    choices.append(Choice("data:delete", texts.DELETE_ME))
    ctx.reply("\n".join(lines), choices)


async def change_my_data(ctx: Context) -> None:
    """Withdraws or gives one consent, or deletes the person after a confirmation."""
    person = ctx.person
    parts = (ctx.inbound.choice or "").split(":")
    if person is None:
        ctx.reply(texts.MY_DATA_NONE)
    elif parts[1] in ("withdraw", "grant") and len(parts) == 3 and parts[2] in PURPOSES:
        granted = parts[1] == "grant"
        record_consent_event(ctx, person.id, parts[2], granted)
        if not granted and parts[2] == "surveys":
            await ctx.session.execute(delete(SurveyRun).where(SurveyRun.person_id == person.id))
            ctx.end_flow()
        if not granted and parts[2] == "feedback" and ctx.dialog.flow.startswith("pakn"):
            ctx.end_flow()  # the unsent draft goes; tickets already sent stay in the register
        word = texts.CONSENT_GRANTED_WORD if granted else texts.CONSENT_WITHDRAWN_WORD
        ctx.reply(
            texts.CONSENT_CHANGED.format(state=word, purpose=texts.PURPOSE_NAMES[parts[2]]),
            edit=True,
        )
    elif parts[1] == "delete":
        ctx.reply(
            texts.DELETE_CONFIRM,
            [Choice("data:erase", texts.DELETE_YES), Choice("data:keep", texts.DELETE_NO)],
            edit=True,
        )
    elif parts[1] == "erase":
        # the anonymous responses have no link to the person, so they stay in the aggregates;
        # tickets stay in the school's register, their link, name and contact are dropped
        await forget_sender(ctx.session, person.id)
        await ctx.session.execute(delete(Person).where(Person.id == person.id))
        ctx.person, ctx.account = None, None
        ctx.end_flow()
        ctx.reply(texts.DELETED, edit=True)
    else:
        ctx.reply(texts.KEPT, edit=True)


def _place_name(place: Place) -> str:
    return place.classroom.name if place.classroom else texts.ROLE_NAMES.get(place.role, place.role)
