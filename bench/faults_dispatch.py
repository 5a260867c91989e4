"""Dispatch under faults: the database lost for a minute, the bot killed, several replicas.

    python -m bench.faults_dispatch [--scenarios outage,kill,replicas,polling] [--port 54391]

Each scenario runs `hailong run` (`python -m bot run`) in processes of its own, on a throw-away
PostgreSQL cluster this bench makes under /tmp (initdb and pg_ctl as the `postgres` user, on
`--port`), so that the server can be stopped without disturbing anyone else. This process plays
Telegram: a loopback Bot API that records every message each chat receives, and the webhook
sender, which delivers a chat's updates in order and posts an update again until the bot answers
200 (as Telegram does). Parents (seeded as in bench/webhook_answers.py) open the 30-question bench
survey with its signed button and type their answers without waiting for the replies, each answer
a value that depends on the chat and the question, so an answer handled out of order lands a
wrong value on a question.

- outage: 100 parents answering; the PostgreSQL server is stopped (`pg_ctl stop -m fast`) for
  `--outage` seconds under load, then started again.
- kill: 100 parents answering; the bot is killed (SIGKILL) at `--kills` random points and started
  again each time.
- replicas: three bots on one database, the webhooks spread round-robin over them, 200 parents
  answering one answer a second; the time from each answer to its reply.
- polling: three bots long-polling the one bot token; the poller is killed half-way.

Checked at the end of each: every answer's reply arrived (lost) and once (duplicated), each chat's
replies are the survey's questions in order, every answer stands on its question in the database
(`draft_answers`), no inbound row is pending or failed; the polling scenario also counts the
getUpdates served at once and the 409s, and every scenario counts the ERROR lines the bots logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from bench.buttons import KEY, opening, signer_for
from bench.machine import describe
from bench.webhook_answers import SECRET, TOKEN, callback_update, seed, text_update
from bot.db import Database
from bot.models.messages import InboundMessage, OutboxMessage
from bot.models.people import ChatAccount
from bot.models.waves import DraftAnswer, SurveyRun
from tests.fakes.loopback import free_port

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/hailong_faults")
FIRST_CHAT = 200_000  # as bench/webhook_answers.py seeds them
UPDATE_IDS = itertools.count(1_000_000)  # in the order updates are made: getUpdates confirms by id
QUESTION = re.compile(r"^Câu (\d+)/")
SURVEY_DIRS = json.dumps([str(ROOT / "bench" / "surveys")])


def answer_for(chat_id: int, question: int) -> int:
    """The value a parent types for a question: differs from one question to the next."""
    return (chat_id + question) % 5 + 1


# --- the PostgreSQL server this bench may stop ---------------------------------------------------


class Cluster:
    """A throw-away PostgreSQL cluster under /tmp, run as the `postgres` user."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.data = WORK / "pgdata"
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/faults"

    def _as_postgres(self, *command: str) -> None:
        command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, cwd="/tmp", stdout=subprocess.DEVNULL)

    def create(self) -> None:
        self.stop(quiet=True)
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        shutil.chown(WORK, "postgres", "postgres")
        self._as_postgres(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.start()
        self._as_postgres(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "faults"
        )

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c max_connections=400 "
            f"-c unix_socket_directories={WORK}"
        )
        self._as_postgres(
            "pg_ctl",
            "start",
            "-w",
            "-D",
            str(self.data),
            "-l",
            str(WORK / "postgres.log"),
            "-o",
            options,
        )

    def stop(self, *, quiet: bool = False) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        command = [
            "runuser",
            "-u",
            "postgres",
            "--",
            "pg_ctl",
            "stop",
            "-m",
            "fast",
            "-w",
            "-D",
            str(self.data),
        ]
        subprocess.run(command, check=not quiet, cwd="/tmp", capture_output=quiet)


# --- Telegram: the Bot API and the webhook sender ------------------------------------------------


