"""A parent sending feedback (/phananh): kind, topic, named or anonymous, text, photos, receipt.

The draft is the state of the chat's FEEDBACK flow, so it survives a restart; each answer fills
one field and the next missing field is asked. Its buttons act only on the draft they were shown
for, and every value tapped is checked again (a school must be one of the parent's own).
"""

from __future__ import annotations

from pydantic import field_validator

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.numbers import vi_number
from handlers import notice, texts
from handlers.authorities.scope import handling_officers
from handlers.authorities.tree import managing_authority
from handlers.people import Place, has_consent, places_of, record_consent_event
from handlers.tickets.access import handlers_of
from handlers.tickets.rules import (
    HANDLED_BY_AUTHORITY,
    HANDLED_BY_PRINCIPAL,
    HANDLED_BY_STAFF,
    KINDS,
    NAMED_KINDS,
    PHOTO_LIMIT,
    TEXT_LIMIT,
    TOPICS,
    Kind,
    Topic,
)
from handlers.tickets.store import (
    Draft,
    Terms,
    create_ticket,
    lookup_of,
    notify_people,
    number_of,
)
from handlers.tickets.views import day_text, kind_name

MIN_TEXT = 10
FIELD_LIMIT = 200


class FeedbackDraft(FlowState):
    """What the parent has said so far; None: not asked yet."""

    ok: bool = False  # the parent consents to feedback being processed
    school: int | None = None
    class_id: int | None = None
    kind: Kind | None = None
    topic: Topic | None = None
    by: str | None = None  # who handles a denunciation (HANDLED_BY_…)
    anon: bool | None = None
    name: str | None = None
    contact: str | None = None
    text: str | None = None
    photos: tuple[str, ...] = ()

    @field_validator("by")
    @classmethod
    def _by_authority(cls, value: str | None) -> str | None:
        # a draft begun before district offices became authorities (migration "authorities")
        return HANDLED_BY_AUTHORITY if value == "district" else value


FEEDBACK = Flow("pakn", FeedbackDraft, cancelled=texts.FEEDBACK_CANCELLED, photos=True)


class FeedbackConsent(Button, verb="fbok", flow=FEEDBACK):
    """Agree or not to feedback being processed (asked once)."""

    yes: bool


class FeedbackSchool(Button, verb="fbschool", flow=FEEDBACK):
    """The school it is about, for a parent of several schools."""

    school: int


class FeedbackKind(Button, verb="fbkind", flow=FEEDBACK):
    """Suggestion, report, complaint or denunciation."""

    kind: Kind


class FeedbackTopic(Button, verb="fbtopic", flow=FEEDBACK):
    """What it is about: meals, safety, fees …"""

    topic: Topic


class FeedbackConcerns(Button, verb="fbabout", flow=FEEDBACK):
    """Whom a denunciation concerns: staff (the principal handles it) or the leaders."""

    leaders: bool


class FeedbackNamed(Button, verb="fbanon", flow=FEEDBACK):
    """Sent with the parent's name, or anonymously."""

    anonymous: bool


class SendFeedback(Button, verb="fbsend", flow=FEEDBACK):
    """ "Gửi" under the review: files the ticket."""


class DropFeedback(Button, verb="fbdrop", flow=FEEDBACK, aside=True):
    """ "Thôi, không gửi" under every step: drops the draft (what /huy does, by a tap)."""


def next_step(draft: FeedbackDraft) -> str:
    """The first thing the draft still lacks."""
    named = draft.kind in NAMED_KINDS and not draft.anon
    missing = [
        (not draft.ok, "consent"),
        (draft.school is None, "school"),
        (draft.kind is None, "kind"),
        (draft.topic is None, "topic"),
        (draft.kind == "to_cao" and draft.by is None, "concerns"),
        (draft.anon is None, "named"),
        (named and draft.name is None, "name"),
        (named and draft.contact is None, "contact"),
        (draft.text is None, "text"),
    ]
    return next((step for lacking, step in missing if lacking), "review")


def takes_photo(draft: FeedbackDraft) -> bool:
    """Whether the step asks for what a photo may go with (the text, the review), and the
    draft has room for one more: only then is a photo button offered."""
    return next_step(draft) in ("text", "review") and len(draft.photos) < PHOTO_LIMIT


async def start(ctx: Context) -> None:
    """Starts a submission: a parent of a class, with feedback consent (asked if missing)."""
    places = await places_of(ctx.session, ctx.person.id, "parent") if ctx.person else []
    if ctx.person is None or not places:
        ctx.reply(texts.FEEDBACK_NEED_CLASS)
        return
    await _begin(ctx, places, FeedbackDraft())


