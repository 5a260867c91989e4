"""Announcements (/thongbao): a teacher or principal writes, picks classes, previews and sends.

A teacher addresses only the classes they teach; a principal the whole school or any class.
Every tap is checked again against who is tapping, so a forged or stale button cannot reach
another teacher's class.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.numbers import vi_number
from handlers import texts
from handlers.confirm import ask_to_confirm, cancel_confirmation
from handlers.deliveries import SentList, short_title
from handlers.groups import LinkGroup
from handlers.photos import copy_of
from handlers.posters import Poster, addressing, class_choices, poster_of
from handlers.posting import (
    Draft,
    announcement_body,
    audience_for,
    audience_summary,
    post,
    quiet_until,
    scope_name,
)


class AnnouncementDraft(FlowState):
    """The announcement being written: its text, photo, classes and whether it asks "Đã xem"."""

    step: Literal["text", "classes", "seen", "confirm"] = "text"
    text: str = ""
    image: str | None = None
    image_copy: str | None = None  # the app's copy of a Telegram photo, for Zalo (photos.copy_of)
    classes: tuple[int, ...] = ()
    whole_school: bool = False
    seen: bool = False


ANNOUNCE = Flow("tb", AnnouncementDraft, cancelled=texts.ANNOUNCE_CANCELLED, photos=True)


class PickClass(Button, verb="tbclass", flow=ANNOUNCE):
    """Adds or removes one class (one the poster may address) from the announcement's."""

    classroom: int


class PickWholeSchool(Button, verb="tball", flow=ANNOUNCE):
    """The whole school (a principal's choice only)."""


class ClassesChosen(Button, verb="tbnext", flow=ANNOUNCE):
    """ "Tiếp tục" once the classes are picked."""


class AskSeen(Button, verb="tbseen", flow=ANNOUNCE):
    """Whether the announcement carries a "Đã xem" button; then the preview."""

    yes: bool


class SendAnnouncement(Button, verb="tbsend", flow=ANNOUNCE):
    pass


class EditAnnouncement(Button, verb="tbedit", flow=ANNOUNCE):
    """Back to writing the text."""


class CancelAnnouncement(Button, verb="tbcancel", flow=ANNOUNCE, aside=True):
    pass


async def start(ctx: Context) -> None:
    """Asks staff for the text of an announcement; offers past reports and group linking."""
    if await addressing(ctx) is None:
        return
    ctx.start_flow(ANNOUNCE, AnnouncementDraft())
    # the step asks for typing (or a photo): the two side roads are no answer to it
    # (`Choice.aside`)
    ctx.reply(
        texts.ANNOUNCE_ASK_TEXT.format(limit=vi_number(texts.ANNOUNCE_LIMIT)),
        [
            choice(SentList(), texts.ANNOUNCE_SENT_LIST, aside=True),
            choice(LinkGroup(), texts.GROUP_LINK, aside=True),
        ],
        takes_photo=True,
    )


async def typed(ctx: Context) -> None:
    """Takes the announcement's text (or a photo); at a later step, points to the buttons."""
    draft = ctx.flow_state(ANNOUNCE) or AnnouncementDraft()
    photo = ctx.inbound.media if ctx.inbound.kind == "photo" else None
    if draft.step != "text":
        ctx.reply(texts.ANNOUNCE_USE_BUTTONS, _step_choices(draft))
    elif photo and not ctx.inbound.text:  # the text follows, or was typed before
        ctx.save_flow(draft.model_copy(update={"image": photo, "image_copy": copy_of(ctx, photo)}))
        ctx.reply(texts.ANNOUNCE_PHOTO_ADDED, takes_photo=True)  # another one replaces it
    elif photo:
        await _take_text(ctx, ctx.inbound.text, photo, copy_of(ctx, photo))
    else:
        await _take_text(ctx, ctx.inbound.text, draft.image, draft.image_copy)