@dataclass
class BotApi:
    """The Bot API as far as the bots need it: each chat's messages with their arrival time, and
    getUpdates for long polling (one request served at a time; a second one gets Telegram's 409)."""

    received: dict[int, list[tuple[float, str]]] = field(default_factory=dict)
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    polling: int = 0
    most_polling: int = 0
    conflicts: int = 0
    polls: list[float] = field(default_factory=list)  # when each getUpdates was asked
    message_id: int = 0
    port: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.port = runner.addresses[0][1]
        return runner

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params: dict[str, Any] = await request.json()
        else:
            params = dict(await request.post())
        if method == "getUpdates":
            self.polls.append(time.monotonic())
            return await self.get_updates(request, params)
        result: Any = True
        if method == "getMe":
            result = {
                "id": 123456789,
                "is_bot": True,
                "first_name": "Bench",
                "username": "bench_bot",
            }
        elif method in ("sendMessage", "editMessageText"):
            chat_id, text = int(params["chat_id"]), str(params.get("text", ""))
            self.message_id += 1
            self.received.setdefault(chat_id, []).append((time.monotonic(), text))
            result = {
                "message_id": self.message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": text,
            }
        return web.json_response({"ok": True, "result": result})

    def queue(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        self._arrived.set()

    async def get_updates(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        if self.polling:
            self.conflicts += 1
            description = "Conflict: terminated by other getUpdates request"
            return web.json_response(
                {"ok": False, "error_code": 409, "description": description}, status=409
            )
        self.polling += 1
        self.most_polling = max(self.most_polling, self.polling)
        try:
            offset = int(params.get("offset") or 0)
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
            while not self.updates and time.monotonic() < deadline:
                if request.transport is None or request.transport.is_closing():
                    break  # the poller went away (killed): this poll ends with it
                self._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), 0.05)
            batch = list(self.updates)[:100]
        finally:
            self.polling -= 1
        return web.json_response({"ok": True, "result": batch})


class Webhooks:
    """Delivers updates to the bots as Telegram does: in order per chat, again until 200."""

    def __init__(self, ports: list[int]) -> None:
        self.urls = [f"http://127.0.0.1:{port}/webhooks/telegram" for port in ports]
        self.refused = 0  # deliveries answered other than 200, or not at all
        self.session: aiohttp.ClientSession | None = None

    async def deliver(self, update: dict[str, Any], replica: int = 0) -> None:
        assert self.session is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        while True:
            try:
                url = self.urls[replica % len(self.urls)]
                async with self.session.post(url, json=update, headers=headers) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            self.refused += 1
            await asyncio.sleep(0.25)


# --- the bots ------------------------------------------------------------------------------------


class Bot:
    """One `hailong run` process; started again after a kill, on the same port."""

    def __init__(self, name: str, db_url: str, api: BotApi, *, webhook: bool) -> None:
        self.name, self.api = name, api
        self.port = free_port()
        self.log = WORK / f"{name}.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")},
            "PYTHONPATH": str(ROOT),
            "HAILONG_DATABASE_URL": db_url,
            "HAILONG_TELEGRAM_TOKEN": TOKEN,
            "HAILONG_TELEGRAM_API_URL": api.url,
            "HAILONG_HTTP_PORT": str(self.port),
            "HAILONG_TELEGRAM_RATE_OVERALL": "0",
            "HAILONG_SURVEY_DIRS": SURVEY_DIRS,
            "HAILONG_LOG_LEVEL": "INFO",
            "HAILONG_BUTTON_KEY": KEY,
        }
        if webhook:
            self.env["HAILONG_TELEGRAM_WEBHOOK_URL"] = (
                f"http://127.0.0.1:{self.port}/webhooks/telegram"
            )
            self.env["HAILONG_TELEGRAM_WEBHOOK_SECRET"] = SECRET
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    async def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], env=self.env, cwd=WORK, stdout=log, stderr=log
            )
        self.starts += 1
        await self.wait_healthy()

    async def wait_healthy(self) -> None:
        async with aiohttp.ClientSession() as session:
            for _ in range(600):
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited; see {self.log}")
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.name} did not start; see {self.log}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def polls_now(self) -> bool:
        """This process polls: its last word on polling was that it polls, or it never said it
        stands by (the first poller says so only at DEBUG; the others stand by at INFO)."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        said = [line for line in lines if "this replica polls" in line or "standing by" in line]
        return self.alive and (not said or "this replica polls" in said[-1])

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def errors(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return [line for line in lines if " ERROR " in line or " CRITICAL " in line]


# --- parents -------------------------------------------------------------------------------------


@dataclass
class Load:
    """Parents typing answers; when each answer was sent, per chat."""

    chats: list[int]
    answers: int
    think: tuple[float, float]
    sent_at: dict[tuple[int, int], float] = field(default_factory=dict)
    done: int = 0


async def open_surveys(
    api: BotApi, chats: list[int], wave_id: int, send: Callable[[int, dict[str, Any]], Any]
) -> None:
    """Every parent taps the survey's start button and gets the intro and question 1."""
    signer = signer_for(KEY)
    for chat in chats:
        tap = opening(signer, "telegram", str(chat), wave_id)
        await send(chat, callback_update(next(UPDATE_IDS), chat, tap))
    await wait_for_replies(api, chats, 0, 120)


