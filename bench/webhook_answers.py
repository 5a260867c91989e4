"""Survey answers per second through the Telegram webhook path, beside a bare PTB echo bot.

    python -m bench.webhook_answers --db postgresql+asyncpg://postgres@127.0.0.1:54330/hailong_bench

One path: a webhook POST carrying a parent's typed answer → `hailong run` (TelegramChannel, inbox,
dispatch, survey handler, outbox, on PostgreSQL) → the next question's sendMessage arriving at a
loopback fake Bot API. The reference is a bare python-telegram-bot echo bot on the same aiohttp
request backend, fed the same updates in the same run. The bot under test runs in its own process;
this process plays Telegram (the webhook sender and the Bot API). Each simulated parent answers,
waits for the next question, and answers again no sooner than `--think` seconds after the last
answer (Telegram asks bots for at most one message a second per chat, and people are slower).
The overall 30/s limit is switched off for the bot under test: it is a broadcast limit, measured
in the delivery benchmark; the per-chat limit stays on.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import delete

from bench.buttons import KEY, signer_for
from bench.buttons import opening as opening_of
from bench.machine import describe

TOKEN = "123456789:AAHbenchTokenForLoopbackOnly_0123456"
SECRET = "bench-secret"
ROOT = Path(__file__).resolve().parents[1]


class FakeBotApi:
    """The Bot API as far as the bench needs: counts replies per chat and wakes the sender."""

    def __init__(self) -> None:
        self.received: Counter[int] = Counter()
        self.wanted: dict[int, tuple[int, asyncio.Event]] = {}
        self.message_id = 0
        self.calls: Counter[str] = Counter()
        self.port = 0

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = runner.addresses[0][1]
        return runner

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls[method] += 1
        if request.content_type == "application/json":
            params: dict[str, Any] = await request.json()
        else:
            params = dict(await request.post())
        if method == "getMe":
            result: Any = {
                "id": 123456789,
                "is_bot": True,
                "first_name": "Bench",
                "username": "bench_bot",
            }
        elif method in ("sendMessage", "editMessageText"):
            chat_id = int(params["chat_id"])
            self.message_id += 1
            result = {
                "message_id": self.message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
            self.received[chat_id] += 1
            wanted = self.wanted.get(chat_id)
            if wanted is not None and self.received[chat_id] >= wanted[0]:
                wanted[1].set()
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    def expect(self, chat_id: int, more: int) -> asyncio.Event:
        event = asyncio.Event()
        self.wanted[chat_id] = (self.received[chat_id] + more, event)
        return event


def text_update(update_id: int, chat_id: int, text_: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Phụ huynh"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Phụ huynh"},
            "from": user,
            "text": text_,
        },
    }


def callback_update(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Phụ huynh"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": user,
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "…",
                "from": {"id": 123456789, "is_bot": True, "first_name": "Bench"},
            },
        },
    }


class Load:
    """Simulated parents posting webhooks and timing each answer until its reply arrives."""

    def __init__(self, api: FakeBotApi, port: int, users: int, answers: int, think: float) -> None:
        self.api, self.users, self.answers, self.think = api, users, answers, think
        self.url = f"http://127.0.0.1:{port}/webhooks/telegram"
        self.latencies: list[float] = []
        self.update_id = 1_000_000
        self.errors = 0

    async def post(self, session: aiohttp.ClientSession, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with session.post(self.url, json=update, headers=headers) as response:
            if response.status != 200:
                self.errors += 1

    def next_id(self) -> int:
        self.update_id += 1
        return self.update_id

    async def exchange(
        self, session: aiohttp.ClientSession, chat_id: int, update: dict[str, Any], replies: int
    ) -> float:
        arrived = self.api.expect(chat_id, replies)
        started = time.perf_counter()
        await self.post(session, update)
        await asyncio.wait_for(arrived.wait(), timeout=60)
        return time.perf_counter() - started

    async def parent(
        self, session: aiohttp.ClientSession, chat_id: int, opening: str | None
    ) -> None:
        if opening:  # opens the survey: the intro and the first question
            await self.exchange(
                session, chat_id, callback_update(self.next_id(), chat_id, opening), 2
            )
        await asyncio.sleep(self.think * (chat_id % 100) / 100)  # spread the start
        for _ in range(self.answers):
            started = time.perf_counter()
            update = text_update(self.next_id(), chat_id, "4")
            self.latencies.append(await self.exchange(session, chat_id, update, 1))
            await asyncio.sleep(max(0.0, self.think - (time.perf_counter() - started)))

    async def run(self, opening: str | None) -> dict[str, float]:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            chats = [200_000 + n for n in range(self.users)]
            if opening:
                await asyncio.gather(*(self.warm(session, c, opening) for c in chats))
            started = time.perf_counter()
            await asyncio.gather(*(self.parent(session, c, None) for c in chats))
            elapsed = time.perf_counter() - started
        ordered = sorted(self.latencies)
        return {
            "answers": len(ordered),
            "seconds": elapsed,
            "rate": len(ordered) / elapsed,
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))],
            "errors": self.errors,
        }

    async def warm(self, session: aiohttp.ClientSession, chat_id: int, opening: str) -> None:
        await self.exchange(session, chat_id, callback_update(self.next_id(), chat_id, opening), 2)


async def seed(db_url: str, users: int) -> int:
    """A fresh schema with one school, one class, the parents and an open bench wave."""
    from bot.migrate import recreate
    from bot.models.messages import OutboxMessage
    from bot.models.people import ChatAccount, ConsentEvent, Membership, Person
    from bot.settings import Settings
    from handlers.setup import create_class, create_school
    from handlers.waves import launch_wave
    from surveys.catalog import load_catalog

    await recreate(db_url)
    from bot.db import Database

    db = Database(db_url)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        school = await create_school(session, code="BENCH", name="Trường Bench", now=now)
        classroom = await create_class(session, school=school, name="Lá 1")
        for n in range(users):
            person = Person(display_name="", created_at=now)
            session.add(person)
            await session.flush()
            chat = str(200_000 + n)
            session.add(
                ChatAccount(
                    person_id=person.id,
                    channel="telegram",
                    user_id=chat,
                    chat_id=chat,
                    created_at=now,
                )
            )
            session.add(
                Membership(
                    person_id=person.id,
                    school_id=school.id,
                    class_id=classroom.id,
                    role="parent",
                    created_at=now,
                )
            )
            session.add(
                ConsentEvent(
                    person_id=person.id,
                    purpose="surveys",
                    granted=True,
                    notice_version="bench",
                    at=now,
                )
            )
        await session.flush()
        catalog = load_catalog([ROOT / "bench" / "surveys"])
        wave, _ = await launch_wave(
            session,
            catalog,
            school_id=school.id,
            survey_key="bench_scale",
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(days=1),
            now=now,
            settings=Settings(database_url=db_url, _env_file=None),
        )
        await session.execute(delete(OutboxMessage))  # the invitations are not part of the bench
    await db.dispose()
    return wave.id


async def wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("the bot under test exited")
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the bot under test did not start")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def measure(kind: str, args: argparse.Namespace, api: FakeBotApi) -> dict[str, float]:
    port = free_port()
    api_url = f"http://127.0.0.1:{api.port}/bot"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if kind == "echo":
        command = [
            sys.executable,
            "-m",
            "bench.echo_bot",
            "--api",
            api_url,
            "--token",
            TOKEN,
            "--port",
            str(port),
        ]
        opening: Callable[[str], str] | None = None
    else:
        wave_id = await seed(args.db, args.users)
        env.update(
            HAILONG_DATABASE_URL=args.db,
            HAILONG_TELEGRAM_TOKEN=TOKEN,
            HAILONG_TELEGRAM_API_URL=api_url,
            HAILONG_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/webhooks/telegram",
            HAILONG_TELEGRAM_WEBHOOK_SECRET=SECRET,
            HAILONG_HTTP_PORT=str(port),
            HAILONG_TELEGRAM_RATE_OVERALL="0",
            HAILONG_SURVEY_DIRS=json.dumps([str(ROOT / "bench" / "surveys")]),
            HAILONG_LOG_LEVEL="WARNING",
            HAILONG_BUTTON_KEY=KEY,
        )
        command = [sys.executable, "-m", "bot", "run"]
        signer = signer_for(KEY)
        opening = functools.partial(opening_of, signer, "telegram", wave_id=wave_id)
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        await wait_healthy(port, process)
        load = Load(api, port, args.users, args.answers, args.think)
        if opening:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                chats = [200_000 + n for n in range(args.users)]
                await asyncio.gather(
                    *(load.warm(session, chat, opening(str(chat))) for chat in chats)
                )
        return await load.run(None)
    finally:
        process.terminate()
        process.wait(timeout=30)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", default=os.environ.get("HAILONG_BENCH_DATABASE_URL"), required=False
    )
    parser.add_argument("--users", type=int, default=1500)
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternate echo and Hài Lòng this many times"
    )
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        parser.error("--db (or HAILONG_BENCH_DATABASE_URL) must be a PostgreSQL URL")
    api = FakeBotApi()
    runner = await api.start()
    pairs: list[tuple[dict[str, float], dict[str, float]]] = []
    try:
        for _ in range(args.rounds):  # alternated: this machine's speed drifts between runs
            pairs.append((await measure("echo", args, api), await measure("hailong", args, api)))
    finally:
        await runner.cleanup()
    print(f"machine: {describe()}")
    print(
        f"load: {args.users} parents, {args.answers} answers each, "
        f"one answer per parent per {args.think:g} s at most"
    )
    for echo, hailong in pairs:
        for name, figures in (
            ("PTB echo (aiohttp backend)", echo),
            ("Hài Lòng survey answers", hailong),
        ):
            print(
                f"{name:28s} {figures['rate']:8.0f} /s   p50 {figures['p50_ms']:6.1f} ms   "
                f"p99 {figures['p99_ms']:6.1f} ms   ({int(figures['answers'])} in "
                f"{figures['seconds']:.1f} s, {int(figures['errors'])} errors)"
            )
        print(f"ratio Hài Lòng / echo: {hailong['rate'] / echo['rate']:.2f}")
    if len(pairs) > 1:
        ratios = [hailong["rate"] / echo["rate"] for echo, hailong in pairs]
        print(f"median ratio over {len(pairs)} rounds: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    asyncio.run(main())
