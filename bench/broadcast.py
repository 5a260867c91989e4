"""One announcement to 10,000 private chats and 300 class groups, against Telegram's limits.

    python -m bench.broadcast --db postgresql+asyncpg://postgres@127.0.0.1:54330/hailong_bench
    python -m bench.broadcast --db … --scale 10 --kill   # every limit ×10; the bot killed half-way

This process plays Telegram: a loopback fake Bot API (tests/fakes/telegram_api.py) that enforces
the limits as tests/fakes/flood.py reads them (30 messages/s overall, 20/min per group, 1/s per
chat with bursts of 3; all times `--scale`), answers 429 with retry_after beyond them and counts
what each chat received. The bot is `hailong run` in its own process, long-polling the fake, on
the database given (its schema is dropped and recreated). The school's policy is "both": every
class group and every consenting parent, so 10,300 messages. Every two seconds a parent outside
the broadcast types /trogiup, to show that a reply does not queue behind the broadcast.

With `--kill`, the bot is killed (SIGKILL) when half the messages have been delivered and a new
one is started. Printed: the rate achieved as a fraction of the overall limit, messages lost
(chats that got nothing) and duplicated (chats that got two), 429s, the rows left unconfirmed by
the kill, and the reply latency.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.machine import describe
from bot.clock import SystemClock
from bot.db import Database
from bot.migrate import recreate
from bot.models.broadcasts import ClassGroup
from bot.models.messages import OutboxMessage
from bot.models.people import ChatAccount, ConsentEvent, Membership, Person
from bot.models.schools import Classroom, School
from bot.settings import Settings
from handlers.posting import Draft, announcement_body, post
from tests.fakes.flood import FloodControl, FloodLimits
from tests.fakes.loopback import free_port
from tests.fakes.telegram_api import TOKEN, FakeTelegram

PARENT_BASE = 100_000
PROBE_BASE = 900_000
GROUP_BASE = -1001_000_000_000
TEXT = "Kính gửi quý phụ huynh: thứ Hai tuần sau nhà trường tổ chức Ngày hội đến trường."


class BenchTelegram(FakeTelegram):
    """The fake Bot API, also timing the replies to the probes (chats outside the broadcast)."""

    def __init__(self, flood: FloodControl) -> None:
        super().__init__(record=False, flood=flood, max_poll_wait=0.5)
        self.asked: dict[str, float] = {}
        self.latencies: list[float] = []
        self.broadcast: Counter[str] = Counter()
        self.times: list[float] = []

    async def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat = str(params.get("chat_id"))
        asked = self.asked.pop(chat, None)
        if asked is not None:
            self.latencies.append(time.monotonic() - asked)
        elif int(chat) < PROBE_BASE:
            self.broadcast[chat] += 1
            self.times.append(time.monotonic())
        return await super()._send_message(params)

    def probe(self, n: int) -> None:
        chat = PROBE_BASE + n
        self.asked[str(chat)] = time.monotonic()
        self.queue_update(self.text_update(chat, "/trogiup", first_name="Khách"))


async def seed(db_url: str, private: int, groups: int) -> None:
    """A school of `groups` classes, each with a linked group, and `private` consenting parents."""
    await recreate(db_url)
    db = Database(db_url)
    at = datetime.now(UTC)
    async with db.transaction() as session:
        school = School(
            code="MN-BENCH", name="Trường Mầm non Bench", target_percent=90,
            created_at=at, quiet_hours="", audience="both",
        )  # fmt: skip
        session.add(school)
        await session.flush()
        classes = [
            {"school_id": school.id, "name": f"Lớp {n}", "grade": "", "invite_code": f"B{n:07d}"}
            for n in range(groups)
        ]
        class_ids = await _insert(session, Classroom, classes)
        people = [{"display_name": f"Phụ huynh {n}", "created_at": at} for n in range(private)]
        person_ids = await _insert(session, Person, people)
        await session.execute(
            insert(ChatAccount),
            [
                {"person_id": p, "channel": "telegram", "user_id": str(PARENT_BASE + n),
                 "chat_id": str(PARENT_BASE + n), "created_at": at}
                for n, p in enumerate(person_ids)
            ],
        )  # fmt: skip
        await session.execute(
            insert(Membership),
            [
                {"person_id": p, "school_id": school.id, "class_id": class_ids[n % groups],
                 "role": "parent", "created_at": at}
                for n, p in enumerate(person_ids)
            ],
        )  # fmt: skip
        await session.execute(
            insert(ConsentEvent),
            [
                {"person_id": p, "purpose": "news", "granted": True, "notice_version": "bench",
                 "at": at}
                for p in person_ids
            ],
        )  # fmt: skip
        await session.execute(
            insert(ClassGroup),
            [
                {"channel": "telegram", "chat_id": str(GROUP_BASE - n), "title": f"Nhóm lớp {n}",
                 "class_id": c, "active": True, "added_at": at, "linked_at": at}
                for n, c in enumerate(class_ids)
            ],
        )  # fmt: skip
    await db.dispose()


async def _insert(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Inserts rows in one statement; their new ids, in order."""
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list((await session.execute(statement, rows)).scalars())