async def type_answers(load: Load, send: Callable[[int, int, dict[str, Any]], Any]) -> None:
    async def parent(chat: int) -> None:
        await asyncio.sleep(random.uniform(0, load.think[1]))
        for question in range(1, load.answers + 1):
            started = time.monotonic()
            load.sent_at[(chat, question)] = started
            text = str(answer_for(chat, question))
            await send(chat, question, text_update(next(UPDATE_IDS), chat, text))
            pause = random.uniform(*load.think) - (time.monotonic() - started)
            await asyncio.sleep(max(0.0, pause))
        load.done += 1

    await asyncio.gather(*(parent(chat) for chat in load.chats))


async def wait_for_replies(api: BotApi, chats: list[int], answers: int, seconds: float) -> float:
    """Waits until each chat has the intro, question 1 and one reply per answer; returns when."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(api.received.get(chat, [])) >= 2 + answers for chat in chats):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # a duplicate would arrive meanwhile
    return time.monotonic()


@dataclass
class Verdict:
    """What arrived against what was due, and what the database holds."""

    answers: int = 0
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0  # chats whose replies are not questions 2, 3, … in order
    wrong_answers: int = 0  # answers not standing on their question
    inbound: dict[str, int] = field(default_factory=dict)
    outbox: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)


async def verdict(db_url: str, api: BotApi, load: Load) -> Verdict:
    found = Verdict(answers=len(load.chats) * load.answers)
    for chat in load.chats:
        replies = [(at, text) for at, text in api.received.get(chat, []) if QUESTION.match(text)]
        asked = [int(QUESTION.match(text).group(1)) for _, text in replies]  # type: ignore[union-attr]
        expected = list(range(1, load.answers + 2))
        counts = Counter(asked)
        found.lost += sum(1 for q in expected if counts[q] == 0)
        found.duplicated += sum(n - 1 for n in counts.values() if n > 1)
        firsts = list(dict.fromkeys(asked))
        found.out_of_order += firsts != sorted(firsts)
        first: dict[int, float] = {}
        for (at, _), question in zip(replies, asked, strict=True):
            first.setdefault(question, at)
        for question in range(1, load.answers + 1):
            sent = load.sent_at.get((chat, question))
            if sent is not None and question + 1 in first:
                found.latencies.append(first[question + 1] - sent)
    db = Database(db_url)
    try:
        async with db.sessions() as session:
            rows = await session.execute(
                select(ChatAccount.chat_id, DraftAnswer.question_key, DraftAnswer.value)
                .join(SurveyRun, SurveyRun.person_id == ChatAccount.person_id)
                .join(DraftAnswer, DraftAnswer.run_id == SurveyRun.id)
            )
            stored = {(int(chat), key): value for chat, key, value in rows}
            for model, into in ((InboundMessage, found.inbound), (OutboxMessage, found.outbox)):
                counted = await session.execute(
                    select(model.status, func.count()).group_by(model.status)
                )
                into.update({status: count for status, count in counted})
    finally:
        await db.dispose()
    found.wrong_answers = sum(
        stored.get((chat, f"q{question:02d}")) != str(answer_for(chat, question))
        for chat in load.chats
        for question in range(1, load.answers + 1)
    )
    return found


# --- the scenarios -------------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    load: str
    fault: str
    found: Verdict
    notes: str
    errors: int
    pollers: tuple[int, int] = (0, 0)  # replicas polling before and after the poller's kill
    resent: int = 0  # replies in flight at a kill, sent again by the outbox's rule


def resent_at_crash(log: Path) -> int:
    """The replies a restarted sender sent again because they were in flight at a crash."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(int(n) for n in re.findall(r"in flight at a crash: (\d+) replies sent again", text))


