"""A parent's rights over their data: see it, correct it, get a copy, read the notice, withdraw or
give consent, delete it (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 Art. 4(1); each is done at once,
well within what Nghị định 356/2025/NĐ-CP Art. 5 allows: an answer in 2 working days, then 10
days to show, correct or provide, 15 to stop processing, 20 to delete).

Deleting keeps only what is no longer theirs or what another law requires: the anonymous
answers; their invitations and receipts as anonymous counts (`erased_invites`), so participation
never drops below the responses kept; the consent log without the person; and, for an open named
complaint or denunciation, the name and contact it was filed with (the sealed identity of a
denouncer) until the case closes (handlers/tickets/store.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, insert, select

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, choice
from bot.models.messages import WebChatMessage
from bot.models.people import PURPOSES, ChatAccount, Person, Purpose
from bot.models.tickets import Ticket
from bot.models.waves import CompletionReceipt, ErasedInvite, SurveyRun, WaveInvite
from bot.numbers import vi_number
from handlers import notice, texts
from handlers.corrections import correction_choices
from handlers.data_copy import SendMyData
from handlers.linking import app_name, link_choices
from handlers.my_data import Case, Decision, MyData, collect
from handlers.onboarding import ask_next_consent
from handlers.people import consents_of, record_consent_event
from handlers.tickets import follow, intake
from handlers.tickets.rules import NAMED_KINDS
from handlers.tickets.store import forget_sender, number_of, tickets_of
from handlers.tickets.views import kind_name


class ChangeConsent(Button, verb="mycons"):
    """ "Rút đồng ý" / "Đồng ý" in /dulieu: the person's own consent to one purpose."""

    purpose: Purpose
    grant: bool


class ReadNotice(Button, verb="notice"):
    """ "Xem thông báo xử lý dữ liệu": the current notice in full."""


class SendMyCopy(Button, verb="mycopy"):
    """ "Nhận bản sao dữ liệu": a copy of everything stored about the person, as files."""


class AskDeleteMe(Button, verb="delme"):
    """ "Xóa dữ liệu của tôi": asks the person to confirm."""


class DeleteMe(Button, verb="erase"):
    """The answer to the confirmation: erase the person who taps, or keep everything."""

    yes: bool


async def show_my_data(ctx: Context) -> None:
    """Shows everything stored about this person, with buttons to change it, correct it, get a
    copy, read the notice or delete it all; asks again a consent the current notice changed."""
    data = await collect(ctx.session, ctx.person.id) if ctx.person else None
    if data is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    zone = ZoneInfo(ctx.services.settings.timezone)
    latest = {p: data.latest().get(p) for p in PURPOSES}
    lines = [
        texts.MY_DATA,
        texts.MY_DATA_NAME.format(name=data.name or "–"),
        texts.MY_DATA_ACCOUNTS.format(
            accounts=", ".join(app_name(a.channel) for a in data.accounts)
        ),
        texts.MY_DATA_CLASSES.format(classes=", ".join(_places(data)) or "–"),
    ]
    choices: list[Choice] = []
    for purpose in PURPOSES:
        decision = latest[purpose]
        state = _standing(decision)
        lines.append(
            texts.MY_DATA_CONSENT.format(
                purpose=texts.PURPOSE_NAMES[purpose], state=_state_text(decision, state, zone)
            )
        )
        label = texts.WITHDRAW if state == "granted" else texts.GRANT
        label = label.format(purpose=texts.PURPOSE_NAMES[purpose])
        choices.append(choice(ChangeConsent(purpose, grant=state != "granted"), label))
    lines.append(texts.MY_DATA_SURVEYS.format(count=vi_number(data.answered)))
    lines.append(texts.MY_DATA_TICKETS.format(count=vi_number(len(data.cases))))
    lines += [_case_line(case) for case in data.cases]
    agreed = [d.notice_id for d in latest.values() if d is not None and d.granted]
    newer = any(notice.date_of(agreed_to) != notice.CURRENT.date_text for agreed_to in agreed)
    lines.append(
        (texts.MY_DATA_NOTICE_NEW if newer else texts.MY_DATA_NOTICE).format(
            date=notice.CURRENT.date_text
        )
    )
    choices += correction_choices(data)
    choices += [choice(SendMyCopy(), texts.SEND_MY_COPY), choice(ReadNotice(), texts.READ_NOTICE)]
    choices += link_choices(await _accounts(ctx), ctx.account)
    choices.append(choice(AskDeleteMe(), texts.DELETE_ME))
    ctx.reply("\n".join(lines), choices)
    if any(_standing(d) == "stale" for d in latest.values()):
        await ask_next_consent(ctx)


