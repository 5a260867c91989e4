"""Fuzzing both webhooks of a running deployment: the bodies, the driver and the tally.

Shared by tests/bot/test_garbage_fuzz.py (2,000 bodies in CI) and bench/fuzz_webhooks.py (20,000).
The deployment (tests/phones.py: Telegram, Zalo and web channels, loopback fake Bot APIs) runs on
an event loop of its own in a background thread, dispatching as it goes, while a plain blocking
driver POSTs one body after another over a kept-alive loopback connection: an example costs one
HTTP round trip and one inbox INSERT, and everything else is checked once, at the end.
"""

from __future__ import annotations

import asyncio
import copy
import http.client
import json
import re
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels import telegram, zalo
from bot.channels.base import Inbound
from bot.channels.kit.webhook import MAX_BODY
from bot.clock import FixedClock
from bot.models.messages import InboundMessage
from bot.settings import Settings
from tests.phones import SECRET, Deployment

PAYLOADS: Final = Path(__file__).parent / "payloads"
STAMP: Final = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # what a callback query is stamped with
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """One platform's webhook on the deployment, and its recorded payloads."""

    platform: str
    path: str
    header: str
    translate: Callable[[object], Inbound | None]
    # gives a body a new update's identity, returning the number of the one it had
    fresh_id: Callable[[dict[str, Any], int], int | None]

    def recorded(self) -> dict[str, Any]:
        folder = PAYLOADS / self.platform
        return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}

    def headers(self) -> dict[str, str]:
        return {self.header: SECRET, "Content-Type": "application/json"}


def _fresh_telegram(body: dict[str, Any], number: int) -> int | None:
    """Sets the update's id to `number`; returns what it was."""
    was = body.get("update_id")
    body["update_id"] = number
    return was if type(was) is int else None


def _fresh_zalo(body: dict[str, Any], number: int) -> int | None:
    """Sets the message's id to a string made of `number`; returns the number it was made of."""
    update = body.get("result", body)
    message = update.get("message") if isinstance(update, dict) else None
    if not isinstance(message, dict):
        return None
    was = message.get("message_id")
    message["message_id"] = f"fz{number:x}"
    return int(was[2:], 16) if isinstance(was, str) and re.fullmatch(r"fz[0-9a-f]+", was) else None


TARGETS: Final = {
    "telegram": Target(
        "telegram",
        "/webhooks/telegram",
        telegram.SECRET_HEADER,
        lambda data: telegram.parse_update(data, None, STAMP),
        _fresh_telegram,
    ),
    "zalo": Target(
        "zalo",
        "/zalo/bot/hoa-sen",
        zalo.SECRET_HEADER,
        partial(zalo.parse_update, channel_name="zalo"),
        _fresh_zalo,
    ),
}

# Strings that have broken parsers and databases before: NUL, lone surrogates, control and
# combining characters, huge numbers, payload-shaped junk, and far too much of anything.
NASTY: Final = st.sampled_from(
    [
        "",
        "\x00",
        "a\x00b",
        "\ud800",
        "\udfff\ud83d",
        "\u0301" * 50,
        "\u202e" + "gnirts",
        "\x1b[31m",
        "a:",
        "a:r1:q1:999999999999999999999",
        "join:99999999999999999999:yes",
        "x" * 70,
        "ồ" * 2000,
        "9" * 80,
    ]
)
SCALARS: Final = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**63, -(2**63) - 1, 10**40])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | NASTY
)
JSON: Final = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
# mostly a nasty string in place of a value, so that most bodies still parse and reach the
# checks and the handlers; sometimes another type, a whole document, or nothing at all
MUTATIONS: Final = st.sampled_from(["nasty", "nasty", "nasty", "scalar", "json", "delete"])


def _paths(node: Any, at: tuple[Any, ...] = (), *, leaves: bool) -> list[tuple[Any, ...]]:
    """Every place inside a JSON document (keys of objects, indexes of lists), or its leaves."""
    inner = isinstance(node, dict | list)
    found = [at] if at and not (leaves and inner) else []
    items = node.items() if isinstance(node, dict) else enumerate(node) if inner else ()
    for key, value in items:
        found += _paths(value, (*at, key), leaves=leaves)
    return found


@st.composite
def mutated(draw: st.DrawFn, target: Target, recorded: dict[str, Any]) -> Any:
    """A recorded payload as a new update, with one to three places replaced by junk or removed."""
    body = copy.deepcopy(recorded[draw(st.sampled_from(sorted(recorded)))])
    mark = draw(st.integers(1, 2**31))
    if isinstance(body, dict):
        target.fresh_id(body, mark)
    for _ in range(draw(st.integers(0, 3))):
        mutation = draw(MUTATIONS)
        paths = _paths(body, leaves=mutation in ("nasty", "scalar"))
        if not paths:
            break
        *parent_path, last = draw(st.sampled_from(paths))
        parent = body
        for step in parent_path:
            parent = parent[step]
        if mutation == "delete" and isinstance(parent, dict):
            del parent[last]
        else:
            junk = {"nasty": NASTY, "scalar": SCALARS}.get(mutation, JSON)
            parent[last] = draw(junk)
    if isinstance(body, dict) and target.fresh_id(body, mark) == mark:
        # an id the junk left alone: one of its own, or most bodies would be a redelivery
        target.fresh_id(body, zlib.crc32(json.dumps(body).encode(errors="surrogatepass")))
    return body


