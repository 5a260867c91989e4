"""A stop signal before `hailong run` or `hailong demo` serves: exit 0 at once, or once the
step that writes has finished, never a 10 s wait for `docker stop`'s kill and never half a step.

Each signal comes at a known point, not after a guessed delay: the process sends it to itself as
the settings load or the demo seeds (a wrapper around the real `main`), or the test sends it once
the process is seen waiting — for a database that accepts and never answers, or on a lock the
test holds in the middle of the migrations.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bot.cli_database import newest_migration
from bot.db import Base
from bot.migrate import emptied, upgrade
from tests.conftest import POSTGRES_URL
from tests.fakes.loopback import free_port
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
BOUND = 10.0  # `docker stop` kills after this
STOPPED = "SIGTERM: stopped before serving"

# `hailong` as its console script starts it, with a signal sent to itself at one point of the
# real start-up: the named function of the named module sends it, then goes on as written
SIGNAL_AT = """
import importlib, os, signal, sys
module = importlib.import_module(sys.argv[1])
real = getattr(module, sys.argv[2])
def signalled(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    return real(*args, **kwargs)
setattr(module, sys.argv[2], signalled)
from bot.cli import main
sys.exit(main(sys.argv[3:]))
"""


def environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    env.update(PYTHONPATH=str(ROOT), HAILONG_HTTP_PORT=str(free_port()), **settings)
    return env


async def started(args: list[str], folder: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, *args,
        cwd=folder, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def ended(process: asyncio.subprocess.Process) -> tuple[int, str]:
    """The exit code and everything the process said (killed if it is still running at 30 s)."""
    assert process.stdout is not None
    try:
        output = await asyncio.wait_for(process.stdout.read(), timeout=30)
        return await process.wait(), output.decode()
    finally:
        if process.returncode is None:
            process.kill()


async def ended_at(process: asyncio.subprocess.Process) -> tuple[int, str, float]:
    """`ended`, and when (time.monotonic) the process had ended."""
    code, said = await ended(process)
    return code, said, time.monotonic()


async def scalar(url: str, sql: str) -> object:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(sql))).scalar()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("command", ["run", "demo"])
async def test_a_signal_while_the_settings_load_ends_it_at_once_with_nothing_written(
    tmp_path: Path, command: str
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hailong.db'}"
    args = [command, *(["--database-url", url] if command == "demo" else [])]
    env = environment(HAILONG_DATABASE_URL=url)
    signalled = ["-c", SIGNAL_AT, "bot.settings", "load_settings", *args]
    code, said = await ended(await started(signalled, tmp_path, env))
    assert code == 0, said
    assert said.strip() == f"hailong: {STOPPED}"  # logging is not set up yet: one plain line
    assert not (tmp_path / "hailong.db").exists()


async def test_a_signal_while_the_demo_seeds_lets_the_seeding_finish_then_exits_0(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    env = environment(HAILONG_LOG_LEVEL="INFO")
    args = ["-c", SIGNAL_AT, "bot.demo", "seed_demo", "demo", "--database-url", url]
    code, said = await ended(await started(args, tmp_path, env))
    assert code == 0, said
    assert said.rstrip().endswith(STOPPED), said
    assert "Traceback" not in said and "Hài Lòng" not in said  # no banner: it never served
    assert await scalar(url, "SELECT count(*) FROM schools") == 3  # the seeding was whole


async def test_a_signal_while_the_database_does_not_answer_ends_it_at_once(
    tmp_path: Path,
) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # a server that takes the connection and never says a word

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"postgresql+asyncpg://hailong@127.0.0.1:{port}/hailong"
    try:
        env = environment(HAILONG_DATABASE_URL=url, HAILONG_LOG_LEVEL="INFO")
        process = await started(["-m", "bot", "run"], tmp_path, env)

        async def connecting() -> bool:
            return bool(accepted)

        await wait_until(connecting, 60)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code, said = await ended(process)
        seconds = time.monotonic() - sent
    finally:
        for writer in accepted:
            writer.close()
        server.close()
    assert code == 0, said
    assert seconds < 3.0, said  # asyncpg would have waited 60 s for the server
    assert said.rstrip().endswith(STOPPED), said
    assert "Traceback" not in said and "cannot reach" not in said


@pytest.fixture
async def empty_postgres() -> AsyncIterator[str]:
    """The session's PostgreSQL database emptied of every table, left at the head afterwards."""
    assert POSTGRES_URL is not None
    await emptied(POSTGRES_URL)
    yield POSTGRES_URL
    await upgrade(POSTGRES_URL)


LAST_TABLE = "web_chat_messages"  # made by the last migration that makes a table (0018)


async def holding_the_last_table(url: str) -> AsyncGenerator[AsyncConnection]:
    """A transaction of the test's that creates the newest migration's table and waits: the
    migrations block there, their transaction open, until the test rolls it back."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f"CREATE TABLE {LAST_TABLE} (held integer)"))
            yield connection
    finally:
        await engine.dispose()


async def blocked_on_a_lock(url: str) -> bool:
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        f"AND query LIKE '%CREATE TABLE {LAST_TABLE} %'"
    )
    return bool(await scalar(url, sql))


async def tables(url: str) -> object:
    return await scalar(
        url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    )


@pytest.mark.skipif(not POSTGRES_URL, reason="needs HAILONG_TEST_POSTGRES_URL (.ci/run sets it)")
@pytest.mark.parametrize("held", [1.0, 12.0], ids=["released-at-1-s", "held-past-10-s"])
async def test_a_signal_mid_migration_finishes_it_or_leaves_none_of_it(
    empty_postgres: str, tmp_path: Path, held: float
) -> None:
    url = empty_postgres
    holder = holding_the_last_table(url)
    lock = await anext(holder)
    env = environment(HAILONG_DATABASE_URL=url, HAILONG_LOG_LEVEL="INFO")
    process = await started(["-m", "bot", "run", "--web-chat"], tmp_path, env)
    try:
        await wait_until(lambda: blocked_on_a_lock(url), 60)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        exiting = asyncio.ensure_future(ended_at(process))
        await asyncio.sleep(held)
        if held < BOUND:
            assert not exiting.done()  # it waits for the migrations to finish
        await lock.rollback()
        code, said, at = await exiting
        seconds = at - sent
    finally:
        if process.returncode is None:
            process.kill()
        await lock.rollback()
        await holder.aclose()
    assert code == 0, said
    assert seconds < BOUND, said
    assert "Traceback" not in said and "Hài Lòng" not in said, said  # never served
    if held < BOUND:  # finished: the whole schema, at the head, then stopped
        assert said.rstrip().endswith(STOPPED), said
        assert await tables(url) == len(Base.metadata.tables) + 1  # and alembic_version
        assert await scalar(url, "SELECT version_num FROM alembic_version") == newest_migration()
    else:  # the watchdog ended it at 9.5 s: the migrations' one transaction was rolled back
        assert "stopping took over 9.5 s: exiting now" in said, said
        assert await tables(url) == 0
