"""Announcements (/thongbao): a teacher or principal writes, picks classes, previews and sends.

A teacher addresses only the classes they teach; a principal the whole school or any class.
Every tap is checked again against who is tapping, so a forged or stale button cannot reach
another teacher's class.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.channels.base import Choice
from bot.context import Context
from handlers import texts
from handlers.deliveries import show_report, show_sent
from handlers.groups import offer_link
from handlers.posters import Poster, button, poster_of
from handlers.posting import (
    Draft,
    announcement_body,
    audience_for,
    audience_summary,
    post,
    quiet_until,
    scope_name,
)

FLOW = "tb"


async def start(ctx: Context) -> None:
    """Asks staff for the text of an announcement; offers past reports and group linking."""
    if await poster_of(ctx) is None:
        ctx.reply(texts.STAFF_ONLY)
        return
    ctx.set_flow(FLOW, step="text")
    ctx.reply(
        texts.ANNOUNCE_ASK_TEXT.format(limit=texts.ANNOUNCE_LIMIT),
        [Choice("tb:sent", texts.ANNOUNCE_SENT_LIST), Choice("tb:link", texts.GROUP_LINK)],
    )


async def typed(ctx: Context) -> None:
    """Takes the announcement's text; at a later step, points to the buttons."""
    if ctx.dialog.data.get("step") == "text":
        await _take_text(ctx, ctx.inbound.text, ctx.dialog.data.get("image"))
    else:
        ctx.reply(texts.ANNOUNCE_USE_BUTTONS, _step_choices(ctx))


async def photo(ctx: Context) -> None:
    """Attaches a photo to the announcement being written (its caption is the text)."""
    if ctx.inbound.text:
        await _take_text(ctx, ctx.inbound.text, ctx.inbound.media)
        return
    ctx.set_flow(FLOW, **{**ctx.dialog.data, "image": ctx.inbound.media})
    ctx.reply(texts.ANNOUNCE_PHOTO_ADDED)


async def _take_text(ctx: Context, text: str, image: str | None) -> None:
    poster = await poster_of(ctx)
    if poster is None:
        ctx.end_flow()
        ctx.reply(texts.STAFF_ONLY)
        return
    text = text.strip()
    # one platform message each: a photo's caption holds less (Telegram: 1,024 characters)
    limit = texts.ANNOUNCE_PHOTO_LIMIT if image else texts.ANNOUNCE_LIMIT
    if not text:
        ctx.reply(texts.ANNOUNCE_EMPTY)
    elif len(text) > limit:
        ctx.reply(texts.ANNOUNCE_TOO_LONG.format(limit=limit))
    elif len(poster.classes) == 1 and not poster.principal:
        ctx.set_flow(FLOW, step="seen", text=text, image=image, classes=list(poster.classes))
        ctx.reply(texts.ANNOUNCE_ASK_SEEN, _step_choices(ctx))
    else:
        ctx.set_flow(FLOW, step="classes", text=text, image=image, classes=[], all=False)
        ctx.reply(texts.ANNOUNCE_PICK_CLASSES, await _class_choices(ctx, poster))


async def act(ctx: Context) -> None:
    """Handles the announcement buttons: classes, seen button, preview, send, reports, linking."""
    poster = await poster_of(ctx)
    if poster is None:
        ctx.reply(texts.STAFF_ONLY)
        return
    action, arg = button(ctx)
    if action in ("sent", "r"):
        await (show_report(ctx, poster, arg) if action == "r" else show_sent(ctx, poster))
    elif action in ("link", "lk"):
        await offer_link(ctx, poster, arg)
    elif ctx.dialog.flow != FLOW:
        ctx.reply(texts.STALE_BUTTON)
    elif action == "c":
        await _toggle(ctx, poster, arg)
    elif action == "next":
        await _after_classes(ctx, poster)
    elif action == "seen":
        ctx.set_flow(FLOW, **{**ctx.dialog.data, "step": "confirm", "seen": arg == "1"})
        await _preview(ctx, poster)
    elif action == "send":
        await _send(ctx, poster)
    elif action == "edit":
        ctx.set_flow(FLOW, step="text", image=ctx.dialog.data.get("image"))
        ctx.reply(texts.ANNOUNCE_ASK_TEXT.format(limit=texts.ANNOUNCE_LIMIT), edit=True)
    else:
        ctx.end_flow()
        ctx.reply(texts.ANNOUNCE_CANCELLED, edit=True)


def short_title(text: str, limit: int = 60) -> str:
    """The first line, cut at a word before `limit` characters, for lists and reports."""
    line = text.strip().split("\n", 1)[0]
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


