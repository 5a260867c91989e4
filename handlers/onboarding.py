"""Joining a class with a code, staff roles, and asking for consent purpose by purpose."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models.people import PURPOSES, ConsentEvent, Membership, Purpose, StaffInvite
from bot.models.schools import Classroom, School
from handlers import asking, help, notice, texts
from handlers.authorities.officers import grant_officer
from handlers.authorities.scope import officer_scope
from handlers.code_guard import attempts_of, count_wrong_code, refused, try_later
from handlers.codes import clean_code, looks_like_code
from handlers.linking import redeem_link_code
from handlers.people import Place, consents_of, ensure_person, places_of, record_consent_event
from handlers.waves import invite_to_open_waves, start_choices
from surveys.text import fold


class Joining(FlowState):
    """The class whose code was redeemed in this chat, awaiting the parent's yes or no."""

    class_id: int


JOIN = Flow("join", Joining, cancelled=texts.CANCELLED)


class ConfirmJoin(Button, verb="join", flow=JOIN):
    """ "Đúng lớp" / "Không phải": the answer to the class a code named, in this chat only."""

    yes: bool


class Consent(Button, verb="consent"):
    """Agree or disagree to one purpose of data use, as the notice numbered `notice` put it."""

    purpose: Purpose
    yes: bool
    notice: int


async def start(ctx: Context) -> None:
    """Greets a new parent, or joins them at once when the link carried a code."""
    if ctx.command_arg:
        await redeem_code(ctx, ctx.command_arg)
    elif ctx.person is None:
        ctx.reply(texts.WELCOME_NO_CODE)
    else:
        ctx.reply(texts.HELP)


async def code_or_help(ctx: Context) -> None:
    """Treats a typed code as joining and "menu" as the menu; a parent's sentence is offered to
    the school as a question; a newcomer is welcomed and asked for the class code."""
    typed = ctx.inbound.text
    if help.is_menu_word(typed):
        await help.show_menu(ctx)
    elif looks_like_code(typed) and fold(typed) not in texts.GREETINGS:
        await redeem_code(ctx, typed)
    elif (places := await _places(ctx)) is None:
        ctx.reply(texts.FIRST_CONTACT, help.item_choices(["trogiup"]))
    elif asking.looks_like_sentence(typed) and any(p.role == "parent" for p in places):
        await asking.offer(ctx, typed)
    else:
        await help.show_menu(ctx, understood=False)


async def _places(ctx: Context) -> list[Place] | None:
    """The sender's places; None for a newcomer (an officer holds no place but is no newcomer)."""
    person = ctx.person
    places = await places_of(ctx.session, person.id) if person is not None else []
    if places or (person is not None and await officer_scope(ctx.session, person.id)):
        return places
    return None


async def redeem_code(ctx: Context, typed: str) -> None:
    """Asks a parent to confirm the class of a class code, or grants a staff code's role; a chat
    that typed too many wrong codes is told once to wait, then not answered (code_guard)."""
    attempts = await attempts_of(ctx)
    if refused(ctx, attempts):
        return
    code = clean_code(typed)
    found = (
        await ctx.session.execute(
            select(Classroom, School)
            .join(School, School.id == Classroom.school_id)
            .where(Classroom.invite_code == code)
        )
    ).first()
    if found is not None:
        classroom, school = found
        if not _serves(ctx, school):
            ctx.reply(texts.CODE_OTHER_SCHOOL)
            return
        ctx.start_flow(JOIN, Joining(class_id=classroom.id))
        ctx.reply(
            texts.CONFIRM_CLASS.format(class_name=classroom.name, school_name=school.name),
            [
                choice(ConfirmJoin(yes=True), texts.YES_CLASS),
                choice(ConfirmJoin(yes=False), texts.NO_CLASS),
            ],
        )
        return
    invite = await ctx.session.scalar(
        select(StaffInvite).where(StaffInvite.code == code).with_for_update()
    )
    if invite is None:
        if await redeem_link_code(ctx, code):
            return
        if await count_wrong_code(ctx, attempts):
            try_later(ctx)
        else:
            ctx.reply(texts.CODE_UNKNOWN.format(code=typed.strip()[:20]))
    elif invite.used_at is not None or invite.expires_at <= ctx.now:
        ctx.reply(texts.CODE_EXPIRED)
    elif invite.authority_id is not None:
        await grant_officer(ctx, invite)
        await help.give_command_menu(ctx)
    elif invite.school_id is None or not _serves(
        ctx, await ctx.session.get(School, invite.school_id)
    ):
        ctx.reply(texts.CODE_OTHER_SCHOOL)
    else:
        await _grant_staff_role(ctx, invite)
        await help.give_command_menu(ctx)


def _serves(ctx: Context, school: School | None) -> bool:
    """Whether this chat's bot may enrol into `school`: a school's own bot serves only it."""
    bound = ctx.services.settings.school_of_channel(ctx.inbound.channel)
    return bound is None or (school is not None and school.code == bound)


