"""The demo's ward and province: /baocao as the officer personas shows a real comparison of three
schools, each with answers enough for its figures; seeding twice changes nothing."""

from __future__ import annotations

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.schools import Authority, School
from handlers.demo import PROVINCE_OFFICER, WARD_OFFICER, seed_demo
from handlers.demo_authorities import DEMO_PROVINCE, DEMO_WARD
from handlers.tickets.store import Terms
from tests.chat import ChatUser


async def seeded(app: App, memory: MemoryChannel, clock: FixedClock) -> list[str]:
    async with app.db.transaction() as session:
        demo = await seed_demo(
            session,
            app.services.catalog,
            clock.now(),
            app.services.settings,
            channel=memory.name,
            terms=Terms.of(app.settings),
        )
    return [persona.label for persona in demo.personas]


async def test_the_officer_personas_compare_the_three_schools_of_the_ward(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    labels = await seeded(app, memory, clock)
    assert "Cán bộ UBND phường Sài Gòn (/baocao, /phieu)" in labels
    ward = ChatUser(app, memory, clock, WARD_OFFICER)
    await ward.says("/baocao")
    assert ward.last_reply == f"Báo cáo – {DEMO_WARD}. Mời chọn kỳ báo cáo:"
    await ward.taps("Các trường – tuần trước")
    text, chart, table = ward.messages[-3:]
    lines = text.text.splitlines()
    assert lines[0].startswith(f"📊 {DEMO_WARD} – tuần ") and lines[0].endswith(": 3 trường")
    assert lines[2] == (
        "So với mục tiêu: từ 90 % trở lên: 1 trường; từ 80 % đến dưới 90 %: 1 trường; "
        "dưới 80 %: 1 trường; chưa có chỉ số (ẩn hoặc chưa có phiếu): 0 trường."
    )
    ranking = text.text.split("Xếp hạng các trường theo chỉ số chung:\n")[1].splitlines()
    assert [line.split(":")[0] for line in ranking[:3]] == [
        "1. Trường Mầm non Hướng Dương",  # 11 of 12 satisfied on every item
        "2. Trường Mầm non Bông Hồng",  # 6 of 7
        "3. Trường Mầm non Hoa Sen",
    ]
    assert ranking[0].startswith("1. Trường Mầm non Hướng Dương: 91,7 % ✓; tham gia 12/15")
    assert ranking[1].startswith("2. Trường Mầm non Bông Hồng: 85,7 % ✗ dưới mục tiêu")
    assert chart.image is not None and table.document is not None
    with Image.open(chart.image) as image:
        assert image.format == "PNG" and image.width == 720 and image.height >= 300  # for a phone
    book = load_workbook(table.document, read_only=True)
    ranks = [row[0] for row in book["Các trường"].iter_rows(min_row=2, values_only=True)]
    book.close()
    assert ranks == [1, 2, 3, None]  # and the average

    province = ChatUser(app, memory, clock, PROVINCE_OFFICER)
    await province.says("/baocao")
    await province.taps("Các trường – quý này")
    said = province.messages[-3].text
    assert said.startswith(f"📊 {DEMO_PROVINCE} – quý ") and ": 3 trường" in said
    assert f"• {DEMO_WARD}: " in said and "3 trường, 1 trường đạt mục tiêu" in said

    # the ward's officer sees the schools' tickets as counts only
    await ward.says("/phieu")
    assert ward.last_reply.startswith("Phản ánh – kiến nghị của 3 trường thuộc cơ quan")
    assert "• Trường Mầm non Hoa Sen: 2 phiếu đang xử lý" in ward.last_reply

    await seeded(app, memory, clock)  # a second start of the demo adds nothing
    async with app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Authority)) == 2
        assert await session.scalar(select(func.count()).select_from(School)) == 3