async def _take_text(ctx: Context, text: str, image: str | None, image_copy: str | None) -> None:
    poster = await poster_of(ctx)
    if poster is None:
        ctx.end_flow()
        ctx.reply(texts.STAFF_ONLY)
        return
    text = text.strip()
    # one platform message each: a photo's caption holds less (Telegram: 1,024 characters)
    limit = texts.ANNOUNCE_PHOTO_LIMIT if image else texts.ANNOUNCE_LIMIT
    if not text:
        ctx.reply(texts.ANNOUNCE_EMPTY, takes_photo=True)
    elif len(text) > limit:
        ctx.reply(texts.ANNOUNCE_TOO_LONG.format(limit=vi_number(limit)), takes_photo=True)
    elif len(poster.classes) == 1 and not poster.principal:
        classes = tuple(poster.classes)
        draft = AnnouncementDraft(
            step="seen", text=text, image=image, image_copy=image_copy, classes=classes
        )
        ctx.save_flow(draft)
        ctx.reply(texts.ANNOUNCE_ASK_SEEN, _step_choices(draft))
    else:
        draft = AnnouncementDraft(step="classes", text=text, image=image, image_copy=image_copy)
        ctx.save_flow(draft)
        ctx.reply(texts.ANNOUNCE_PICK_CLASSES, _class_choices(draft, poster))


async def pick_class(ctx: Context, tap: PickClass) -> None:
    """Adds or removes a class the poster may address; any other class is refused."""
    if (writing := await _writing(ctx)) is None:
        return
    poster, draft = writing
    if tap.classroom not in poster.classes:
        ctx.reply(texts.ANNOUNCE_NOT_YOURS)
        return
    chosen = set(draft.classes) ^ {tap.classroom}
    await _show_classes(ctx, poster, draft, classes=tuple(sorted(chosen)), whole_school=False)


async def pick_whole_school(ctx: Context, tap: PickWholeSchool) -> None:
    """Toggles the whole school, for a principal only."""
    if (writing := await _writing(ctx)) is None:
        return
    poster, draft = writing
    if not poster.principal:
        ctx.reply(texts.ANNOUNCE_NOT_YOURS)
        return
    await _show_classes(ctx, poster, draft, classes=(), whole_school=not draft.whole_school)


async def classes_chosen(ctx: Context, tap: ClassesChosen) -> None:
    """Goes on to the "Đã xem" question once at least one class is picked."""
    if (writing := await _writing(ctx)) is None:
        return
    poster, draft = writing
    if not draft.classes and not draft.whole_school:
        ctx.reply(texts.ANNOUNCE_PICK_ONE, _class_choices(draft, poster))
        return
    draft = draft.model_copy(update={"step": "seen"})
    ctx.save_flow(draft)
    ctx.reply(texts.ANNOUNCE_ASK_SEEN, _step_choices(draft), edit=True)


async def choose_seen(ctx: Context, tap: AskSeen) -> None:
    """Takes whether a "Đã xem" button goes with it, then shows the preview."""
    if (writing := await _writing(ctx)) is None:
        return
    poster, draft = writing
    draft = draft.model_copy(update={"step": "confirm", "seen": tap.yes})
    await _preview(ctx, poster, draft)


async def edit(ctx: Context, tap: EditAnnouncement) -> None:
    """Back to the text; the photo stays."""
    if (writing := await _writing(ctx)) is None:
        return
    _, draft = writing
    ctx.save_flow(AnnouncementDraft(image=draft.image, image_copy=draft.image_copy))
    ctx.reply(
        texts.ANNOUNCE_ASK_TEXT.format(limit=vi_number(texts.ANNOUNCE_LIMIT)),
        edit=True,
        takes_photo=True,
    )


async def cancel(ctx: Context, tap: CancelAnnouncement) -> None:
    cancel_confirmation(ctx, texts.ANNOUNCE_CANCELLED)


async def _writing(ctx: Context) -> tuple[Poster, AnnouncementDraft] | None:
    """Who is writing (still staff, checked at every tap) and the draft the button belongs to."""
    poster = await poster_of(ctx)
    draft = ctx.flow_state(ANNOUNCE)
    if poster is None:
        ctx.end_flow()
        ctx.reply(texts.STAFF_ONLY)
    elif draft is None:
        ctx.end_flow()
        ctx.reply(texts.STALE_BUTTON)
    else:
        return poster, draft
    return None


