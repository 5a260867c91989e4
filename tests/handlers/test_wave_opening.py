"""Opening a wave from chat: survey, classes, dates, a preview with whom it invites, then confirm.

Nothing is written and nobody is invited before "Mở đợt và mời N phụ huynh"; "Hủy" invites
nobody. The same transcript on Telegram, Zalo (numbers typed) and the web playground.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.schools import Classroom
from bot.models.waves import Wave, WaveClass, WaveInvite
from handlers import texts
from handlers.waves import WaveClassTick, launch_wave
from tests.bot.test_channel_parity import count, join_and_consent
from tests.factories import make_school, make_staff_code
from tests.handlers.posting_helpers import parent, staff
from tests.phones import Deployment, Phone, choices, last_reply, phone_on

CHANNELS = pytest.mark.parametrize("channel", ["telegram", "zalo", "web"])
PULSE = "Khảo sát nhanh trong tuần"


async def principal_at_preview(deployment: Deployment, channel: str) -> Phone:
    """Two consenting parents of Lá 1 and a principal who has previewed a pulse wave for Lá 1."""
    setup = await make_school(deployment.app)
    for person in (2, 3):
        await join_and_consent(
            phone_on(deployment, channel, person), setup.classes["Lá 1"].invite_code
        )
    principal = phone_on(deployment, channel, 1)
    await principal.says(await make_staff_code(deployment.app, setup, "principal"))
    await principal.says("/khaosat")
    await principal.chooses(texts.STAFF_NEW_WAVE)
    assert (await last_reply(principal)).startswith(texts.STAFF_PICK_SURVEY)
    await principal.chooses(PULSE)
    assert (await last_reply(principal)).startswith(texts.STAFF_PICK_CLASSES)
    assert await choices(principal) == [texts.WHOLE_SCHOOL, "Lá 1", "Chồi 1", texts.DONE]
    await principal.chooses("Chồi 1")
    await principal.chooses("Lá 1")
    assert await choices(principal) == [texts.WHOLE_SCHOOL, "✓ Lá 1", "✓ Chồi 1", texts.DONE]
    await principal.chooses("✓ Chồi 1")  # ticked again: off
    await principal.chooses(texts.DONE)
    assert (await last_reply(principal)).startswith(
        texts.STAFF_PICK_DAYS.format(opens="23/11/2026")
    )
    assert await choices(principal) == ["7 ngày", "14 ngày", "30 ngày"]
    await principal.chooses("14 ngày")
    return principal


async def said(phone: Phone, words: str) -> int:
    """How many of the chat's messages hold `words`."""
    return sum(words in bubble.text for bubble in await phone.screen())


@CHANNELS
async def test_a_principal_previews_the_wave_and_opens_it_for_the_classes_ticked(
    deployment: Deployment, channel: str
) -> None:
    principal = await principal_at_preview(deployment, channel)
    preview = texts.STAFF_WAVE_PREVIEW.format(
        title=PULSE, scope="lớp Lá 1", opens="23/11/2026", closes="07/12/2026", invited=2
    )
    assert (await last_reply(principal)).startswith(preview)
    assert await choices(principal) == ["Mở đợt và mời 2 phụ huynh", texts.CANCEL]
    assert await count(deployment, Wave) == 0  # nothing before the confirmation

    await principal.chooses("Mở đợt và mời 2 phụ huynh")
    assert await last_reply(principal) == texts.STAFF_LAUNCHED.format(
        title=PULSE, closes="07/12/2026", invited=2
    )
    assert await count(deployment, WaveInvite) == 2
    async with deployment.app.db.sessions() as session:
        scope = list(await session.scalars(select(WaveClass.class_id)))
    assert len(scope) == 1  # Lá 1 only
    for person in (2, 3):
        invited = await last_reply(phone_on(deployment, channel, person))
        assert PULSE in invited


