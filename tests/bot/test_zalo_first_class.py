"""Zalo as a first-class channel (issue 14): a 404 retried before a chat is called gone, images
sent from signed expiring URLs, group mentions, updates without event_name, stored ticket photos."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.zalo import ZaloChannel, to_inbound
from bot.clock import FixedClock
from bot.delivery.broadcasts import tally
from bot.models import ClassGroup, UnreachableChat
from bot.settings import Settings
from handlers import texts
from tests.bot.test_delivery import broadcast_to
from tests.factories import make_school, make_staff_code
from tests.fakes.zalo_api import TOKEN, FakeZalo
from tests.phones import Deployment, ZaloPhone, last_reply, phone_on, unlimited


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as api:
        yield api


async def zalo_app(settings: Settings, fake: FakeZalo, clock: FixedClock) -> App:
    channel = ZaloChannel(TOKEN, api_url=fake.api_url, poll_timeout=1, retry_delay=0.01)
    app = create_app(unlimited(settings), channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    return app


async def unreachable(app: App) -> list[str]:
    async with app.db.sessions() as session:
        return list(await session.scalars(select(UnreachableChat.chat_id)))


# --- 4. a 404 is tried again before the chat is called gone ---------------------------------------


async def test_one_404_is_tried_again_and_the_chat_stays_reachable(
    settings: Settings, fake: FakeZalo, clock: FixedClock
) -> None:
    app = await zalo_app(settings, fake, clock)
    try:
        fake.fail_next("sendMessage", status=404, description="Not Found")
        broadcast = await broadcast_to(app, ["u1"], channel="zalo")
        await app.settle()
        assert fake.sent == [] and await unreachable(app) == []
        clock.advance(seconds=61)  # the second try waits a minute
        await app.settle()
        assert [s.chat_id for s in fake.sent] == ["u1"]
        assert await unreachable(app) == []
        async with app.db.sessions() as session:
            assert (await tally(session, broadcast)).counts == {"sent": 1}
    finally:
        await app.stop()


async def test_three_404s_over_minutes_call_the_chat_gone(
    settings: Settings, fake: FakeZalo, clock: FixedClock
) -> None:
    app = await zalo_app(settings, fake, clock)
    try:
        fake.fail_next("sendMessage", 3, status=404, description="Not Found")
        broadcast = await broadcast_to(app, ["u1"], channel="zalo")
        await app.settle()
        for _ in range(2):
            assert await unreachable(app) == []
            clock.advance(seconds=61)
            await app.settle()
        assert fake.counts["sendMessage"] == 3
        assert await unreachable(app) == ["u1"]
        async with app.db.sessions() as session:
            report = await tally(session, broadcast)
        assert report.counts == {"failed": 1} and [f.gone for f in report.failures] == [True]
    finally:
        await app.stop()


# --- 3. updates without event_name are typed by their fields --------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=12,
)
_FIELD = st.sampled_from(["text", "photo", "photo_url", "sticker", "voice_url", "caption", "x"])
_MESSAGE = st.fixed_dictionaries(
    {},
    optional={
        "message_id": st.text(max_size=70) | st.integers(),
        "date": st.integers() | st.floats() | st.text(max_size=4),
        "from": st.fixed_dictionaries({}, optional={"id": _JSON, "is_bot": _JSON}) | _JSON,
        "chat": st.fixed_dictionaries({}, optional={"id": _JSON, "chat_type": _JSON}) | _JSON,
    },
).flatmap(lambda m: st.dictionaries(_FIELD, _JSON, max_size=3).map(lambda f: {**m, **f}))


@examples(max_examples=300, deadline=None)
@given(message=_MESSAGE, event=st.none() | st.just("message.text.received") | _JSON)
def test_the_update_typer_never_raises(message: dict[str, object], event: object) -> None:
    update: dict[str, object] = {"message": message}
    if event is not None:
        update["event_name"] = event
    for body in (update, {"ok": True, "result": update}):
        inbound = to_inbound(body, "zalo")
        assert inbound is None or inbound.kind in {"text", "photo", "sticker", "voice", "unsupported"}


def test_an_update_without_event_name_is_typed_by_its_fields() -> None:
    base = {"message_id": "m1", "date": 1766619597466, "from": {"id": "u1"}, "chat": {"id": "u1"}}
    kinds = {
        "text": "Xin chào",
        "photo_url": "https://photo.zdn.vn/a.jpg",
        "photo": "https://photo.zdn.vn/b.jpg",
        "sticker": "abc",
        "voice_url": "https://v.zdn.vn/c.aac",
    }
    found = {}
    for field_name, value in kinds.items():
        inbound = to_inbound({"message": {**base, field_name: value}}, "zalo")
        assert inbound is not None
        found[field_name] = inbound.kind
    assert found == {
        "text": "text",
        "photo_url": "photo",
        "photo": "photo",
        "sticker": "sticker",
        "voice_url": "voice",
    }
    bare = to_inbound({"message": base}, "zalo")
    assert bare is not None and bare.kind == "unsupported"


# --- 2. group mentions ----------------------------------------------------------------------------


async def test_a_mention_in_a_zalo_group_links_it_and_a_personal_command_is_sent_private(
    deployment: Deployment,
) -> None:
    setup = await make_school(deployment.app)
    teacher = phone_on(deployment, "zalo")
    assert isinstance(teacher, ZaloPhone)
    await teacher.says(await make_staff_code(deployment.app, setup, "teacher", "Lá 1"))
    await teacher.says("/thongbao")
    await teacher.chooses(texts.GROUP_LINK)
    code = (await last_reply(teacher)).split("/lienket ", 1)[1].split()[0]
    api = deployment.zalo_api

    async def in_group(text: str) -> str:
        update = api.text_update("g-la1", text, user_id=teacher.chat_id, chat_type="GROUP")
        await teacher.deliver(update)
        return [s.text for s in api.sent if s.chat_id == "g-la1"][-1]

    linked = texts.GROUP_LINKED.format(class_name="Lá 1", school="Trường Mầm non MN-TEST")
    assert await in_group(f"@Bot Hài Lòng /lienket {code}") == linked
    async with deployment.app.db.sessions() as session:
        group = await session.scalar(select(ClassGroup).where(ClassGroup.chat_id == "g-la1"))
    assert group is not None and group.class_id == setup.classes["Lá 1"].id
    assert await in_group("@Bot /khaosat") == texts.IN_GROUP
    before = len(api.sent)
    await teacher.deliver(
        api.text_update("g-la1", "@Bot cảm ơn", user_id=teacher.chat_id, chat_type="GROUP")
    )
    assert len(api.sent) == before  # group chatter that names the bot is not answered
