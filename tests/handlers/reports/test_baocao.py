"""/baocao as transcripts: principals, officers of a ward and of a province, and those who may
not read reports."""

from __future__ import annotations

import asyncio

import docx
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bot.app import App
from bot.channels.memory import MemoryChannel, inbound_from
from bot.clock import FixedClock
from bot.models.messages import OutboxMessage
from bot.models.service import WorkItem
from bot.settings import Settings
from handlers import texts
from handlers.reports.chat import Report, ReportRange
from tests.chat import ChatUser
from tests.handlers.reports.dataset import OTHER_WARD, PROVINCE, WARD, Seeded, officer, staff
from tests.handlers.reports.test_digest import A_DIGEST
from tests.statements import statements

LAST_WEEK_TEXT = A_DIGEST.removesuffix("\n\n" + texts.REPORT_ATTACHED)
CHART_COMING = "\n\n" + texts.REPORT_FILES_COMING.format(
    files=texts.REPORT_FILES_CHART, you="thầy/cô"
)
DOCX_COMING = "\n\n" + texts.REPORT_FILES_COMING.format(
    files=texts.REPORT_FILES_DOCX, you="thầy/cô"
)
# an officer of the UBND or the Sở is no teacher: "anh/chị", as their welcome says
OFFICER_CHART_COMING = (
    "\n\n⏳ Đang chuẩn bị biểu đồ và tệp số liệu (XLSX); anh/chị sẽ nhận được ngay sau tin này."
)
PRINCIPAL = "p-MN-ANBINH-1"


async def member(app: App, seeded: Seeded, chat_id: str, role: str) -> None:
    async with app.db.transaction() as session:
        await staff(session, seeded.schools["A"], chat_id, "memory", role)