async def seeded(cluster: Cluster, users: int) -> tuple[int, list[int]]:
    wave_id = await seed(cluster.url, users)
    return wave_id, [FIRST_CHAT + n for n in range(users)]


async def outage(cluster: Cluster, api: BotApi, seconds: float) -> Row:
    wave_id, chats = await seeded(cluster, 100)
    bot = Bot("outage", cluster.url, api, webhook=True)
    await bot.start()
    hooks = Webhooks([bot.port])
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as hooks.session:
        await open_surveys(api, chats, wave_id, lambda chat, u: hooks.deliver(u))
        load = Load(chats, 20, (0.8, 1.2))
        typing = asyncio.create_task(type_answers(load, lambda chat, q, u: hooks.deliver(u)))
        await asyncio.sleep(5)
        refused_before = hooks.refused
        cluster.stop()
        down_at = time.monotonic()
        await asyncio.sleep(seconds)
        cluster.start()
        up_at = time.monotonic()
        await typing
        await wait_for_replies(api, chats, load.answers, 180)
    backlog = [
        api_reply_at(api, chat, question + 1)
        for (chat, question), sent in load.sent_at.items()
        if sent < up_at
    ]
    recovered = max(at for at in backlog if at is not None) - up_at
    bot.stop()
    found = await verdict(cluster.url, api, load)
    notes = (
        f"down {up_at - down_at:.0f} s; {hooks.refused - refused_before} webhook deliveries "
        f"refused and repeated; the answers sent before it was back all answered "
        f"{recovered:.1f} s after"
    )
    return Row(
        "database down",
        "100 parents, ~1 answer/s each",
        f"server stopped {seconds:.0f} s",
        found,
        notes,
        len(bot.errors()),
    )


def api_reply_at(api: BotApi, chat: int, question: int) -> float | None:
    """When question `question` first reached the chat."""
    for at, text in api.received.get(chat, []):
        if (asked := QUESTION.match(text)) is not None and int(asked.group(1)) == question:
            return at
    return None


async def kills(cluster: Cluster, api: BotApi, count: int) -> Row:
    wave_id, chats = await seeded(cluster, 100)
    bot = Bot("kill", cluster.url, api, webhook=True)
    await bot.start()
    hooks = Webhooks([bot.port])
    downtime: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as hooks.session:
        await open_surveys(api, chats, wave_id, lambda chat, u: hooks.deliver(u))
        load = Load(chats, 29, (0.5, 2.5))
        typing = asyncio.create_task(type_answers(load, lambda chat, q, u: hooks.deliver(u)))
        for _ in range(count):
            await asyncio.sleep(random.uniform(0.3, 3.0))
            bot.kill()
            killed = time.monotonic()
            await bot.start()
            downtime.append(time.monotonic() - killed)
        await typing
        await wait_for_replies(api, chats, load.answers, 180)
    bot.stop()
    found = await verdict(cluster.url, api, load)
    resent = resent_at_crash(bot.log)
    notes = (
        f"{count} kills, each restart {statistics.median(downtime):.1f} s (median); "
        f"{resent} replies in flight at a kill sent again (a duplicate when the platform had "
        f"taken them), {found.outbox.get('sent', 0)} sent"
    )
    return Row(
        "kill -9",
        "100 parents answering 29 questions",
        f"SIGKILL ×{count}, restarted",
        found,
        notes,
        len(bot.errors()),
        resent=resent,
    )


async def replicas(cluster: Cluster, api: BotApi, users: int) -> Row:
    wave_id, chats = await seeded(cluster, users)
    bots = [Bot(f"replica{n}", cluster.url, api, webhook=True) for n in range(3)]
    await asyncio.gather(*(bot.start() for bot in bots))
    hooks = Webhooks([bot.port for bot in bots])
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as hooks.session:
        await open_surveys(api, chats, wave_id, lambda chat, u: hooks.deliver(u, chat))
        load = Load(chats, 10, (0.9, 1.1))
        await type_answers(load, lambda chat, q, u: hooks.deliver(u, chat + q))
        await wait_for_replies(api, chats, load.answers, 120)
    for bot in bots:
        bot.stop()
    found = await verdict(cluster.url, api, load)
    ordered = sorted(found.latencies)
    notes = (
        f"reply after its answer: p50 {1000 * statistics.median(ordered):.0f} ms, "
        f"p99 {1000 * ordered[int(0.99 * (len(ordered) - 1))]:.0f} ms, "
        f"max {1000 * ordered[-1]:.0f} ms"
    )
    errors = sum(len(bot.errors()) for bot in bots)
    return Row(
        "3 replicas, webhooks",
        f"{users} parents, 1 answer/s each, round-robin",
        "none",
        found,
        notes,
        errors,
    )


