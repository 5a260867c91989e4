"""Sample reform-news posts, from the topics of the schools' own CCHC plans (shared/seeds).

The plans ask for "ít nhất 1 tuần/lần" (at least once a week) news on online public services,
cashless fees, published procedures, the one-stop desk and satisfaction surveys; these posts
give a school a library to start from (`hailong news samples`, and the demo school).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.broadcasts import NewsPost

PORTAL = "https://dichvucong.gov.vn"

SAMPLES: tuple[tuple[str, str, str | None], ...] = (
    (
        "Đăng ký tuyển sinh mầm non trực tuyến",
        "Nhà trường tuyển sinh bằng hình thức trực tuyến: cha mẹ đăng ký cho trẻ trên điện thoại, "
        "không cần đến trường nộp hồ sơ giấy. Anh/chị chuẩn bị số định danh cá nhân của trẻ và "
        "của cha mẹ, khai thông tin, rồi theo dõi kết quả trực tuyến. Nếu gặp khó khăn, anh/chị "
        "liên hệ văn phòng nhà trường để được hỗ trợ.",
        PORTAL,
    ),
    (
        "Nộp học phí không dùng tiền mặt",
        "Nhà trường vận động 100 % phụ huynh nộp học phí và các khoản thu bằng chuyển khoản, ví "
        "điện tử hoặc ứng dụng ngân hàng. Cách này nhanh, có biên lai điện tử, minh bạch và không "
        "phải mang tiền mặt đến trường. Thông tin tài khoản và mã nộp của từng trẻ được gửi qua "
        "giáo viên chủ nhiệm.",
        None,
    ),
    (
        "Thủ tục hành chính của nhà trường được công khai",
        "Các thủ tục nhập học, chuyển trường, miễn giảm học phí, hỗ trợ chi phí học tập được niêm "
        "yết tại bảng tin và trên trang thông tin điện tử của nhà trường: hồ sơ cần có, thời hạn "
        "giải quyết, nơi nhận và trả kết quả. Nhiều thủ tục làm được trực tuyến trên Cổng Dịch vụ "
        "công quốc gia.",
        PORTAL,
    ),
    (
        "Góp ý, phản ánh với nhà trường ngay trong tin nhắn",
        "Anh/chị gõ /phananh để gửi góp ý, phản ánh, kiến nghị hoặc khiếu nại. Nhà trường tiếp "
        "nhận, báo số phiếu và hạn trả lời theo quy định, và nhắn anh/chị mỗi khi có tiến triển. "
        "Gõ /theodoi để xem lại phiếu đã gửi.",
        None,
    ),
    (
        "Vì sao nhà trường mời anh/chị đánh giá sự hài lòng?",
        "Chỉ số hài lòng (SIPAS) đo chất lượng phục vụ của nhà trường trong cải cách hành chính. "
        "Phiếu khảo sát ẩn danh, mất khoảng 5 phút; ý kiến của anh/chị giúp nhà trường làm tốt "
        "hơn việc chăm sóc, giáo dục trẻ và các thủ tục. Gõ /khaosat để xem khảo sát đang mở.",
        None,
    ),
)


async def add_samples(session: AsyncSession, school_id: int, now: datetime) -> int:
    """Adds the sample posts the school's library does not have yet (by title); returns how many."""
    have = set(await session.scalars(select(NewsPost.title).where(NewsPost.school_id == school_id)))
    added = 0
    for title, text, link in SAMPLES:
        if title not in have:
            session.add(
                NewsPost(school_id=school_id, title=title, text=text, link=link, created_at=now)
            )
            added += 1
    await session.flush()
    return added