async def announce(db_url: str) -> tuple[int, float]:
    """The principal's announcement to the whole school: released as one row per recipient."""
    settings = Settings(database_url=db_url, _env_file=None)
    db = Database(db_url)
    started = time.perf_counter()
    async with db.transaction() as session:
        school = await session.scalar(select(School).where(School.code == "MN-BENCH"))
        assert school is not None
        body = announcement_body(TEXT, None, school.name)
        draft = Draft(school, "announcement", "Ngày hội đến trường", body)
        broadcast = await post(session, draft, settings, SystemClock().now())
    elapsed = time.perf_counter() - started
    await db.dispose()
    return broadcast.recipients, elapsed


def bot_env(db_url: str, api_url: str, scale: float, port: int, level: str) -> dict[str, str]:
    """The environment of `hailong run` against the fake, with every limit times `scale`."""
    return {
        **os.environ,
        "HAILONG_DATABASE_URL": db_url,
        "HAILONG_TELEGRAM_TOKEN": TOKEN,
        "HAILONG_TELEGRAM_API_URL": api_url,
        "HAILONG_TELEGRAM_BOT_USERNAME": "bench_bot",
        "HAILONG_TELEGRAM_RATE_OVERALL": str(30 * scale),
        "HAILONG_TELEGRAM_RATE_PER_CHAT": str(1 * scale),
        "HAILONG_TELEGRAM_RATE_PER_GROUP": str(20 * scale),
        "HAILONG_HTTP_PORT": str(port),
        "HAILONG_LOG_LEVEL": level,
    }


def start_bot(db_url: str, api_url: str, scale: float) -> subprocess.Popen[bytes]:
    """`hailong run` against the fake, with every limit times `scale`."""
    env = bot_env(db_url, api_url, scale, free_port(), "WARNING")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env)


@dataclass
class Run:
    """One run: the bot process, and when it was killed and sent again."""

    db_url: str
    scale: float
    total: int
    groups: int
    expand: float
    killed_at: float | None = None
    killed_count: int = 0
    resumed_at: float | None = None


async def drive(run: Run, fake: BenchTelegram, kill: bool) -> None:
    """Runs the bot until every chat has its message; kills and restarts it half-way if asked."""
    started = time.monotonic()
    bot = start_bot(run.db_url, fake.api_url, run.scale)
    deadline = started + 3 * run.total / (30 * run.scale) + 120
    probes = 0
    try:
        while len(fake.broadcast) < run.total and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            if kill and run.killed_at is None and len(fake.broadcast) >= run.total // 2:
                bot.send_signal(signal.SIGKILL)
                bot.wait()
                run.killed_at, run.killed_count = time.monotonic(), len(fake.times)
                bot = start_bot(run.db_url, fake.api_url, run.scale)
            if run.killed_at and run.resumed_at is None and len(fake.times) > run.killed_count:
                run.resumed_at = fake.times[run.killed_count]
            sending = run.killed_at is None or run.resumed_at is not None
            if sending and time.monotonic() - started > 2 * (probes + 1):
                fake.probe(probes)
                probes += 1
        await asyncio.sleep(2.0)  # a late duplicate would arrive now
    finally:
        bot.send_signal(signal.SIGINT)
        bot.wait(timeout=30)


