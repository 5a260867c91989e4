"""`hailong doctor` (issue 15) run as the operator runs it: a subprocess, against the loopback fake
Telegram and Zalo APIs over real HTTP, the real database and the app's real /healthz. One line
per check; 0 when all pass, 1 when one fails, 2 when the settings cannot be loaded."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from bot.app import create_app
from bot.db import Database
from bot.migrate import SCRIPTS, upgrade
from bot.settings import Settings
from handlers.setup import create_school
from tests.fakes.loopback import free_port, serve
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_api import FakeZalo

ROOT = Path(__file__).parents[2]
WEBHOOK = "https://hailong.truong.edu.vn/telegram/webhook"


@dataclass(frozen=True)
class Run:
    """What `hailong doctor` printed and returned."""

    code: int
    lines: list[str]
    stderr: str

    def line(self, check: str) -> str:
        (found,) = [line for line in self.lines if line[2:].startswith(check + ":")]
        return found


@dataclass
class Deployment:
    """The fakes, a served app for HAILONG_PUBLIC_URL, and the environment doctor gets."""

    telegram: FakeTelegram
    zalo: FakeZalo
    env: dict[str, str]
    folder: Path

    async def doctor(self, **changes: str | None) -> Run:
        env = {**self.env, **{k: v for k, v in changes.items() if v is not None}}
        for name in [k for k, v in changes.items() if v is None]:
            env.pop(name, None)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "doctor",
            env=env, cwd=self.folder,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode is not None
        return Run(process.returncode, out.decode().splitlines(), err.decode())


# what does not depend on the database's kind runs once, on SQLite (a subprocess each: ~1 s)
ONE_BACKEND = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def deployment(settings: Settings, tmp_path: Path) -> AsyncIterator[Deployment]:
    app = create_app(settings, channels=[], jobs=[])
    runner, public_url = await serve(app.web)
    base = {k: v for k, v in os.environ.items() if not k.upper().startswith("HAILONG_")}
    try:
        async with FakeTelegram() as telegram, FakeZalo() as zalo:
            telegram.webhook_url = WEBHOOK  # `hailong run` registered it
            env = {
                **base,
                "PYTHONPATH": str(ROOT),
                "HAILONG_DATABASE_URL": settings.database_url,
                "HAILONG_REPORTS_DIR": str(tmp_path / "reports"),
                "HAILONG_MEDIA_DIR": str(tmp_path / "media"),
                "HAILONG_PUBLIC_URL": public_url,
                "HAILONG_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
                "HAILONG_TELEGRAM_API_URL": telegram.api_url,
                "HAILONG_TELEGRAM_WEBHOOK_URL": WEBHOOK,
                "HAILONG_TELEGRAM_WEBHOOK_SECRET": "secret-of-the-school-0123",
                "HAILONG_ZALO_TOKEN": ZALO_TOKEN,
                "HAILONG_ZALO_API_URL": zalo.api_url,
            }
            yield Deployment(telegram, zalo, env, tmp_path)
    finally:
        await runner.cleanup()
        await app.db.dispose()


async def test_a_healthy_deployment_passes_every_check(deployment: Deployment) -> None:
    run = await deployment.doctor()
    assert run.code == 0, run.lines
    assert run.stderr == ""
    checks = [line[2:].split(":")[0] for line in run.lines]
    assert checks == [
        "settings", "database", "telegram token", "telegram webhook", "zalo token",
        "zalo webhook", "public URL", "disk",
    ]  # fmt: skip
    assert all(line.startswith("✓ ") for line in run.lines), run.lines
    assert run.line("telegram token") == "✓ telegram token: @hailong_test_bot answers getMe"
    assert run.line("telegram webhook") == (
        f"✓ telegram webhook: registered at {WEBHOOK} (0 updates waiting)"
    )
    assert run.line("zalo webhook") == "✓ zalo webhook: none registered (long polling)"
    assert "migrations at " + head() in run.line("database")


async def test_a_school_bot_of_a_code_the_database_lacks_fails_naming_it(
    deployment: Deployment, settings: Settings
) -> None:
    """A typo in HAILONG_ZALO_BOTS' "school": that bot would turn every parent away."""
    db = Database(settings.database_url)
    async with db.transaction() as session:
        await create_school(session, code="MN-HOASEN", name="Hoa Sen", now=datetime.now(UTC))
    await db.dispose()
    hoasen = {"school": "MN-HOASEN ", "token": "7:hoasen"}  # as stored once tidied
    run = await deployment.doctor(
        HAILONG_ZALO_BOTS=json.dumps([hoasen, {"school": "MN-SENHONG", "token": "8:senhong"}])
    )
    assert run.code == 1
    assert [line for line in run.lines if " school" in line.split(":")[0]] == [
        "✗ zalo-mn-senhong school: HAILONG_ZALO_BOTS gives it the school 'MN-SENHONG', which the "
        'database does not have: it turns away every parent; correct its "school" (hailong '
        "school list shows the codes)"
    ]
    run = await deployment.doctor(HAILONG_ZALO_BOTS=json.dumps([hoasen]))
    assert run.line("school bots") == "✓ school bots: each names a school of the database"


