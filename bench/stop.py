"""How long `hailong run` takes to stop under load, and what it leaves for the next start.

    python -m bench.stop [--runs 5] [--people 300] [--slow 1.0] [--database-url URL]

Each run starts `hailong run` (a subprocess) on a fresh database (a SQLite file under /tmp
unless `--database-url` names a PostgreSQL database, which is emptied) and a loopback Telegram
that answers each message `--slow` seconds after it arrives. `--people` chats write /start at
once; when 40 replies have reached the platform, SIGTERM. Printed per run: the seconds from the
signal to the exit, the exit code, what was under way at the signal, the replies sent and left
pending at the stop, any left claimed ("sending"), and after a second start (the platform fast
again) that sends the rest, the chats that got a reply twice or never. Then the median stop time.
With `--slow` above the 6 s grace, the sends in flight are cancelled and their replies handed
back to pending: those chats get their reply twice (a parent would rather see it twice than
never; a broadcast's message would be marked unconfirmed instead).

`--as-container` runs it as the image does, where no Docker engine is at hand: `tini -e 143 --
hailong run` as PID 1 of a new PID namespace (`unshare --pid --fork`, so root and Debian's tini),
and SIGTERM goes to tini from outside, as `docker stop` sends it; the exit code is tini's, which
`docker stop` reports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.migrate import recreate
from tests.fakes.loopback import free_port
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]


async def statuses(url: str) -> Counter[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT status FROM outbox_messages"))
            return Counter(row.status for row in found)
    finally:
        await engine.dispose()


# the image's ENTRYPOINT (Dockerfile) as PID 1 of its own PID namespace
AS_CONTAINER = ("unshare", "--pid", "--fork", "--mount-proc", "tini", "-e", "143", "--")


async def start(
    url: str, fake: FakeTelegram, folder: str, *, as_container: bool = False
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    env.update(
        PYTHONPATH=str(ROOT),
        HAILONG_DATABASE_URL=url,
        HAILONG_HTTP_PORT=str(free_port()),
        HAILONG_TELEGRAM_TOKEN=fake.token,
        HAILONG_TELEGRAM_API_URL=fake.api_url,
    )
    return await asyncio.create_subprocess_exec(
        *(AS_CONTAINER if as_container else ()), sys.executable, "-m", "bot", "run",
        cwd=folder, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def stop(
    process: asyncio.subprocess.Process, *, as_container: bool = False
) -> tuple[float, int, str]:
    assert process.stdout is not None
    sent = time.monotonic()
    if as_container:  # to PID 1 of the namespace, tini, as `docker stop` does; not to unshare
        tini = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        os.kill(int(tini[0]), signal.SIGTERM)
    else:
        process.send_signal(signal.SIGTERM)
    output = (await process.stdout.read()).decode()
    code = await process.wait()
    return time.monotonic() - sent, code, output


async def one_run(args: argparse.Namespace, folder: str) -> float:
    url = args.database_url or f"sqlite+aiosqlite:///{folder}/stop.db"
    if args.database_url:
        await recreate(url)
    async with FakeTelegram(slow=args.slow) as fake:
        for person in range(args.people):
            fake.queue_update(fake.text_update(chat_id=7000 + person, text="/start"))
        process = await start(url, fake, folder, as_container=args.as_container)
        await fake.wait_for("sendMessage", 40, timeout=120)
        seconds, code, output = await stop(process, as_container=args.as_container)
        at_stop = await statuses(url)
        under_way = re.search(r"under way at the signal: (.*)\)$", output, re.MULTILINE)
        fake.slow = 0.0  # the platform is back to itself for the second start
        again = await start(url, fake, folder)
        while (await statuses(url))["sent"] < args.people:
            await asyncio.sleep(0.2)
        await stop(again)
        per_chat = Counter(str(c.params["chat_id"]) for c in fake.calls_of("sendMessage"))
    twice = sum(1 for n in per_chat.values() if n > 1)
    never = args.people - len(per_chat)
    print(
        f"stop {seconds:.2f} s, exit {code}; under way: "
        f"{under_way.group(1) if under_way else '?'}; at the stop: {at_stop['sent']} sent, "
        f"{at_stop['pending']} pending, {at_stop['sending']} claimed; after a restart: "
        f"{twice} chats answered twice, {never} never"
    )
    return seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--slow", type=float, default=1.0)
    parser.add_argument("--database-url")
    parser.add_argument("--as-container", action="store_true", help="under tini, as PID 1")
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            times.append(await one_run(args, folder))
    print(f"median stop under load: {statistics.median(times):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    asyncio.run(main())
