"""Version 2 of the preschool questionnaire in chat, question by question, and next to version 1:
a questionnaire begun on version 1 goes on and is sent after version 2 is installed, new waves
ask version 2, both are scored, and a report compares them only where they asked the same."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import Person
from bot.models.schools import School
from bot.models.waves import CompletionReceipt, Wave, WaveInvite
from bot.reports.model import Percent
from handlers import texts
from handlers.release import hold_answers, release_responses
from handlers.reports.charts import school_chart
from handlers.reports.figures import school_figures
from handlers.reports.periods import week_of
from handlers.reports.sheets import school_sheets
from handlers.reports.summary import school_text
from handlers.results import score_of
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_school, open_wave
from tests.handlers.test_survey_conversation import answer_until_review, join_and_consent
from tests.submitted import submitted_answers

NOTE = "Bộ câu hỏi tham khảo SIPAS, điều chỉnh cho giáo dục mầm non — không phải mẫu chính thức."
# (what is asked, what the parent does: a tap on a label, or words typed, and what is stored)
TRANSCRIPT = [
    ("Người trả lời phiếu này là:", ("tap", "Bố"), "bo"),
    (
        "Anh/chị thường liên hệ với nhà trường, giáo viên chủ yếu bằng cách nào?",
        ("type", "4"),
        "so_lien_lac",
    ),
    (
        "Nhà trường công khai đầy đủ, dễ hiểu thông tin về tuyển sinh, các khoản thu, chế độ "
        "miễn giảm",
        ("tap", "Rất hài lòng"),
        "5",
    ),
    (
        "Thủ tục nhập học, hồ sơ của trẻ được hướng dẫn rõ ràng, một lần là đủ",
        ("type", "4"),
        "4",
    ),
    (
        "Phụ huynh dễ dàng liên hệ với nhà trường, giáo viên (trực tiếp, điện thoại, Zalo)",
        ("tap", "Hài lòng"),
        "4",
    ),
    (
        "Các khoản thu, khoản đóng góp anh/chị đã nộp có đúng như nhà trường đã công khai, "
        "không có khoản nào ngoài quy định không?",
        ("type", "không rõ"),
        "khong_ro",
    ),
    (
        "Phòng học của lớp phù hợp cho trẻ sinh hoạt (đủ rộng, thoáng, đủ ánh sáng)",
        ("tap", "Bình thường"),
        "3",
    ),
    ("Sân chơi ngoài trời an toàn cho trẻ", ("tap", "Hài lòng"), "4"),
    ("Đồ dùng, đồ chơi của lớp đủ cho trẻ sử dụng", ("type", "2"), "2"),
    ("Bếp ăn của trường bảo đảm vệ sinh an toàn thực phẩm", ("type", "0"), "0"),
    ("Khu vệ sinh của trẻ sạch sẽ", ("tap", "Hài lòng"), "4"),
    ("Trẻ được an toàn về thể chất và tinh thần tại trường", ("tap", "Rất hài lòng"), "5"),
    ("Giáo viên, nhân viên thân thiện, tôn trọng trẻ và phụ huynh", ("tap", "Hài lòng"), "4"),
    ("Chế độ ăn, ngủ, chăm sóc sức khỏe của trẻ phù hợp", ("tap", "Hài lòng"), "4"),
    (
        "Các hoạt động giáo dục ở lớp (học qua chơi) phù hợp với độ tuổi của trẻ",
        ("tap", "Hài lòng"),
        "4",
    ),
    (
        "Giáo viên thường xuyên thông tin cho anh/chị về hoạt động của trẻ ở lớp",
        ("type", "khong ro"),
        "0",
    ),
    (
        "Trẻ tiến bộ về thể chất, ngôn ngữ, nhận thức, kỹ năng sau thời gian học",
        ("tap", "Rất hài lòng"),
        "5",
    ),
    (
        "Trẻ phát triển về tình cảm, kỹ năng xã hội và thẩm mỹ (mạnh dạn, biết chia sẻ, yêu "
        "thích cái đẹp)",
        ("tap", "Hài lòng"),
        "4",
    ),
    ("Anh/chị đã từng gửi ý kiến, phản ánh cho nhà trường chưa?", ("type", "rồi"), "yes"),
    ("Nhà trường có kênh tiếp nhận ý kiến, phản ánh thuận tiện", ("tap", "Hài lòng"), "4"),
    ("Ý kiến, phản ánh được tiếp nhận, xử lý đúng quy định", ("tap", "Bình thường"), "3"),
    ("Kết quả xử lý được thông báo kịp thời", ("tap", "Không hài lòng"), "2"),
    ("Nhìn chung, anh/chị hài lòng với nhà trường ở mức nào?", ("tap", "Hài lòng"), "4"),
]
WISHES = "Nhà trường cần ưu tiên cải thiện nội dung nào? (chọn tối đa 3)"
COMMENT = "Anh/chị có ý kiến, đề xuất nào khác để nhà trường làm tốt hơn không?"
KEYS = [
    "nguoi_tra_loi", "lien_he_chu_yeu", "tc_cong_khai", "tc_thu_tuc", "tc_lien_he", "khoan_thu",
    "csvc_phong_lop", "csvc_san_choi", "csvc_do_choi", "csvc_bep_an", "csvc_khu_ve_sinh",
    "mt_an_toan", "mt_than_thien", "hd_cham_soc", "hd_giao_duc", "hd_thong_tin", "kq_tien_bo",
    "kq_tinh_cam", "pakn_da_gui", "pakn_kenh", "pakn_xu_ly", "pakn_thong_bao", "overall",
]  # fmt: skip


async def test_the_whole_v2_questionnaire_in_chat(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    wave = await open_wave(app, setup)
    assert wave.survey_version == 2
    parent = ChatUser(app, memory, clock, "3001")
    await join_and_consent(parent, setup)
    await parent.taps("Bắt đầu")
    intro = parent.messages[-2].text
    assert intro.startswith("Khảo sát sự hài lòng của cha mẹ trẻ\nKính gửi anh/chị!")
    assert "Phiếu có 23 câu, mất khoảng 5 phút." in intro  # 2 of 25 asked only after an answer
    assert "anh/chị chưa nắm rõ, xin chọn 0 – Không rõ." in intro
    assert f"\nGhi chú: {NOTE}\n" in intro

    for number, (text, (how, what), _) in enumerate(TRANSCRIPT, start=1):
        total = 23 if number <= 19 else 25  # two questions follow a "yes" on question 19
        assert parent.last_reply == f"Câu {number}/{total}. {text}", number
        if how == "tap":
            await parent.taps(what)
        else:
            await parent.says(what)
    assert parent.last_reply.startswith(f"Câu 24/25. {WISHES}")
    await parent.taps("Cơ sở vật chất")
    await parent.taps("Thông tin, liên lạc")
    await parent.taps("Xong")
    assert parent.last_reply.startswith(f"Câu 25/25. {COMMENT}")
    await parent.taps("Bỏ qua")

    review = parent.last_reply
    assert review.startswith(texts.REVIEW)
    assert "Câu 1: Người trả lời phiếu này là:\n   → Bố" in review
    assert "Câu 6: Các khoản thu" in review and "→ Không rõ\n" in review
    assert "Câu 10: Bếp ăn của trường bảo đảm vệ sinh an toàn thực phẩm\n   → Không rõ" in review
    assert "Câu 25: " + COMMENT + "\n   → (bỏ qua)" in review
    await parent.taps("Gửi phiếu")
    assert parent.last_reply == texts.SUBMITTED
    async with app.db.sessions() as session:
        (answers,) = await submitted_answers(session)
    expected = {key: stored for key, (_, _, stored) in zip(KEYS, TRANSCRIPT, strict=True)}
    assert answers == {**expected, "wishes": "co_so_vat_chat,thong_tin"}  # the skip: not kept


async def test_a_v1_questionnaire_goes_on_after_v2_is_installed_and_new_waves_ask_v2(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    old = await open_wave(app, setup, days=7, version=1)  # opened before version 2 existed
    parent = ChatUser(app, memory, clock, "3002")
    await join_and_consent(parent, setup)
    await parent.taps("Bắt đầu")
    assert parent.last_reply.startswith("Câu 1/15. Nhà trường công khai đầy đủ")
    await parent.taps("Hài lòng")

    # version 2 is installed: the app restarts with both files, and the run keeps version 1
    await app.stop()
    restarted = create_app(app.settings, channels=[memory], clock=clock, jobs=[])
    await restarted.start(scheduler=False, sender=False)
    parent.app = restarted
    try:
        assert restarted.services.catalog.latest("preschool_parents").version == 2
        await parent.says("/khaosat")
        await parent.taps("Làm tiếp")
        assert parent.last_reply.startswith("Câu 2/15. Thủ tục nhập học")
        await answer_until_review(parent)
        assert "Phòng học, sân chơi, đồ dùng, đồ chơi an toàn, sạch sẽ, đủ" in parent.last_reply
        await parent.taps("Gửi phiếu")
        assert parent.last_reply == texts.SUBMITTED
        async with restarted.db.sessions() as session:
            (answers,) = await submitted_answers(session)
        assert answers["tc_cong_khai"] == "4" and answers["csvc_phong_hoc"] == "4"
        assert "nguoi_tra_loi" not in answers

        clock.advance(days=7)  # the old wave has closed: a new one of the survey may open
        new = await open_wave(restarted, setup, days=7)
        assert (old.survey_version, new.survey_version) == (1, 2)
        await parent.says("/khaosat")
        await parent.taps("Bắt đầu")
        assert parent.last_reply.startswith("Câu 1/23. Người trả lời phiếu này là:")
    finally:
        await restarted.stop()
        app.db = restarted.db


async def answered_wave(
    app: App, clock: FixedClock, setup: SchoolSetup, version: int, level: str
) -> Wave:
    """A week's wave of this version, six parents of Lá 1 giving `level` to every scale item,
    closed and released."""
    wave = await open_wave(app, setup, days=7, version=version)
    survey = app.services.catalog.get("preschool_parents", version)
    given = {q.key: level for q in survey.questions if q.type == "scale"}
    if version == 2:
        given |= {"nguoi_tra_loi": "me", "lien_he_chu_yeu": "zalo", "khoan_thu": "dung"}
    now = app.services.clock.now()
    room = setup.classes["Lá 1"].id
    for _ in range(6):
        async with app.db.transaction() as session:
            person = Person(display_name="", created_at=now)
            session.add(person)
            await session.flush()
            session.add(
                WaveInvite(wave_id=wave.id, person_id=person.id, class_id=room, invited_at=now)
            )
            session.add(CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=now))
            assert await hold_answers(session, wave.id, room, {**given, "pakn_da_gui": "no"})
    clock.advance(days=7)
    await release_responses(app.job_context)
    return wave


async def test_v1_and_v2_waves_are_scored_and_compared_only_on_the_same_questions(
    app: App, clock: FixedClock
) -> None:
    setup = await make_school(app)
    first = await answered_wave(app, clock, setup, 1, "5")  # every scale item 5: all 100
    second = await answered_wave(app, clock, setup, 2, "2")  # a week later, all 2: all 0
    async with app.db.sessions() as session:
        v1 = await score_of(session, app.services.catalog, first, "mean", 5)
        v2 = await score_of(session, app.services.catalog, second, "mean", 5)
        school = await session.get(School, setup.school.id)
        assert school is not None
        closed = second.closes_at.astimezone(ZoneInfo(app.settings.timezone)).date()
        period = week_of(closed)
        assert period.previous() == week_of(closed - timedelta(days=7))
        (figures,) = await school_figures(
            session, app.services.catalog, app.settings, [school], period, closed
        )
    items = {e.key: [i.key for i in e.items] for e in v1.elements}
    assert items["co_so_vat_chat"] == ["csvc_phong_hoc", "csvc_bep_ve_sinh"]
    assert [e.index for e in v1.elements] == [100.0] * 6 and v1.respondents == 6
    assert len({e.key: e for e in v2.elements}["co_so_vat_chat"].items) == 5
    assert [e.index for e in v2.elements] == [0.0] * 6

    (survey,) = figures.surveys
    assert survey.changed == {"co_so_vat_chat", "hoat_dong", "ket_qua"}
    assert survey.element_change("tiep_can") == -100.0  # the same three questions
    assert survey.element_change("pakn") == -100.0
    assert survey.previous_index("co_so_vat_chat") is None
    assert survey.overall_change() is None  # not every element compares
    said = school_text(figures, 5)
    assert "  – Tiếp cận dịch vụ giáo dục: 0 % (−100) ✗ dưới mục tiêu" in said
    assert "  – Cơ sở vật chất: 0 % ✗ dưới mục tiêu" in said
    assert texts.REPORT_NOT_COMPARED.format(previous="tuần trước") in said
    (indices,) = [sheet for sheet in school_sheets(figures, 5) if sheet.title == "Chỉ số hài lòng"]
    rows = {row[1]: list(row[2:5]) for row in indices.rows[1:]}
    assert rows["Tiếp cận dịch vụ giáo dục"] == [Percent(0.0), Percent(100.0), -100.0]
    assert rows["Cơ sở vật chất"] == [Percent(0.0), texts.ROW_NOT_COMPARED, None]
    assert rows[texts.ROW_OVERALL] == [Percent(0.0), texts.ROW_NOT_COMPARED, None]
    chart = school_chart(figures, survey, 5)
    assert [series.values for series in chart.series][1] == [
        100.0,
        None,
        100.0,
        None,
        None,
        100.0,
        None,
    ]
    assert chart.note.startswith(texts.REPORT_CHART_NOT_COMPARED.format(previous="tuần trước"))
