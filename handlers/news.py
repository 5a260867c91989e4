"""Reform news (/tin): the school's library of posts, sent now, tomorrow morning or every week.

Only a principal (ban giám hiệu) publishes news; a post goes to the whole school by the school's
audience policy. The menu shows whether this week's "at least one post" of the school plans held.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.context import Context
from bot.interactions import Button, Flow, FlowState, choice
from bot.models.broadcasts import Broadcast, NewsPost
from bot.numbers import vi_number
from handlers import texts
from handlers.authorities.scope import officer_scope
from handlers.confirm import ask_to_confirm, cancel_confirmation, take_confirmed
from handlers.deliveries import short_title
from handlers.news_posts import post_titled
from handlers.posters import Poster, poster_of
from handlers.posting import (
    Draft,
    audience_for,
    audience_summary,
    cancel,
    news_body,
    news_in_week,
    post,
)

SHOWN_POSTS = 8
MORNING = time(8, 0)


class NewsDraft(FlowState):
    """A new post being written: title, then text, then an optional link."""

    step: Literal["title", "text", "link"] = "title"
    title: str = ""
    text: str = ""


NEWS_POST = Flow("tin", NewsDraft, cancelled=texts.ANNOUNCE_CANCELLED)


class NewsView(Button, verb="nview"):
    """One post of the school's library, previewed with its audience."""

    post: int


class NewsNew(Button, verb="nnew"):
    """ "Viết bài mới": starts writing a post."""


class NewsNoLink(Button, verb="nnolink", flow=NEWS_POST, aside=True):
    """ "Bỏ qua" at the link step: saves the post being written without a link."""


class Previewing(FlowState):
    """A post of the library previewed, waiting for "send now", "tomorrow" or "every Monday"."""

    post: int


NEWS_PREVIEW = Flow("tinxem", Previewing, cancelled=texts.CANCELLED)


class NewsPublish(Button, verb="npub", flow=NEWS_PREVIEW):
    """Sends the previewed post now, tomorrow morning, or every Monday (once: a second tap is
    stale, as the preview ends with it)."""

    when: Literal["now", "am", "wk"]


class NewsCancel(Button, verb="ncancel", flow=NEWS_PREVIEW, aside=True):
    """ "Hủy" under the preview: nothing is sent or scheduled."""


class NewsSchedule(Button, verb="nsched"):
    """The school's scheduled posts."""


class NewsUnschedule(Button, verb="nunsch"):
    """Cancels one scheduled post of the school."""

    broadcast: int


async def menu(ctx: Context) -> None:
    """Shows a principal the news library, this week's count against the plan, and the schedule."""
    poster = await _principal(ctx)
    if poster is None:
        return
    settings = ctx.services.settings
    week = await news_in_week(ctx.session, poster.school.id, ctx.now, settings.timezone)
    posts = list(
        await ctx.session.scalars(
            select(NewsPost)
            .where(NewsPost.school_id == poster.school.id)
            .order_by(NewsPost.id.desc())
            .limit(SHOWN_POSTS)
        )
    )
    upcoming = await _scheduled(ctx, poster)
    following = (
        texts.NEWS_NEXT.format(title=upcoming[0].title, at=_local(ctx, upcoming[0].send_at))
        if upcoming
        else ""
    )
    text = texts.NEWS_MENU.format(
        school=poster.school.name,
        week=week,
        mark=texts.NEWS_WEEK_OK if week else texts.NEWS_WEEK_MISSING,
        next=following,
    )
    if not posts:
        text += texts.NEWS_EMPTY_LIBRARY
    choices = [choice(NewsView(p.id), p.title[:60]) for p in posts]
    choices += [choice(NewsNew(), texts.NEWS_NEW), choice(NewsSchedule(), texts.NEWS_SCHEDULE_LIST)]
    ctx.reply(text, choices)


async def new_post(ctx: Context, tap: NewsNew) -> None:
    """Starts writing a new post (a principal only)."""
    if await _principal(ctx) is not None:
        ctx.start_flow(NEWS_POST, NewsDraft())
        ctx.reply(texts.NEWS_ASK_TITLE.format(limit=vi_number(texts.NEWS_TITLE_LIMIT)))


