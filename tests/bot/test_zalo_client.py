"""The Zalo Bot API client against the loopback fake (and raw sockets), over real HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.channels.kit.redaction import redact
from bot.channels.zalo_client import (
    ZaloApiError,
    ZaloBotClient,
    ZaloRateLimited,
    ZaloTimeout,
    ZaloUnauthorized,
    ZaloUnavailable,
)
from tests.fakes.loopback import free_port, serve
from tests.fakes.zalo_api import TOKEN, FakeZalo

CHAT = "e4ea2cd5189df1c3a88c"
SECRET_PART = TOKEN.split(":")[1]


class Sleeps:
    """An injected `sleep` that records the delays asked for and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(fake: FakeZalo, sleeps: Sleeps) -> AsyncIterator[ZaloBotClient]:
    async with ZaloBotClient(TOKEN, fake.api_url, sleep=sleeps) as zalo:
        yield zalo


# --- the methods ---------------------------------------------------------------------------------


async def test_get_me(client: ZaloBotClient, fake: FakeZalo) -> None:
    me = await client.get_me()
    assert me["id"] == TOKEN.split(":")[0]
    assert me["can_join_groups"] is False
    assert fake.last("getMe").params == {}


async def test_send_message_returns_the_message_id(client: ZaloBotClient, fake: FakeZalo) -> None:
    result = await client.send_message(CHAT, "Xin chào")
    assert result["message_id"] == fake.sent[0].message_id
    assert isinstance(result["date"], int)
    assert fake.last("sendMessage").params == {"chat_id": CHAT, "text": "Xin chào"}


async def test_send_photo_and_chat_action(client: ZaloBotClient, fake: FakeZalo) -> None:
    url = "https://hailong.example.org/charts/w1.png"
    await client.send_photo(CHAT, url, "Biểu đồ")
    await client.send_photo(CHAT, url)
    assert [c.params for c in fake.calls_of("sendPhoto")] == [
        {"chat_id": CHAT, "photo": url, "caption": "Biểu đồ"},
        {"chat_id": CHAT, "photo": url},
    ]
    await client.send_chat_action(CHAT)  # Zalo answers {"ok": true}, without a result
    assert fake.actions == [(CHAT, "typing")]


async def test_webhook_methods(client: ZaloBotClient, fake: FakeZalo) -> None:
    assert await client.get_webhook_info() is None  # 404 means "none set", a normal state
    url = "https://hailong.example.org/zalo/bot/hoa-sen"
    result = await client.set_webhook(url, "s3cret-Zalo_webhook")
    assert result["url"] == url
    assert fake.last("setWebhook").params == {"url": url, "secret_token": "s3cret-Zalo_webhook"}
    info = await client.get_webhook_info()
    assert info is not None and info["url"] == url
    assert (await client.delete_webhook())["url"] == ""
    assert fake.webhook_url == ""


async def test_get_updates_returns_one_update_per_call(
    client: ZaloBotClient, fake: FakeZalo
) -> None:
    first = fake.queue_update(fake.text_update("u1", "một"))
    second = fake.queue_update(fake.text_update("u1", "hai"))
    assert await client.get_updates(1) == first
    assert await client.get_updates(1) == second
    assert fake.last("getUpdates").params == {"timeout": "1"}  # a string, as Zalo documents


@pytest.mark.parametrize("error_status", [None, 200], ids=["http-408", "body-only-408"])
async def test_an_empty_long_poll_is_no_update(sleeps: Sleeps, error_status: int | None) -> None:
    async with (
        FakeZalo(error_status=error_status) as fake,
        ZaloBotClient(TOKEN, fake.api_url, sleep=sleeps) as client,
    ):
        assert await client.get_updates(1) is None
        assert fake.counts["getUpdates"] == 1
    assert sleeps.delays == []


async def test_get_updates_while_a_webhook_is_set_is_refused(
    client: ZaloBotClient, fake: FakeZalo
) -> None:
    await client.set_webhook("https://hailong.example.org/zalo", "s3cret-Zalo_webhook")
    with pytest.raises(ZaloApiError) as caught:
        await client.get_updates(1)
    assert caught.value.code == 400
    assert "webhook" in caught.value.description.lower()
    assert fake.counts["getUpdates"] == 1  # a 400 is not retried