async def test_a_principal_reads_last_weeks_report_with_its_chart_and_xlsx(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    principal = ChatUser(app, memory, clock, PRINCIPAL)
    await principal.says("/baocao")
    assert principal.last_reply == "Báo cáo – Trường Mầm non An Bình. Mời chọn kỳ báo cáo:"
    assert principal.choices == [
        "Tuần này",
        "Tuần trước",
        "Chọn khoảng ngày",
        "Báo cáo quý này (DOCX)",
        "Báo cáo quý trước (DOCX)",
    ]
    await principal.taps("Tuần trước")
    text, chart, table = principal.messages[-3:]
    assert text.text == LAST_WEEK_TEXT + CHART_COMING  # the files follow, drawn after commit
    assert chart.image is not None and chart.text.endswith("tuần 16/11–22/11/2026")
    with Image.open(chart.image) as image:
        image.verify()
    assert table.document is not None and table.document_name is not None
    assert table.document_name.endswith(".xlsx")
    load_workbook(table.document, read_only=True).close()


async def test_a_typed_range_and_the_quarter_draft(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    principal = ChatUser(app, memory, clock, PRINCIPAL)
    await principal.says("/baocao")
    await principal.taps("Chọn khoảng ngày")
    assert principal.last_reply == texts.REPORT_ASK_RANGE.format(days=366, you="thầy/cô")
    assert "/huy" in principal.last_reply and "/trogiup" in principal.last_reply
    await principal.says("tuần trước")
    assert principal.last_reply == texts.REPORT_BAD_RANGE.format(days=366, you="thầy/cô")
    await principal.says("09/11/2026 – 22/11/2026")
    report = principal.messages[-3].text
    assert report.startswith("📊 Báo cáo từ 09/11/2026 đến 22/11/2026 – Trường Mầm non An Bình")
    assert "• 11 phiếu trong kỳ." in report  # both weeks
    assert "thay đổi so với kỳ trước" in report

    await principal.says("/baocao")
    await principal.taps("Báo cáo quý này (DOCX)")
    text, draft, table = principal.messages[-3:]
    assert text.text.startswith("📊 Báo cáo quý IV năm 2026 – Trường Mầm non An Bình")
    assert text.text.endswith(DOCX_COMING)
    assert draft.document is not None and draft.document_name is not None
    assert draft.document_name.endswith(".docx")
    assert draft.text == texts.REPORT_DOCX_CAPTION.format(period="quý IV năm 2026")
    written = "\n".join(p.text for p in docx.Document(draft.document).paragraphs)
    assert "Số CMHS tham gia khảo sát 12/32 CMHS." in written
    assert table.document_name and table.document_name.endswith(".xlsx")


async def test_a_range_can_follow_the_command_and_a_range_step_can_be_cancelled(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    principal = ChatUser(app, memory, clock, PRINCIPAL)
    await principal.says("/baocao 16/11/2026 - 22/11/2026")
    assert principal.messages[-3].text.startswith("📊 Báo cáo từ 16/11/2026 đến 22/11/2026")
    await principal.says("/baocao")
    await principal.taps("Chọn khoảng ngày")
    await principal.says("/huy")
    assert principal.last_reply == texts.REPORT_CANCELLED
    await principal.says("16/11/2026 - 22/11/2026")  # no longer asked: the usual answer
    assert principal.last_reply != texts.REPORT_CANCELLED
    assert not principal.last_reply.startswith("📊")


async def officer_of(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock, which: str
) -> ChatUser:
    async with app.db.transaction() as session:
        await officer(session, seeded.authorities[which], f"officer-{which}")
    return ChatUser(app, memory, clock, f"officer-{which}")


async def test_a_ward_officer_sees_the_wards_schools_side_by_side_and_nothing_else(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    ward = await officer_of(app, seeded, memory, clock, "ward")
    await ward.says("/baocao")
    assert ward.last_reply == f"Báo cáo – {WARD}. Mời chọn kỳ báo cáo:"
    assert ward.choices == [
        "Các trường – tuần trước", "Các trường – quý này", "Các trường – chọn khoảng ngày",
    ]  # fmt: skip
    await ward.taps("Các trường – tuần trước")
    text, chart, table = ward.messages[-3:]
    lines = text.text.splitlines()
    assert lines[0] == f"📊 {WARD} – tuần 16/11–22/11/2026: 2 trường"
    assert "1. Trường Mầm non An Bình: 80 % ✗ dưới mục tiêu; tham gia 6/16 (37,5 %)" in lines
    assert "Xã Khác" not in text.text  # the other commune's school
    assert text.text.endswith(OFFICER_CHART_COMING)
    assert chart.image is not None and table.document is not None
    with Image.open(chart.image) as image:
        assert image.format == "PNG" and image.width == 720 and image.height >= 300  # for a phone
    book = load_workbook(table.document, read_only=True)
    assert book.sheetnames == ["Các trường", "Phân bố theo mục tiêu", "Ghi chú"]
    names = [row[1] for row in book["Các trường"].iter_rows(min_row=2, values_only=True)]
    book.close()
    assert names == ["Trường Mầm non An Bình", "Trường Mầm non Bình An", "Trung bình các trường"]

    # the other commune, or the province above, cannot be asked for with a forged button
    for other in ("other", "province"):
        forged = Report("a", "w1", seeded.authorities[other].id)
        await ward.taps_signed(forged.encode())
        assert ward.last_reply == texts.REPORT_FOR_STAFF
    await ward.taps_signed(ReportRange("a", seeded.authorities["other"].id).encode())
    assert ward.last_reply == texts.REPORT_FOR_STAFF
    # a typed range after the command reports on the officer's own authority
    await ward.says("/baocao 09/11/2026 - 22/11/2026")
    assert ward.messages[-3].text.startswith(f"📊 {WARD} – từ 09/11/2026 đến 22/11/2026: 2 trường")
    await ward.says("menu")  # an officer is "anh/chị", a teacher or principal "thầy/cô"
    assert ward.last_reply.startswith("Anh/chị chọn việc cần làm:")
    # only what an officer can use: the news were offered, and answered "for school staff"
    assert ward.choices == ["Báo cáo", "Phiếu cần xử lý", "Dữ liệu cá nhân", "Hướng dẫn"]
    await ward.says("/tin")
    assert ward.last_reply == (
        "Tin cải cách hành chính do ban giám hiệu từng trường gửi cho phụ huynh. Anh/chị so sánh "
        "các trường bằng /baocao."
    )
    # no class to join: the surveys are the parents', their results are in /baocao
    await ward.says("/khaosat")
    assert ward.last_reply == (
        "Phiếu khảo sát do phụ huynh trả lời. Anh/chị xem kết quả của các trường thuộc cơ quan "
        "bằng /baocao."
    )


async def test_a_province_officer_sees_every_school_beneath_ranked_and_its_wards(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    province = await officer_of(app, seeded, memory, clock, "province")
    await province.says("/baocao")
    assert province.last_reply == f"Báo cáo – {PROVINCE}. Mời chọn kỳ báo cáo:"
    await province.taps("Các trường – chọn khoảng ngày")
    assert province.last_reply.startswith("Mời anh/chị gõ khoảng ngày theo mẫu 01/11/2026")
    await province.says("16/11 - 22/11")
    assert province.last_reply.startswith("Chưa đúng mẫu. Mời anh/chị gõ lại")
    await province.says("16/11/2026 - 22/11/2026")
    text, chart, table = province.messages[-3:]
    assert text.text.splitlines()[:3] == [
        f"📊 {PROVINCE} – từ 16/11/2026 đến 22/11/2026: 3 trường",
        "Trung bình các trường: chỉ số chung 90 %, tham gia 55,8 %, giải quyết đúng hạn 75 %.",
        "So với mục tiêu: từ 90 % trở lên: 1 trường; từ 80 % đến dưới 90 %: 1 trường; "
        "dưới 80 %: 0 trường; chưa có chỉ số (ẩn hoặc chưa có phiếu): 1 trường.",
    ]
    assert f"• {OTHER_WARD}: 100 %; 1 trường, 1 trường đạt mục tiêu" in text.text
    assert f"• {WARD}: 80 %; 2 trường, 0 trường đạt mục tiêu" in text.text
    ranking = text.text.split("Xếp hạng các trường theo chỉ số chung:\n")[1].splitlines()
    assert [line.split(":")[0] for line in ranking[:3]] == [
        "1. Trường Mầm non Xã Khác", "2. Trường Mầm non An Bình", "–. Trường Mầm non Bình An",
    ]  # fmt: skip
    assert chart.image is not None and table.document is not None
    book = load_workbook(table.document, read_only=True)
    assert "Các đơn vị" in book.sheetnames
    book.close()


async def test_teachers_and_parents_are_told_who_reports_are_for(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    await member(app, seeded, "teacher", "teacher")
    teacher = ChatUser(app, memory, clock, "teacher")
    await teacher.says("/baocao")
    assert teacher.last_reply == texts.REPORT_FOR_STAFF
    stranger = ChatUser(app, memory, clock, "stranger")
    await stranger.says("/baocao")
    assert stranger.last_reply == texts.REPORT_FOR_STAFF
    # a principal cannot reach an authority's view with a forged button
    principal = ChatUser(app, memory, clock, PRINCIPAL)
    await principal.taps_signed(Report("a", "w1", seeded.authorities["ward"].id).encode())
    assert principal.last_reply == texts.REPORT_FOR_STAFF
    await principal.taps_signed("report:s:zz")
    assert principal.last_reply == texts.STALE_BUTTON


async def test_the_files_are_drawn_after_the_reply_commits_while_the_inbox_takes_updates(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock, settings: Settings
) -> None:
    principal = ChatUser(app, memory, clock, PRINCIPAL)
    asked = "/baocao 16/11/2026 - 22/11/2026"
    await memory.deliver(inbound_from(memory, PRINCIPAL, clock.now(), text=asked))
    await app.dispatcher.idle()  # the handling transaction has committed
    (reply,) = await pending_texts(app)
    assert reply.startswith("📊 Báo cáo từ 16/11/2026 đến 22/11/2026") and reply.endswith(
        CHART_COMING
    )
    assert not settings.reports_dir.exists()  # nothing drawn inside it
    drawing = asyncio.create_task(app.worker.drain(app.job_context))
    while await work_statuses(app) != ["running"]:
        await asyncio.sleep(0.001)
    # an update arriving meanwhile is recorded at once: no transaction is held while drawing
    parent = inbound_from(memory, "parent-1", clock.now(), text="/trogiup")
    assert await asyncio.wait_for(app.receive(parent), timeout=5)
    assert not drawing.done() and await work_statuses(app) == ["running"]
    await drawing
    await app.settle()
    text, chart, table = principal.messages[-3:]
    assert text.text == reply
    assert chart.image is not None and table.document_name is not None
    assert memory.chats["parent-1"][-1].text == texts.HELP


async def test_files_that_cannot_be_made_end_in_an_apology_not_silence(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock, settings: Settings
) -> None:
    settings.reports_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.reports_dir.write_text("not a folder")  # every file fails to be written
    principal = ChatUser(app, memory, clock, PRINCIPAL)
    await principal.says("/baocao 16/11/2026 - 22/11/2026")
    assert principal.last_reply.endswith(CHART_COMING)
    for _ in range(app.worker.max_attempts):
        clock.advance(hours=1)
        await app.settle()
    assert principal.last_reply == texts.REPORT_FILES_FAILED.format(
        files=texts.REPORT_FILES_CHART, period="từ 16/11/2026 đến 22/11/2026", you="thầy/cô"
    )
    assert [m.image or m.document for m in principal.messages] == [None, None]


async def pending_texts(app: App) -> list[str]:
    async with app.db.sessions() as session:
        bodies = await session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.status == "pending")
        )
        return [body["text"] for body in bodies if body]


async def work_statuses(app: App) -> list[str]:
    async with app.db.sessions() as session:
        return list(await session.scalars(select(WorkItem.status).order_by(WorkItem.id)))


async def test_reports_asked_together_queue_their_files_in_one_statement(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    asked = "/baocao 16/11/2026 - 22/11/2026"
    principals = [PRINCIPAL, "p-MN-ANBINH-2"]
    with statements(app) as seen:
        await asyncio.gather(
            *(memory.deliver(inbound_from(memory, p, clock.now(), text=asked)) for p in principals)
        )
        await app.dispatcher.idle()
    assert seen["INSERT INTO work_items"] == 1 and seen["INSERT INTO outbox_messages"] == 1
    await app.settle()
    for chat_id in principals:
        text, chart, table = memory.chats[chat_id][-3:]
        assert text.text.endswith(CHART_COMING) and chart.image and table.document
