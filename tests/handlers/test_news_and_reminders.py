"""Reform news (/tin) and survey reminders as transcripts, with a fixed clock."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.broadcasts import Broadcast
from bot.models.people import ChatAccount
from bot.models.waves import CompletionReceipt
from handlers import texts
from handlers.news_samples import SAMPLES, add_samples
from tests.factories import make_school, open_wave
from tests.handlers.posting_helpers import announce, parent, run_jobs, shown, staff

TITLE, TEXT, LINK = SAMPLES[0]
BODY = f"📰 {TITLE}\n\n{TEXT}\n\n👉 Làm thủ tục trực tuyến: {LINK}"


async def with_samples(app: App, school_id: int) -> None:
    async with app.db.transaction() as session:
        assert await add_samples(session, school_id, app.services.clock.now()) == len(SAMPLES)
        assert await add_samples(session, school_id, app.services.clock.now()) == 0


async def test_a_principal_sends_a_sample_post_now_and_the_week_is_counted(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    await with_samples(app, setup.school.id)
    principal = await staff(app, memory, clock, setup, "h1", "principal")
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    lan = await parent(app, memory, clock, setup, "p1")
    declined = await parent(app, memory, clock, setup, "p2", "Chồi 1", news=False)

    await teacher.says("/tin")
    assert teacher.last_reply == texts.NEWS_PRINCIPAL_ONLY
    await lan.says("/tin")
    assert lan.last_reply == texts.STAFF_ONLY

    await principal.says("/tin")
    assert principal.last_reply.startswith(
        "Tin cải cách hành chính – Trường Mầm non MN-TEST\n"
        "Tuần này đã gửi 0 tin (kế hoạch: ít nhất 1 tin mỗi tuần) – chưa đạt."
    )
    assert TITLE in principal.choices and principal.choices[-2:] == [
        texts.NEWS_NEW,
        texts.NEWS_SCHEDULE_LIST,
    ]
    await principal.taps(TITLE)
    assert principal.last_reply.startswith(f"Xem trước:\n———\n{BODY}\n———\n")
    assert "1 phụ huynh nhắn riêng, 0 nhóm lớp (1 tin)" in principal.last_reply
    send_now = principal.button(texts.NEWS_SEND_NOW)
    await principal.taps(texts.NEWS_SEND_NOW)
    assert principal.last_reply == texts.ANNOUNCE_QUEUED.format(total=1)
    await principal.taps_payload(send_now[1].payload)  # a double tap: the preview has ended
    assert principal.last_reply == texts.STALE_BUTTON
    await app.settle()
    assert lan.last_reply == BODY and shown(lan).count(BODY) == 1
    assert BODY not in shown(declined)

    await run_jobs(app)
    assert principal.last_reply == f"Kết quả gửi “{TITLE}”: đã gửi 1/1."
    await principal.says("/tin")
    assert "Tuần này đã gửi 1 tin (kế hoạch: ít nhất 1 tin mỗi tuần) ✓." in principal.last_reply


async def test_a_weekly_post_goes_every_monday_morning(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    await with_samples(app, setup.school.id)
    principal = await staff(app, memory, clock, setup, "h1", "principal")
    lan = await parent(app, memory, clock, setup, "p1")
    await principal.says("/tin")
    await principal.taps(TITLE)
    await principal.taps(texts.NEWS_WEEKLY)
    # START is Monday 09:00 in Hà Nội: the first one goes next Monday at 08:00
    assert principal.last_reply.startswith(
        f"Đã lên lịch gửi “{TITLE}” lúc 08:00 30/11/2026, rồi cứ 7 ngày một lần."
    )
    clock.advance(days=6, hours=22, minutes=59)  # Monday 07:59
    await run_jobs(app)
    assert BODY not in shown(lan)
    clock.advance(minutes=1)
    await run_jobs(app)
    assert shown(lan).count(BODY) == 1
    await run_jobs(app)  # the job again, or a second replica: released once
    clock.advance(days=7)
    await run_jobs(app)
    assert shown(lan).count(BODY) == 2

    await principal.says("/tin")
    await principal.taps(texts.NEWS_SCHEDULE_LIST)
    assert "“" + TITLE + "” lúc 08:00 14/12/2026" in principal.last_reply
    await principal.taps("Hủy lịch 08:00 14/12: Đăng ký tuyển sinh mầm non trực…")
    assert principal.last_reply == texts.NEWS_UNSCHEDULED.format(title=TITLE)
    clock.advance(days=7)
    await run_jobs(app)
    assert shown(lan).count(BODY) == 2


async def test_a_principal_writes_a_new_post_with_a_link(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    principal = await staff(app, memory, clock, setup, "h1", "principal")
    await principal.says("/tin")
    assert texts.NEWS_EMPTY_LIBRARY.strip() in principal.last_reply
    await principal.taps(texts.NEWS_NEW)
    await principal.says("x" * (texts.NEWS_TITLE_LIMIT + 1))
    assert principal.last_reply == texts.NEWS_TOO_LONG.format(limit="120")
    await principal.says("Miễn giảm học phí trực tuyến")
    await principal.says("Hồ sơ miễn giảm học phí nay nộp trực tuyến, không cần đến trường.")
    assert principal.last_reply == texts.NEWS_ASK_LINK
    await principal.says("dichvucong")
    assert principal.last_reply == texts.NEWS_BAD_LINK
    await principal.says("https://dichvucong.gov.vn")
    assert principal.messages[-2].text == texts.NEWS_SAVED
    assert principal.last_reply.startswith("Xem trước:\n———\n📰 Miễn giảm học phí trực tuyến")
    assert "👉 Làm thủ tục trực tuyến: https://dichvucong.gov.vn" in principal.last_reply
    await principal.taps(texts.NEWS_TOMORROW)
    assert "lúc 08:00 24/11/2026." in principal.last_reply

    await principal.says("/tin")
    await principal.taps(texts.NEWS_NEW)
    await principal.says("Miễn giảm học phí trực tuyến")  # the library has it: asked again
    assert principal.last_reply == texts.NEWS_TITLE_TAKEN
    await principal.says("Lịch tiếp công dân")
    assert principal.last_reply == texts.NEWS_ASK_TEXT.format(limit="1.200")


async def test_reminders_go_only_to_those_who_have_not_answered_at_most_twice_never_at_night(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    answered = await parent(app, memory, clock, setup, "p1")
    waiting = await parent(app, memory, clock, setup, "p2")
    late = await parent(app, memory, clock, setup, "p3")
    wave = await open_wave(app, setup, days=14)
    reminder = texts.SURVEY_REMINDER.format(title=wave.title, closes="07/12/2026", minutes=5)
    await has_answered(app, "p1", wave.id)

    clock.advance(days=2, hours=23)
    await run_jobs(app)
    assert reminder not in shown(waiting)  # not due before three days
    clock.advance(hours=13)  # three days and 12 hours after: 21:00 in Hà Nội, quiet hours
    await run_jobs(app)
    assert reminder not in shown(waiting)
    await has_answered(app, "p3", wave.id)  # during the night, while the reminder waits
    clock.advance(hours=9, minutes=31)  # 06:31
    await run_jobs(app)
    assert shown(waiting).count(reminder) == 1
    assert waiting.choices == [texts.SURVEY_ANSWER]
    assert reminder not in shown(answered) + shown(late)

    clock.advance(days=3)
    await run_jobs(app)
    clock.advance(days=3)
    await run_jobs(app)
    assert shown(waiting).count(reminder) == 2  # HAILONG_SURVEY_REMINDERS
    async with app.db.sessions() as session:
        rounds = await session.scalars(
            select(Broadcast.reminder_round)
            .where(Broadcast.kind == "reminder")
            .order_by(Broadcast.id)
        )
        assert list(rounds) == [1, 2]
    await waiting.taps(texts.SURVEY_ANSWER)
    assert waiting.last_reply.startswith("Câu 1/")


async def test_a_wave_opened_at_night_invites_parents_in_the_morning(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    waiting = await parent(app, memory, clock, setup, "p1")
    early = await parent(app, memory, clock, setup, "p2")
    clock.advance(hours=13)  # 22:00 in Hà Nội: quiet hours
    wave = await open_wave(app, setup, days=14)
    invitation = texts.SURVEY_INVITE.format(title=wave.title, closes="07/12/2026", minutes=5)
    await run_jobs(app)
    assert invitation not in shown(waiting)
    await has_answered(app, "p2", wave.id)  # found it in /khaosat during the night
    clock.advance(hours=8, minutes=31)  # 06:31
    await run_jobs(app)
    assert shown(waiting).count(invitation) == 1
    assert invitation not in shown(early)


async def has_answered(app: App, chat_id: str, wave_id: int) -> None:
    """The receipt a submitted questionnaire leaves (the answers themselves do not matter here)."""
    async with app.db.transaction() as session:
        person_id = await session.scalar(
            select(ChatAccount.person_id).where(ChatAccount.chat_id == chat_id)
        )
        assert person_id is not None
        now = app.services.clock.now()
        session.add(CompletionReceipt(wave_id=wave_id, person_id=person_id, submitted_at=now))


async def test_the_demo_personas_announce_and_publish(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    from handlers.demo import seed_demo
    from tests.chat import ChatUser

    async with app.db.transaction() as session:
        await seed_demo(
            session, app.services.catalog, clock.now(), app.services.settings, channel=memory.name
        )
    principal = ChatUser(app, memory, clock, "web-principal")
    teacher = ChatUser(app, memory, clock, "web-teacher-la1")
    la1 = ChatUser(app, memory, clock, "web-parent-la1")

    await principal.says("/tin")
    assert [title for title, _, _ in SAMPLES] == list(reversed(principal.choices[:-2]))
    preview = await announce(teacher)
    assert "Gửi tới: lớp Lá 1 — 9 phụ huynh nhắn riêng, 0 nhóm lớp (9 tin)." in preview
    await teacher.taps(texts.SEND)
    await app.settle()
    assert la1.last_reply.startswith("📢 Thông báo – lớp Lá 1")
