"""Garbage never raises: generated and mutated webhook bodies, POSTed over real loopback HTTP to
the running app on Telegram and Zalo (issue 11, item 7).

Whatever arrives, the app answers below 500 (so the platform does not deliver it again forever),
logs no ERROR and no traceback, and leaves no `failed` inbox row; and every well-formed recorded
payload still yields exactly one inbound. Hypothesis runs derandomized, so a run is repeatable.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels import telegram, zalo
from bot.channels.base import Inbound
from bot.channels.kit.intake import take
from bot.models import InboundMessage
from tests.conftest import START
from tests.phones import SECRET, Deployment

PAYLOADS = Path(__file__).parents[1] / "payloads"
EXAMPLES = 150


@dataclass(frozen=True)
class Target:
    """One platform's webhook on the deployment, and its recorded payloads."""

    platform: str
    path: str
    header: str
    translate: Callable[[object], Inbound | None]

    def recorded(self) -> dict[str, Any]:
        folder = PAYLOADS / self.platform
        return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}


TARGETS = {
    "telegram": Target(
        "telegram",
        "/webhooks/telegram",
        telegram.SECRET_HEADER,
        lambda data: telegram.parse_update(data, None, START),
    ),
    "zalo": Target(
        "zalo",
        "/zalo/bot/hoa-sen",
        zalo.SECRET_HEADER,
        partial(zalo.parse_update, channel_name="zalo"),
    ),
}

# Strings that have broken parsers and databases before: NUL, lone surrogates, control and
# combining characters, huge numbers, payload-shaped junk, and far too much of anything.
NASTY = st.sampled_from(
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
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**63, -(2**63) - 1, 10**40])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | NASTY
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, at: tuple[Any, ...] = (), *, leaves: bool) -> list[tuple[Any, ...]]:
    """Every place inside a JSON document (keys of objects, indexes of lists), or its leaves."""
    inner = isinstance(node, dict | list)
    found = [at] if at and not (leaves and inner) else []
    items = node.items() if isinstance(node, dict) else enumerate(node) if inner else ()
    for key, value in items:
        found += _paths(value, (*at, key), leaves=leaves)
    return found


# mostly a nasty string in place of a value, so that most bodies still parse and reach the
# checks and the handlers; sometimes another type, a whole document, or nothing at all
MUTATIONS = st.sampled_from(["nasty", "nasty", "nasty", "scalar", "json", "delete"])


@st.composite
def mutated(draw: st.DrawFn, recorded: dict[str, Any]) -> Any:
    """A recorded payload with one to three places replaced by junk, or removed."""
    body = copy.deepcopy(recorded[draw(st.sampled_from(sorted(recorded)))])
    for _ in range(draw(st.integers(1, 3))):
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
    return body


def bodies(target: Target) -> st.SearchStrategy[bytes]:
    """What a platform (or someone holding its secret) might POST."""
    recorded = mutated(target.recorded())
    as_json = st.one_of(recorded, recorded, recorded, recorded, JSON)
    return st.one_of(
        as_json.map(lambda value: json.dumps(value).encode()),
        as_json.map(lambda value: json.dumps(value).encode()),
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    )


async def post(deployment: Deployment, target: Target, body: bytes) -> int:
    headers = {target.header: SECRET, "Content-Type": "application/json"}
    async with deployment.http.post(deployment.base + target.path, data=body, headers=headers) as r:
        await r.read()
        return r.status


async def failed_rows(deployment: Deployment) -> int:
    async with deployment.app.db.sessions() as session:
        query = select(func.count()).where(InboundMessage.status == "failed")
        return int(await session.scalar(query) or 0)


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [r.getMessage() for r in loud]
    assert "Traceback" not in caplog.text


FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", sorted(TARGETS))
@FUZZ
@given(data=st.data())
async def test_garbage_is_answered_below_500_and_never_fails_a_row(
    deployment: Deployment, caplog: pytest.LogCaptureFixture, name: str, data: st.DataObject
) -> None:
    """One app for all examples (the fixture), one POST per example."""
    target = TARGETS[name]
    body = data.draw(bodies(target))
    failed_before = await failed_rows(deployment)
    caplog.clear()
    status = await post(deployment, target, body)
    await deployment.settle()
    assert status in (200, 413), status
    assert_quiet(caplog)
    assert await failed_rows(deployment) == failed_before


# what a modified Telegram client can put in a button's callback data: anything up to 64 bytes
# (and more, through a forged webhook), most interesting when shaped like our own payloads
CALLBACK_DATA = st.one_of(
    NASTY,
    st.text(max_size=80),
    st.from_regex(r"[a-z]{1,6}(:[^:\x00]{0,24}){0,4}", fullmatch=True),
    st.builds(
        ":".join,
        st.lists(
            st.sampled_from(["a", "join", "r1", "q1", "yes", "no", "", "-1", "9" * 30]), max_size=5
        ),
    ),
)


async def tap(deployment: Deployment, data: str) -> tuple[int, int]:
    """A tap with `data` on a button of message 57 in Lan's chat, by webhook; the answer and
    the number of inbox rows recorded for it."""
    update = deployment.telegram_api.callback_update(5123456789, data, message_id=57)
    status = await post(deployment, TARGETS["telegram"], json.dumps(update).encode())
    await deployment.settle()
    async with deployment.app.db.sessions() as session:
        rows = await session.scalar(
            select(func.count()).where(InboundMessage.external_id == str(update["update_id"]))
        )
    return status, int(rows or 0)


@FUZZ
@given(data=CALLBACK_DATA)
async def test_any_callback_data_is_recorded_as_given_or_skipped_once(
    deployment: Deployment, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    """The adapter's side: a clean payload up to 256 bytes goes to the dispatcher as it came (an
    opaque string it decodes or refuses), anything else is skipped with one WARNING."""
    caplog.clear()
    status, rows = await tap(deployment, data)
    assert status == 200
    said = [r for r in caplog.records if r.name.startswith("bot.channels")]
    storable = 0 < len(data.encode(errors="surrogatepass")) <= 256 and not any(
        ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or 0xD800 <= ord(c) < 0xE000 for c in data
    )  # no control characters, no lone surrogates
    assert (rows, len(said)) == ((1, 0) if storable else (0, 1))
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in said)


@FUZZ
@given(data=CALLBACK_DATA)
async def test_any_callback_data_is_refused_politely_or_skipped(
    deployment: Deployment, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    """End to end: whatever a button carries, nothing fails, nothing is logged as an error."""
    failed_before = await failed_rows(deployment)
    caplog.clear()
    assert (await tap(deployment, data))[0] == 200
    assert_quiet(caplog)
    assert await failed_rows(deployment) == failed_before


@pytest.mark.parametrize("name", sorted(TARGETS))
async def test_every_well_formed_recorded_payload_yields_exactly_one_inbound(
    deployment: Deployment, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    target = TARGETS[name]
    for stem, payload in target.recorded().items():
        expected = take(target.platform, target.translate, payload)
        for _ in range(2):  # a redelivery is recorded once
            assert await post(deployment, target, json.dumps(payload).encode()) == 200, stem
        await deployment.settle()
        async with deployment.app.db.sessions() as session:
            rows = await session.scalar(
                select(func.count()).where(
                    InboundMessage.channel == target.platform,
                    InboundMessage.external_id == (expected.external_id if expected else "-"),
                )
            )
        assert rows == (1 if expected else 0), stem
    assert_quiet(caplog)
    assert await failed_rows(deployment) == 0
