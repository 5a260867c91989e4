"""The weekly digest: its text and files, and exactly once per school and week."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel, Shown
from bot.clock import FixedClock
from bot.models.digests import Digest
from bot.settings import Settings
from handlers import texts
from handlers.reports.digest import due_week, send_weekly_digests
from handlers.reports.periods import Period
from tests.handlers.reports.dataset import LAST_WEEK, THIS_WEEK, Seeded

A_DIGEST = """📊 Báo cáo tuần 16/11–22/11/2026 – Trường Mầm non An Bình

Khảo sát “Khảo sát sự hài lòng của cha mẹ trẻ”
• Tham gia: 6/16 phụ huynh được mời đã trả lời (37,5 %).
• Theo lớp: Lá 1 5/8; 2 lớp dưới 5 phiếu không hiển thị riêng.
• 6 phiếu trong kỳ. Chỉ số hài lòng (mục tiêu 90 %; thay đổi so với tuần trước):
  – Tiếp cận dịch vụ giáo dục: 83,3 % (+23,3) ✗ dưới mục tiêu
  – Cơ sở vật chất: 66,7 % (+6,7) ✗ dưới mục tiêu
  – Môi trường chăm sóc và giáo dục trẻ: 100 % (+20) ✓
  – Hoạt động chăm sóc và giáo dục trẻ: 66,7 % (+6,7) ✗ dưới mục tiêu
  – Kết quả chăm sóc và giáo dục trẻ: 83,3 % (+3,3) ✗ dưới mục tiêu
  – Tiếp nhận, xử lý phản ánh – kiến nghị: 80 % (±0) ✗ dưới mục tiêu
  – Chỉ số chung (trung bình các nội dung): 80 % (+10) ✗ dưới mục tiêu
  – Hài lòng với nhà trường nói chung: 83,3 % phụ huynh
• Mong đợi nhiều nhất: Cơ sở vật chất (4), Ăn, ngủ, học, chơi (2), Thông tin, liên lạc (2).

Phản ánh – kiến nghị: 3 phiếu mới; đến hạn 2, đúng hạn 1 (50 %); 1 phiếu quá hạn chưa xong; \
phiếu mở lâu nhất 12 ngày.
Tin CCHC: 1 tin, đạt kế hoạch ít nhất 1 tin mỗi tuần ✓; thông báo: 1; đã tới 4/6 lượt nhận.

Biểu đồ và tệp số liệu (XLSX) ở các tin nhắn tiếp theo."""

B_DIGEST_SURVEY = """Khảo sát “Khảo sát sự hài lòng của cha mẹ trẻ”
• Tham gia: 3/10 phụ huynh được mời đã trả lời (30 %).
• Theo lớp: 1 lớp dưới 5 phiếu không hiển thị riêng.
• 3 phiếu trong kỳ: chỉ số ẩn (dưới 5 câu trả lời), để giữ ẩn danh."""


async def run_digest(app: App) -> None:
    await send_weekly_digests(app.job_context)
    await app.settle()


def chat(memory: MemoryChannel, chat_id: str) -> list[Shown]:
    return memory.chats.get(chat_id, [])


async def digests(app: App) -> list[tuple[int, str, int]]:
    async with app.db.sessions() as session:
        rows = await session.execute(
            select(Digest.school_id, Digest.week_start, Digest.recipients).order_by(Digest.id)
        )
        return [(school, week.isoformat(), n) for school, week, n in rows]


async def test_every_principal_gets_the_weeks_text_chart_and_xlsx(
    app: App, seeded: Seeded, memory: MemoryChannel
) -> None:
    await run_digest(app)
    for n in (1, 2):  # the principal and the vice-principal
        text, chart, table = chat(memory, f"p-MN-ANBINH-{n}")
        assert text.text == A_DIGEST
        assert chart.text == "Biểu đồ chỉ số hài lòng – tuần 16/11–22/11/2026"
        assert chart.image is not None
        with Image.open(chart.image) as image:
            assert image.format == "PNG"
        assert table.text == "Số liệu tuần 16/11–22/11/2026 (XLSX)"
        assert table.document_name == "bao-cao-mn-anbinh-2026-11-16-2026-11-22.xlsx"
        assert table.document is not None
        assert "Chỉ số hài lòng" in load_workbook(table.document, read_only=True).sheetnames
    b_text = chat(memory, "p-MN-BINHAN-1")[0].text
    assert B_DIGEST_SURVEY in b_text and "chưa đạt kế hoạch ít nhất 1 tin mỗi tuần ✗" in b_text
    school = {code: s.id for code, s in seeded.schools.items()}
    assert await digests(app) == [
        (school["C"], "2026-11-16", 0),  # no principal: marked, nothing sent
        (school["A"], "2026-11-16", 2),
        (school["B"], "2026-11-16", 1),
    ]


async def test_the_digest_is_sent_once_per_school_and_week(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    # two replicas at the same moment, then the job again, then after a restart
    await asyncio.gather(run_digest(app), run_digest(app))
    await run_digest(app)
    restarted = create_app(app.settings, channels=[memory], clock=clock, jobs=[])
    await restarted.start(scheduler=False, sender=False)
    try:
        await run_digest(restarted)
    finally:
        await restarted.stop()
    principal = chat(memory, "p-MN-ANBINH-1")
    assert [m.text for m in principal].count(A_DIGEST) == 1 and len(principal) == 3
    assert all(Path(m.image or m.document or "x").is_file() for m in principal[1:])
    assert len(await digests(app)) == 3
    files = sorted(p.suffix for p in (app.settings.reports_dir).iterdir())
    assert files == [".png", ".png", ".xlsx", ".xlsx"]  # a loser's files are removed

    clock.advance(days=7)  # the next Monday 09:00: the next week's digest
    await run_digest(app)
    assert len(chat(memory, "p-MN-ANBINH-1")) == 6
    assert "📊 Báo cáo tuần 23/11–29/11/2026" in chat(memory, "p-MN-ANBINH-1")[3].text


@pytest.mark.parametrize(
    ("local", "day", "at", "week"),
    [
        ("2026-11-23 06:59", "mon", "07:00", LAST_WEEK),  # not yet: the week before is due
        ("2026-11-23 07:00", "mon", "07:00", THIS_WEEK),
        ("2026-11-29 23:59", "mon", "07:00", THIS_WEEK),
        ("2026-11-27 15:00", "fri", "16:00", LAST_WEEK),
        ("2026-11-27 16:00", "fri", "16:00", THIS_WEEK),
    ],
)
def test_the_week_due_is_the_last_full_week_before_the_digest_moment(
    settings: Settings, local: str, day: str, at: str, week: Period
) -> None:
    chosen = settings.model_copy(update={"digest_day": day, "digest_time": at})
    now = datetime.fromisoformat(local + "+07:00").astimezone(UTC)
    assert due_week(now, chosen) == week


async def test_a_school_created_after_the_week_gets_no_digest_for_it(
    app: App, seeded: Seeded, memory: MemoryChannel
) -> None:
    async with app.db.transaction() as session:
        for school in seeded.schools.values():
            school.created_at = datetime(2026, 11, 23, 1, tzinfo=UTC)
            session.add(school)
    await run_digest(app)
    assert chat(memory, "p-MN-ANBINH-1") == [] and await digests(app) == []


def test_the_digest_copy_says_the_files_follow() -> None:
    assert A_DIGEST.endswith(texts.REPORT_ATTACHED)