@ONE_BACKEND
async def test_a_wrong_token_is_named_with_its_fix_and_never_shown(
    deployment: Deployment,
) -> None:
    wrong_telegram, wrong_zalo = "111111:AAH-not-the-bots-token-0123456789", "42:not-zalo-token"
    run = await deployment.doctor(
        HAILONG_TELEGRAM_TOKEN=wrong_telegram, HAILONG_ZALO_TOKEN=wrong_zalo
    )
    assert run.code == 1
    assert run.line("telegram token") == (
        "✗ telegram token: HAILONG_TELEGRAM_TOKEN is refused (401 Unauthorized): copy the token "
        "again from @BotFather (/mybots, API Token)"
    )
    assert run.line("zalo token").startswith(
        "✗ zalo token: HAILONG_ZALO_TOKEN is refused (401 Unauthorized): "
    )
    assert not any("webhook" in line.split(":")[0] for line in run.lines)  # not asked then
    output = "\n".join(run.lines) + run.stderr
    assert wrong_telegram not in output and wrong_zalo not in output


@ONE_BACKEND
async def test_a_webhook_registered_elsewhere_is_said_with_the_fix(deployment: Deployment) -> None:
    deployment.telegram.webhook_url = "https://old-server.example.org/hook"
    deployment.zalo.webhook_url = "https://other.example.org/zalo"  # while we long-poll
    run = await deployment.doctor()
    assert run.code == 1
    assert run.line("telegram webhook") == (
        "✗ telegram webhook: registered at https://old-server.example.org/hook, not at "
        f"HAILONG_TELEGRAM_WEBHOOK_URL={WEBHOOK}: another deployment with this token set it, "
        "or the setting changed; stop the other one and restart `hailong run`, which "
        f"registers {WEBHOOK}"
    )
    assert run.line("zalo webhook").startswith(
        "✗ zalo webhook: registered at https://other.example.org/zalo, but "
        "HAILONG_ZALO_WEBHOOK_URL is unset (long polling"
    )


@ONE_BACKEND
async def test_a_webhook_telegram_cannot_deliver_to_fails_with_the_cause(
    deployment: Deployment,
) -> None:
    telegram = deployment.telegram
    telegram.queue_update(telegram.text_update(chat_id=42, text="/start"))
    telegram.last_delivery_error = "Wrong response from the webhook: 401 Unauthorized"
    run = await deployment.doctor()
    assert run.code == 1
    assert run.line("telegram webhook") == (
        "✗ telegram webhook: 1 updates waiting; the last delivery failed (Wrong response from "
        "the webhook: 401 Unauthorized, 2 min ago): the secret differs from "
        "HAILONG_TELEGRAM_WEBHOOK_SECRET: restart `hailong run` to register it again"
    )


async def test_a_database_behind_the_code_says_to_upgrade(
    deployment: Deployment, tmp_path: Path
) -> None:
    older = ScriptDirectory(str(SCRIPTS)).get_revision(head()).down_revision
    assert isinstance(older, str)
    url = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
    await upgrade(url, older)
    run = await deployment.doctor(HAILONG_DATABASE_URL=url)
    assert run.code == 1
    assert run.line("database") == (
        f"✗ database: {tmp_path / 'behind.db'} is at migration {older}, this code needs "
        f"{head()}: run `hailong db upgrade`"
    )


