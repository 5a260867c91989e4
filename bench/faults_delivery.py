"""Delivery through Bot API faults and kills: `hailong run` against a loopback fake Bot API.

    python -m bench.faults_delivery --db postgresql+asyncpg://postgres@127.0.0.1:5432/bench
    python -m bench.faults_delivery --db … --minutes 1 --scale 10 --kills 5   # a quick run

The bot is `hailong run` in its own process, long-polling the fake (tests/fakes/telegram_api.py,
with Telegram's limits as tests/fakes/flood.py reads them, all times `--scale`), on the PostgreSQL
database given (its schema is dropped and recreated). The school's policy is "both": 30 class
groups and 2,970 consenting parents, so an announcement is 3,000 messages.

Fault runs (500, 429, timeout): the announcement is released; once a tenth of it has gone, the
Bot API's sendMessage fails for `--minutes`: HTTP 500; or 429 with retry_after 5; or it takes the
message and never answers in time (held 12 s; the bot waits 5 s: a read timeout). Meanwhile 120
parents outside the announcement type /trogiup, evenly spread, so 120 replies fall due during the
fault. Then the API recovers. Counted at the fake: replies lost (a parent who never got the reply)
and duplicated, the announcement's chats that got nothing or got it twice, and the messages the
bot counts as sent (row `sent`) that the platform never answered; from the bot: its row
statuses, its /metrics and its log lines.

Kill run: the announcement is released and the bot is killed (SIGKILL) at `--kills` random points
(a number of messages delivered, drawn at random, then a random part of two sends' time) and
started again each time. Counted: chats
that got nothing, chats that got it twice, rows left unconfirmed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select

from bench.broadcast import PROBE_BASE, BenchTelegram, announce, bot_env, seed
from bench.machine import describe
from bot.db import Database
from bot.models.messages import OutboxMessage
from tests.fakes.flood import FloodControl, FloodLimits
from tests.fakes.loopback import free_port

PRIVATE, GROUPS = 2970, 30
PARENTS = 120  # replies due during the fault
HOLD = 12.0  # seconds the API holds a message it took, in the timeout fault (the bot waits 5)
FOREVER = 10**9
FAULTS = ("500", "429", "timeout")


class FaultyTelegram(BenchTelegram):
    """The fake Bot API, counting what each chat received, and whether it was answered."""

    def __init__(self, flood: FloodControl) -> None:
        super().__init__(flood)
        self.received: Counter[str] = Counter()
        self.unanswered: Counter[str] = Counter()
        self.first_after: float | None = None  # the first message taken after the fault
        self.last_reply = 0.0
        self.fault: str | None = None
        self.ended: float | None = None

    def start_fault(self, fault: str) -> None:
        self.fault = fault
        if fault == "500":
            self.fail_next("sendMessage", FOREVER, status=500, description="Internal Server Error")
        elif fault == "429":
            self.rate_limit_next("sendMessage", retry_after=5, count=FOREVER)

    def end_fault(self) -> None:
        self.fault, self.ended = None, time.monotonic()
        self.heal("sendMessage")

    async def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat = str(params.get("chat_id"))
        holding = self.fault == "timeout"
        self.received[chat] += 1
        if int(chat) >= PROBE_BASE:
            self.last_reply = time.monotonic()
        if self.ended is not None and self.first_after is None:
            self.first_after = time.monotonic()
        response = await super()._send_message(params)
        if holding:  # taken (the parent sees it), answered only after the bot gave up waiting
            self.unanswered[chat] += 1
            await asyncio.sleep(HOLD)
        return response


@dataclass
class Bot:
    """One `hailong run` process, its HTTP port and its log."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path


def start_bot(db_url: str, api_url: str, scale: float, logs: Path, n: int) -> Bot:
    port = free_port()
    env = bot_env(db_url, api_url, scale, port, "INFO")
    log = logs / f"bot-{n}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return Bot(process, port, log)


async def metrics_of(bot: Bot) -> dict[str, float]:
    """The sender's samples in the bot's /metrics (hailong_messages_sent, hailong_outbox_*)."""
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{bot.port}/metrics") as response,
        ):
            page = await response.text()
    except aiohttp.ClientError:
        return {}
    found = {}
    for line in page.splitlines():
        if line.startswith(("hailong_messages_sent_total", "hailong_outbox_")) and " " in line:
            name, value = line.rsplit(" ", 1)
            if not name.endswith("_created") and "_created{" not in name:
                found[name] = float(value)
    return found