async def _show_classes(
    ctx: Context, poster: Poster, draft: AnnouncementDraft, **picked: object
) -> None:
    draft = draft.model_copy(update=picked)
    ctx.save_flow(draft)
    ctx.reply(texts.ANNOUNCE_PICK_CLASSES, _class_choices(draft, poster), edit=True)


def _class_choices(draft: AnnouncementDraft, poster: Poster) -> list[Choice]:
    done = choice(ClassesChosen(), texts.CONTINUE)
    return class_choices(
        poster,
        draft.classes,
        draft.whole_school,
        whole=PickWholeSchool(),
        tick=PickClass,
        done=done,
    )


def _step_choices(draft: AnnouncementDraft) -> list[Choice]:
    if draft.step == "seen":
        return [
            choice(AskSeen(yes=True), texts.SEEN_YES),
            choice(AskSeen(yes=False), texts.SEEN_NO),
        ]
    if draft.step == "confirm":
        return [*_confirming(), _cancelling()]
    return [choice(ClassesChosen(), texts.CONTINUE), choice(CancelAnnouncement(), texts.CANCEL)]


def _confirming() -> list[Choice]:
    return [choice(SendAnnouncement(), texts.SEND), choice(EditAnnouncement(), texts.EDIT_TEXT)]


def _cancelling() -> Choice:
    return choice(CancelAnnouncement(), texts.CANCEL)


async def _preview(ctx: Context, poster: Poster, draft: AnnouncementDraft) -> None:
    targets = poster.targets(draft.classes, draft.whole_school)
    if targets is None:
        ctx.reply(texts.ANNOUNCE_NOT_YOURS)
        return
    scope = await scope_name(ctx.session, poster.school, targets)
    body = announcement_body(draft.text, _kept(ctx, draft.image), scope)["text"]
    settings = ctx.services.settings
    audience = await audience_for(ctx.session, poster.school, targets, settings)
    lines = [audience_summary(scope, audience)]
    if audience.unreachable:
        lines.append(texts.AUDIENCE_UNREACHABLE.format(count=vi_number(audience.unreachable)))
    if draft.seen:
        lines.append(texts.AUDIENCE_WITH_SEEN)
    if quiet := quiet_until(poster.school, settings, ctx.now):
        until = quiet[1].astimezone(ZoneInfo(settings.timezone)).strftime("%H:%M %d/%m")
        lines.append(texts.AUDIENCE_QUIET.format(quiet=quiet[0].replace("-", "–"), until=until))
    preview = texts.PREVIEW.format(body=body, audience="".join(lines))
    ask_to_confirm(ctx, draft, preview, _confirming(), _cancelling())


async def send(ctx: Context, tap: SendAnnouncement) -> None:
    """Sends the previewed announcement to the classes the poster may still address."""
    if (writing := await _writing(ctx)) is None:
        return
    poster, draft = writing
    targets = poster.targets(draft.classes, draft.whole_school)
    if targets is None or draft.step != "confirm":
        ctx.reply(texts.ANNOUNCE_NOT_YOURS if targets is None else texts.STALE_BUTTON)
        return
    settings = ctx.services.settings
    audience = await audience_for(ctx.session, poster.school, targets, settings)
    if not audience.recipients:
        ctx.reply(texts.AUDIENCE_NOBODY)
        return
    scope = await scope_name(ctx.session, poster.school, targets)
    posted = Draft(
        school=poster.school,
        kind="announcement",
        title=short_title(draft.text),
        body=announcement_body(draft.text, _kept(ctx, draft.image), scope, draft.image_copy),
        class_ids=targets,
        seen_button=draft.seen,
        sender_id=poster.person_id,
    )
    # the audience just counted is the one it goes to: not built a second time by `post`
    broadcast = await post(ctx.session, posted, settings, ctx.now, recipients=audience.recipients)
    ctx.end_flow()
    ctx.reply(texts.ANNOUNCE_QUEUED.format(total=vi_number(broadcast.recipients)), edit=True)


def _kept(ctx: Context, image: str | None) -> str | None:
    """The draft's photo, unless it is a copy that could not be downloaded (its sender was told):
    the announcement then goes without it rather than failing for everyone."""
    return None if image is None or ctx.services.photos.missing(image) else image