async def file_question(ctx: Context, text: str) -> None:
    """Files a parent's free text as a Góp ý – hỏi đáp ticket at once, or asks first for what
    is still missing (feedback consent, which school) as /phananh does."""
    places = await places_of(ctx.session, ctx.person.id, "parent") if ctx.person else []
    if ctx.person is None or not places:
        ctx.reply(texts.FEEDBACK_NEED_CLASS)
        return
    draft = FeedbackDraft(kind="gop_y", topic="khac", anon=False, text=text[:TEXT_LIMIT])
    await _begin(ctx, places, draft)


async def _begin(ctx: Context, places: list[Place], draft: FeedbackDraft) -> None:
    """Opens a draft with what is known; a complete one is filed without more questions."""
    assert ctx.person is not None
    draft = draft.model_copy(
        update={"ok": await has_consent(ctx.session, ctx.person.id, "feedback")}
    )
    schools = {place.school.id for place in places}
    if len(schools) == 1:
        draft = _in_school(draft, places, schools.pop())
    if draft.text is not None and next_step(draft) == "review":
        await _file(ctx, draft)  # a flow open meanwhile (a survey) stays open
    else:
        ctx.start_flow(FEEDBACK, draft)
        await _ask(ctx, draft, places)


async def take_consent(ctx: Context, tap: FeedbackConsent) -> None:
    """Records the parent's consent to feedback, or drops the draft when they decline."""
    draft = _draft(ctx)
    if draft is None or ctx.person is None:
        return
    if not tap.yes:
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_NO_CONSENT, edit=True)
        return
    if not draft.ok:
        record_consent_event(ctx, ctx.person.id, "feedback", True)
    await _update(ctx, draft, ok=True)


async def take_school(ctx: Context, tap: FeedbackSchool) -> None:
    """Takes the school, which must be one where the one tapping is a parent."""
    draft = _draft(ctx)
    if draft is None or ctx.person is None:
        return
    places = await places_of(ctx.session, ctx.person.id, "parent")
    if tap.school not in {place.school.id for place in places}:
        ctx.reply(texts.STALE_BUTTON)
        return
    draft = _in_school(draft, places, tap.school)
    ctx.save_flow(draft)
    await _ask(ctx, draft, places, edit=True)


async def take_kind(ctx: Context, tap: FeedbackKind) -> None:
    """Takes the kind; the answers that depended on an earlier kind are asked again."""
    if (draft := _draft(ctx)) is not None:
        await _update(ctx, draft, kind=tap.kind, by=None, anon=None, name=None, contact=None)


async def take_topic(ctx: Context, tap: FeedbackTopic) -> None:
    if (draft := _draft(ctx)) is not None:
        await _update(ctx, draft, topic=tap.topic)


async def take_concerns(ctx: Context, tap: FeedbackConcerns) -> None:
    """A denunciation of staff goes to the principal, of the leaders to the officers of the
    school's managing authority (if it has any on the bot)."""
    draft = _draft(ctx)
    if draft is None:
        return
    if draft.school is None:
        ctx.reply(texts.STALE_BUTTON)
    elif not tap.leaders:
        await _update(ctx, draft, by=HANDLED_BY_PRINCIPAL)
    elif await handling_officers(ctx.session, draft.school):
        await _update(ctx, draft, by=HANDLED_BY_AUTHORITY)
    else:
        ctx.end_flow()
        authority = await managing_authority(ctx.session, draft.school)
        name = authority.name if authority is not None else texts.AUTHORITY_UNKNOWN
        ctx.reply(texts.FEEDBACK_LEADERS_ELSEWHERE.format(authority=name), edit=True)


async def take_named(ctx: Context, tap: FeedbackNamed) -> None:
    if (draft := _draft(ctx)) is not None:
        await _update(ctx, draft, anon=tap.anonymous)


async def drop(ctx: Context, tap: DropFeedback) -> None:
    """Drops the draft being written: nothing reaches the school."""
    ctx.end_flow()
    ctx.reply(FEEDBACK.cancelled)  # what /huy says, from the flow's declaration


async def send(ctx: Context, tap: SendFeedback) -> None:
    """Files the reviewed draft, if the sender is still a parent of its school."""
    draft = _draft(ctx)
    if draft is None or ctx.person is None:
        return
    if next_step(draft) != "review":
        await _ask(ctx, draft, edit=True)
        return
    places = await places_of(ctx.session, ctx.person.id, "parent")
    if draft.school not in {place.school.id for place in places}:
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_GONE)
        return
    await _submit(ctx, draft)