@CHANNELS
async def test_a_second_wave_of_the_survey_for_a_class_in_those_days_is_refused(
    deployment: Deployment, channel: str
) -> None:
    """Its parents would get the same questionnaire twice: instead of the preview the principal
    is told which class and until when, and is back at the classes."""
    principal = await principal_at_preview(deployment, channel)
    await principal.chooses("Mở đợt và mời 2 phụ huynh")
    invitations = [await said(phone_on(deployment, channel, person), PULSE) for person in (2, 3)]
    await principal.says("/khaosat")
    await principal.chooses(texts.STAFF_NEW_WAVE)
    await principal.chooses(PULSE)
    await principal.chooses("Lá 1")
    await principal.chooses(texts.DONE)
    await principal.chooses("7 ngày")
    busy = texts.WAVE_OVERLAPS.format(classes="Lá 1", title=PULSE, closes="07/12/2026")
    assert (await last_reply(principal)).startswith(f"{busy}\n\n{texts.STAFF_PICK_CLASSES}")
    assert await choices(principal) == [texts.WHOLE_SCHOOL, "Lá 1", "Chồi 1", texts.DONE]
    assert await count(deployment, Wave) == 1
    assert await count(deployment, WaveInvite) == 2
    for person, before in zip((2, 3), invitations, strict=True):
        assert await said(phone_on(deployment, channel, person), PULSE) == before

    await principal.chooses("Chồi 1")  # another class: it opens
    await principal.chooses(texts.DONE)
    await principal.chooses("7 ngày")
    await principal.chooses("Mở đợt và mời 0 phụ huynh")
    assert await last_reply(principal) == texts.STAFF_LAUNCHED.format(
        title=PULSE, closes="30/11/2026", invited=0
    )
    assert await count(deployment, Wave) == 2


@CHANNELS
async def test_a_wave_opened_meanwhile_for_the_class_refuses_the_previewed_one(
    deployment: Deployment, channel: str
) -> None:
    """Between the preview and the tap, a colleague (or the command line) opened the survey
    for Lá 1: the tap opens nothing and says so."""
    principal = await principal_at_preview(deployment, channel)
    app = deployment.app
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        la = await session.scalar(select(Classroom).where(Classroom.name == "Lá 1"))
        assert la is not None
        await launch_wave(
            session, app.services.catalog, school_id=la.school_id, survey_key="pulse",
            opens_at=now, closes_at=now + timedelta(days=3), now=now, settings=app.settings,
            class_ids=[la.id],
        )  # fmt: skip
    await principal.chooses("Mở đợt và mời 2 phụ huynh")
    busy = texts.WAVE_OVERLAPS.format(classes="Lá 1", title=PULSE, closes="26/11/2026")
    assert (await last_reply(principal)).startswith(f"{busy}\n\n{texts.STAFF_PICK_CLASSES}")
    assert await count(deployment, Wave) == 1


@CHANNELS
async def test_cancel_at_the_preview_opens_nothing_and_invites_nobody(
    deployment: Deployment, channel: str
) -> None:
    principal = await principal_at_preview(deployment, channel)
    await principal.chooses(texts.CANCEL)
    assert await last_reply(principal) == texts.WAVE_CANCELLED
    assert await count(deployment, Wave) == 0
    assert await count(deployment, WaveInvite) == 0
    for person in (2, 3):
        assert PULSE not in await last_reply(phone_on(deployment, channel, person))


async def test_a_teacher_opens_a_wave_for_their_own_classes_only(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app, classes=("Lá 1", "Chồi 1", "Mầm 1"))
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1", "Chồi 1")
    await parent(app, memory, clock, setup, "p1", "Mầm 1")
    await parent(app, memory, clock, setup, "p2", "Chồi 1")
    await teacher.says("/khaosat")
    await teacher.taps(texts.STAFF_NEW_WAVE)
    await teacher.taps(PULSE)
    assert teacher.choices == ["Lá 1", "Chồi 1", texts.DONE]  # no whole school, no Mầm 1
    await teacher.taps(texts.DONE)
    assert teacher.last_reply == texts.ANNOUNCE_PICK_ONE  # at least one class
    await teacher.taps_forged(WaveClassTick(setup.classes["Mầm 1"].id))
    assert teacher.last_reply == texts.WAVE_NOT_YOURS
    await teacher.taps("Chồi 1")
    await teacher.taps(texts.DONE)
    await teacher.taps("7 ngày")
    preview, confirm = teacher.button("Mở đợt")  # the refusals above were sent after it
    assert "Mời 1 phụ huynh" in preview.text and "lớp Chồi 1" in preview.text
    await teacher.taps("Mở đợt")
    await teacher.taps_payload(confirm.payload)  # a double tap opens nothing more
    assert teacher.last_reply == texts.STALE_BUTTON
    async with app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Wave)) == 1
        assert await session.scalar(select(func.count()).select_from(WaveInvite)) == 1


async def test_a_teacher_of_one_class_goes_straight_to_the_dates(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    await teacher.says("/khaosat")
    await teacher.taps(texts.STAFF_NEW_WAVE)
    await teacher.taps(PULSE)
    assert teacher.last_reply == texts.STAFF_PICK_DAYS.format(opens="23/11/2026")
    await teacher.says("mười ngày")  # typed: the step's buttons again
    assert teacher.last_reply.endswith(texts.STAFF_PICK_DAYS.format(opens="23/11/2026"))
    await teacher.taps("7 ngày")
    assert "Mời 0 phụ huynh" in teacher.last_reply