def log_levels(paths: list[Path]) -> Counter[str]:
    """WARNING and ERROR lines and tracebacks in the bot's logs (given up, unconfirmed, …)."""
    counted: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text(errors="replace").splitlines():
            if found := re.search(r" (WARNING|ERROR|CRITICAL) ", line):
                counted[found.group(1)] += 1
                if "given up" in line:
                    counted["given up"] += 1
            elif line.startswith("Traceback"):
                counted["traceback"] += 1
    return counted


async def broadcast_rows(db_url: str) -> dict[str, str]:
    """Each announcement chat → its row's status."""
    db = Database(db_url)
    async with db.sessions() as session:
        found = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.status).where(
                OutboxMessage.broadcast_id.is_not(None)
            )
        )
        rows = {chat: status for chat, status in found}
    await db.dispose()
    return rows


def stop(bot: Bot) -> None:
    if bot.process.poll() is None:
        bot.process.send_signal(signal.SIGINT)
        try:
            bot.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            bot.process.kill()
            bot.process.wait()


@dataclass
class FaultResult:
    fault: str
    minutes: float
    replies_lost: int
    replies_twice: int
    broadcast_lost: int
    broadcast_twice: int
    sent_unanswered: int
    statuses: dict[str, int]
    requests_in_fault: int
    waiting_in_fault: int
    first_after: float
    last_reply_after: float
    done_after: float
    metrics: dict[str, float]
    logs: Counter[str]


async def fault_run(db_url: str, fault: str, minutes: float, scale: float) -> FaultResult:
    """One fault for `minutes`, with the announcement under way and 120 parents writing."""
    await seed(db_url, PRIVATE, GROUPS)
    flood = FloodControl(FloodLimits(scale=scale))
    logs = Path(tempfile.mkdtemp(prefix=f"faults-{fault}-"))
    async with FaultyTelegram(flood) as fake:
        bot = start_bot(db_url, fake.api_url, scale, logs, 0)
        try:
            total, _ = await announce(db_url)
            while sum(fake.broadcast.values()) < total // 10:
                await asyncio.sleep(0.05)
            fake.start_fault(fault)
            calls = fake.counts["sendMessage"]
            began = time.monotonic()
            for n in range(PARENTS):  # the replies fall due evenly during the fault
                await _sleep_until(began + n * minutes * 60 / PARENTS)
                fake.probe(n)
            await _sleep_until(began + minutes * 60)
            in_fault = fake.counts["sendMessage"] - calls
            waiting = PARENTS + total - sum(fake.broadcast.values())
            fake.end_fault()
            deadline = time.monotonic() + 2 * total / (30 * scale) + 300
            done = await _until_settled(db_url, fake, total, deadline)
            await asyncio.sleep(3.0)  # a late duplicate would arrive now
            metrics = await metrics_of(bot)
        finally:
            stop(bot)
    rows = await broadcast_rows(db_url)
    ended = fake.ended or 0.0
    probes = [str(PROBE_BASE + n) for n in range(PARENTS)]
    chats = list(rows)
    return FaultResult(
        fault=fault,
        minutes=minutes,
        replies_lost=sum(1 for c in probes if fake.received[c] == 0),
        replies_twice=sum(1 for c in probes if fake.received[c] > 1),
        broadcast_lost=sum(1 for c in chats if fake.received[c] == 0),
        broadcast_twice=sum(1 for c in chats if fake.received[c] > 1),
        sent_unanswered=sum(
            1
            for c, status in rows.items()
            if status == "sent" and fake.received[c] - fake.unanswered[c] == 0
        ),
        statuses=dict(Counter(rows.values())),
        requests_in_fault=in_fault,
        waiting_in_fault=waiting,
        first_after=(fake.first_after or ended) - ended,
        last_reply_after=fake.last_reply - ended,
        done_after=done - ended,
        metrics=metrics,
        logs=log_levels([bot.log]),
    )


async def _sleep_until(at: float) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))


async def _until_settled(db_url: str, fake: FaultyTelegram, total: int, deadline: float) -> float:
    """Waits until every parent got a reply and no announcement row waits; returns when."""
    while time.monotonic() < deadline:
        await asyncio.sleep(2.0)
        if fake.asked:  # a parent still waits for the first reply
            continue
        statuses = Counter((await broadcast_rows(db_url)).values())
        if statuses["pending"] + statuses["sending"] == 0 and statuses.total() == total:
            return time.monotonic()
    return time.monotonic()


@dataclass
class KillResult:
    kills: int
    total: int
    lost: int
    twice: int
    statuses: dict[str, int]
    unconfirmed_delivered: int
    seconds: float
    refused: int
    points: list[int] = field(default_factory=list)


