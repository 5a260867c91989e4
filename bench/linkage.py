"""The linkage attacks at scale on PostgreSQL: before the release (the pool) and after it.

    python -m bench.linkage --db postgresql+asyncpg://postgres@127.0.0.1:54330/hailong_bench

The database's schema is dropped and recreated. `--classes` classes of `--size` parents each send
their answers one transaction at a time, interleaved across classes, as a submission does
(receipt and pooled answers together); then the release job runs. For each attack the table gives
the share of responses tied to the right parent, against chance (1 in the class's size):

- same transaction: the response whose `xmin` is the receipt's;
- order: the best attacker who sorts each class's rows by id, by place on disk (`ctid`) or by
  `xmin`, learns from all classes which position most often holds which receipt rank (receipts are
  ordered by time), and guesses by it; keeping the luckiest guess of each position, it scores a
  little over 1 in the size on pure noise, given as "chance".
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench.machine import describe
from bot.app import App, create_app
from bot.clock import FixedClock
from bot.migrate import recreate
from bot.settings import Settings
from handlers.release import release_responses
from tests.linkage import (
    SURVEY,
    Receipt,
    Row,
    learning_attack,
    receipts_of,
    stored_rows,
    submit_directly,
)

_draw = random.SystemRandom()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL database to drop and refill")
    parser.add_argument("--classes", type=int, default=500)
    parser.add_argument("--size", type=int, default=5)
    args = parser.parse_args()
    if not args.db.startswith("postgresql"):
        parser.error("--db must be a PostgreSQL URL")
    asyncio.run(run(args.db, args.classes, args.size))


async def run(url: str, classes: int, size: int) -> None:
    print(f"machine: {describe()}")
    await recreate(url)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "linkage.v1.yaml").write_text(SURVEY, encoding="utf-8")
        settings = Settings(database_url=url, survey_dirs=[Path(folder)], _env_file=None)
        app = create_app(settings, channels=[], clock=FixedClock(datetime.now(UTC)), jobs=[])
        await app.start(scheduler=False, sender=False)
        try:
            await _measure(app, classes, size)
        finally:
            await app.stop()


async def _measure(app: App, classes: int, size: int) -> None:
    started = time.perf_counter()
    people, authors = await submit_directly(app, classes, size)
    print(f"{len(people)} submissions in {time.perf_counter() - started:.1f} s")
    receipts = await receipts_of(app, people)
    waiting = await stored_rows(app, "pending_responses", authors)
    started = time.perf_counter()
    await release_responses(app.job_context)
    print(f"released {classes} classes in {time.perf_counter() - started:.2f} s")
    released = await stored_rows(app, "responses", authors)
    total = len(released)
    noise = [replace(row, keys={"noise": (_draw.getrandbits(64),)}) for row in released]
    chance = _share(learning_attack(noise, receipts, "noise"), total)
    print(f"\n| attack | waiting in the pool | released | chance (1 in {size}) |")
    print("|---|---|---|---|")
    before, after = (_share(_same_xmin(rows, receipts), total) for rows in (waiting, released))
    # the learning attacker on a random order: what it scores on pure noise (above 1 in size,
    # as it keeps the luckiest guess of each position)
    print(f"| same transaction (xmin = the receipt's) | {before} | {after} | 0 |")
    for key, name in (
        ("id", "id order"),
        ("stored", "place on disk (ctid)"),
        ("xmin", "xmin order"),
    ):
        before = _share(learning_attack(waiting, receipts, key), total)
        after = _share(learning_attack(released, receipts, key), total)
        print(f"| {name}, learning attacker | {before} | {after} | {chance} |")
    xmins = Counter(row.keys["xmin"] for row in released)
    print(f"\ndistinct xmin among released responses: {len(xmins)} for {classes} classes")


def _same_xmin(rows: list[Row], receipts: list[Receipt]) -> int:
    by_xmin = {receipt.xmin: receipt.person for receipt in receipts}
    return sum(by_xmin.get(row.keys["xmin"][0]) == row.author for row in rows)


def _share(hits: int, total: int) -> str:
    return f"{100 * hits / total:.1f} % ({hits}/{total})"


if __name__ == "__main__":
    main()