def bodies(target: Target) -> st.SearchStrategy[bytes]:
    """What a platform (or someone holding its secret) might POST."""
    recorded = mutated(target, target.recorded())
    as_json = st.one_of(recorded, recorded, recorded, recorded, JSON)
    encoded = as_json.map(lambda value: json.dumps(value).encode())
    return st.one_of(
        encoded,
        encoded,
        encoded,
        encoded,
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    )


def expected_status(body: bytes) -> int:
    """What the kit must answer: 413 too big, 400 for no JSON object, else 200 (recorded, or an
    unknown shape skipped); never 5xx, which would make the platform deliver it again."""
    if len(body) > MAX_BODY:
        return 413
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return 400
    return 200 if isinstance(value, dict) else 400


def fuzz_settings(examples: int) -> settings:
    """`examples` generated bodies, the same on every run (derandomized, no example database)."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@dataclass
class Tally:
    """What one webhook answered to the fuzzed bodies."""

    platform: str
    statuses: Counter[int] = field(default_factory=Counter)
    unexpected: list[tuple[int, bytes]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def posted(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


class Poster:
    """Blocking HTTP/1.1 POSTs over one kept-alive loopback connection."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        try:
            return self._post(path, body, headers)
        except (http.client.HTTPException, ConnectionError):  # the server closed it: once more
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return self._post(path, body, headers)

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        self.connection.request("POST", path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        if response.will_close:
            self.connection.close()
        return response.status

    def close(self) -> None:
        self.connection.close()


def fuzz(base: str, target: Target, examples: int) -> Tally:
    """POSTs `examples` generated bodies to `target`'s webhook, one at a time; never raises for
    an answer, it tallies them (the caller checks)."""
    tally = Tally(target.platform)
    poster = Poster(base)
    headers = target.headers()

    @fuzz_settings(examples)
    @given(body=bodies(target))
    def post_one(body: bytes) -> None:
        status = poster.post(target.path, body, headers)
        tally.statuses[status] += 1
        if status != expected_status(body):
            tally.unexpected.append((status, body))

    started = time.perf_counter()
    try:
        post_one()
    finally:
        poster.close()
    tally.seconds = time.perf_counter() - started
    return tally


class LiveDeployment:
    """A `Deployment` on an event loop of its own, in a background thread."""

    def __init__(self, settings: Settings, clock: FixedClock) -> None:
        self._settings, self._clock = settings, clock
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="live", daemon=True)
        self._deployment: Deployment | None = None

    @property
    def deployment(self) -> Deployment:
        assert self._deployment is not None, "not started"
        return self._deployment

    def __enter__(self) -> LiveDeployment:
        self.thread.start()
        self._deployment = self.run(self._start)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._deployment is not None:
                self.run(self._deployment.close)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()

    def run(self, work: Callable[[], Awaitable[T]], timeout: float = 600) -> T:
        """Runs `work()` on the deployment's loop and waits for its result."""

        async def call() -> T:
            return await work()

        coroutine: Coroutine[Any, Any, T] = call()
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> Deployment:
        deployment = Deployment(self._settings, self._clock)
        await deployment.start()
        return deployment


async def inbox_counts(deployment: Deployment) -> Counter[str]:
    """Inbox rows by status (`failed` must stay 0)."""
    async with deployment.app.db.sessions() as session:
        rows = await session.execute(
            select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
        )
        return Counter({status: int(count) for status, count in rows})


async def answers_afterwards(deployment: Deployment) -> dict[str, bool]:
    """Whether a real update on each webhook still gets its answer, after the fuzzing."""
    headers = {name: target.headers() for name, target in TARGETS.items()}
    telegram_chat, zalo_chat = 987654321, "after-fuzz-zalo-chat"
    to_telegram = deployment.telegram_api.text_update(telegram_chat, "/trogiup")
    to_zalo = deployment.zalo_api.text_update(zalo_chat, "/trogiup")
    posted = [
        await deployment.post(TARGETS["telegram"].path, to_telegram, headers["telegram"]),
        await deployment.post(TARGETS["zalo"].path, to_zalo, headers["zalo"]),
    ]
    await deployment.settle()
    telegram_chats = {chat for chat, _ in deployment.telegram_api.messages}
    zalo_chats = {sent.chat_id for sent in deployment.zalo_api.sent}
    return {
        "telegram": posted[0] == 200 and str(telegram_chat) in telegram_chats,
        "zalo": posted[1] == 200 and zalo_chat in zalo_chats,
    }
