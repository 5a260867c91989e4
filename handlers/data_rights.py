"""A parent's rights over their data: see it, withdraw or give consent, delete it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from bot.context import Context
from bot.interactions import Button, choice
from bot.models import PURPOSES, ChatAccount, CompletionReceipt, Person, Purpose, SurveyRun
from handlers import texts
from handlers.linking import app_name, link_choices
from handlers.people import Place, consents_of, places_of, record_consent_event
from handlers.tickets import follow, intake
from handlers.tickets.store import forget_sender, tickets_of


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
    ctx.reply(
        texts.DELETE_CONFIRM,
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
        await forget_sender(ctx.session, person.id)
        await ctx.session.execute(delete(Person).where(Person.id == person.id))
        ctx.person, ctx.account = None, None
        ctx.end_flow()
        ctx.reply(texts.DELETED, edit=True)
    else:
        ctx.reply(texts.KEPT, edit=True)


def _place_name(place: Place) -> str:
    return place.classroom.name if place.classroom else texts.ROLE_NAMES.get(place.role, place.role)
