"""Logs that never leak (issue 12, item 7), with the real logging configuration at DEBUG.

A whole survey, a named denunciation and the Telegram webhook's registration run through the real
app over loopback HTTP (fake Bot APIs, the real database) while every log line of the process is
captured as `hailong run` writes it; none may carry a secret, a token, the denouncer's name or
phone, or what a parent wrote. The same run under a naive configuration (everything at DEBUG,
as `logging.basicConfig` would) shows that the probe finds such leaks when they are there.
"""

from __future__ import annotations

import io
import json
import logging
import traceback
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.clock import FixedClock
from bot.db import Database
from bot.logs import CAPS, ROUTINE, JsonLines, LogHandler, configure_logging, describe_error
from bot.models.messages import InboundMessage
from bot.settings import Settings
from handlers import texts
from tests.bot.test_channel_parity import answer_until_review, join_and_consent
from tests.factories import make_school, open_wave
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.phones import SECRET, Deployment, TelegramPhone, last_reply

NAME, PHONE = "Nguyễn Văn Tố", "0912345678"
DENUNCIATION = "Cô giáo Hạnh Thị Mơ nhận phong bì của phụ huynh để xếp chỗ ngồi cho trẻ."
COMMENT = "Mong nhà trường tổ chức thêm buổi gặp phụ huynh."  # what answer_until_review types
PARENT_NAMES = ("Lan Nguyễn",)  # the Telegram sender's first and last name (tests/fakes)
NEVER = (
    SECRET,
    TELEGRAM_TOKEN,
    TELEGRAM_TOKEN.split(":")[1],
    ZALO_TOKEN.split(":")[-1],
    NAME,
    PHONE,
    "0912 345 678",
    DENUNCIATION,
    COMMENT,
    *PARENT_NAMES,
)


async def survey_and_denunciation(settings: Settings, clock: FixedClock) -> None:
    """A parent answers the whole survey, then denounces a teacher by name, on Telegram."""
    deployment = Deployment(settings, clock)
    await deployment.start()  # registers the Telegram and Zalo webhooks
    try:
        setup = await make_school(deployment.app)
        await open_wave(deployment.app, setup)
        parent = TelegramPhone(deployment, 8001)
        await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
        await parent.chooses(texts.SURVEY_START)
        await answer_until_review(parent)
        await parent.chooses(texts.SUBMIT)
        assert await last_reply(parent) == texts.SUBMITTED

        await parent.says("/phananh")
        await parent.chooses("Tố cáo")
        await parent.chooses("Giáo viên – nhân viên")
        await parent.chooses("Giáo viên, nhân viên")
        await parent.chooses(texts.SEND_NAMED)
        for typed in (NAME, PHONE, DENUNCIATION):
            await parent.says(typed)
        await parent.chooses(texts.FEEDBACK_SEND)
        assert (await last_reply(parent)).startswith("Nhà trường đã tiếp nhận tố cáo")
    finally:
        await deployment.close()


def leaks(output: str) -> list[str]:
    return [secret for secret in NEVER if secret in output]


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_survey_a_denunciation_and_a_webhook_registration_at_debug_leak_nothing(
    settings: Settings, clock: FixedClock, log_format: str
) -> None:
    buffer = io.StringIO()
    configure_logging("DEBUG", log_format, settings.timezone, stream=buffer)
    await survey_and_denunciation(settings, clock)
    output = buffer.getvalue()
    assert leaks(output) == []
    assert "telegram webhook set to https://hailong.example.org/webhooks/telegram" in output
    assert "zalo webhook set to" in output
    lines = [line for line in output.splitlines() if line[:2] == "20" or line[:1] == "{"]
    if log_format == "json":
        parsed = [json.loads(line) for line in lines]
        said = [(line["time"], line["level"], line["logger"]) for line in parsed]
    else:
        said = [(p[0], p[1], p[2]) for p in (line.split(" ", 3) for line in lines)]
    assert all(time.endswith("+07:00") for time, _, _ in said), said[:3]
    # the libraries that would have said it all stayed quiet below WARNING
    below = [(level, name) for _, level, name in said if level in ("DEBUG", "INFO")]
    assert {name.partition(".")[0] for _, name in below} <= {"bot", "handlers", "alembic"}


async def test_the_same_run_with_every_logger_at_debug_would_leak(
    settings: Settings, clock: FixedClock, naive_logging: io.StringIO
) -> None:
    """The probe itself: python-telegram-bot's DEBUG lines carry what was sent and received."""
    await survey_and_denunciation(settings, clock)
    found = leaks(naive_logging.getvalue())
    assert PHONE in found and DENUNCIATION in found and COMMENT in found
    assert SECRET not in found and TELEGRAM_TOKEN not in found  # masked at every level