async def view(ctx: Context, tap: NewsView) -> None:
    """Previews a post of the principal's own school with the ways to send it."""
    poster = await _principal(ctx)
    if poster is not None and (found := await _post_of(ctx, poster, tap.post)) is not None:
        await _view(ctx, poster, found)


async def publish(ctx: Context, tap: NewsPublish) -> None:
    """Sends or schedules a post of the principal's own school."""
    previewing = take_confirmed(ctx, NEWS_PREVIEW)
    poster = await _principal(ctx)
    if poster is None or previewing is None:
        return
    if (found := await _post_of(ctx, poster, previewing.post)) is not None:
        await _publish(ctx, poster, found, tap.when)


async def cancel_preview(ctx: Context, tap: NewsCancel) -> None:
    """Drops the previewed post's sending; the post stays in the library."""
    cancel_confirmation(ctx, texts.NEWS_NOT_SENT)


async def show_schedule(ctx: Context, tap: NewsSchedule) -> None:
    if (poster := await _principal(ctx)) is not None:
        await _show_schedule(ctx, poster)


async def unschedule(ctx: Context, tap: NewsUnschedule) -> None:
    """Cancels a scheduled post of the principal's own school."""
    if (poster := await _principal(ctx)) is None:
        return
    found = await ctx.session.get(Broadcast, tap.broadcast)
    mine = found is not None and found.school_id == poster.school.id and found.kind == "news"
    if found is None or not mine or found.status != "scheduled":
        ctx.reply(texts.STALE_BUTTON)
        return
    await cancel(ctx.session, found)
    ctx.reply(texts.NEWS_UNSCHEDULED.format(title=found.title), edit=True)


async def skip_link(ctx: Context, tap: NewsNoLink) -> None:
    """Saves the post being written without a link."""
    draft = ctx.flow_state(NEWS_POST)
    if (poster := await _principal(ctx)) is None:
        ctx.end_flow()
    elif draft is None or draft.step != "link":
        ctx.reply(texts.STALE_BUTTON)
    else:
        await _save(ctx, poster, draft, None)


async def typed(ctx: Context) -> None:
    """Takes a new post's title, text and link, one after the other."""
    poster = await _principal(ctx)
    draft = ctx.flow_state(NEWS_POST)
    if poster is None or draft is None:
        ctx.end_flow()
        return
    text = ctx.inbound.text.strip()
    if draft.step == "title":
        if not text or len(text) > texts.NEWS_TITLE_LIMIT:
            ctx.reply(texts.NEWS_TOO_LONG.format(limit=vi_number(texts.NEWS_TITLE_LIMIT)))
        elif await post_titled(ctx.session, poster.school.id, text) is not None:
            ctx.reply(texts.NEWS_TITLE_TAKEN)
        else:
            ctx.save_flow(NewsDraft(step="text", title=text))
            ctx.reply(texts.NEWS_ASK_TEXT.format(limit=vi_number(texts.NEWS_TEXT_LIMIT)))
    elif draft.step == "text":
        if not text or len(text) > texts.NEWS_TEXT_LIMIT:
            ctx.reply(texts.NEWS_TOO_LONG.format(limit=vi_number(texts.NEWS_TEXT_LIMIT)))
        else:
            ctx.save_flow(draft.model_copy(update={"step": "link", "text": text}))
            ctx.reply(texts.NEWS_ASK_LINK, [choice(NewsNoLink(), texts.SKIP)])
    elif text.startswith(("https://", "http://")) and len(text) <= 500 and " " not in text:
        await _save(ctx, poster, draft, text)
    else:
        ctx.reply(texts.NEWS_BAD_LINK, [choice(NewsNoLink(), texts.SKIP)])


async def _principal(ctx: Context) -> Poster | None:
    poster = await poster_of(ctx)
    if poster is None:
        person = ctx.person
        officer = person is not None and await officer_scope(ctx.session, person.id) is not None
        ctx.reply(texts.NEWS_FOR_OFFICERS if officer else texts.STAFF_ONLY)
    elif not poster.principal:
        ctx.reply(texts.NEWS_PRINCIPAL_ONLY)
    else:
        return poster
    return None


async def _post_of(ctx: Context, poster: Poster, post_id: int) -> NewsPost | None:
    """The post if it is of the poster's own school; else a stale answer."""
    found = await ctx.session.get(NewsPost, post_id)
    if found is None or found.school_id != poster.school.id:
        ctx.reply(texts.STALE_BUTTON)
        return None
    return found


