"""`hailong run` stopped by SIGTERM or SIGINT under load: exit 0 within 10 s, nothing lost.

The process runs as an operator runs it (a subprocess, the session's database) against the
loopback Telegram API made slow: each message is answered a second after it arrives. Many
people write at once; the signal comes while replies are going out. After the stop no reply is
left claimed: each is either sent — the platform took it once, and its id is recorded — or
pending for the next start. The next start sends the rest, and every chat has had each of its
replies exactly once in all.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.fakes.loopback import free_port
from tests.fakes.telegram_api import FakeTelegram
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 120  # each writes /start: about 4 s of replies at Telegram's 30 a second
SLOW = 1.0  # seconds the platform takes to answer each message
BOUND = 10.0  # `docker stop` kills after this


class Bot:
    """`hailong run` as a subprocess on the test's database and the fake Telegram."""

    def __init__(self, database_url: str, fake: FakeTelegram, folder: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
        self.env.update(
            PYTHONPATH=str(ROOT),
            HAILONG_DATABASE_URL=database_url,
            HAILONG_HTTP_PORT=str(free_port()),
            HAILONG_TELEGRAM_TOKEN=fake.token,
            HAILONG_TELEGRAM_API_URL=fake.api_url,
            HAILONG_LOG_LEVEL="INFO",
        )
        self.folder = folder
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=self.folder, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip

    async def stop(self, number: signal.Signals) -> tuple[int, float, str]:
        """Sends the signal; the exit code, the seconds until exit and everything it said."""
        assert self.process is not None and self.process.stdout is not None
        sent = time.monotonic()
        self.process.send_signal(number)
        output = await asyncio.wait_for(self.process.stdout.read(), timeout=30)
        code = await self.process.wait()
        return code, time.monotonic() - sent, output.decode()

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(slow=SLOW, max_poll_wait=1.0) as running:
        yield running


async def rows(database_url: str, sql: str) -> list[Any]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return list(await connection.execute(text(sql)))
    finally:
        await engine.dispose()


async def outbox(database_url: str) -> list[Any]:
    return await rows(database_url, "SELECT chat_id, status, external_id FROM outbox_messages")


def taken(fake: FakeTelegram) -> dict[str, str]:
    """The messages the platform took: message id → chat."""
    return {str(message_id): chat for (chat, message_id) in fake.messages}


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_under_load_exits_0_within_10_s_and_loses_or_repeats_nothing(
    clean_database: str, fake: FakeTelegram, tmp_path: Path, number: signal.Signals
) -> None:
    for person in range(PEOPLE):
        fake.queue_update(fake.text_update(chat_id=5000 + person, text="/start"))
    bot = Bot(clean_database, fake, tmp_path)
    try:
        await bot.start()
        await fake.wait_for("sendMessage", 40, timeout=90)  # mid-load: about 30 in flight
        code, seconds, said = await bot.stop(number)
    finally:
        bot.kill()
    assert code == 0, said
    assert seconds < BOUND, said
    assert "Traceback" not in said and "stopped in" in said, said

    first = await outbox(clean_database)
    statuses = Counter(row.status for row in first)
    assert set(statuses) <= {"sent", "pending"}, statuses  # nothing left claimed ("sending")
    assert statuses["pending"] > 0, statuses  # the signal came mid-load
    sent = {row.external_id: row.chat_id for row in first if row.status == "sent"}
    assert sent == taken(fake)  # each sent row taken once; nothing taken that is not recorded
    assert len(fake.calls_of("sendMessage")) == len(sent)

    again = Bot(clean_database, fake, tmp_path)
    try:
        await again.start()

        async def all_sent() -> bool:
            found = await outbox(clean_database)
            pending = await rows(
                clean_database, "SELECT id FROM inbound_messages WHERE status = 'pending'"
            )
            return not pending and all(row.status == "sent" for row in found)

        await wait_until(all_sent, 60, every=0.2)
        code, seconds, said = await again.stop(signal.SIGTERM)
    finally:
        again.kill()
    assert code == 0 and seconds < BOUND, said

    final = await outbox(clean_database)
    assert {row.external_id: row.chat_id for row in final} == taken(fake)
    per_chat = Counter(str(call.params["chat_id"]) for call in fake.calls_of("sendMessage"))
    assert per_chat == Counter(row.chat_id for row in final)  # each reply once, in all
    assert set(per_chat) == {str(5000 + person) for person in range(PEOPLE)}  # all answered