async def polling(cluster: Cluster, api: BotApi) -> Row:
    wave_id, chats = await seeded(cluster, 50)
    bots = [Bot(f"poller{n}", cluster.url, api, webhook=False) for n in range(3)]
    for bot in bots:
        await bot.start()

    async def queue(chat: int, update: dict[str, Any]) -> None:
        api.queue(update)

    await open_surveys(api, chats, wave_id, queue)
    load = Load(chats, 10, (0.8, 1.2))
    typing = asyncio.create_task(type_answers(load, lambda chat, q, u: queue(chat, u)))
    await asyncio.sleep(5)
    leaders = [bot for bot in bots if bot.polls_now()]
    leader = leaders[0]
    leader.kill()
    killed = time.monotonic()
    await asyncio.sleep(0.5)
    took_over = next((at for at in api.polls if at > killed), None)
    while took_over is None:
        await asyncio.sleep(0.05)
        took_over = next((at for at in api.polls if at > killed), None)
    await leader.start()  # it comes back and stands by
    await typing
    await wait_for_replies(api, chats, load.answers, 120)
    await asyncio.sleep(3)
    polling_now = sum(bot.polls_now() for bot in bots)
    for bot in bots:
        bot.stop()
    found = await verdict(cluster.url, api, load)
    notes = (
        f"pollers before the kill {len(leaders)}, after {polling_now}; at most {api.most_polling} "
        f"getUpdates at once; {api.conflicts} answered 409; a standby polled "
        f"{took_over - killed:.1f} s after the poller was killed"
    )
    errors = sum(len(bot.errors()) for bot in bots)
    return Row(
        "3 replicas, polling",
        "50 parents, 1 answer/s each",
        "the poller killed, restarted",
        found,
        notes,
        errors,
        (len(leaders), polling_now),
    )


def print_table(rows: list[Row]) -> None:
    print(f"machine: {describe()}")
    columns = [
        "scenario",
        "load",
        "fault",
        "answers",
        "replies lost",
        "duplicated",
        "chats out of order",
        "answers on a wrong question",
        "inbound rows",
        "ERROR lines",
        "notes",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        f = row.found
        inbound = ", ".join(f"{k} {v}" for k, v in sorted(f.inbound.items()))
        print(
            f"| {row.scenario} | {row.load} | {row.fault} | {f.answers} | {f.lost} | "
            f"{f.duplicated} | {f.out_of_order} | {f.wrong_answers} | {inbound} | "
            f"{row.errors} | {row.notes} |"
        )


async def run_scenarios(names: list[str], port: int, args: argparse.Namespace) -> list[Row]:
    """Runs the named scenarios on a cluster of their own, printing each row as it is measured."""
    cluster = Cluster(port)
    cluster.create()
    rows: list[Row] = []
    try:
        for name in names:
            api = BotApi()
            runner = await api.start()
            try:
                if name == "outage":
                    rows.append(await outage(cluster, api, args.outage))
                elif name == "kill":
                    rows.append(await kills(cluster, api, args.kills))
                elif name == "replicas":
                    rows.append(await replicas(cluster, api, args.users))
                elif name == "polling":
                    rows.append(await polling(cluster, api))
                else:
                    raise ValueError(f"unknown scenario {name!r}")
            finally:
                await runner.cleanup()
            print_table(rows[-1:])
    finally:
        cluster.stop(quiet=True)
    return rows


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of these scenarios (also bench/faults.py's)."""
    parser.add_argument("--port", type=int, default=54391, help="the throw-away cluster's port")
    parser.add_argument("--outage", type=float, default=60.0, help="seconds the database is down")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--users", type=int, default=200, help="parents in the replicas scenario")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenarios", default="outage,kill,replicas,polling")
    add_options(parser)
    args = parser.parse_args()
    rows = await run_scenarios(args.scenarios.split(","), args.port, args)
    print()
    print_table(rows)


if __name__ == "__main__":
    asyncio.run(main())