async def _toggle(ctx: Context, poster: Poster, arg: str) -> None:
    data = dict(ctx.dialog.data)
    chosen = set(data.get("classes", []))
    if arg == "all" and poster.principal:
        data["all"], chosen = not data.get("all", False), set()
    elif arg.isdigit() and int(arg) in poster.classes:
        chosen ^= {int(arg)}
        data["all"] = False
    else:
        ctx.reply(texts.ANNOUNCE_NOT_YOURS)
        return
    data["classes"] = sorted(chosen)
    ctx.set_flow(FLOW, **data)
    ctx.reply(texts.ANNOUNCE_PICK_CLASSES, await _class_choices(ctx, poster), edit=True)


async def _after_classes(ctx: Context, poster: Poster) -> None:
    if not ctx.dialog.data.get("classes") and not ctx.dialog.data.get("all"):
        ctx.reply(texts.ANNOUNCE_PICK_ONE, await _class_choices(ctx, poster))
        return
    ctx.set_flow(FLOW, **{**ctx.dialog.data, "step": "seen"})
    ctx.reply(texts.ANNOUNCE_ASK_SEEN, _step_choices(ctx), edit=True)


async def _class_choices(ctx: Context, poster: Poster) -> list[Choice]:
    chosen = set(ctx.dialog.data.get("classes", []))
    choices = []
    if poster.principal:
        label = texts.WHOLE_SCHOOL
        picked = bool(ctx.dialog.data.get("all"))
        choices.append(Choice("tb:c:all", texts.PICKED.format(label=label) if picked else label))
    for class_id, classroom in poster.classes.items():
        label = classroom.name
        if class_id in chosen:
            label = texts.PICKED.format(label=label)
        choices.append(Choice(f"tb:c:{class_id}", label))
    choices.append(Choice("tb:next", texts.CONTINUE))
    return choices


def _step_choices(ctx: Context) -> list[Choice]:
    step = ctx.dialog.data.get("step")
    if step == "seen":
        return [Choice("tb:seen:1", texts.SEEN_YES), Choice("tb:seen:0", texts.SEEN_NO)]
    if step == "confirm":
        return [
            Choice("tb:send", texts.SEND),
            Choice("tb:edit", texts.EDIT_TEXT),
            Choice("tb:x", texts.CANCEL),
        ]
    return [Choice("tb:next", texts.CONTINUE), Choice("tb:x", texts.CANCEL)]


def _targets(ctx: Context, poster: Poster) -> list[int] | None:
    """The chosen classes ([] = whole school), or None if any is not this poster's."""
    data = ctx.dialog.data
    if data.get("all") and poster.principal:
        return []
    chosen = [int(c) for c in data.get("classes", [])]
    return chosen if chosen and set(chosen) <= set(poster.classes) else None


async def _preview(ctx: Context, poster: Poster) -> None:
    targets = _targets(ctx, poster)
    if targets is None:
        ctx.reply(texts.ANNOUNCE_NOT_YOURS)
        return
    data = ctx.dialog.data
    scope = await scope_name(ctx.session, poster.school, targets)
    body = announcement_body(data["text"], data.get("image"), scope)["text"]
    settings = ctx.services.settings
    audience = await audience_for(ctx.session, poster.school, targets, settings)
    lines = [audience_summary(scope, audience)]
    if audience.unreachable:
        lines.append(texts.AUDIENCE_UNREACHABLE.format(count=audience.unreachable))
    if data.get("seen"):
        lines.append(texts.AUDIENCE_WITH_SEEN)
    if quiet := quiet_until(poster.school, settings, ctx.now):
        until = quiet[1].astimezone(ZoneInfo(settings.timezone)).strftime("%H:%M %d/%m")
        lines.append(texts.AUDIENCE_QUIET.format(quiet=quiet[0].replace("-", "–"), until=until))
    preview = texts.PREVIEW.format(body=body, audience="".join(lines))
    ctx.reply(preview, _step_choices(ctx), edit=True)


async def _send(ctx: Context, poster: Poster) -> None:
    targets = _targets(ctx, poster)
    if targets is None or ctx.dialog.data.get("step") != "confirm":
        ctx.reply(texts.ANNOUNCE_NOT_YOURS if targets is None else texts.STALE_BUTTON)
        return
    data = ctx.dialog.data
    settings = ctx.services.settings
    audience = await audience_for(ctx.session, poster.school, targets, settings)
    if not audience.recipients:
        ctx.reply(texts.AUDIENCE_NOBODY)
        return
    scope = await scope_name(ctx.session, poster.school, targets)
    draft = Draft(
        school=poster.school,
        kind="announcement",
        title=short_title(data["text"]),
        body=announcement_body(data["text"], data.get("image"), scope),
        class_ids=targets,
        seen_button=bool(data.get("seen")),
        sender_id=poster.person_id,
    )
    # the audience just counted is the one it goes to: not built a second time by `post`
    broadcast = await post(ctx.session, draft, settings, ctx.now, recipients=audience.recipients)
    ctx.end_flow()
    ctx.reply(texts.ANNOUNCE_QUEUED.format(total=broadcast.recipients), edit=True)