@ONE_BACKEND
async def test_an_unreachable_database_and_public_url_are_one_line_each(
    deployment: Deployment,
) -> None:
    port, public = free_port(), free_port()
    run = await deployment.doctor(
        HAILONG_DATABASE_URL=f"postgresql+asyncpg://hailong:s3cret-pw@127.0.0.1:{port}/hailong",
        HAILONG_PUBLIC_URL=f"http://127.0.0.1:{public}",
    )
    assert run.code == 1
    assert [line for line in run.lines if line[2:].startswith("database")] == [
        f"✗ database: cannot connect to 127.0.0.1:{port} (ConnectionRefusedError): is "
        "PostgreSQL running there? check HAILONG_DATABASE_URL"
    ]
    assert run.line("public URL").startswith(
        f"✗ public URL: http://127.0.0.1:{public}/healthz unreachable (ClientConnectorError)"
    )
    assert "s3cret-pw" not in "\n".join(run.lines) + run.stderr
    assert run.stderr == ""


@ONE_BACKEND
async def test_a_database_url_that_cannot_be_read_is_one_line_without_it(
    deployment: Deployment,
) -> None:
    run = await deployment.doctor(
        HAILONG_DATABASE_URL="postgresql+asyncpg://hailong:s3cret-pw@127.0.0.1:54x/hailong"
    )
    assert run.code == 1 and run.stderr == ""
    assert run.line("database") == (
        "✗ database: HAILONG_DATABASE_URL cannot be read; write it "
        "postgresql+asyncpg://user:password@host:5432/name, the port a number and an @ in the "
        "password written %40"
    )
    assert run.line("disk").startswith("✓ disk: ")  # the other checks still ran
    assert "s3cret-pw" not in "\n".join(run.lines)


@ONE_BACKEND
async def test_bad_settings_are_each_named_and_exit_2(deployment: Deployment) -> None:
    run = await deployment.doctor(
        HAILONG_HTTP_PORT="tám nghìn", HAILONG_LOG_LEVEL="LOUD", HAILONG_TIMEZONE="Mars/Olympus"
    )
    assert run.code == 2
    assert run.lines == [
        "✗ settings: HAILONG_HTTP_PORT: Input should be a valid integer, unable to parse string "
        "as an integer",
        "✗ settings: HAILONG_TIMEZONE: timezone must be an IANA zone such as Asia/Ho_Chi_Minh, "
        "not 'Mars/Olympus'",
        "✗ settings: HAILONG_LOG_LEVEL: log_level must be DEBUG, INFO, WARNING, ERROR or "
        "CRITICAL, not 'LOUD'",
    ]
    assert "Traceback" not in run.stderr


@ONE_BACKEND
async def test_a_value_that_is_not_json_and_an_unreadable_line_of_env_are_each_named(
    deployment: Deployment,
) -> None:
    run = await deployment.doctor(HAILONG_ZALO_BOTS="[{school: MN}]", HAILONG_HTTP_PORT="70000")
    assert run.code == 2
    assert run.lines == [  # the value not even JSON is set aside to check the others too
        '✗ settings: HAILONG_ZALO_BOTS: not valid JSON; it is written like [{"school": '
        '"MN-HOASEN", "token": "…"}] (README, Settings)',
        "✗ settings: HAILONG_HTTP_PORT: Input should be less than or equal to 65535",
    ]
    (deployment.folder / ".env").write_text(
        'HAILONG_LOG_LEVEL=INFO\n=x\nHAILONG_TIMEZONE="Asia/Ho_Chi_Minh\n', encoding="utf-8"
    )
    run = await deployment.doctor()
    assert run.code == 2
    assert run.lines == [  # python-dotenv would skip both, and the time zone with the second
        "✗ settings: .env:2: not a NAME=value line; correct or remove it",
        "✗ settings: .env:3: not a NAME=value line; correct or remove it",
    ]
    assert run.stderr == ""  # not python-dotenv's own warnings either


@ONE_BACKEND
async def test_a_misspelt_variable_is_a_warning_naming_the_setting(
    deployment: Deployment,
) -> None:
    run = await deployment.doctor(HAILONG_RETENTON_DAYS="90")
    assert run.code == 0
    assert run.line("settings") == (
        "! settings: not a setting, so ignored: HAILONG_RETENTON_DAYS (did you mean "
        "HAILONG_RETENTION_DAYS?); rename or remove it"
    )


def head() -> str:
    (revision,) = ScriptDirectory(str(SCRIPTS)).get_heads()
    return revision