async def test_get_updates_waits_longer_than_other_calls(fake: FakeZalo) -> None:
    slow = web.Application()

    async def answer_late(request: web.Request) -> web.Response:
        await asyncio.sleep(0.1)
        return web.json_response({"ok": True, "result": {}})

    slow.router.add_post("/bot{token}/{method}", answer_late)
    runner, base = await serve(slow)
    try:
        async with ZaloBotClient(TOKEN, base + "/bot", timeout=0.03) as client:
            assert await client.get_updates(0) is None  # allowed its timeout + 10 s
            with pytest.raises(ZaloTimeout) as caught:
                await client.send_message(CHAT, "x")  # not retried: it may have gone through
    finally:
        await runner.cleanup()
    assert TOKEN not in str(caught.value)


# --- envelope and errors -------------------------------------------------------------------------


async def test_ok_decides_whatever_the_http_status(sleeps: Sleeps) -> None:
    async with (
        FakeZalo(error_status=200) as fake,
        ZaloBotClient(TOKEN, fake.api_url, sleep=sleeps) as client,
    ):
        fake.fail_next("sendMessage", status=403, description="Forbidden")
        with pytest.raises(ZaloApiError) as caught:
            await client.send_message(CHAT, "Xin chào")
        assert caught.value.code == 403
        fake.rate_limit_next("sendMessage", retry_after=2)
        assert (await client.send_message(CHAT, "Xin chào"))["message_id"]
    assert sleeps.delays == [2.0]