async def typed(ctx: Context) -> None:
    """Takes a typed name, contact or text, or a photo; words typed at the review are added."""
    draft = _draft(ctx)
    if draft is None:
        return
    if ctx.inbound.kind == "photo" and ctx.inbound.media:
        await _attach(ctx, draft, ctx.inbound.media)
        return
    step = next_step(draft)
    words = ctx.inbound.text.strip()
    if step in ("name", "contact"):
        if not 2 <= len(words) <= FIELD_LIMIT:
            ctx.reply(
                texts.FEEDBACK_TOO_SHORT
                if len(words) < 2
                else texts.FEEDBACK_TOO_LONG.format(limit=vi_number(FIELD_LIMIT))
            )
            return
        draft = draft.model_copy(update={step: words})
    elif step in ("text", "review"):
        if step == "review":
            words = f"{draft.text}\n{words}"
        photo = takes_photo(draft)  # the question stands: a photo may still come instead
        if len(words) < MIN_TEXT:
            ctx.reply(texts.FEEDBACK_TOO_SHORT, takes_photo=photo)
            return
        if len(words) > TEXT_LIMIT:
            ctx.reply(
                texts.FEEDBACK_TOO_LONG.format(limit=vi_number(TEXT_LIMIT)), takes_photo=photo
            )
            return
        draft = draft.model_copy(update={"text": words})
    else:
        ctx.reply(texts.INVALID_CHOICE)
    ctx.save_flow(draft)
    await _ask(ctx, draft)


def _draft(ctx: Context) -> FeedbackDraft | None:
    """The draft being written in this chat; when it is unreadable, it is dropped politely."""
    draft = ctx.flow_state(FEEDBACK)
    if draft is None or ctx.person is None:
        ctx.end_flow()
        ctx.reply(texts.FEEDBACK_GONE)
        return None
    return draft


async def _update(ctx: Context, draft: FeedbackDraft, **values: object) -> None:
    """Stores a tapped answer and asks what is still missing, in place of the question."""
    draft = draft.model_copy(update=values)
    ctx.save_flow(draft)
    await _ask(ctx, draft, edit=True)


async def _attach(ctx: Context, draft: FeedbackDraft, media: str) -> None:
    # a photo whose copy failed was asked for again: this one may take its place
    draft = draft.model_copy(update={"photos": _had(ctx, draft.photos)})
    if len(draft.photos) >= PHOTO_LIMIT:
        ctx.reply(texts.FEEDBACK_TOO_MANY_PHOTOS.format(limit=vi_number(PHOTO_LIMIT)))
        return
    draft = draft.model_copy(update={"photos": (*draft.photos, media)})
    ctx.save_flow(draft)
    ctx.reply(
        texts.FEEDBACK_PHOTO_ADDED.format(
            count=vi_number(len(draft.photos)), limit=vi_number(PHOTO_LIMIT)
        ),
        takes_photo=takes_photo(draft),
    )
    if next_step(draft) not in ("name", "contact", "text"):
        await _ask(ctx, draft)  # shows the step's choices again


def _had(ctx: Context, photos: tuple[str, ...]) -> tuple[str, ...]:
    """The draft's photos but those whose copy failed for good (their sender was told)."""
    return tuple(p for p in photos if not ctx.services.photos.failed(p))


def _in_school(draft: FeedbackDraft, places: list[Place], school_id: int) -> FeedbackDraft:
    """The draft about this school and the parent's (first) class there."""
    class_id = next(
        (p.classroom.id for p in places if p.school.id == school_id and p.classroom is not None),
        None,
    )
    return draft.model_copy(update={"school": school_id, "class_id": class_id})


async def _ask(
    ctx: Context, draft: FeedbackDraft, places: list[Place] | None = None, *, edit: bool = False
) -> None:
    """Asks for the next missing field (or shows the review) with its choices.

    Only the school question needs the parent's `places`; read here if the caller has none.
    """
    step = next_step(draft)
    if places is None and step == "school" and ctx.person is not None:
        places = await places_of(ctx.session, ctx.person.id, "parent")
    text, choices = _question(step, draft, places or [])
    if step == "consent":  # what the feedback purpose keeps, why and how long (handlers/notice)
        text = text.format(paragraph=notice.purpose_paragraph("feedback", ctx.services.settings))
    choices = [*choices, choice(DropFeedback(), texts.FEEDBACK_DROP, aside=True)]
    ctx.reply(text + texts.FEEDBACK_HINT, choices, edit=edit, takes_photo=takes_photo(draft))