async def test_a_database_error_names_its_statement_never_its_values(settings: Settings) -> None:
    private = "0987654321 Tran Thi Binh"  # ASCII: JSON escapes nothing of it
    buffer = io.StringIO()
    configure_logging("DEBUG", "text", settings.timezone, stream=buffer)
    db = Database(settings.database_url)
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    row = {
        "channel": "telegram",
        "external_id": "e-1",
        "chat_id": None,  # refused: NOT NULL, and PostgreSQL quotes the whole row back
        "payload": {"text": private},
        "status": "pending",
        "received_at": now,
    }
    try:
        with pytest.raises(IntegrityError) as caught:
            async with db.transaction() as session:
                await session.execute(insert(InboundMessage).values(**row))
    finally:
        await db.dispose()
    error = caught.value
    logging.getLogger("bot.dispatch").error("inbound failed", exc_info=error)
    described = describe_error(error)
    assert private in str(error.params)  # the values were there to leak,
    unmasked = "".join(traceback.format_exception(error))
    if not db.is_sqlite:  # and PostgreSQL's DETAIL quotes the row in the chained asyncpg error
        assert "Failing row contains" in unmasked and private in unmasked
    assert private not in str(error) and private not in described
    assert described.startswith("IntegrityError")
    output = buffer.getvalue()
    assert "INSERT INTO inbound_messages" in output and private not in output


class _Draft(BaseModel):
    age: int


def test_errors_are_described_on_one_line_without_the_values_they_quote() -> None:
    with pytest.raises(ValidationError) as caught:
        _Draft(age=f"con tôi {PHONE}")
    assert PHONE in str(caught.value)  # pydantic repeats the input
    described = describe_error(caught.value)
    assert described.startswith("ValidationError at ") and "test_logs.py:" in described
    assert PHONE not in described and "\n" not in described
    stream = io.StringIO()
    configure_logging("INFO", "text", "Asia/Ho_Chi_Minh", stream=stream)
    logging.getLogger("bot.dispatch").error("inbound 7 failed", exc_info=caught.value)
    assert "input_value=<hidden>" in stream.getvalue() and PHONE not in stream.getvalue()

    detail = 'duplicate key\nDETAIL:  Key (chat_id, text)=(42, "Chị Lan 0912") already exists.'
    assert "0912" not in describe_error(RuntimeError("x\n" + detail))
    asyncpg = "invalid input for query argument $2: 'Chị Lan 0912' (expected int)"
    assert describe_error(ValueError(asyncpg)) == (
        "ValueError: invalid input for query argument $2: <hidden>"
    )


def record(name: str, level: int, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord(name, level, __file__, 1, "chat %s answered", ("42",), None)
    made.created = datetime(2026, 11, 23, 2, 0, 0, 125000, tzinfo=UTC).timestamp()
    made.__dict__.update(extra)
    return made


def test_lines_carry_the_deployments_time_with_its_offset() -> None:
    zone = "Asia/Ho_Chi_Minh"
    text = io.StringIO()
    handler = configure_logging("INFO", "text", zone, stream=text)
    assert handler.format(record("bot.app", logging.INFO)) == (
        "2026-11-23T09:00:00.125+07:00 INFO bot.app: chat 42 answered"
    )
    as_json = JsonLines(ZoneInfo(zone))
    line = json.loads(as_json.format(record("bot.outbox", logging.WARNING, message_id=7)))
    assert line == {
        "time": "2026-11-23T09:00:00.125+07:00",
        "level": "WARNING",
        "logger": "bot.outbox",
        "message": "chat 42 answered",
        "message_id": 7,
    }


def test_libraries_are_capped_whatever_the_level_and_unknown_ones_too() -> None:
    stream = io.StringIO()
    handler = configure_logging("DEBUG", "text", "Asia/Ho_Chi_Minh", stream=stream)
    assert logging.getLogger().level == logging.DEBUG
    for name, cap in CAPS.items():
        assert logging.getLogger(name).getEffectiveLevel() == cap, name
    assert logging.getLogger("telegram.Bot").getEffectiveLevel() == logging.WARNING
    passes = {
        (name, level): handler.filter(record(name, level))
        for name in ("bot.dispatch", "handlers.surveys", "alembic.runtime", "somelib.client")
        for level in (logging.DEBUG, logging.INFO, logging.WARNING)
    }
    assert [key for key, passed in passes.items() if not passed] == [
        ("somelib.client", logging.DEBUG),
        ("somelib.client", logging.INFO),
    ]
    configure_logging("INFO", "text", "Asia/Ho_Chi_Minh", stream=stream)
    routine = {name: logging.getLogger(name).getEffectiveLevel() for name in ROUTINE}
    assert routine == {"alembic": logging.WARNING, "apscheduler": logging.WARNING}
    configure_logging("ERROR", "json", "Asia/Ho_Chi_Minh", stream=stream)
    assert logging.getLogger("telegram").level == logging.ERROR  # never below the level asked
    ours = [h for h in logging.getLogger().handlers if isinstance(h, LogHandler)]
    assert len(ours) == 1 and ours[0].stream is stream  # configuring again replaces the handler
