"""CPU time per survey answer through inbox → dispatch → handler → outbox, without HTTP.

    python -m bench.answer_path --db postgresql+asyncpg://postgres@127.0.0.1:54330/hailong_bench

The app runs in this process on the memory channel (so no platform client or web server is
measured) against the database given, which is dropped and recreated. Every simulated parent
opens the bench survey, then all of them answer `--rounds` questions, each round all at once, so
the dispatcher works at full batch size. Prints the answers per second, this process's CPU time
per answer, and the SQL statements per answer by kind: the figure to watch when changing the
answer path.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from bench.buttons import opening
from bench.machine import describe
from bench.webhook_answers import ROOT, seed
from bot.app import create_app
from bot.channels.memory import MemoryChannel, inbound_from
from bot.settings import Settings


async def measure(db_url: str, users: int, rounds: int) -> None:
    wave_id = await seed(db_url, users)
    channel = MemoryChannel("telegram")
    settings = Settings(
        database_url=db_url,
        survey_dirs=[ROOT / "bench" / "surveys"],
        telegram_rate_overall=0,
        telegram_rate_per_chat=0,
        _env_file=None,
    )
    app = create_app(settings, channels=[channel], jobs=[])
    await app.start(scheduler=False)
    chats = [str(200_000 + n) for n in range(users)]
    now = datetime.now(UTC)
    await asyncio.gather(
        *(
            channel.deliver(
                inbound_from(channel, c, now, choice=opening(app.signer, channel.name, c, wave_id))
            )
            for c in chats
        )
    )
    await app.settle()

    statements: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements[" ".join(statement.split()[:3])] += 1

    event.listen(app.db.engine.sync_engine, "before_cursor_execute", count)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        now = datetime.now(UTC)
        await asyncio.gather(
            *(channel.deliver(inbound_from(channel, c, now, text="4")) for c in chats)
        )
        await app.settle()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await app.stop()
    answers = users * rounds
    print(f"machine: {describe()}")
    print(f"{answers} answers by {users} parents in {elapsed:.2f} s: {answers / elapsed:.0f}/s")
    print(f"CPU time of this process per answer: {1e6 * cpu / answers:.0f} µs")
    print("SQL statements per answer (BEGIN and COMMIT not counted):")
    for name, number in statements.most_common():
        print(f"  {number / answers:6.3f}  {name} …")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=os.environ.get("HAILONG_BENCH_DATABASE_URL"))
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        parser.error("--db (or HAILONG_BENCH_DATABASE_URL) must be a PostgreSQL URL")
    asyncio.run(measure(args.db, args.users, args.rounds))


if __name__ == "__main__":
    main()
