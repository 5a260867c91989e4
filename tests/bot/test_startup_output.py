"""What `hailong run` and `hailong demo` say when they start: one banner, none of alembic's or
APScheduler's routine lines unless HAILONG_LOG_LEVEL=DEBUG, JSON lines when asked; and jobs
known by their names."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app import App
from bot.routing import Job, JobContext
from bot.scheduler import JobRuns, Schedule
from tests.fakes.loopback import free_port
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
BANNER = "Hài Lòng "  # the banner's first words, then the version and the command
ROUTINE = ("alembic", "apscheduler")


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


async def start_up(args: list[str], folder: Path, **settings: str) -> tuple[list[str], int]:
    """Starts a command until its /healthz answers, stops it with SIGTERM; its output (stdout
    and stderr) as lines, and its exit code."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    env.update(PYTHONPATH=str(ROOT), HAILONG_HTTP_PORT=str(port), **settings)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args,
        cwd=folder, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        await asyncio.wait_for(_healthy(port), timeout=90)
        process.send_signal(signal.SIGTERM)
        output = await asyncio.wait_for(process.stdout.read(), timeout=30)
        code = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
    return output.decode().splitlines(), code


async def _healthy(port: int) -> None:
    async with aiohttp.ClientSession() as client:
        while True:
            try:
                async with client.get(f"http://127.0.0.1:{port}/healthz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)


def routine(lines: list[str]) -> list[str]:
    """The lines alembic and APScheduler said."""
    return [line for line in lines if any(f" {name}." in line for name in ROUTINE)]


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_hailong_run_starts_with_one_banner_and_no_routine_library_lines(
    clean_database: str, telegram: FakeTelegram, tmp_path: Path, level: str
) -> None:
    lines, code = await start_up(
        ["run", "--web-chat"],
        tmp_path,
        HAILONG_DATABASE_URL=clean_database,
        HAILONG_TELEGRAM_TOKEN=telegram.token,
        HAILONG_TELEGRAM_API_URL=telegram.api_url,
        HAILONG_LOG_LEVEL=level,
    )
    assert code == 0, lines
    banner = [i for i, line in enumerate(lines) if f"bot.serving: {BANNER}" in line]
    assert len(banner) == 1, lines
    block = "\n".join(lines[banner[0] : banner[0] + 8])
    assert "— hailong run" in block
    assert "listening  http://127.0.0.1:" in block
    assert "channels   telegram (long polling), web (the chat page at /)" in block
    assert "time zone  Asia/Ho_Chi_Minh (UTC+07:00)" in block
    assert "jobs       10: open_due_waves, release_responses," in block
    assert "Traceback" not in "\n".join(lines)
    if level == "INFO":
        assert routine(lines) == []
        assert not [line for line in lines if " DEBUG " in line]
    else:  # the same start says them all at DEBUG: what the assertions above would catch
        said = "\n".join(routine(lines))  # (the database is at the head: alembic is not run)
        assert 'apscheduler.scheduler: Added job "open_due_waves"' in said
        assert "run_job" not in said  # each job under its own name


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_a_cli_command_says_nothing_of_the_migrations_it_runs(
    tmp_path: Path, level: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    env.update(PYTHONPATH=str(ROOT), HAILONG_LOG_LEVEL=level)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade",
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0
    assert out.decode() == "database is up to date\n"
    if level == "INFO":
        assert err.decode() == ""  # no "Context impl SQLiteImpl.", no "Running upgrade"
    else:  # the same lines are there at DEBUG: what the assertion above would catch
        assert "alembic.runtime.migration: Running upgrade  -> 0001" in err.decode()


def test_the_password_of_the_database_is_not_in_the_banner() -> None:
    from bot.banner import where

    url = "postgresql+asyncpg://hailong:s3cr3t-pw@db.example:5432/hailong"
    assert where(url) == "postgresql+asyncpg://hailong:***@db.example:5432/hailong"
    assert where("sqlite+aiosqlite:///var/hailong.db") == "var/hailong.db"


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_hailong_demo_starts_with_one_banner_and_no_routine_library_lines(
    tmp_path: Path, level: str
) -> None:
    lines, code = await start_up(["demo"], tmp_path, HAILONG_LOG_LEVEL=level)
    assert code == 0, lines
    banner = [i for i, line in enumerate(lines) if f"bot.serving: {BANNER}" in line]
    assert len(banner) == 1, lines
    block = "\n".join(lines[banner[0] : banner[0] + 9])
    assert "— hailong demo" in block and "database   var/demo.db" in block
    assert "the demo's own data (not HAILONG_DATABASE_URL" in block
    assert "web (the chat page at /)" in block
    if level == "INFO":
        assert routine(lines) == [], lines
    else:
        said = "\n".join(routine(lines))
        assert "alembic.runtime.migration: Running upgrade  -> 0001" in said
        assert "apscheduler.scheduler: Scheduler started" in said


async def test_with_json_logs_every_line_is_json_the_banner_with_its_parts(
    clean_database: str, telegram: FakeTelegram, tmp_path: Path
) -> None:
    lines, code = await start_up(
        ["run"],
        tmp_path,
        HAILONG_DATABASE_URL=clean_database,
        HAILONG_TELEGRAM_TOKEN=telegram.token,
        HAILONG_TELEGRAM_API_URL=telegram.api_url,
        HAILONG_LOG_FORMAT="json",
    )
    assert code == 0, lines
    parsed = [json.loads(line) for line in lines]  # every line, or this fails
    banners = [line for line in parsed if "banner" in line]
    assert len(banners) == 1
    banner = banners[0]["banner"]
    assert banner["command"] == "run" and banner["channels"] == ["telegram (long polling)"]
    assert banner["timezone"] == "Asia/Ho_Chi_Minh (UTC+07:00)"
    assert banners[0]["time"].endswith("+07:00")
    assert "SIGTERM: stopping (at most 10 s)" in [line["message"] for line in parsed]


async def test_a_job_run_is_logged_by_its_name_and_a_stop_lets_it_finish(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="apscheduler")
    started, finished = asyncio.Event(), asyncio.Event()

    async def probe(job: JobContext) -> None:
        started.set()
        await asyncio.sleep(0.3)  # still running when the stop comes
        finished.set()

    after: list[str] = []
    job = Job("probe_job", probe, every_seconds=1)
    runs = JobRuns()
    zone = "Asia/Ho_Chi_Minh"
    schedule = Schedule([job], app.job_context, zone, lambda: after.append("woken"), runs)
    schedule.start()
    await asyncio.wait_for(started.wait(), timeout=5)
    assert list(schedule.running.values()) == ["probe_job"]
    await schedule.stop()
    assert finished.is_set()  # awaited, not cancelled (APScheduler's shutdown would cancel it)
    assert after == ["woken"]  # the outbox is woken after each run
    assert runs.runs["probe_job"] == 1 and not runs.failures  # counted for /metrics
    said = [(r.name, r.getMessage()) for r in caplog.records]
    ours = [message for name, message in said if name == "bot.scheduler"]
    assert any(message.startswith("job probe_job done in ") for message in ours), said
    theirs = [message for name, message in said if name.startswith("apscheduler")]
    assert any('Running job "probe_job (trigger' in message for message in theirs), theirs
    assert not any("run_job" in message for _, message in said)
