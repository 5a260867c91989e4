"""A parent sending feedback (/phananh): kind, topic, named or anonymous, text, photos, receipt.

The draft lives in the chat's dialog (flow "pakn"), so it survives a restart; each answer fills
one field and the next missing field is asked.
"""

from __future__ import annotations

from typing import Any

from bot.channels.base import Choice
from bot.context import Context
from handlers import texts
from handlers.help import not_text
from handlers.people import Place, has_consent, places_of, record_consent_event
from handlers.tickets import follow
from handlers.tickets.access import handlers_of, members_with_role
from handlers.tickets.rules import (
    HANDLED_BY_DISTRICT,
    HANDLED_BY_PRINCIPAL,
    HANDLED_BY_STAFF,
    KINDS,
    NAMED_KINDS,
    PHOTO_LIMIT,
    TEXT_LIMIT,
    TOPICS,
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

FLOW = "pakn"
MIN_TEXT = 10
FIELD_LIMIT = 200
# a kind chosen anew makes the answers that depended on it void
DEPENDS_ON_KIND = ("by", "anon", "name", "contact")


def next_step(data: dict[str, Any]) -> str:
    """The first thing the draft still lacks."""
    kind = data.get("kind")
    missing = [
        ("ok", "consent"),
        ("school", "school"),
        ("kind", "kind"),
        ("topic", "topic"),
        *([("by", "concerns")] if kind == "to_cao" else []),
        ("anon", "named"),
        *([("name", "name"), ("contact", "contact")] if kind in NAMED_KINDS else []),
        ("text", "text"),
    ]
    for key, step in missing:
        if key not in data and not (key in ("name", "contact") and data.get("anon")):
            return step
    return "review"


async def start(ctx: Context) -> None:
    """Starts a submission: a parent of a class, with feedback consent (asked if missing)."""
    places = await places_of(ctx.session, ctx.person.id, "parent") if ctx.person else []
    if ctx.person is None or not places:
        ctx.reply(texts.FEEDBACK_NEED_CLASS)
        return
    data: dict[str, Any] = {"photos": []}
    if await has_consent(ctx.session, ctx.person.id, "feedback"):
        data["ok"] = True
    schools = {place.school.id for place in places}
    if len(schools) == 1:
        data.update(_school_of(places, schools.pop()))
    ctx.set_flow(FLOW, **data)
    await _ask(ctx, places)


async def choose(ctx: Context) -> None:
    """Takes a tapped answer for the step it belongs to, then asks what is still missing."""
    _, action, value = ((ctx.inbound.choice or "") + "::").split(":")[:3]
    if ctx.dialog.flow != FLOW or ctx.person is None:
        ctx.reply(texts.FEEDBACK_GONE)
        return
    data = dict(ctx.dialog.data)
    # read only for a tapped school ("sc"); the other steps do not need the parent's classes
    places = await places_of(ctx.session, ctx.person.id, "parent") if action == "sc" else None
    if action == "send" and next_step(data) == "review":
        await _submit(ctx, data)
        return
    if action == "ok":
        if value != "yes":
            ctx.end_flow()
            ctx.reply(texts.FEEDBACK_NO_CONSENT, edit=True)
            return
        if "ok" not in data:
            record_consent_event(ctx, ctx.person.id, "feedback", True)
            data["ok"] = True
    elif places and value.isdigit() and int(value) in {p.school.id for p in places}:
        data.update(_school_of(places, int(value)))
    elif action == "k" and value in KINDS:
        data = {k: v for k, v in data.items() if k not in DEPENDS_ON_KIND} | {"kind": value}
    elif action == "t" and value in TOPICS:
        data["topic"] = value
    elif action == "c" and value in ("staff", "leaders") and "school" in data:
        if not await _choose_handler(ctx, data, leaders=value == "leaders"):
            return
    elif action == "n" and value in ("named", "anon"):
        data["anon"] = value == "anon"
    ctx.set_flow(FLOW, **data)
    await _ask(ctx, places, edit=True)


async def typed(ctx: Context) -> None:
    """Takes a typed name, contact or text; words typed at the review are added to the text."""
    data = dict(ctx.dialog.data)
    step = next_step(data)
    words = ctx.inbound.text.strip()
    if step in ("name", "contact"):
        if not 2 <= len(words) <= FIELD_LIMIT:
            ctx.reply(
                texts.FEEDBACK_TOO_SHORT
                if len(words) < 2
                else texts.FEEDBACK_TOO_LONG.format(limit=FIELD_LIMIT)
            )
            return
        data[step] = words
    elif step in ("text", "review"):
        if step == "review":
            words = f"{data['text']}\n{words}"
        if len(words) < MIN_TEXT:
            ctx.reply(texts.FEEDBACK_TOO_SHORT)
            return
        if len(words) > TEXT_LIMIT:
            ctx.reply(texts.FEEDBACK_TOO_LONG.format(limit=TEXT_LIMIT))
            return
        data["text"] = words
    else:
        ctx.reply(texts.INVALID_CHOICE)
    ctx.set_flow(FLOW, **data)
    await _ask(ctx)


async def photo(ctx: Context) -> None:
    """Attaches a photo to the feedback being written or added to; else asks for text."""
    if ctx.inbound.kind == "photo" and ctx.inbound.media:
        if ctx.dialog.flow == FLOW:
            await _attach(ctx, ctx.inbound.media)
            return
        if ctx.dialog.flow == follow.ADD_FLOW:
            await follow.add_photo(ctx, ctx.inbound.media)
            return
    await not_text(ctx)


async def _attach(ctx: Context, media: str) -> None:
    data = dict(ctx.dialog.data)
    photos = list(data.get("photos", []))
    if len(photos) >= PHOTO_LIMIT:
        ctx.reply(texts.FEEDBACK_TOO_MANY_PHOTOS.format(limit=PHOTO_LIMIT))
        return
    photos.append(media)
    ctx.set_flow(FLOW, **{**data, "photos": photos})
    ctx.reply(texts.FEEDBACK_PHOTO_ADDED.format(count=len(photos), limit=PHOTO_LIMIT))
    if next_step(data) not in ("name", "contact", "text"):
        await _ask(ctx)  # shows the step's choices again


def _school_of(places: list[Place], school_id: int) -> dict[str, int]:
    """The chosen school and the parent's (first) class there."""
    for place in places:
        if place.school.id == school_id and place.classroom is not None:
            return {"school": school_id, "class": place.classroom.id}
    return {"school": school_id}


async def _choose_handler(ctx: Context, data: dict[str, Any], *, leaders: bool) -> bool:
    """Sends a denunciation of staff to the principal, of the leaders to the district (if any)."""
    if not leaders:
        data["by"] = HANDLED_BY_PRINCIPAL
        return True
    if await members_with_role(ctx.session, data["school"], "district"):
        data["by"] = HANDLED_BY_DISTRICT
        return True
    ctx.end_flow()
    ctx.reply(texts.FEEDBACK_LEADERS_ELSEWHERE, edit=True)
    return False


async def _ask(ctx: Context, places: list[Place] | None = None, *, edit: bool = False) -> None:
    """Asks for the next missing field (or shows the review) with its choices.

    Only the school question needs the parent's `places`; read here if the caller has none.
    """
    data = ctx.dialog.data
    step = next_step(data)
    if places is None and step == "school" and ctx.person is not None:
        places = await places_of(ctx.session, ctx.person.id, "parent")
    text, choices = _question(step, data, places or [])
    ctx.reply(text + texts.FEEDBACK_HINT, choices, edit=edit)


def _question(step: str, data: dict[str, Any], places: list[Place]) -> tuple[str, list[Choice]]:
    kind = data.get("kind", "")
    if step == "consent":
        return texts.FEEDBACK_ASK_CONSENT, [
            Choice("fb:ok:yes", texts.AGREE),
            Choice("fb:ok:no", texts.DISAGREE),
        ]
    if step == "school":
        schools = {p.school.id: p.school.name for p in places}
        return texts.FEEDBACK_PICK_SCHOOL, [Choice(f"fb:sc:{i}", n) for i, n in schools.items()]
    if step == "kind":
        return texts.FEEDBACK_PICK_KIND, [Choice(f"fb:k:{k}", texts.KIND_NAMES[k]) for k in KINDS]
    if step == "topic":
        topics = [Choice(f"fb:t:{t}", texts.TOPIC_NAMES[t]) for t in TOPICS]
        return texts.FEEDBACK_PICK_TOPIC, topics
    if step == "concerns":
        return texts.FEEDBACK_PICK_CONCERNS, [
            Choice("fb:c:staff", texts.CONCERNS_STAFF),
            Choice("fb:c:leaders", texts.CONCERNS_LEADERS),
        ]
    if step == "named":
        return _named_question(kind, data.get("by", "")), [
            Choice("fb:n:named", texts.SEND_NAMED),
            Choice("fb:n:anon", texts.SEND_ANONYMOUS),
        ]
    if step in ("name", "contact", "text"):
        prompts = {
            "name": texts.FEEDBACK_ASK_NAME,
            "contact": texts.FEEDBACK_ASK_CONTACT,
            "text": texts.FEEDBACK_ASK_TEXT.format(photos=PHOTO_LIMIT),
        }
        return prompts[step], []
    return _review(data), [Choice("fb:send", texts.FEEDBACK_SEND)]


def _named_question(kind: str, handled_by: str) -> str:
    if kind not in NAMED_KINDS:
        return texts.FEEDBACK_PICK_NAMED
    legal = texts.FEEDBACK_PICK_NAMED_LEGAL.format(kind=texts.KIND_NAMES[kind].lower())
    if kind == "to_cao":
        handler = texts.SEALED_HANDLER_NAMES[handled_by or HANDLED_BY_PRINCIPAL]
        legal += texts.FEEDBACK_SEALED_NOTE.format(handler=handler)
    return legal


def _review(data: dict[str, Any]) -> str:
    if data.get("anon"):
        sender = texts.SENDER_ANONYMOUS
    elif data["kind"] in NAMED_KINDS:
        sender = texts.SENDER_NAMED.format(name=data["name"], contact=data["contact"])
    else:
        sender = texts.SENDER_ACCOUNT
    kind = data["kind"]
    named_only = data.get("anon") and kind in NAMED_KINDS
    return texts.FEEDBACK_REVIEW.format(
        kind=(texts.ANONYMOUS_KIND_NAMES if named_only else texts.KIND_NAMES)[kind],
        topic=texts.TOPIC_NAMES[data["topic"]],
        sender=sender,
        text=data["text"],
        photos=len(data.get("photos", [])),
    )


async def _submit(ctx: Context, data: dict[str, Any]) -> None:
    """Files the ticket, gives the receipt number at once and tells the handlers."""
    assert ctx.person is not None
    terms = Terms.of(ctx.services.settings)
    draft = Draft(
        school_id=data["school"],
        kind=data["kind"],
        topic=data["topic"],
        anonymous=bool(data["anon"]),
        handled_by=data.get("by", HANDLED_BY_STAFF),
        channel=ctx.inbound.channel,
        text=data["text"],
        photos=tuple(data.get("photos", [])),
        class_id=data.get("class"),
        person_id=ctx.person.id,
        name=data.get("name"),
        contact=data.get("contact"),
    )
    ticket = await create_ticket(ctx.session, draft, terms, ctx.now)
    ctx.end_flow()
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
