"""`hailong news …`: the reform-news library, publishing now or on a schedule, reports, policy.

Like every CLI command it only writes rows; the running bot (`hailong run`) sends them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.cli_dates import MOMENT_HELP, moment
from bot.cli_errors import OperatorError, existing_file
from bot.cli_words import plural
from bot.clock import SystemClock
from bot.web_address import is_web_address

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.models.broadcasts import Broadcast
    from bot.settings import Settings


def add_commands(sub: Any) -> None:
    """Adds the news subcommands to the `hailong` parser."""
    news = sub.add_parser("news", help="reform news and broadcasts").add_subparsers(
        metavar="ACTION"
    )
    add = news.add_parser("add", help="add a post to a school's library")
    add.add_argument("--school", required=True, help="school code")
    add.add_argument("--title", required=True)
    text = add.add_mutually_exclusive_group(required=True)
    text.add_argument("--text")
    text.add_argument("--text-file", type=existing_file, help="UTF-8 file with the text")
    add.add_argument("--image", help="public image URL (or a file path, Telegram only)")
    add.add_argument("--link", help="URL of the online procedure the post is about")
    add.set_defaults(command=cmd_news_add)
    samples = news.add_parser("samples", help="add the sample posts (seed topics) to a library")
    samples.add_argument("--school", required=True, help="school code")
    samples.set_defaults(command=cmd_news_samples)
    listing = news.add_parser("list", help="a school's posts and scheduled broadcasts")
    listing.add_argument("--school", required=True, help="school code")
    listing.set_defaults(command=cmd_news_list)
    publish = news.add_parser("publish", help="send a post now, or schedule it")
    publish.add_argument("post", type=int, help="post id (see news list)")
    publish.add_argument("--class", dest="classes", action="append", default=[], help="repeatable")
    publish.add_argument("--at", type=moment, help=f"{MOMENT_HELP} (default now)")
    publish.add_argument("--every", type=int, default=0, help="repeat every N days")
    publish.add_argument(
        "--again",
        action="store_true",
        help="send it even though it went to the same classes before (run again without it, "
        "a publish already made changes nothing)",
    )
    publish.set_defaults(command=cmd_news_publish)
    cancel = news.add_parser("cancel", help="cancel a scheduled or sending broadcast")
    cancel.add_argument("broadcast", type=int, help="broadcast id (see news list)")
    cancel.set_defaults(command=cmd_news_cancel)
    report = news.add_parser("report", help="delivery report of a broadcast")
    report.add_argument("broadcast", type=int, help="broadcast id (see news list)")
    report.set_defaults(command=cmd_news_report)
    policy = news.add_parser("policy", help="a school's quiet hours and audience")
    policy.add_argument("--school", required=True, help="school code")
    policy.add_argument("--quiet", help='e.g. 21:00-06:30; "none" for none; "default"')
    policy.add_argument("--audience", choices=["groups", "private", "both", "default"])
    policy.set_defaults(command=cmd_news_policy)


async def cmd_news_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.column_fit import fitting
    from bot.models.broadcasts import NewsPost
    from handlers.news_posts import post_titled
    from handlers.setup import school_by_code

    if not args.title.strip():
        raise OperatorError("--title is empty", "give the post a title parents will read")
    if args.link is not None and not is_web_address(args.link):
        raise OperatorError(
            f"--link {args.link!r} is not a web address",
            "give the whole address, e.g. https://dichvucong.gov.vn/…",
        )
    body = args.text if args.text is not None else args.text_file.read_text(encoding="utf-8")
    if not body.strip():
        raise OperatorError("the post's text is empty", "give it with --text or --text-file")
    title, text = fitting(args.title.strip(), NewsPost.title, "--title"), body.strip()
    fitting(args.link or "", NewsPost.link, "--link")
    image = _image(args.image)
    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        twin = await post_titled(session, school.id, title)
        if twin is not None:
            if (twin.text, twin.image, twin.link) != (text, image, args.link):
                raise OperatorError(
                    f"{school.code} has a post titled {title!r} already (post {twin.id}), "
                    "with other content",
                    "give the new post another --title; hailong news list shows the library",
                )
            print(f"post {twin.id} exists already: {twin.title} (nothing changed)")
            return 0
        post = NewsPost(
            school_id=school.id,
            title=title,
            text=text,
            image=image,
            link=args.link,
            created_at=SystemClock().now(),
        )
        session.add(post)
        await session.flush()
    print(f"post {post.id}: {post.title}")
    return 0


def _image(given: str | None) -> str | None:
    """--image as stored: a picture's web address, or a file here by its whole path (the bot
    that sends it may run from another folder)."""
    from bot.column_fit import fitting
    from bot.models.broadcasts import NewsPost

    if given is None or is_web_address(given):
        return fitting(given.strip(), NewsPost.image, "--image") if given else None
    path = Path(given).expanduser()
    if not path.is_file():
        raise OperatorError(
            f"--image {given}: no such file, and no web address",
            "give the picture's address (https://…) or a file on this machine",
        )
    return fitting(str(path.resolve()), NewsPost.image, "--image")


async def cmd_news_samples(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from handlers.news_samples import add_samples
    from handlers.setup import school_by_code

    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        added = await add_samples(session, school.id, SystemClock().now())
    if added:
        print(f"{plural(added, 'sample post')} added to {school.code}")
    else:
        print(f"the sample posts are in {school.code}'s library already (nothing changed)")
    return 0


async def cmd_news_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.cli import _database
    from bot.models.broadcasts import Broadcast, NewsPost
    from handlers.setup import school_by_code

    zone = ZoneInfo(settings.timezone)
    async with _database(settings) as db, db.sessions() as session:
        school = await school_by_code(session, args.school)
        posts = await session.scalars(
            select(NewsPost).where(NewsPost.school_id == school.id).order_by(NewsPost.id)
        )
        for post in posts:
            print(f"post {post.id}\t{post.title}" + (f"\t{post.link}" if post.link else ""))
        broadcasts = await session.scalars(
            select(Broadcast)
            .where(Broadcast.school_id == school.id, Broadcast.kind != "reminder")
            .order_by(Broadcast.id.desc())
            .limit(20)
        )
        for item in broadcasts:
            at = item.send_at.astimezone(zone)
            again = f", every {plural(item.repeat_days, 'day')}" if item.repeat_days else ""
            print(f"broadcast {item.id}\t{item.status}\t{at:%Y-%m-%d %H:%M}{again}\t{item.title}")
    return 0


async def cmd_news_publish(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.models.broadcasts import NewsPost
    from bot.models.schools import School
    from handlers.posting import Draft, news_body, post
    from handlers.setup import class_by_name

    zone = ZoneInfo(settings.timezone)
    now = args.clock.now()
    at = args.at.replace(tzinfo=zone) if args.at else now
    if at < now:
        raise OperatorError(
            f"--at {at:%Y-%m-%d %H:%M} is in the past (now {now.astimezone(zone):%Y-%m-%d %H:%M})",
            "give a later time, or leave --at out to send now",
        )
    if args.every < 0:
        raise OperatorError(f"--every {args.every}: 0 (once) or a number of days")
    async with _database(settings) as db, db.transaction() as session:
        chosen = await session.get(NewsPost, args.post)
        if chosen is None:
            raise OperatorError(f"no post {args.post}", "hailong news list shows the posts")
        school = await session.get(School, chosen.school_id)
        assert school is not None  # a post is deleted with its school
        class_ids = [(await class_by_name(session, school, n)).id for n in args.classes]
        earlier = await _published(
            session, chosen.id, class_ids, args.every, at if args.at else None, now
        )
        if earlier is not None and not args.again:
            print(_published_already(chosen.id, earlier, zone))
            return 0
        draft = Draft(school, "news", chosen.title, news_body(chosen), class_ids, post_id=chosen.id)
        sent = await post(session, draft, settings, now, send_at=at, repeat_days=args.every)
    if sent.status == "scheduled":
        print(f"broadcast {sent.id}: scheduled for {at.astimezone(zone):%Y-%m-%d %H:%M}")
    else:
        print(f"broadcast {sent.id}: {plural(sent.recipients, 'message')} queued")
    print("messages are sent by the running bot (hailong run)")
    return 0


async def _published(
    session: AsyncSession,
    post_id: int,
    class_ids: list[int],
    every: int,
    at: datetime | None,
    now: datetime,
) -> Broadcast | None:
    """The broadcast that already publishes this post to these classes the same way: at `at`,
    or, with no time given, one that went out already. None if there is none."""
    from sqlalchemy import select

    from bot.models.broadcasts import Broadcast

    found = await session.scalars(
        select(Broadcast)
        .where(Broadcast.post_id == post_id, Broadcast.status != "cancelled")
        .order_by(Broadcast.id.desc())
    )
    for broadcast in found:
        same_time = broadcast.send_at == at if at is not None else broadcast.send_at <= now
        same_way = broadcast.repeat_days == every and set(broadcast.class_ids) == set(class_ids)
        if same_time and same_way:
            return broadcast
    return None


def _published_already(post_id: int, broadcast: Broadcast, zone: ZoneInfo) -> str:
    """What a publish made before says: which broadcast, when, and how to send once more."""
    at = f"{broadcast.send_at.astimezone(zone):%Y-%m-%d %H:%M}"
    if broadcast.status == "scheduled":
        return (
            f"post {post_id} is scheduled for {at} already "
            f"(broadcast {broadcast.id}; nothing changed)"
        )
    return (
        f"post {post_id} went to these classes already (broadcast {broadcast.id}, {at}; "
        "nothing changed): --again sends it once more"
    )


async def cmd_news_cancel(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.models.broadcasts import Broadcast
    from handlers.posting import cancel

    async with _database(settings) as db, db.transaction() as session:
        broadcast = await session.get(Broadcast, args.broadcast)
        if broadcast is None:
            raise OperatorError(
                f"no broadcast {args.broadcast}", "hailong news list --school … shows them"
            )
        if broadcast.status == "cancelled":
            print(f"broadcast {args.broadcast} is cancelled already (nothing changed)")
            return 0
        if broadcast.status == "done":
            raise OperatorError(
                f"broadcast {args.broadcast} was sent already: there is nothing left to cancel",
                f"hailong news report {args.broadcast} shows who got it",
            )
        skipped = await cancel(session, broadcast)
    unsent = f"; {plural(skipped, 'message')} not sent" if skipped else ""
    print(f"broadcast {args.broadcast} cancelled{unsent}")
    return 0


async def cmd_news_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.models.broadcasts import Broadcast
    from handlers.deliveries import report_text

    async with _database(settings) as db, db.sessions() as session:
        broadcast = await session.get(Broadcast, args.broadcast)
        if broadcast is None:
            raise LookupError(f"no broadcast {args.broadcast}")
        print(f"{await report_text(session, broadcast)} [{broadcast.status}]")
    return 0


async def cmd_news_policy(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _database
    from bot.delivery.quiet import normalise
    from handlers.audience import policy_of, quiet_hours_of
    from handlers.setup import school_by_code

    async with _database(settings) as db, db.transaction() as session:
        school = await school_by_code(session, args.school)
        if args.quiet is not None:
            quiet = args.quiet.strip().lower()
            school.quiet_hours = (
                None if quiet == "default" else "" if quiet == "none" else normalise(quiet)
            )
        if args.audience is not None:
            school.audience = None if args.audience == "default" else args.audience
        quiet_now = quiet_hours_of(school, settings) or "none"
        print(f"{school.code}: quiet hours {quiet_now}, audience {policy_of(school, settings)}")
    return 0
