"""A ticket's result is previewed before it reaches the parent; closing waits for the rating.

"Gửi kết quả" / "Sửa" / "Hủy" under the result as the parent will read it; "Đóng phiếu" then
leaves the parent HAILONG_TICKET_RATING_DAYS to rate, and the job closes it after them. The
result's date stays the resolution date the legal deadline is measured by.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from handlers import texts
from handlers.tickets.follow import close_waiting
from tests.bot.test_channel_parity import join_and_consent
from tests.chat import ChatUser
from tests.factories import make_school, make_staff_code
from tests.handlers.tickets.helpers import parent_and_principal, submit, tickets
from tests.phones import Deployment, Phone, choices, last_reply, phone_on

RESULT = "Nhà trường đã đổi giờ chia cơm, cơm được giữ ấm đến khi ăn."
PREVIEW = texts.STAFF_RESULT_PREVIEW.format(number="PA-2026-0001", body=f"Kết quả: {RESULT}")


async def answered(app: App, memory: MemoryChannel, clock: FixedClock) -> tuple[ChatUser, ChatUser]:
    """A parent's petition, its result typed by the principal: at the preview."""
    _, parent, principal = await parent_and_principal(app, memory, clock, "8101", "8102")
    await submit(parent, "Phản ánh – kiến nghị", "Bữa ăn")
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps(texts.RESOLVE)
    await principal.says(RESULT)
    assert principal.last_reply == PREVIEW
    return parent, principal


async def test_edit_then_cancel_sends_nothing_and_changes_nothing(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent, principal = await answered(app, memory, clock)
    told = len(parent.messages)
    await principal.taps(texts.STAFF_EDIT_RESULT)
    assert principal.last_reply.startswith("Thầy/cô gõ kết quả giải quyết phiếu PA-2026-0001")
    await principal.says("Nhà trường đã đổi giờ chia cơm.")
    assert "Kết quả: Nhà trường đã đổi giờ chia cơm.\n" in principal.last_reply
    _, stale = principal.button(texts.STAFF_SEND_RESULT)
    await principal.taps(texts.CANCEL)
    assert principal.last_reply == texts.STAFF_RESULT_CANCELLED
    await principal.taps_payload(stale.payload)  # the cancelled preview's "Gửi kết quả"
    assert principal.last_reply == texts.STALE_BUTTON
    assert len(parent.messages) == told
    (ticket,) = await tickets(app)
    assert ticket.status == "received" and ticket.result is None


async def test_without_a_rating_the_job_closes_the_ticket_after_the_days(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent, principal = await answered(app, memory, clock)
    await principal.taps(texts.STAFF_SEND_RESULT)
    resolved_at = clock.now()
    await principal.taps(texts.CLOSE)
    days = app.services.settings.ticket_rating_days
    assert days == 3
    assert texts.CLOSE not in principal.choices  # asked once; the ticket waits
    clock.at = resolved_at + timedelta(days=days) - timedelta(minutes=1)
    await close_waiting(app.job_context)
    await app.settle()
    assert (await tickets(app))[0].status == "resolved"  # a minute early: still waiting
    clock.at = resolved_at + timedelta(days=days)
    await close_waiting(app.job_context)
    await close_waiting(app.job_context)  # twice: closed once, told once
    await app.settle()
    (ticket,) = await tickets(app)
    assert ticket.status == "closed" and ticket.closed_at == clock.now()
    assert ticket.concluded_at == resolved_at  # the resolution date the deadline counts
    closing = [m for m in parent.messages if "đã đóng." in m.text]
    assert len(closing) == 1 and parent.choices == list(texts.RATING_LABELS.values())
    await parent.taps("3 – Bình thường")  # still rated after it closed
    assert parent.last_reply == texts.RATED


async def test_a_ticket_already_rated_closes_at_once(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent, principal = await answered(app, memory, clock)
    await principal.taps(texts.STAFF_SEND_RESULT)
    await parent.taps("5 – Rất hài lòng")  # rated with the result, before any closing
    assert (await tickets(app))[0].status == "resolved"
    await principal.taps(texts.CLOSE)
    assert (await tickets(app))[0].status == "closed"


CHANNELS = pytest.mark.parametrize("channel", ["telegram", "zalo", "web"])


@CHANNELS
async def test_a_principal_previews_and_sends_a_result_on_each_channel(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    principal: Phone = phone_on(deployment, channel, 1)
    await principal.says(await make_staff_code(deployment.app, setup, "principal"))
    parent = phone_on(deployment, channel, 2)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await parent.says("/phananh")
    await parent.chooses("Phản ánh – kiến nghị")
    await parent.chooses("Bữa ăn")
    await parent.chooses(texts.SEND_NAMED)
    await parent.says("Cơm trưa nguội.")
    await parent.chooses(texts.FEEDBACK_SEND)
    await principal.says("/phieu")
    await principal.chooses("PA-2026-0001")
    await principal.chooses(texts.RESOLVE)
    await principal.says(RESULT)
    assert (await last_reply(principal)).startswith(PREVIEW)
    assert await choices(principal) == [
        texts.STAFF_SEND_RESULT,
        texts.STAFF_EDIT_RESULT,
        texts.CANCEL,
    ]
    assert RESULT not in await last_reply(parent)
    await principal.chooses(texts.STAFF_SEND_RESULT)
    assert f"Kết quả: {RESULT}" in await last_reply(parent)
    assert (await choices(parent))[-1] == texts.RATING_LABELS[5]
