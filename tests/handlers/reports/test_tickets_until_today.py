"""/baocao for a period not over yet: ticket figures as of today, and the report says so.

"Today" is Monday 23/11/2026 (tests/handlers/reports/dataset.py): this week's tickets due on
25/11 and 28/11 have not come due; last week's report, being over, says nothing of today.
"""

from __future__ import annotations

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from tests.chat import ChatUser
from tests.handlers.reports.dataset import Seeded

PRINCIPAL = "p-MN-ANBINH-1"
UNTIL_TODAY = "(số liệu phản ánh tính đến hôm nay, 23/11/2026)"


async def test_this_weeks_report_counts_tickets_as_of_today_and_says_so(
    app: App, seeded: Seeded, memory: MemoryChannel, clock: FixedClock
) -> None:
    principal = ChatUser(app, memory, clock, PRINCIPAL)
    await principal.says("/baocao")
    await principal.taps("Tuần này")
    report = principal.messages[-3].text
    assert report.startswith("📊 Báo cáo tuần 23/11–29/11/2026 – Trường Mầm non An Bình")
    assert (
        "Phản ánh – kiến nghị: 0 phiếu mới; đến hạn 0, đúng hạn 0 (–); 1 phiếu quá hạn chưa "
        f"xong; phiếu mở lâu nhất 13 ngày {UNTIL_TODAY}."
    ) in report

    await principal.says("/baocao")
    await principal.taps("Tuần trước")
    assert UNTIL_TODAY not in principal.messages[-3].text