async def read_notice(ctx: Context, tap: ReadNotice) -> None:
    """Shows the current notice in full, naming the person's own schools."""
    data = await collect(ctx.session, ctx.person.id) if ctx.person else None
    if data is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    ctx.reply(notice.full_text(data.schools, ctx.services.settings, data.authorities))


async def send_my_copy(ctx: Context, tap: SendMyCopy) -> None:
    """Says the copy is coming; the files are made and sent once this has committed."""
    if ctx.person is None:
        ctx.reply(texts.MY_DATA_NONE)
        return
    ctx.reply(texts.MY_COPY_COMING)
    ctx.work.later(SendMyData(ctx.inbound.channel, ctx.inbound.chat_id, ctx.person.id))


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
        await _forget_web_chats(ctx, person.id)
        await ctx.session.execute(delete(Person).where(Person.id == person.id))
        ctx.person, ctx.account = None, None
        ctx.end_flow()
        note = texts.DELETED_KEPT_FOR_CASES.format(cases=_cases(kept)) if kept else ""
        ctx.reply(texts.DELETED + note, forget=True)  # the page shows nothing of before
    else:
        ctx.reply(texts.KEPT, edit=True)


async def _forget_web_chats(ctx: Context, person_id: int) -> None:
    """The person's chats lose any history the server keeps of them (bot/web_history.py: only
    the web chat has one; a platform's app keeps its own), whichever channel they are on."""
    chats = select(ChatAccount.chat_id).where(ChatAccount.person_id == person_id)
    await ctx.session.execute(delete(WebChatMessage).where(WebChatMessage.chat_id.in_(chats)))


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


def _places(data: MyData) -> list[str]:
    """Each class and role, then each office: "Lá 1 – Trường …", "cán bộ – Ủy ban …"."""
    roles = [
        f"{r.classroom or texts.ROLE_NAMES.get(r.role, r.role)} – {r.school.name}"
        for r in data.roles
    ]
    offices = [f"{texts.ROLE_NAMES['officer']} – {o.authority}" for o in data.offices]
    return roles + offices


def _standing(decision: Decision | None) -> notice.Standing:
    if decision is None:
        return "undecided"
    return notice.standing_of(decision.purpose, decision.granted, decision.notice_id)


def _state_text(decision: Decision | None, state: notice.Standing, zone: ZoneInfo) -> str:
    if decision is None or state in ("undecided", "refused"):
        return texts.CONSENT_NO
    if state == "stale":
        return texts.CONSENT_STALE.format(date=notice.CURRENT.date_text)
    return texts.CONSENT_YES.format(
        date=decision.at.astimezone(zone).strftime("%d/%m/%Y"),
        notice=notice.date_of(decision.notice_id) or "–",
    )


def _case_line(case: Case) -> str:
    details = [
        template.format(**{key: value})
        for template, key, value in (
            (texts.MY_DATA_TICKET_NAME, "name", case.name),
            (texts.MY_DATA_TICKET_CONTACT, "contact", case.contact),
            (texts.MY_DATA_TICKET_PHOTOS, "count", len(case.photos) or None),
        )
        if value
    ]
    return texts.MY_DATA_TICKET.format(
        number=case.number,
        kind=texts.KIND_NAMES.get(case.kind, case.kind).lower(),
        status=texts.TICKET_STATUS_NAMES.get(case.status, case.status),
        details=", ".join(details) or texts.MY_DATA_TICKET_NOTHING,
    )


async def _accounts(ctx: Context) -> list[ChatAccount]:
    assert ctx.person is not None
    return list(
        await ctx.session.scalars(
            select(ChatAccount)
            .where(ChatAccount.person_id == ctx.person.id)
            .order_by(ChatAccount.id)
        )
    )
