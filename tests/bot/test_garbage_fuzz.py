"""Garbage never raises: generated and mutated webhook bodies, POSTed over real loopback HTTP to
the running app on Telegram and Zalo (issue 11, item 7; issue 12, item 4).

Whatever arrives, the app answers 400 for what is no JSON object, 413 for too much and 200 for the
rest — never 5xx, which a platform would deliver again forever — logs no ERROR and no traceback,
and leaves no `failed` inbox row; and every well-formed recorded payload still yields exactly one
inbound. Hypothesis runs derandomized, so a run is repeatable; bench/fuzz_webhooks.py runs the
same bodies ten times over.
"""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.channels.kit.intake import take
from bot.clock import FixedClock
from bot.models.messages import InboundMessage
from bot.settings import Settings
from tests.phones import SECRET, Deployment
from tests.webhook_fuzz import (
    NASTY,
    TARGETS,
    LiveDeployment,
    Target,
    answers_afterwards,
    fuzz,
    inbox_counts,
)

WEBHOOK_EXAMPLES = 1000  # per webhook: 2,000 in all (the bench: 10,000 each)
EXAMPLES = 150  # per test of button payloads


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


def test_2000_garbage_bodies_get_no_5xx_no_traceback_no_failed_row_and_the_bot_still_answers(
    settings: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    """1,000 bodies on each webhook, one POST each while the app dispatches; checked at the end."""
    with LiveDeployment(settings, clock) as live:
        base = live.deployment.base
        tallies = [fuzz(base, TARGETS[name], WEBHOOK_EXAMPLES) for name in sorted(TARGETS)]
        live.run(live.deployment.settle)
        rows = live.run(lambda: inbox_counts(live.deployment))
        answered = live.run(lambda: answers_afterwards(live.deployment))
    for tally in tallies:
        assert tally.posted == WEBHOOK_EXAMPLES, tally
        assert tally.server_errors == 0 and tally.unexpected == [], tally.unexpected[:3]
        assert tally.statuses[200] > WEBHOOK_EXAMPLES // 2  # most bodies reach the adapters
    assert rows["failed"] == 0 and rows["handled"] > 100, rows
    assert answered == {"telegram": True, "zalo": True}
    assert_quiet(caplog)


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