async def _save(ctx: Context, poster: Poster, draft: NewsDraft, link: str | None) -> None:
    saved = NewsPost(
        school_id=poster.school.id,
        title=draft.title,
        text=draft.text,
        link=link,
        created_by=poster.person_id,
        created_at=ctx.now,
    )
    ctx.session.add(saved)
    await ctx.session.flush()
    ctx.end_flow()
    ctx.reply(texts.NEWS_SAVED)
    await _view(ctx, poster, saved)


async def _view(ctx: Context, poster: Poster, shown: NewsPost) -> None:
    settings = ctx.services.settings
    audience = await audience_for(ctx.session, poster.school, [], settings)
    line = audience_summary(poster.school.name, audience)
    preview = texts.PREVIEW.format(body=news_body(shown)["text"], audience=line)
    choices = [
        choice(NewsPublish("now"), texts.NEWS_SEND_NOW),
        choice(NewsPublish("am"), texts.NEWS_TOMORROW),
        choice(NewsPublish("wk"), texts.NEWS_WEEKLY),
    ]
    cancel = choice(NewsCancel(), texts.CANCEL)
    draft = Previewing(post=shown.id)
    ask_to_confirm(ctx, draft, preview, choices, cancel, flow=NEWS_PREVIEW, edit=False)


async def _publish(
    ctx: Context, poster: Poster, chosen: NewsPost, when: Literal["now", "am", "wk"]
) -> None:
    settings = ctx.services.settings
    draft = Draft(
        school=poster.school,
        kind="news",
        title=chosen.title,
        body=news_body(chosen),
        sender_id=poster.person_id,
        post_id=chosen.id,
    )
    if when == "now":
        broadcast = await post(ctx.session, draft, settings, ctx.now)
        ctx.reply(texts.ANNOUNCE_QUEUED.format(total=vi_number(broadcast.recipients)), edit=True)
        return
    zone = ZoneInfo(settings.timezone)
    at = next_morning(ctx.now, zone, monday=when == "wk")
    repeat = 7 if when == "wk" else 0
    await post(ctx.session, draft, settings, ctx.now, send_at=at, repeat_days=repeat)
    again = texts.NEWS_REPEAT.format(days=repeat) if repeat else ""
    ctx.reply(
        texts.NEWS_SCHEDULED.format(title=chosen.title, at=_local(ctx, at), repeat=again),
        edit=True,
    )


def next_morning(now: datetime, zone: ZoneInfo, *, monday: bool) -> datetime:
    """08:00 local tomorrow, or on the next Monday."""
    day = now.astimezone(zone).date() + timedelta(days=1)
    while monday and day.weekday() != 0:
        day += timedelta(days=1)
    return datetime.combine(day, MORNING, tzinfo=zone)


async def _scheduled(ctx: Context, poster: Poster) -> list[Broadcast]:
    found = await ctx.session.scalars(
        select(Broadcast)
        .where(
            Broadcast.school_id == poster.school.id,
            Broadcast.status == "scheduled",
            Broadcast.kind == "news",
        )
        .order_by(Broadcast.send_at)
    )
    return list(found)


async def _show_schedule(ctx: Context, poster: Poster) -> None:
    upcoming = await _scheduled(ctx, poster)
    if not upcoming:
        ctx.reply(texts.NEWS_NO_SCHEDULE)
        return
    lines = [texts.NEWS_SCHEDULE_HEADER]
    for item in upcoming:
        repeat = texts.NEWS_REPEAT.format(days=item.repeat_days) if item.repeat_days else ""
        lines.append(
            texts.NEWS_SCHEDULE_LINE.format(
                title=item.title, at=_local(ctx, item.send_at), repeat=repeat
            )
        )
    choices = [
        choice(
            NewsUnschedule(b.id),
            texts.NEWS_UNSCHEDULE.format(
                at=_local(ctx, b.send_at, "%H:%M %d/%m"), title=short_title(b.title, 32)
            ),
        )
        for b in upcoming
    ]
    ctx.reply("\n".join(lines), choices)


def _local(ctx: Context, at: datetime, shape: str = "%H:%M %d/%m/%Y") -> str:
    return at.astimezone(ZoneInfo(ctx.services.settings.timezone)).strftime(shape)
