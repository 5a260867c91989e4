"""The channel kit on its own: the webhook skeleton, the intake checks, the poll loop, backoff and
redaction, each tested once here for every channel (the adapters' tests cover their parsing)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.channels.base import Inbound, Receiver
from bot.channels.kit.backoff import Backoff, delay_after
from bot.channels.kit.intake import (
    CHOICE_LIMIT,
    ID_LIMIT,
    Malformed,
    checked,
    is_int64,
    numbers_checked,
    take,
)
from bot.channels.kit.polling import LONG, Pause, Polled, Poller
from bot.channels.kit.redaction import describe, protect, redact
from bot.channels.kit.webhook import Webhook, webhook_route
from tests.fakes.loopback import serve
from tests.fakes.receiver import Recorder

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SECRET = "kit-Webhook_secret-42"
HEADER = "X-Kit-Secret"
PRIVATE = "Con tôi bị ốm"  # a person's words: never in a log line


def translate(data: object) -> Inbound | None:
    """A tiny adapter: `{"id", "text"?, "choice"?}`, `{"ignore": true}` is skipped on purpose."""
    if not isinstance(data, dict):
        raise Malformed("not an object")
    if data.get("ignore"):
        return None
    if "crash" in data:
        raise KeyError(data["crash"])  # a parser naming the value it choked on
    choice = data.get("choice")
    return Inbound(
        channel="kit",
        external_id=str(data["id"]),
        chat_id=str(data.get("chat", "c1")),
        user_id="u1",
        received_at=NOW,
        kind="choice" if choice is not None else "text",
        text=data.get("text", ""),
        choice=choice,
    )


class Hook:
    """A webhook of the kit served on 127.0.0.1, with a switchable receiver."""

    def __init__(self, base: str, session: aiohttp.ClientSession) -> None:
        self.url = base + "/hook"
        self.session = session
        self.receive: Receiver | None = None

    async def post(self, body: bytes | str, secret: str | None = SECRET) -> tuple[int, str]:
        headers = {HEADER: secret} if secret is not None else {}
        async with self.session.post(self.url, data=body, headers=headers) as response:
            return response.status, await response.text()


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    spec = Webhook("kit", "/hook", HEADER, SECRET, max_body=16 * 1024)
    app = web.Application()
    holder: list[Hook] = []
    app.add_routes([webhook_route(spec, translate, lambda: holder[0].receive)])
    runner, base = await serve(app)
    async with aiohttp.ClientSession() as session:
        holder.append(Hook(base, session))
        yield holder[0]
    await runner.cleanup()


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


# --- the webhook skeleton ------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
async def test_a_wrong_or_missing_secret_is_refused_without_detail(
    hook: Hook, secret: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    hook.receive = receiver = Recorder()
    assert await hook.post('{"id": 1}', secret) == (401, "")
    assert receiver.seen == []
    [warned] = warnings_in(caplog)
    assert "wrong secret" in warned.getMessage() and SECRET not in caplog.text


async def test_before_start_the_platform_is_asked_to_come_back(hook: Hook) -> None:
    assert (await hook.post('{"id": 1}'))[0] == 503


async def test_a_body_over_the_limit_is_413_whether_its_length_is_known_or_not(
    hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    hook.receive = receiver = Recorder()
    big = '{"id": 1, "text": "' + "a" * 20_000 + '"}'
    assert (await hook.post(big))[0] == 413

    async def chunked() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"a" * 1000

    async with hook.session.post(hook.url, data=chunked(), headers={HEADER: SECRET}) as response:
        assert response.status == 413
    assert receiver.seen == []
    assert [r.levelno for r in caplog.records] == [logging.WARNING] * 2


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"",
        b"[" * 5000 + b"]" * 5000,  # deeper than the parser's recursion
        b"[1, 2]",
        b'"' + PRIVATE.encode() + b'"',
        b"null",
        b"1e999",
    ],
)
async def test_a_body_that_is_not_a_json_object_is_refused_with_400_and_said_once(
    hook: Hook, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """No platform sends one: it is no update at all, so nothing asks for it to come again."""
    hook.receive = receiver = Recorder()
    assert await hook.post(body) == (400, "")
    assert receiver.seen == []
    [warned] = caplog.records
    assert warned.levelno == logging.WARNING and warned.exc_info is None
    assert "not a JSON object" in warned.getMessage() and PRIVATE not in caplog.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (('{"crash": "' + PRIVATE + '"}').encode(), "unreadable update (KeyError)"),
        (b'{"id": "x\\u0000y"}', "external_id holds control characters"),
        (b'{"id": "\\ud800"}', "external_id holds control characters or lone surrogates"),
        (b'{"id": "' + b"7" * 65 + b'"}', f"external_id is longer than {ID_LIMIT}"),
        (b'{"id": 1, "choice": "a:\\u0000"}', "callback data holds control characters"),
        (b'{"id": 1, "choice": ""}', "callback data is missing"),
        (b'{"id": 1, "text": 42}', "text is not a string"),
    ],
)
async def test_an_update_of_an_unknown_shape_is_acknowledged_and_said_once_without_the_text(
    hook: Hook, body: bytes, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    hook.receive = receiver = Recorder()
    assert await hook.post(body) == (200, "")
    assert receiver.seen == []
    [warned] = caplog.records
    assert warned.levelno == logging.WARNING
    assert reason in warned.getMessage()
    assert PRIVATE not in caplog.text and warned.exc_info is None


async def test_what_the_adapter_ignores_is_acknowledged_quietly(
    hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    hook.receive = receiver = Recorder()
    assert await hook.post('{"ignore": true}') == (200, "")
    assert receiver.seen == [] and warnings_in(caplog) == []


async def test_an_update_is_recorded_before_it_is_acknowledged(hook: Hook) -> None:
    recording = asyncio.Event()
    release = asyncio.Event()
    seen: list[Inbound] = []

    async def slow_inbox(inbound: Inbound) -> bool:
        seen.append(inbound)
        recording.set()
        await release.wait()
        return True

    hook.receive = slow_inbox
    answer = asyncio.create_task(hook.post(f'{{"id": 7, "text": "{PRIVATE}"}}'))
    await recording.wait()
    await asyncio.sleep(0.05)
    assert not answer.done()  # no 200 while the inbox has not recorded it
    release.set()
    assert await answer == (200, "")
    assert [(i.external_id, i.text) for i in seen] == [("7", PRIVATE)]


async def test_an_update_the_inbox_could_not_record_is_500_so_it_comes_again(
    hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    hook.receive = receiver = Recorder(fail={"9": 1})
    assert (await hook.post('{"id": 9}'))[0] == 500
    assert (await hook.post('{"id": 9}'))[0] == 200
    assert receiver.ids == ["9", "9"]
    [failed] = warnings_in(caplog)
    assert failed.levelno == logging.ERROR and "not recorded" in failed.getMessage()
    assert failed.exc_info is None  # a short line, not a traceback


@pytest.mark.parametrize("secret", [None, "", "short", "x" * 257])
def test_a_webhook_cannot_be_made_without_a_secret_of_8_to_256_characters(
    secret: str | None,
) -> None:
    """Every channel's webhook is the kit's, so none can take updates from anybody."""
    with pytest.raises(ValueError, match="kit webhook needs a secret of 8 to 256 characters"):
        Webhook("kit", "/open", HEADER, secret)  # type: ignore[arg-type]
    assert Webhook("kit", "/open", HEADER, "x" * 256).secret == "x" * 256


# --- what the inbox can store --------------------------------------------------------------------

GOOD = Inbound("kit", "e1", "c1", "u1", NOW, text="Chào cô", user_name="Lan", media="f-1")


def test_a_clean_inbound_passes_unchanged() -> None:
    assert checked(GOOD) is GOOD
    with_choice = replace(GOOD, kind="choice", choice="ồ" * (CHOICE_LIMIT // 3), text="")
    assert checked(with_choice) is with_choice


def test_words_lose_nul_characters_and_lone_surrogates_become_replacement_characters() -> None:
    dirty = replace(GOOD, text="bé \ud83d ốm\x00", user_name="\udc00L\x00an", media="f\x00-1")
    clean = checked(dirty)
    assert (clean.text, clean.user_name, clean.media) == ("bé \ufffd ốm", "\ufffdLan", "f-1")
    clean.text.encode()  # storable in UTF-8, and in PostgreSQL's text (no NUL)


@pytest.mark.parametrize(
    ("changes", "fine"),
    [
        ({}, True),
        ({"external_id": str(2**63 - 1), "chat_id": str(-(2**63))}, True),
        ({"external_id": str(2**63)}, False),
        ({"chat_id": str(-(2**63) - 1)}, False),
        ({"user_id": "9" * 20}, False),
        ({"message_id": "12a"}, False),
        ({"message_id": "+1"}, False),
        ({"message_id": None}, True),
    ],
)
def test_a_platforms_numeric_ids_must_be_64_bit_integers(
    changes: dict[str, Any], fine: bool
) -> None:
    numeric = replace(GOOD, external_id="1", chat_id="-100", user_id="7", message_id="3")
    names = ("external_id", "chat_id", "user_id", "message_id")
    candidate = replace(numeric, **changes)
    if fine:
        assert numbers_checked(candidate, names) is candidate
    else:
        with pytest.raises(Malformed, match="is not a 64-bit integer"):
            numbers_checked(candidate, names)
    assert is_int64(2**63 - 1) and not is_int64(2**63) and not is_int64(True)


@pytest.mark.parametrize(
    "changes",
    [
        {"chat_id": ""},
        {"user_id": "u\x00"},
        {"message_id": "m" * (ID_LIMIT + 1)},
        {"callback_id": "\ud800"},
        {"choice": "a" * (CHOICE_LIMIT + 1)},
        {"choice": "ồ" * (CHOICE_LIMIT // 3 + 1)},  # counted in bytes, as Telegram counts
        {"choice": "a:\x7f"},
        {"media": "x" * 3000},
        {"received_at": datetime(2026, 1, 1)},  # naive: not storable as is
    ],
)
def test_fields_the_inbox_cannot_store_make_the_update_malformed(changes: dict[str, Any]) -> None:
    with pytest.raises(Malformed):
        checked(replace(GOOD, **changes))


def test_take_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    def broken(data: object) -> Inbound | None:
        raise RecursionError("maximum recursion depth exceeded")

    assert take("kit", broken, {}) is None
    assert take("kit", translate, {"id": 1}) == replace(GOOD, external_id="1", text="", media=None,
                                                         user_name="")  # fmt: skip
    assert [r.getMessage() for r in caplog.records] == [
        "kit: skipping update: unreadable update (RecursionError)"
    ]


# --- the long-poll loop --------------------------------------------------------------------------


class Platform:
    """Batches to hand out, then nothing (after a short wait, like a long poll)."""

    def __init__(self, *batches: Sequence[Polled] | Exception) -> None:
        self.batches = list(batches)
        self.offsets: list[int | None] = []
        self.drained = asyncio.Event()

    async def fetch(self, offset: int | None) -> Sequence[Polled]:
        self.offsets.append(offset)
        if not self.batches:
            self.drained.set()
            await asyncio.sleep(0.01)
            return []
        batch = self.batches.pop(0)
        if isinstance(batch, Exception):
            raise batch
        return batch


def poller(platform: Platform, classify: Callable[[Exception], Pause] | None = None) -> Poller:
    return Poller(
        "kit",
        platform.fetch,
        translate,
        classify=classify or (lambda exc: Pause()),
        retry_delay=0.001,
        max_retry_delay=0.01,
    )


async def run_until_drained(loop: Poller, platform: Platform, receive: Receiver) -> None:
    loop.start(receive)
    try:
        async with asyncio.timeout(3):
            await platform.drained.wait()
    finally:
        await loop.stop()


async def test_a_database_outage_is_said_when_it_begins_and_ends_not_per_delivery(
    hook: Hook, caplog: pytest.LogCaptureFixture
) -> None:
    """While the database is unreachable every delivery is refused (500, to come again), but the
    log gets one WARNING when refusing begins and one when recording works again: no ERROR."""
    hook.receive = Recorder(fail={str(i): 1 for i in range(50)}, error=ConnectionRefusedError)
    answers = [(await hook.post(f'{{"id": {i}}}'))[0] for i in range(50)]
    assert answers == [500] * 50
    assert (await hook.post('{"id": 50}'))[0] == 200
    said = [(r.levelno, r.getMessage()) for r in warnings_in(caplog)]
    assert said == [
        (logging.WARNING, "kit inbox: the database is away (ConnectionRefusedError); "
         "trying again until it is back"),
        (logging.WARNING, "kit inbox: working again, after 50 failed tries"),
    ]  # fmt: skip


async def test_polling_skips_garbage_and_confirms_each_update_once_recorded(
    caplog: pytest.LogCaptureFixture,
) -> None:
    platform = Platform(
        [Polled({"id": 1}, 2), Polled("garbage", 3), Polled({"id": 3}, 4)],
        [Polled({"id": 4}, 5)],
    )
    receiver = Recorder(fail={"3": 2})  # the database is down for a moment
    await run_until_drained(poller(platform), platform, receiver)
    assert receiver.ids == ["1", "3", "3", "3", "4"]
    assert platform.offsets[:3] == [None, 4, 5]  # nothing fetched while "3" waited
    levels = [(r.levelno, r.getMessage().split(":")[0]) for r in caplog.records]
    assert levels.count((logging.WARNING, "kit")) == 1  # the garbage, once
    assert sum(1 for r in caplog.records if "not recorded" in r.getMessage()) == 2


async def test_polling_waits_out_failed_fetches_as_the_adapter_classifies_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Refused(Exception):
        pass

    def classify(exc: Exception) -> Pause:
        if isinstance(exc, Refused):
            return Pause(logging.ERROR, "refused", LONG)
        return Pause()

    platform = Platform(Refused(f"token {SECRET}"), OSError("reset"), [Polled({"id": 1}, 2)])
    protect(SECRET)
    receiver = Recorder()
    started = asyncio.get_running_loop().time()
    await run_until_drained(poller(platform, classify), platform, receiver)
    assert asyncio.get_running_loop().time() - started < 1  # LONG is the backoff's cap
    assert receiver.ids == ["1"]
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert messages[:2] == [
        (logging.ERROR, "kit getUpdates refused: Refused: token <token>"),
        (logging.WARNING, "kit getUpdates failed, retrying: OSError: reset"),
    ]


async def test_stopping_ends_the_poll_task_and_it_can_start_again() -> None:
    platform = Platform()
    loop = poller(platform)
    loop.start(Recorder())
    with pytest.raises(RuntimeError):
        loop.start(Recorder())
    await platform.drained.wait()
    await loop.stop()
    assert not loop.running
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "kit-poll"]
    await loop.stop()  # twice is fine


# --- backoff -------------------------------------------------------------------------------------


def test_backoff_doubles_up_to_its_cap_and_starts_over_after_a_success() -> None:
    backoff = Backoff(base=0.5, cap=4.0, jitter=0.0)
    assert [backoff.next() for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    backoff.reset()
    assert backoff.next() == 0.5
    assert delay_after(10_000, 1.0, 30.0) == 30.0  # no overflow however long it failed


def test_jitter_shortens_a_delay_by_at_most_its_share() -> None:
    assert delay_after(3, 1.0, 30.0, jitter=0.25, rand=lambda: 1.0) == 3.0
    assert delay_after(3, 1.0, 30.0, jitter=0.25, rand=lambda: 0.0) == 4.0


# --- redaction -----------------------------------------------------------------------------------

TOKEN = "123456789:AAH-kit_token-for-redaction-tests"


def test_every_protected_secret_is_masked_in_any_form() -> None:
    protect(TOKEN, "short-Secret!", None)
    for text in (
        f"https://api.example.org/bot{TOKEN}/getMe",
        f"token={TOKEN.replace(':', '%3A')}",
        "secret_token: short-Secret!",
        "secret_token=short-Secret%21",
    ):
        cleaned = redact(text)
        assert "AAH-kit" not in cleaned and "short-Secret" not in cleaned, cleaned
    assert redact("Xin chào, /start abc") == "Xin chào, /start abc"
    assert describe(ValueError(f"bad {TOKEN}")) == "ValueError: bad <token>"


def test_every_logger_is_masked_its_tracebacks_too(caplog: pytest.LogCaptureFixture) -> None:
    """PTB logs through child loggers (telegram.Bot, telegram.ext.Updater), httpx names URLs."""
    caplog.set_level(logging.DEBUG)
    protect(TOKEN)
    for name in ("telegram.Bot", "httpx", "asyncio", "some.library.nobody.guarded"):
        logging.getLogger(name).debug("HTTP Request: POST %s", f"https://x/bot{TOKEN}/getMe")
    try:
        raise RuntimeError(f"boom at {TOKEN}")
    except RuntimeError:
        logging.getLogger("aiohttp.server").exception("failed")
    assert "AAH-kit" not in caplog.text
    assert all("AAH-kit" not in (r.exc_text or "") for r in caplog.records)
    assert caplog.records[0].getMessage() == "HTTP Request: POST https://x/bot<token>/getMe"


async def test_a_poll_that_fails_forever_only_says_so() -> None:
    """The loop itself never raises: it logs and waits (here until stopped)."""

    async def failing(offset: int | None) -> Sequence[Polled]:
        raise ConnectionError("down")

    loop = Poller("kit", failing, translate, retry_delay=0.001, max_retry_delay=0.002)
    loop.start(Recorder())
    await asyncio.sleep(0.05)
    assert loop.running
    await loop.stop()