def _question(step: str, draft: FeedbackDraft, places: list[Place]) -> tuple[str, list[Choice]]:
    if step == "consent":
        return texts.FEEDBACK_ASK_CONSENT, [
            choice(FeedbackConsent(yes=True), texts.AGREE),
            choice(FeedbackConsent(yes=False), texts.DISAGREE),
        ]
    if step == "school":
        schools = {p.school.id: p.school.name for p in places}
        return texts.FEEDBACK_PICK_SCHOOL, [
            choice(FeedbackSchool(i), name) for i, name in schools.items()
        ]
    if step == "kind":
        kinds = [choice(FeedbackKind(k), texts.KIND_NAMES[k]) for k in KINDS]
        return texts.FEEDBACK_PICK_KIND, kinds
    if step == "topic":
        topics = [choice(FeedbackTopic(t), texts.TOPIC_NAMES[t]) for t in TOPICS]
        return texts.FEEDBACK_PICK_TOPIC, topics
    if step == "concerns":
        return texts.FEEDBACK_PICK_CONCERNS, [
            choice(FeedbackConcerns(leaders=False), texts.CONCERNS_STAFF),
            choice(FeedbackConcerns(leaders=True), texts.CONCERNS_LEADERS),
        ]
    if step == "named":
        return _named_question(draft.kind, draft.by), [
            choice(FeedbackNamed(anonymous=False), texts.SEND_NAMED),
            choice(FeedbackNamed(anonymous=True), texts.SEND_ANONYMOUS),
        ]
    if step in ("name", "contact", "text"):
        prompts = {
            "name": texts.FEEDBACK_ASK_NAME,
            "contact": texts.FEEDBACK_ASK_CONTACT,
            "text": texts.FEEDBACK_ASK_TEXT.format(photos=vi_number(PHOTO_LIMIT)),
        }
        return prompts[step], []
    return _review(draft), [choice(SendFeedback(), texts.FEEDBACK_SEND)]


def _named_question(kind: Kind | None, handled_by: str | None) -> str:
    if kind not in NAMED_KINDS:
        return texts.FEEDBACK_PICK_NAMED
    legal = texts.FEEDBACK_PICK_NAMED_LEGAL.format(kind=texts.KIND_NAMES[kind].lower())
    if kind == "to_cao":
        handler = texts.SEALED_HANDLER_NAMES[handled_by or HANDLED_BY_PRINCIPAL]
        legal += texts.FEEDBACK_SEALED_NOTE.format(handler=handler)
    return legal


def _review(draft: FeedbackDraft) -> str:
    assert draft.kind is not None and draft.topic is not None
    if draft.anon:
        sender = texts.SENDER_ANONYMOUS
    elif draft.kind in NAMED_KINDS:
        sender = texts.SENDER_NAMED.format(name=draft.name, contact=draft.contact)
    else:
        sender = texts.SENDER_ACCOUNT
    named_only = draft.anon and draft.kind in NAMED_KINDS
    return texts.FEEDBACK_REVIEW.format(
        kind=(texts.ANONYMOUS_KIND_NAMES if named_only else texts.KIND_NAMES)[draft.kind],
        topic=texts.TOPIC_NAMES[draft.topic],
        sender=sender,
        text=draft.text,
        photos=vi_number(len(draft.photos)),
    )


async def _submit(ctx: Context, draft: FeedbackDraft) -> None:
    """Ends the draft, files the ticket, gives the receipt number and tells the handlers."""
    ctx.end_flow()
    await _file(ctx, draft)


async def _file(ctx: Context, draft: FeedbackDraft) -> None:
    """Files the ticket, gives the receipt number at once and tells the handlers."""
    assert ctx.person is not None and draft.school is not None
    assert draft.kind is not None and draft.topic is not None and draft.text is not None
    terms = Terms.of(ctx.services.settings)
    filed = Draft(
        school_id=draft.school,
        kind=draft.kind,
        topic=draft.topic,
        anonymous=bool(draft.anon),
        handled_by=draft.by or HANDLED_BY_STAFF,
        channel=ctx.inbound.channel,
        text=draft.text,
        photos=_had(ctx, draft.photos),
        class_id=draft.class_id,
        person_id=ctx.person.id,
        name=draft.name,
        contact=draft.contact,
    )
    ticket = await create_ticket(ctx.session, filed, terms, ctx.now)
    number, due = number_of(ticket), day_text(ticket.decide_due, terms)
    if ticket.anonymous:
        receipt = texts.FEEDBACK_RECEIPT_ANONYMOUS.format(
            number=number, due=due, code=lookup_of(ticket)
        )
    else:
        receipt = texts.FEEDBACK_RECEIPT.format(
            kind=kind_name(ticket).lower(), number=number, due=due
        )
    ctx.reply(receipt, edit=True)
    alert = texts.STAFF_NEW_TICKET.format(
        number=number, kind=kind_name(ticket), topic=texts.TOPIC_NAMES[ticket.topic], due=due
    )
    await notify_people(ctx.work, await handlers_of(ctx.session, ticket), alert)