async def test_a_rate_limit_is_retried_after_its_hint(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.rate_limit_next("sendMessage", retry_after=1)
    result = await client.send_message(CHAT, "Xin chào")
    assert result["message_id"] == fake.sent[0].message_id
    assert sleeps.delays == [1.0]
    assert fake.counts["sendMessage"] == 2
    assert len(fake.sent) == 1


async def test_a_retry_after_header_is_honoured(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.rate_limit_next("sendMessage", retry_after=3, in_header=True)
    await client.send_message(CHAT, "Xin chào")
    assert sleeps.delays == [3.0]


async def test_a_rate_limit_without_a_hint_backs_off_exponentially(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.rate_limit_next("sendMessage", retry_after=None, count=3)
    await client.send_message(CHAT, "Xin chào")
    assert sleeps.delays == [0.5, 1.0, 2.0]


async def test_a_long_rate_limit_is_left_to_the_caller(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.rate_limit_next("sendMessage", retry_after=120)
    with pytest.raises(ZaloRateLimited) as caught:
        await client.send_message(CHAT, "Xin chào")
    assert caught.value.retry_after == 120.0
    assert sleeps.delays == []
    assert fake.counts["sendMessage"] == 1


async def test_an_html_502_is_retried(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.gateway_error_next("sendMessage")
    await client.send_message(CHAT, "Xin chào")
    assert sleeps.delays == [0.5]
    assert len(fake.sent) == 1


async def test_a_5xx_envelope_is_retried(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.fail_next("getMe", 2, status=503, description="Service Unavailable")
    assert (await client.get_me())["account_type"] == "BASIC"
    assert sleeps.delays == [0.5, 1.0]


async def test_exhausted_retries_raise(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps
) -> None:
    fake.gateway_error_next("sendMessage", count=4)
    with pytest.raises(ZaloUnavailable) as caught:
        await client.send_message(CHAT, "Xin chào")
    assert caught.value.code == 502
    assert "<html>" not in str(caught.value)
    assert fake.counts["sendMessage"] == 4
    assert sleeps.delays == [0.5, 1.0, 2.0]
    fake.rate_limit_next("sendMessage", retry_after=1, count=4)
    with pytest.raises(ZaloRateLimited) as limited:
        await client.send_message(CHAT, "Xin chào")
    assert limited.value.retry_after == 1.0
    assert fake.sent == []


@pytest.mark.parametrize("status", [400, 403, 404])
async def test_client_errors_are_not_retried(
    client: ZaloBotClient, fake: FakeZalo, sleeps: Sleeps, status: int
) -> None:
    fake.fail_next("sendMessage", status=status, description="Bad chat")
    with pytest.raises(ZaloApiError) as caught:
        await client.send_message(CHAT, "Xin chào")
    assert type(caught.value) is ZaloApiError
    assert (caught.value.code, caught.value.description) == (status, "Bad chat")
    assert sleeps.delays == []


async def test_a_wrong_token_is_unauthorized(fake: FakeZalo, sleeps: Sleeps) -> None:
    wrong = "999:wrong-token-for-this-fake-server-xx"
    async with ZaloBotClient(wrong, fake.api_url, sleep=sleeps) as client:
        with pytest.raises(ZaloUnauthorized) as caught:
            await client.get_me()
    assert caught.value.code == 401
    assert "wrong-token" not in str(caught.value)
    assert sleeps.delays == []


async def test_an_unreachable_api_is_unavailable_after_retries(sleeps: Sleeps) -> None:
    url = f"http://127.0.0.1:{free_port()}/bot"
    async with ZaloBotClient(TOKEN, url, sleep=sleeps) as client:
        with pytest.raises(ZaloUnavailable) as caught:
            await client.send_message(CHAT, "Xin chào")
    assert caught.value.code == 0
    assert sleeps.delays == [0.5, 1.0, 2.0]
    assert SECRET_PART not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_the_session_is_pooled_and_closes(fake: FakeZalo) -> None:
    client = ZaloBotClient(TOKEN, fake.api_url)
    assert not client.is_open
    await client.start()
    assert client.is_open
    await asyncio.gather(*(client.send_message(CHAT, f"tin {i}") for i in range(20)))
    assert len({s.message_id for s in fake.sent}) == 20
    await client.close()
    await client.close()  # twice is fine
    assert not client.is_open


def test_a_token_is_required() -> None:
    with pytest.raises(ValueError):
        ZaloBotClient("")


# --- the token stays out of logs and errors ------------------------------------------------------


def test_redact_masks_the_token_in_any_form() -> None:
    ZaloBotClient(TOKEN)  # a client protects its token from the moment it is built
    url = f"https://bot-api.zaloplatforms.com/bot{TOKEN}/getMe"
    for text in (url, url.replace(":", "%3A"), f"token {TOKEN} leaked", f"/bot{SECRET_PART}/x"):
        assert SECRET_PART not in redact(text)
    assert redact("Xin chào") == "Xin chào"


async def test_token_never_reaches_logs_or_errors(
    client: ZaloBotClient, fake: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    leak = f"Internal error at https://bot-api.zaloplatforms.com/bot{TOKEN}/sendMessage"
    fake.fail_next("sendMessage", 4, status=500, description=leak)
    with pytest.raises(ZaloUnavailable) as unavailable:
        await client.send_message(CHAT, "Xin chào")
    fake.fail_next("sendMessage", status=400, description=f"bad token {TOKEN}")
    with pytest.raises(ZaloApiError) as refused:
        await client.send_message(CHAT, "Xin chào")
    logging.getLogger("bot.channels.zalo_client").warning("direct %s", TOKEN)
    try:
        raise RuntimeError(f"boom at /bot{TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("bot.channels.zalo_client").exception("traceback")
    assert "retry 3/3" in caplog.text
    texts = [caplog.text, str(unavailable.value), str(refused.value)]
    texts += [r.exc_text or "" for r in caplog.records]
    assert all(SECRET_PART not in text for text in texts)


# --- aiohttp and Zalo's edge ---------------------------------------------------------------------


async def test_duplicate_server_headers_are_parsed() -> None:
    """Zalo's edge has answered with two Server headers; aiohttp 3.13.4 rejected that."""
    body = json.dumps({"ok": True, "result": {"id": "1", "account_type": "BASIC"}}).encode()
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Server: nginx\r\n"
        "Server: ZaloEdge\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    requests: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(head + body)
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with ZaloBotClient(TOKEN, f"http://127.0.0.1:{port}/bot") as client:
            me = await client.get_me()
    finally:
        server.close()
        await server.wait_closed()
    assert me == {"id": "1", "account_type": "BASIC"}
    assert requests[0].startswith(f"POST /bot{TOKEN}/getMe HTTP/1.1".encode())
