"""20,000 fuzzed bodies at both webhooks of a running deployment (issue 12, item 4).

    python -m bench.fuzz_webhooks                                  # SQLite in a temporary folder
    python -m bench.fuzz_webhooks --db postgresql+asyncpg://postgres@127.0.0.1:54330/hailong_bench
    python -m bench.fuzz_webhooks --examples 10000                 # per webhook (the default)

The same bodies as tests/bot/test_garbage_fuzz.py (tests/webhook_fuzz.py: recorded Telegram and
Zalo payloads as new updates with up to three places replaced by junk — NUL, lone surrogates,
huge numbers, wrong types — or removed; JSON documents of any shape; random bytes and text),
derandomized, POSTed one after another over a kept-alive loopback connection to the app (Telegram,
Zalo and web channels, loopback fake Bot APIs, the real database) while it dispatches. A
PostgreSQL database given has its schema dropped and recreated.

Printed per webhook: the answers by status, the answers 5xx and the answers other than the kit
must give (400 for no JSON object, 413 for too much, 200 otherwise); then for the whole run: log
records at ERROR or with a traceback, inbox rows by status (`failed` must be 0), and whether a
real update on each webhook is still answered afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.machine import describe
from bot.clock import FixedClock
from bot.migrate import recreate, upgrade
from bot.settings import Settings
from tests.webhook_fuzz import TARGETS, LiveDeployment, answers_afterwards, fuzz, inbox_counts


class Loud(logging.Handler):
    """Counts what the run logged: by level, and every record carrying a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.levels: Counter[str] = Counter()
        self.tracebacks = 0
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.levels[record.levelname] += 1
        traced = record.exc_info is not None or "Traceback" in record.getMessage()
        self.tracebacks += traced
        if (traced or record.levelno >= logging.ERROR) and len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()[:200]}")


async def prepare(url: str) -> None:
    if url.startswith("postgresql"):
        await recreate(url)
    else:
        await upgrade(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--examples", type=int, default=10_000, help="bodies per webhook")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite+aiosqlite:///{Path(folder.name) / 'fuzz.db'}"
    asyncio.run(prepare(url))
    loud = Loud()
    logging.getLogger().addHandler(loud)
    logging.getLogger().setLevel(logging.WARNING)
    settings = Settings(_env_file=None, database_url=url)
    started = time.perf_counter()
    with LiveDeployment(settings, FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))) as live:
        tallies = [fuzz(live.deployment.base, TARGETS[name], args.examples) for name in TARGETS]
        settle_started = time.perf_counter()
        live.run(live.deployment.settle)
        settled = time.perf_counter() - settle_started
        rows = live.run(lambda: inbox_counts(live.deployment))
        answered = live.run(lambda: answers_afterwards(live.deployment))
    total = time.perf_counter() - started
    folder.cleanup()

    print(describe())
    print(f"database: {url.split('://', 1)[0]}")
    print("| webhook | bodies | answers | 5xx | other than expected | seconds |")
    print("|---|---|---|---|---|---|")
    for tally in tallies:
        answers = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
        print(
            f"| {tally.platform} | {tally.posted:,} | {answers} | {tally.server_errors} "
            f"| {len(tally.unexpected)} | {tally.seconds:.1f} |"
        )
    print(f"log records at ERROR: {loud.levels['ERROR'] + loud.levels['CRITICAL']}")
    print(f"tracebacks: {loud.tracebacks}")
    print(f"WARNING lines (each skipped body once): {loud.levels['WARNING']:,}")
    print(f"inbox rows: {dict(rows)}; failed: {rows['failed']}")
    print(f"handled and sent at the end in {settled:.1f} s; whole run {total:.1f} s")
    print(f"a real update answered afterwards: {answered}")
    for line in loud.first:
        print("  " + line)


if __name__ == "__main__":
    main()