async def _grant_staff_role(ctx: Context, invite: StaffInvite) -> None:
    assert invite.school_id is not None  # a school's role (an officer's is grant_officer's)
    person = await ensure_person(ctx)
    invite.used_at, invite.used_by = ctx.now, person.id
    ctx.session.add(
        Membership(
            person_id=person.id,
            school_id=invite.school_id,
            class_id=invite.class_id,
            role=invite.role,
            created_at=ctx.now,
        )
    )
    school = await ctx.session.get(School, invite.school_id)
    classroom = await ctx.session.get(Classroom, invite.class_id) if invite.class_id else None
    place = (
        f"lớp {classroom.name}, {school.name}"
        if classroom and school
        else school.name
        if school
        else ""
    )
    ctx.reply(texts.STAFF_WELCOME.format(role=texts.ROLE_NAMES[invite.role], place=place))


async def confirm_class(ctx: Context, tap: ConfirmJoin) -> None:
    """Makes the parent a member of the class whose code they redeemed here, then asks consent."""
    joining = ctx.flow_state(JOIN)
    ctx.end_flow()
    classroom = await ctx.session.get(Classroom, joining.class_id) if joining else None
    if classroom is None:
        ctx.reply(texts.STALE_BUTTON)
        return
    if not _serves(ctx, await ctx.session.get(School, classroom.school_id)):
        ctx.reply(texts.CODE_OTHER_SCHOOL)
        return
    if not tap.yes:
        ctx.reply(texts.NOT_MY_CLASS, edit=True)
        return
    person = await ensure_person(ctx)
    existing = await ctx.session.scalar(
        select(Membership).where(
            Membership.person_id == person.id,
            Membership.class_id == classroom.id,
            Membership.role == "parent",
        )
    )
    if existing is not None:
        ctx.reply(texts.ALREADY_IN_CLASS.format(class_name=classroom.name), edit=True)
    else:
        ctx.session.add(
            Membership(
                person_id=person.id,
                school_id=classroom.school_id,
                class_id=classroom.id,
                role="parent",
                created_at=ctx.now,
            )
        )
        await ctx.session.flush()
        ctx.reply(texts.JOINED_CLASS.format(class_name=classroom.name), edit=True)
    await ask_next_consent(ctx)


async def ask_next_consent(ctx: Context, *, edit: bool = False) -> None:
    """Asks the first purpose not yet decided (or granted under a notice since changed for it),
    with what it keeps, why and how long; when none is left, finishes onboarding."""
    assert ctx.person is not None
    decided = await consents_of(ctx.session, ctx.person.id)
    asked = notice.to_ask(decided)
    if not asked:
        await _finish_onboarding(ctx, edit=edit)
        return
    purpose = asked[0]
    question = await _consent_question(ctx, purpose, decided)
    ctx.reply(
        question,
        [
            choice(Consent(purpose, yes=True, notice=notice.CURRENT.number), texts.AGREE),
            choice(Consent(purpose, yes=False, notice=notice.CURRENT.number), texts.DISAGREE),
        ],
        edit=edit,
    )


async def _consent_question(
    ctx: Context, purpose: Purpose, decided: dict[str, ConsentEvent | None]
) -> str:
    """The text asking one purpose: numbered, or said why when asked again; the notice's
    intro before the first."""
    assert ctx.person is not None
    again = notice.standing(decided[purpose]) == "stale"  # asked again: unnumbered, said why
    number = "" if again else f"{PURPOSES.index(purpose) + 1}/{len(PURPOSES)}. "
    question = texts.CONSENT_QUESTION.format(
        number=number, paragraph=notice.purpose_paragraph(purpose, ctx.services.settings)
    )
    if again:
        return texts.CONSENT_ASK_AGAIN.format(date=notice.CURRENT.date_text) + "\n\n" + question
    if all(event is None for event in decided.values()):
        schools = [place.school for place in await places_of(ctx.session, ctx.person.id)]
        return notice.intro(schools) + "\n\n" + question
    return question


async def record_consent(ctx: Context, tap: Consent) -> None:
    """Logs the parent's explicit answer for one purpose and asks the next; an answer to an
    earlier notice's question is not taken: the question is asked again in its current words."""
    if ctx.person is None:
        ctx.reply(texts.STALE_BUTTON)
        return
    decided = await consents_of(ctx.session, ctx.person.id)
    current = tap.notice == notice.CURRENT.number
    if current and notice.standing(decided[tap.purpose]) in ("undecided", "stale"):
        if ctx.can_edit:  # the tapped text stays in the chat with the parent's choice marked
            asked = await _consent_question(ctx, tap.purpose, decided)
            mark = texts.CONSENT_MARK_YES if tap.yes else texts.CONSENT_MARK_NO
            ctx.reply(texts.ANSWERED.format(asked=asked, answer=mark), edit=True)
        record_consent_event(ctx, ctx.person.id, tap.purpose, tap.yes)
        await ctx.session.flush()
        await ask_next_consent(ctx)
        return
    await ask_next_consent(ctx, edit=True)


async def _finish_onboarding(ctx: Context, *, edit: bool) -> None:
    assert ctx.person is not None
    done = texts.CONSENT_DONE.format(date=notice.CURRENT.date_text)
    waves = await invite_to_open_waves(ctx.session, ctx.person.id, ctx.now)
    if waves:
        ctx.reply(done + texts.CONSENT_DONE_SURVEY, start_choices(waves, resumable=()), edit=edit)
    else:
        menu = help.item_choices(await help.menu_items(ctx))  # the next step, by a tap
        ctx.reply(done + texts.CONSENT_DONE_MENU, menu, edit=edit)