async def row_statuses(db_url: str) -> dict[str, int]:
    db = Database(db_url)
    async with db.sessions() as session:
        found = await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.broadcast_id.is_not(None))
            .group_by(OutboxMessage.status)
        )
        statuses = {status: int(count) for status, count in found}
    await db.dispose()
    return statuses


def report(run: Run, fake: BenchTelegram, flood: FloodControl, statuses: dict[str, int]) -> None:
    limit = 30 * run.scale
    span = fake.times[-1] - fake.times[0]
    delivered = len(fake.broadcast)
    print(f"machine: {describe()}")
    print(
        f"limits: {limit:g}/s overall, {20 * run.scale:g}/min per group, {run.scale:g}/s per chat"
    )
    print(
        f"broadcast: {run.total} rows ({run.total - run.groups} private chats, {run.groups} "
        f"groups) written in {run.expand:.2f} s"
    )
    print(f"delivered to {delivered}/{run.total} chats in {span:.1f} s: {delivered / span:.2f}/s")
    if run.killed_at and run.resumed_at:
        down = run.resumed_at - run.killed_at
        active = span - down
        print(f"killed at {run.killed_count} sent; {down:.1f} s without a sender (restart)")
        print(
            f"rate while a sender ran: {delivered / active:.2f}/s = "
            f"{delivered / active / limit:.3f} of the limit"
        )
    else:
        print(f"rate: {delivered / span / limit:.3f} of the overall limit")
    times = fake.times
    low, high = len(times) // 10, len(times) * 9 // 10
    steady = (high - low) / (times[high] - times[low])
    print(f"steady rate (10% to 90% of the messages): {steady / limit:.3f} of the limit")
    duplicated = sum(1 for n in fake.broadcast.values() if n > 1)
    refused = len(flood.refused)
    print(
        f"lost: {run.total - delivered}, duplicated: {duplicated}, "
        f"429s: {refused} ({max(0, refused - 1)} after the first)"
    )
    print(f"rows: {statuses}")
    if fake.latencies:
        sent = delivered + len(fake.latencies)
        print(
            f"all messages through the token (broadcast and replies to /trogiup): "
            f"{sent / span:.2f}/s = {sent / span / limit:.3f} of the limit"
        )
        lat = sorted(fake.latencies)
        print(
            f"replies to /trogiup during the broadcast: {len(lat)}, "
            f"median {1000 * statistics.median(lat):.0f} ms, max {1000 * lat[-1]:.0f} ms"
        )


async def measure(db_url: str, scale: float, kill: bool, private: int, groups: int) -> None:
    await seed(db_url, private, groups)
    total, expand = await announce(db_url)
    run = Run(db_url, scale, total, groups, expand)
    flood = FloodControl(FloodLimits(scale=scale))
    async with BenchTelegram(flood) as fake:
        await drive(run, fake, kill)
    report(run, fake, flood, await row_statuses(db_url))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=os.environ.get("HAILONG_BENCH_DATABASE_URL"))
    parser.add_argument("--scale", type=float, default=1.0, help="every limit times this")
    parser.add_argument("--kill", action="store_true", help="kill the bot half-way, restart it")
    parser.add_argument("--private", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=300)
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        parser.error("--db (or HAILONG_BENCH_DATABASE_URL) must be a PostgreSQL URL")
    asyncio.run(measure(args.db, args.scale, args.kill, args.private, args.groups))


if __name__ == "__main__":
    main()