async def kill_run(db_url: str, kills: int, scale: float, rng: random.Random) -> KillResult:
    """The announcement, its sender killed at `kills` random points and started again."""
    await seed(db_url, PRIVATE, GROUPS)
    flood = FloodControl(FloodLimits(scale=scale))
    logs = Path(tempfile.mkdtemp(prefix="faults-kill-"))
    async with FaultyTelegram(flood) as fake:
        total, _ = await announce(db_url)
        points = sorted(rng.sample(range(1, total - 1), kills))
        started = time.monotonic()
        bot = start_bot(db_url, fake.api_url, scale, logs, 0)
        deadline = started + 3 * total / (30 * scale) + 30 * kills + 120
        try:
            for n, point in enumerate(points, start=1):
                while sum(fake.broadcast.values()) < point and time.monotonic() < deadline:
                    await asyncio.sleep(0.005)
                # anywhere in the next two sends' time: claimed, in flight, answered or between
                await asyncio.sleep(rng.uniform(0.0, 2 / (30 * scale)))
                bot.process.send_signal(signal.SIGKILL)
                bot.process.wait()
                bot = start_bot(db_url, fake.api_url, scale, logs, n)
            await _until_settled(db_url, fake, total, deadline)
            seconds = time.monotonic() - started
            await asyncio.sleep(3.0)
        finally:
            stop(bot)
    rows = await broadcast_rows(db_url)
    return KillResult(
        kills=kills,
        total=total,
        lost=sum(1 for c in rows if fake.received[c] == 0),
        twice=sum(1 for c in rows if fake.received[c] > 1),
        statuses=dict(Counter(rows.values())),
        unconfirmed_delivered=sum(
            1 for c, s in rows.items() if s == "unconfirmed" and fake.received[c] > 0
        ),
        seconds=seconds,
        refused=len(flood.refused),
        points=points,
    )


def print_faults(results: list[FaultResult], scale: float) -> None:
    print(
        f"\nFault runs: a 3,000-chat announcement under way and {PARENTS} replies falling due "
        f"during the fault; limits ×{scale:g}"
    )
    print(
        "| fault | minutes | replies lost | replies twice | announcement: chats missed / twice "
        "| counted sent, never answered | rows | requests in the fault (messages waiting) "
        "| first message after recovery | last reply after recovery | all settled after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        rows = ", ".join(f"{k} {v}" for k, v in sorted(r.statuses.items()))
        print(
            f"| {r.fault} | {r.minutes:g} | {r.replies_lost} | {r.replies_twice} "
            f"| {r.broadcast_lost} / {r.broadcast_twice} | {r.sent_unanswered} | {rows} "
            f"| {r.requests_in_fault} ({r.waiting_in_fault}) | {r.first_after:.1f} s "
            f"| {r.last_reply_after:.1f} s | {r.done_after:.1f} s |"
        )
    for r in results:
        shown = {k: v for k, v in r.metrics.items() if v}
        print(f"{r.fault}: /metrics {shown}; log lines {dict(r.logs)}")


def print_kills(result: KillResult, scale: float) -> None:
    print(f"\nKill run: the 3,000-chat announcement, limits ×{scale:g}")
    print(
        "| kills | chats | got nothing | got it twice | rows | unconfirmed, delivered | 429s "
        "| time |"
    )
    print("|---|---|---|---|---|---|---|---|")
    rows = ", ".join(f"{k} {v}" for k, v in sorted(result.statuses.items()))
    print(
        f"| {result.kills} | {result.total} | {result.lost} | {result.twice} | {rows} "
        f"| {result.unconfirmed_delivered} | {result.refused} | {result.seconds:.1f} s |"
    )
    print(f"killed after these deliveries: {result.points}")


async def measure(args: argparse.Namespace) -> None:
    print(f"machine: {describe()}")
    faults = [f for f in args.faults.split(",") if f]
    results = []
    for fault in faults:
        results.append(await fault_run(args.db, fault, args.minutes, args.scale))
        print_faults(results[-1:], args.scale)
    if results:
        print_faults(results, args.scale)
    if args.kills:
        kills = await kill_run(args.db, args.kills, args.scale, random.Random(args.seed))
        print_kills(kills, args.scale)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=os.environ.get("HAILONG_BENCH_DATABASE_URL"))
    parser.add_argument("--minutes", type=float, default=10.0, help="length of each fault")
    parser.add_argument("--scale", type=float, default=1.0, help="every limit times this")
    parser.add_argument("--faults", default=",".join(FAULTS), help="500,429,timeout")
    parser.add_argument("--kills", type=int, default=20, help="kills of the sender (0: none)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        parser.error("--db (or HAILONG_BENCH_DATABASE_URL) must be a PostgreSQL URL")
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
