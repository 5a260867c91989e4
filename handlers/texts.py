"""Every word a parent or a teacher reads, in one place to review (Vietnamese, NFC)."""

from __future__ import annotations

from surveys import labels

HELP = (
    "Trợ lý Hài Lòng của nhà trường xin chào anh/chị. Anh/chị chọn trong menu, hoặc nhắn:\n"
    "/khaosat – các khảo sát đang mở cho anh/chị\n"
    "/phananh – gửi góp ý, phản ánh, khiếu nại, tố cáo\n"
    "/theodoi – xem phiếu đã gửi và kết quả\n"
    "/dulieu – xem, sửa, nhận bản sao, rút đồng ý, liên kết Zalo/Telegram hoặc xóa dữ liệu\n"
    "/huy – dừng việc đang làm\n"
    "/trogiup – xem hướng dẫn này\n"
    "Để tham gia lớp của con, anh/chị nhập mã lớp do giáo viên gửi."
)
HELP_STAFF = (
    "\n\nDành cho cán bộ, giáo viên:\n"
    "/khaosat – mở đợt khảo sát, xem tiến độ và kết quả\n"
    "/phieu – phiếu phản ánh, khiếu nại đang chờ xử lý\n"
    "/thongbao – gửi thông báo tới phụ huynh của lớp (kèm ảnh, nút “Đã xem”), liên kết nhóm lớp\n"
    "/tin – tin cải cách hành chính: gửi ngay hoặc theo lịch (ban giám hiệu)\n"
    "/baocao – báo cáo tuần (biểu đồ, XLSX), dự thảo báo cáo quý (DOCX) (ban giám hiệu); "
    "các trường thuộc cơ quan quản lý, xếp hạng theo chỉ số hài lòng (cán bộ UBND xã, phường, "
    "Sở GD&ĐT)"
)
WELCOME_NO_CODE = (
    "Kính chào anh/chị! Đây là Trợ lý Hài Lòng của nhà trường.\n"
    "Anh/chị vui lòng nhập mã lớp (ví dụ: K7Q2MXPA) do giáo viên gửi để bắt đầu.\n"
    "Nếu anh/chị đã dùng Hài Lòng trên Zalo hoặc Telegram, hãy nhập mã liên kết lấy ở /dulieu "
    "bên đó để dùng chung dữ liệu."
)
UNKNOWN_TEXT = "Xin lỗi, Trợ lý Hài Lòng chưa hiểu ý anh/chị. Hướng dẫn: /trogiup."
UNKNOWN_COMMAND = "Lệnh này không có. Các lệnh: /trogiup."
NOT_TEXT = (
    "Xin lỗi, Trợ lý Hài Lòng chỉ đọc được tin nhắn chữ. Anh/chị vui lòng trả lời bằng chữ hoặc "
    "chọn một mục."
)
IN_GROUP = "Anh/chị vui lòng nhắn riêng cho Trợ lý Hài Lòng để dùng các chức năng, cảm ơn anh/chị."
CANCELLED = "Đã dừng. Câu trả lời đã lưu vẫn còn; anh/chị có thể tiếp tục bằng /khaosat."
NOTHING_TO_CANCEL = "Hiện không có việc gì đang làm dở. Hướng dẫn: /trogiup."
FAILURE = "Xin lỗi, hệ thống đang gặp sự cố. Anh/chị vui lòng thử lại sau ít phút."
STALE_BUTTON = "Nút này đã cũ. Anh/chị vui lòng dùng tin nhắn mới nhất."

CODE_UNKNOWN = "Mã “{code}” không đúng. Anh/chị vui lòng kiểm tra lại mã giáo viên gửi."
CODE_EXPIRED = "Mã này đã hết hạn hoặc đã được dùng. Vui lòng xin nhà trường mã mới."
# after 5 wrong codes in 10 minutes (handlers/code_guard.py): said once, then no answer at all
CODE_TRY_LATER = "Anh/chị đã nhập sai mã nhiều lần. Vui lòng thử lại sau {minutes} phút."
CODE_OTHER_SCHOOL = (
    "Mã này thuộc trường khác nên không dùng được ở đây. "
    "Anh/chị vui lòng nhắn mã cho Trợ lý Hài Lòng của trường con đang học."
)
CONFIRM_CLASS = "Anh/chị xác nhận con học lớp {class_name} – {school_name}?"
YES_CLASS = "Đúng lớp"
NO_CLASS = "Không phải"
NOT_MY_CLASS = "Đã hủy. Anh/chị vui lòng nhập lại đúng mã lớp của con."
ALREADY_IN_CLASS = "Anh/chị đã tham gia lớp {class_name} rồi."
JOINED_CLASS = "Cảm ơn anh/chị! Đã ghi nhận anh/chị là phụ huynh lớp {class_name}."
STAFF_WELCOME = "Chào thầy/cô! Đã ghi nhận vai trò {role} – {place}. Các lệnh: /trogiup."
ROLE_NAMES = {"teacher": "giáo viên", "principal": "hiệu trưởng", "officer": "cán bộ"}
OFFICER_WELCOME = (
    "Chào anh/chị! Đã ghi nhận anh/chị là cán bộ của {authority}: anh/chị xem số liệu của "
    "{schools} trường thuộc cơ quan. So sánh các trường: /baocao; các lệnh: /trogiup."
)
# managing authorities (handlers/authorities/tree.py)
AUTHORITY_KIND_NAMES = {
    "province": "Sở GD&ĐT (cấp tỉnh)",
    "commune": "UBND cấp xã (xã, phường, đặc khu)",
    "other": "khác",
}
AUTHORITY_UNKNOWN = "Ủy ban nhân dân xã, phường hoặc đặc khu nơi trường đóng"

# The notice on processing a parent's data (assembled by handlers/notice.py): who controls it,
# what is kept, for which purpose and how long, the apps that carry it, and the parent's rights
# (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 Art. 9(2), Art. 4; NĐ 356/2025/NĐ-CP Art. 5(1)).
# A change of what a purpose keeps or why is a new notice version in handlers/notice.py.
NOTICE_TITLE = "THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN (thông báo ngày {date})"
NOTICE_CONTROLLER = (
    "Bên kiểm soát dữ liệu: {schools}. Trợ lý Hài Lòng là công cụ nhà trường dùng để liên lạc "
    "với anh/chị."
)
NOTICE_CONTROLLER_OFFICE = (
    "Với vai trò cán bộ: bên kiểm soát dữ liệu là {authorities}, cơ quan cấp quyền cho anh/chị. "
    "Trợ lý Hài Lòng lưu tên, tài khoản chat và vai trò cán bộ của anh/chị để anh/chị xem số liệu "
    "các trường thuộc cơ quan."
)
NOTICE_PHONE = "ĐT {phone}"
NOTICE_EMAIL = "email {email}"
NOTICE_ADDRESS = "địa chỉ {address}"
NOTICE_NO_CONTACT = "liên hệ trực tiếp tại trường"
NOTICE_SCHOOL = "{name} ({contact})"
NOTICE_DATA = (
    "Dữ liệu nhà trường lưu về anh/chị: tên hiển thị trên ứng dụng chat; tài khoản chat "
    "(Telegram, Zalo hoặc trang web); lớp của con và vai trò của anh/chị; các lựa chọn đồng ý; "
    "phiếu phản ánh anh/chị gửi (nội dung, ảnh, họ tên và cách liên hệ anh/chị ghi). Nhà trường "
    "không hỏi ngày sinh, địa chỉ hay số giấy tờ của anh/chị và của trẻ."
)
NOTICE_PURPOSES = "Mục đích, anh/chị đồng ý hoặc không đồng ý riêng từng mục:"
PURPOSE_NOTICES = {
    "surveys": (
        "Khảo sát ý kiến: nhà trường gửi phiếu khảo sát sự hài lòng và nhắc anh/chị trả lời. "
        "Câu trả lời được lưu ẩn danh, không gắn với anh/chị; nhà trường chỉ lưu anh/chị đã được "
        "mời và đã trả lời đợt nào, đến {survey_days} ngày sau khi đợt khảo sát kết thúc, sau đó "
        "chỉ còn con số thống kê."
    ),
    "news": (
        "Tin tức, thông báo: nhà trường và giáo viên gửi thông báo, tin cải cách hành chính. "
        "Việc gửi tin và nút “Đã xem” được lưu {delivery_days} ngày."
    ),
    "feedback": (
        "Phản ánh, kiến nghị: nhà trường nhận, giải quyết và trả lời góp ý, phản ánh, khiếu nại, "
        "tố cáo anh/chị gửi, gồm nội dung, ảnh kèm theo, họ tên và cách liên hệ anh/chị ghi. "
        "Thông tin về sức khỏe, đời sống riêng tư của trẻ và gia đình trong đó là dữ liệu cá nhân "
        "nhạy cảm: chỉ cán bộ giải quyết phiếu được xem. "
        "Các thông tin này được giữ {question_years} năm (góp ý – hỏi đáp) hoặc {case_years} năm "
        "(phản ánh, khiếu nại, tố cáo) sau khi vụ việc kết thúc, theo quy định lưu trữ hồ sơ, "
        "rồi được xóa; chỉ còn số liệu thống kê."
    ),
}
NOTICE_KEPT = (
    "Tên, tài khoản chat và lớp được giữ đến khi anh/chị xóa dữ liệu. Tin nhắn trao đổi với "
    "Trợ lý Hài Lòng được xóa sau {message_days} ngày. Các lựa chọn đồng ý được lưu làm bằng "
    "chứng, kể cả "
    "sau khi anh/chị xóa dữ liệu (khi đó không còn gắn với anh/chị)."
)
NOTICE_PLATFORMS = (
    "Tin nhắn giữa anh/chị và Trợ lý Hài Lòng đi qua ứng dụng anh/chị dùng. Telegram do công ty "
    "nước ngoài cung cấp, máy chủ đặt ngoài Việt Nam: tin nhắn qua Telegram được xử lý ở nước "
    "ngoài. Zalo do công ty Việt Nam cung cấp. Trang web của Trợ lý Hài Lòng do nhà trường quản "
    "lý."
)
NOTICE_RIGHTS = (
    "Quyền của anh/chị (Luật Bảo vệ dữ liệu cá nhân 2025, Điều 4): được biết về việc xử lý dữ "
    "liệu; đồng ý, không đồng ý hoặc rút lại đồng ý; xem, chỉnh sửa; nhận bản sao; yêu cầu xóa, "
    "hạn chế hoặc phản đối xử lý; khiếu nại, tố cáo, khởi kiện. Trong /dulieu, anh/chị tự xem, "
    "sửa tên và cách liên hệ, nhận bản sao, rút đồng ý hoặc xóa dữ liệu ngay. Yêu cầu khác, "
    "anh/chị gửi nhà trường theo liên hệ trên; nhà trường phản hồi trong 02 ngày làm việc."
)
NOTICE_DUTIES = "Anh/chị vui lòng cung cấp thông tin chính xác và tôn trọng dữ liệu của người khác."
# before the first consent question: the notice in short; the full text is in /dulieu
CONSENT_INTRO = (
    "Trước khi bắt đầu, nhà trường xin phép anh/chị cho từng mục đích dưới đây, theo Luật Bảo "
    "vệ dữ liệu cá nhân (thông báo ngày {date}).\n"
    "Bên kiểm soát dữ liệu: {schools}.\n"
    "Tin nhắn đi qua ứng dụng anh/chị dùng; với Telegram, tin nhắn được xử lý ở nước ngoài.\n"
    "Anh/chị có quyền xem, sửa, nhận bản sao, rút đồng ý và xóa dữ liệu bất cứ lúc nào bằng "
    "/dulieu; ở đó có toàn văn thông báo."
)
# a purpose whose consent an earlier notice no longer covers (handlers/notice.py, `reasks`)
CONSENT_ASK_AGAIN = (
    "Nhà trường đã cập nhật thông báo xử lý dữ liệu (thông báo ngày {date}). Nội dung mới của "
    "mục dưới đây cần anh/chị đồng ý lại; các mục khác vẫn giữ như anh/chị đã chọn."
)
CONSENT_QUESTION = "{number}{paragraph}\nAnh/chị có đồng ý không?"
PURPOSE_NAMES = {
    "surveys": "khảo sát",
    "news": "tin tức, thông báo",
    "feedback": "phản ánh, kiến nghị",
}
AGREE = "Tôi đồng ý"
DISAGREE = "Không đồng ý"
CONSENT_DONE = "Cảm ơn anh/chị! Lựa chọn đã được lưu (theo thông báo ngày {date})."
CONSENT_DONE_SURVEY = " Đang có khảo sát mở cho lớp của con, anh/chị chọn để bắt đầu:"
CONSENT_DONE_MENU = " Anh/chị chọn việc cần làm:"

MY_DATA = "Dữ liệu nhà trường đang lưu về anh/chị:"
MY_DATA_NAME = "• Tên: {name}"
MY_DATA_ACCOUNTS = "• Tài khoản chat: {accounts}"
MY_DATA_CLASSES = "• Lớp: {classes}"
MY_DATA_CONSENT = "• Đồng ý {purpose}: {state}"
MY_DATA_SURVEYS = "• Đã gửi {count} phiếu khảo sát (câu trả lời ẩn danh, không gắn với anh/chị)"
MY_DATA_TICKETS = "• Đã gửi {count} phiếu phản ánh kèm tên (xem bằng /theodoi)"
# one ticket of the parent's, with what it holds of them: "PA-2026-0001 (khiếu nại, đã tiếp
# nhận): họ tên Lê Thị Tố, liên hệ 0912 345 678, 2 ảnh"
MY_DATA_TICKET = "  – {number} ({kind}, {status}): {details}"
MY_DATA_TICKET_NAME = "họ tên {name}"
MY_DATA_TICKET_CONTACT = "liên hệ {contact}"
MY_DATA_TICKET_PHOTOS = "{count} ảnh"
MY_DATA_TICKET_NOTHING = "không có họ tên, liên hệ, ảnh"
MY_DATA_NOTICE = "Thông báo xử lý dữ liệu hiện hành: thông báo ngày {date}."
MY_DATA_NOTICE_NEW = (
    "Nhà trường đã cập nhật thông báo xử lý dữ liệu (thông báo ngày {date}); anh/chị chọn "
    "“Xem thông báo xử lý dữ liệu” để đọc."
)
MY_DATA_NONE = "Nhà trường chưa lưu dữ liệu nào về anh/chị."
CONSENT_YES = "có (từ {date}, theo thông báo ngày {notice})"
CONSENT_STALE = "cần đồng ý lại theo thông báo ngày {date}"
CONSENT_NO = "không"
WITHDRAW = "Rút đồng ý {purpose}"
GRANT = "Đồng ý {purpose}"
READ_NOTICE = "Xem thông báo xử lý dữ liệu"
SEND_MY_COPY = "Nhận bản sao dữ liệu"
FIX_NAME = "Sửa tên của tôi"
FIX_TICKET = "Sửa họ tên, liên hệ trên phiếu"
# correcting one's name, or the name and contact on a ticket (handlers/corrections.py)
FIX_CANCEL = "Thôi, không sửa"
FIX_HINT = "\n(Chọn “Thôi, không sửa” để dừng.)"
FIX_ASK_NAME = "Anh/chị gõ tên muốn nhà trường dùng (hiện là “{current}”)."
FIX_PICK_TICKET = "Anh/chị muốn sửa họ tên, cách liên hệ trên phiếu nào?"
FIX_PICK_FIELD = "Phiếu {number}: họ tên “{name}”, liên hệ “{contact}”. Anh/chị muốn sửa mục nào?"
FIX_FIELDS = {"name": "Họ tên", "contact": "Cách liên hệ"}
FIX_ASK_FIELD = {
    "name": "Anh/chị gõ họ và tên đúng cho phiếu {number}.",
    "contact": (
        "Anh/chị gõ số điện thoại hoặc địa chỉ đúng để nhà trường liên hệ về phiếu {number}."
    ),
}
FIX_WHAT = {"own": "tên của anh/chị", "name": "họ tên", "contact": "cách liên hệ"}
FIX_CONFIRM = "Sửa {what} thành “{value}”? Nếu chưa đúng, anh/chị gõ lại."
FIX_SAVE = "Lưu"
FIX_SAVED_NAME = "Đã sửa tên của anh/chị thành “{value}”."
FIX_SAVED_TICKET = (
    "Đã sửa {what} trên phiếu {number} thành “{value}”. Cán bộ xử lý phiếu sẽ dùng thông tin mới."
)
FIX_NONE = "Anh/chị không có phiếu nào đang giải quyết có họ tên, cách liên hệ để sửa."
FIX_TAP_FIRST = "Anh/chị vui lòng chọn một mục ở trên, hoặc chọn “Thôi, không sửa”."
FIX_CANCELLED = "Đã dừng, thông tin của anh/chị giữ nguyên."
# the copy of one's data (handlers/data_copy.py): two files, made after the reply
MY_COPY_COMING = (
    "⏳ Đang chuẩn bị bản sao dữ liệu của anh/chị (một tệp văn bản dễ đọc và một tệp JSON); "
    "anh/chị sẽ nhận được ngay sau tin này."
)
MY_COPY_TEXT_CAPTION = "Bản sao dữ liệu của anh/chị (văn bản), lập ngày {date}."
MY_COPY_JSON_CAPTION = "Bản sao dữ liệu của anh/chị (JSON, để chuyển sang phần mềm khác)."
# on an app that cannot carry files (Zalo): the text copy goes as messages, the JSON waits
MY_COPY_JSON_ELSEWHERE = (
    "Zalo chưa cho gửi tệp. Tệp JSON anh/chị nhận được khi chọn “Nhận bản sao dữ liệu” trong "
    "/dulieu trên Telegram hoặc trên trang web của Trợ lý Hài Lòng."
)
MY_COPY_GONE = "Không còn dữ liệu nào của anh/chị để gửi."
MY_COPY_FAILED = (
    "Xin lỗi anh/chị, hệ thống chưa tạo được bản sao dữ liệu. Anh/chị vui lòng thử lại sau ít "
    "phút bằng /dulieu."
)
MY_COPY_TITLE = "BẢN SAO DỮ LIỆU CỦA ANH/CHỊ – TRỢ LÝ HÀI LÒNG"
MY_COPY_MADE = "Lập lúc {at}."
MY_COPY_NAME = "Tên: {name} (lưu từ {since})"
MY_COPY_ACCOUNTS = "Tài khoản chat:"
MY_COPY_ACCOUNT = "• {app}, mã tài khoản {user_id}, từ {since}"
MY_COPY_ROLES = "Lớp và vai trò:"
MY_COPY_ROLE_NAMES = {"parent": "phụ huynh", **ROLE_NAMES}
MY_COPY_ROLE = "• {role} – {place}, từ {since}"
MY_COPY_CONSENTS = "Nhật ký đồng ý:"
MY_COPY_CONSENT = "• {at}: {state} {purpose} (thông báo ngày {notice})"
MY_COPY_SURVEYS = (
    "Khảo sát (nhà trường chỉ lưu anh/chị được mời và đã gửi; câu trả lời đã gửi được lưu ẩn "
    "danh, không ai biết câu nào là của anh/chị):"
)
MY_COPY_SURVEY = "• {title}: được mời {invited}; {answered}"
MY_COPY_SURVEY_SENT = "đã gửi {at}"
MY_COPY_SURVEY_NOT_SENT = "chưa gửi"
MY_COPY_UNFINISHED = "Phiếu khảo sát đang làm dở (các câu đã trả lời):"
MY_COPY_UNFINISHED_ONE = "• {title}: {answers}"
MY_COPY_CASES = "Phiếu phản ánh anh/chị gửi kèm tên:"
MY_COPY_CASE = "• {number} – {kind}, {topic}, {status}; gửi {at}"
MY_COPY_CASE_WHO = "  Họ tên: {name}; liên hệ: {contact}; ảnh: {photos}"
MY_COPY_CASE_TEXT = "  Nội dung: {text}"
MY_COPY_CASE_STEP = "  – {at} {action}{note}"
MY_COPY_SEEN = "Thông báo anh/chị đã bấm “Đã xem”:"
MY_COPY_SEEN_ONE = "• {title} ({at})"
MY_COPY_NONE = "• không có"
DELETE_ME = "Xóa dữ liệu của tôi"
DELETE_CONFIRM = (
    "Anh/chị chắc chắn muốn xóa? Tài khoản, lớp, lựa chọn đồng ý và phiếu đang làm dở sẽ bị xóa; "
    "các câu trả lời đã gửi vẫn giữ ẩn danh trong số liệu chung. Phiếu phản ánh đã gửi vẫn ở trong "
    "sổ theo dõi của nhà trường nhưng không còn tên, cách liên hệ của anh/chị, và Trợ lý Hài Lòng "
    "không nhắn cho anh/chị được nữa."
)
# erasing during an open named complaint or denunciation: what the law keeps until it closes
DELETE_KEEPS_CASES = (
    "\n\nLưu ý: anh/chị đang có {cases} chưa giải quyết xong. Riêng với đơn đang giải quyết, "
    "theo Luật Khiếu nại và Luật Tố cáo, nhà trường phải giữ họ tên và cách liên hệ anh/chị đã "
    "ghi trong đơn đến khi vụ việc kết thúc và báo kết quả qua cách liên hệ đó (danh tính người "
    "tố cáo vẫn được giữ bí mật); khi đó các thông tin này sẽ được xóa."
)
DELETE_CASE = "phiếu {number} ({kind})"
DELETE_YES = "Xóa"
DELETE_NO = "Giữ lại"
DELETED = "Đã xóa dữ liệu của anh/chị. Cảm ơn anh/chị đã đồng hành cùng nhà trường."
DELETED_KEPT_FOR_CASES = (
    "\n\nRiêng họ tên và cách liên hệ anh/chị ghi trong {cases} được nhà trường giữ lại đến khi "
    "vụ việc kết thúc, theo Luật Khiếu nại và Luật Tố cáo, rồi sẽ xóa. Kết quả giải quyết sẽ được "
    "báo qua cách liên hệ đó."
)
KEPT = "Đã giữ nguyên dữ liệu."
CONSENT_CHANGED = "Đã cập nhật: {state} {purpose}."
APP_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "web": "trang web"}
LINK_ANOTHER = "Liên kết tài khoản Zalo/Telegram khác"
LINK_CODE = (
    "Mã liên kết của anh/chị: {code}\n"
    "Anh/chị mở Hài Lòng trên ứng dụng kia (Zalo hoặc Telegram) và nhắn mã này trong {minutes} "
    "phút; mã chỉ dùng được một lần. Vui lòng không gửi mã cho người khác: ai nhập mã sẽ xem "
    "được dữ liệu của anh/chị. Nếu không cần nữa: /huy."
)
LINK_EXPIRED = "Mã liên kết đã hết hạn. Anh/chị lấy mã mới bằng /dulieu trên ứng dụng kia."
LINK_SAME_ACCOUNT = (
    "Mã này được tạo trên chính tài khoản này. Anh/chị vui lòng nhắn mã ở ứng dụng kia."
)
LINKED = (
    "Đã liên kết! Từ nay anh/chị dùng chung lớp, lựa chọn đồng ý và phiếu khảo sát trên các "
    "ứng dụng. Xem dữ liệu: /dulieu; hướng dẫn: /trogiup."
)
LINKED_ELSEWHERE = (
    "Tài khoản {app} vừa được liên kết với dữ liệu của anh/chị. Nếu không phải anh/chị làm, "
    "anh/chị vui lòng chọn “Gỡ liên kết {app}” trong /dulieu."
)
UNLINK = "Gỡ liên kết {app}"
UNLINKED = "Đã gỡ liên kết tài khoản {app}; tài khoản đó không còn xem được dữ liệu của anh/chị."
CONSENT_WITHDRAWN_WORD = "rút đồng ý"
CONSENT_GRANTED_WORD = "đồng ý"

SURVEYS_NONE = "Hiện chưa có khảo sát nào đang mở cho anh/chị. Cảm ơn anh/chị!"
SURVEYS_NEED_CLASS = "Anh/chị chưa tham gia lớp nào. Vui lòng nhập mã lớp do giáo viên gửi."
SURVEYS_FOR_OFFICERS = (
    "Phiếu khảo sát do phụ huynh trả lời. Anh/chị xem kết quả của các trường thuộc cơ quan "
    "bằng /baocao."
)
SURVEYS_NEED_CONSENT = (
    "Anh/chị chưa đồng ý nhận khảo sát. Nếu muốn tham gia, anh/chị bật mục “khảo sát” trong "
    "/dulieu."
)
SURVEYS_OPEN = "Khảo sát đang mở cho anh/chị:"
SURVEY_START = "Bắt đầu"
SURVEY_RESUME = "Làm tiếp"
SURVEY_INVITE = (
    "Kính gửi anh/chị,\nNhà trường mời anh/chị tham gia “{title}” (hạn {closes}). Phiếu ẩn danh."
)
SURVEY_INTRO = "{title}\n{intro}\nAnh/chị có thể dừng bất cứ lúc nào và quay lại sau bằng /khaosat."
SURVEY_INTRO_NOTE = "Ghi chú: {note}"  # the survey's own note: where the questions come from
QUESTION = "Câu {number}/{total}. {text}"
SKIP = labels.SKIP_LABEL
DONE = labels.DONE_LABEL
ANSWER_SAVED = "Đã lưu"
INVALID_CHOICE = (
    "Xin lỗi, Trợ lý Hài Lòng chưa nhận ra câu trả lời. Anh/chị vui lòng chọn một trong các mục "
    "dưới đây."
)
INVALID_TOO_MANY = "Anh/chị chỉ chọn tối đa {max} mục thôi ạ."
INVALID_EMPTY = "Anh/chị vui lòng gõ câu trả lời, hoặc chọn “Bỏ qua”."
INVALID_TOO_LONG = "Câu trả lời dài quá, anh/chị vui lòng viết ngắn hơn (tối đa 2000 ký tự)."
REVIEW = "Anh/chị xem lại câu trả lời trước khi gửi:"
# "Câu n:", not "n.": on Zalo the review's choices below are numbered "1." and "2."
REVIEW_LINE = "Câu {number}: {text}\n   → {answer}"
SUBMIT = labels.SUBMIT_LABEL
CHANGE = labels.CHANGE_LABEL
WHICH_TO_CHANGE = "Anh/chị muốn sửa câu số mấy?"
CONFIRM_CHANGE = "Đổi câu {number} từ «{old}» thành «{new}»?"
CHANGE_MADE = "Đã đổi câu {number} thành «{new}»."
CHANGE_KEPT = "Đã giữ nguyên câu {number}."
SUBMITTED = "Cảm ơn anh/chị đã gửi phiếu! Ý kiến của anh/chị giúp nhà trường phục vụ tốt hơn."
ALREADY_SUBMITTED = "Anh/chị đã gửi phiếu của đợt khảo sát này rồi. Cảm ơn anh/chị!"
WAVE_CLOSED = "Đợt khảo sát này đã đóng. Cảm ơn anh/chị!"
QUESTION_HIDDEN = "Câu hỏi này không còn áp dụng theo câu trả lời của anh/chị."

STAFF_MENU = "Khảo sát của {school}:"
STAFF_NEW_WAVE = "Mở đợt khảo sát mới"
STAFF_WAVE_LINE = "• {title}: {answered}/{invited} phụ huynh đã trả lời (đến {closes})"
STAFF_RESULTS = "Kết quả: {title}"
STAFF_PICK_SURVEY = "Chọn bộ câu hỏi:"
STAFF_PICK_DAYS = "Đợt khảo sát mở từ hôm nay ({opens}). Mở trong bao lâu?"
STAFF_DAYS = "{days} ngày"
STAFF_LAUNCHED = "Đã mở “{title}” đến {closes}; đã mời {invited} phụ huynh."
WAVE_CANCELLED = "Đã dừng, chưa mở đợt khảo sát nào."
STAFF_ONLY = "Chức năng này dành cho cán bộ nhà trường."
NO_CLASSES_YET = (
    "{school} chưa có lớp nào trong Trợ lý Hài Lòng, nên chưa có phụ huynh để mời hay gửi tin. "
    "Khi nhà trường thêm lớp, thầy/cô dùng được chức năng này."
)
TEACHER_PROGRESS = "Lớp {class_name}: {answered}/{invited} phụ huynh đã trả lời “{title}”."
RESULTS_SUPPRESSED = "{n} phiếu: chỉ số {mark}, để giữ ẩn danh."
RESULTS_AFTER_CLOSE = "Chỉ số hài lòng được tính khi đợt khảo sát kết thúc, để giữ ẩn danh."
RESULTS_HEADER = "{title}: {answered}/{invited} phụ huynh trả lời ({rate})."
RESULTS_ELEMENT = "• {title}: {index}"
RESULTS_OVERALL = "Chỉ số hài lòng chung: {index}; điểm trung bình {mean}/5."
RESULTS_GRADES = "Theo khối lớp:"
RESULTS_GRADE = "• {title}: {figures}"
# one grade's figures, joined by "; " ("12 phiếu; chỉ số chung 85,00 %; hài lòng nói chung …")
GRADE_RESPONSES = "{n} phiếu"
GRADE_OVERALL = "chỉ số chung {index}"
GRADE_SATISFIED = "hài lòng nói chung {index}"
GRADE_TITLES = {
    "nha_tre": "Nhà trẻ",
    "mam": "Mẫu giáo bé (lớp Mầm)",
    "choi": "Mẫu giáo nhỡ (lớp Chồi)",
    "la": "Mẫu giáo lớn (lớp Lá)",
    "": "Chưa rõ khối lớp",
}
RUN_GONE = "Phiếu khảo sát này đã được gửi hoặc không còn. Khảo sát đang mở: /khaosat."

# Phản ánh – kiến nghị (tickets): parents
KIND_NAMES = {
    "gop_y": "Góp ý – hỏi đáp",
    "phan_anh": "Phản ánh – kiến nghị",
    "khieu_nai": "Khiếu nại",
    "to_cao": "Tố cáo",
}
ANONYMOUS_KIND_NAMES = {
    "khieu_nai": "Thông tin có nội dung khiếu nại (ẩn danh)",
    "to_cao": "Thông tin có nội dung tố cáo (ẩn danh)",
}
TOPIC_NAMES = {
    "tuyen_sinh": "Tuyển sinh",
    "hoc_phi": "Học phí – các khoản thu",
    "bua_an": "Bữa ăn",
    "an_toan": "An toàn",
    "giao_vien": "Giáo viên – nhân viên",
    "co_so": "Cơ sở vật chất",
    "thu_tuc": "Thủ tục hành chính",
    "khac": "Khác",
}
TICKET_STATUS_NAMES = {
    "received": "đã tiếp nhận",
    "accepted": "đang giải quyết",
    "forwarded": "đã chuyển cơ quan có thẩm quyền",
    "refused": "không thụ lý",
    "resolved": "đã có kết quả",
    "closed": "đã đóng",
}
TICKET_ACTION_NAMES = {
    "received": "Tiếp nhận",
    "accepted": "Nhận giải quyết",
    "forwarded": "Chuyển cơ quan có thẩm quyền",
    "refused": "Không thụ lý",
    "resolved": "Kết quả",
    "closed": "Đóng phiếu",
    "corrected": "Người gửi sửa họ tên, cách liên hệ",
    "extended": "Gia hạn giải quyết",
    "extended_decide": "Kéo dài thời hạn xem xét thụ lý",
    "reply": "Nhà trường nhắn",
    "info": "Phụ huynh bổ sung",
    "rated": "Phụ huynh đánh giá",
    "close_asked": "Cán bộ đề nghị đóng phiếu (chờ phụ huynh đánh giá)",
    "taken": "Cán bộ nhận xử lý",
    "assigned": "Giao xử lý",
    "identity": "Xem danh tính người tố cáo",
}
FEEDBACK_NEED_CLASS = (
    "Anh/chị cần tham gia lớp của con trước khi gửi phản ánh. "
    "Vui lòng nhập mã lớp do giáo viên gửi."
)
FEEDBACK_ASK_CONSENT = (
    "Để nhận và trả lời phản ánh, nhà trường cần anh/chị đồng ý cho mục đích sau. {paragraph}\n"
    "Anh/chị có thể rút lại bất cứ lúc nào bằng /dulieu."
)
FEEDBACK_NO_CONSENT = (
    "Nhà trường chỉ nhận phản ánh khi anh/chị đồng ý. Khi cần, anh/chị bắt đầu lại bằng /phananh."
)
FEEDBACK_HINT = "\n(Gõ “menu” để làm việc khác hoặc xem hướng dẫn.)"
FEEDBACK_PICK_SCHOOL = "Anh/chị gửi đến trường nào?"
FEEDBACK_PICK_KIND = (
    "Anh/chị muốn gửi nội dung gì?\n"
    "• Góp ý – hỏi đáp: ý kiến, câu hỏi cho nhà trường\n"
    "• Phản ánh – kiến nghị: việc cần nhà trường xem xét, giải quyết\n"
    "• Khiếu nại: đề nghị xem lại quyết định, việc làm của nhà trường ảnh hưởng đến quyền lợi "
    "của anh/chị hoặc của con\n"
    "• Tố cáo: báo hành vi vi phạm pháp luật của cán bộ, giáo viên, nhân viên"
)
FEEDBACK_PICK_TOPIC = "Nội dung liên quan đến việc gì?"
FEEDBACK_PICK_CONCERNS = (
    "Người bị tố cáo là ai? Danh tính của anh/chị được giữ bí mật, người bị tố cáo không "
    "bao giờ thấy."
)
CONCERNS_STAFF = "Giáo viên, nhân viên"
CONCERNS_LEADERS = "Hiệu trưởng, phó hiệu trưởng"
FEEDBACK_LEADERS_ELSEWHERE = (
    "Tố cáo hiệu trưởng, phó hiệu trưởng do cơ quan quản lý nhà trường giải quyết: {authority}. "
    "Cơ quan chưa nhận tố cáo qua Trợ lý Hài Lòng, anh/chị vui lòng gửi trực tiếp đến cơ quan. "
    "Nội dung chưa được lưu. Muốn gửi nội dung khác, anh/chị dùng /phananh."
)
FEEDBACK_PICK_NAMED = (
    "Anh/chị muốn gửi kèm tên hay ẩn danh?\n"
    "Ẩn danh: nhà trường không biết anh/chị là ai nên không nhắn trả lời riêng được; "
    "anh/chị xem kết quả bằng mã tra cứu."
)
FEEDBACK_PICK_NAMED_LEGAL = (
    "Theo luật, {kind} phải có họ tên và cách liên hệ của người gửi. Nếu gửi ẩn danh, nhà "
    "trường chỉ ghi nhận như thông tin có nội dung {kind}, không giải quyết như {kind}."
)
FEEDBACK_SEALED_NOTE = (
    "\nDanh tính người tố cáo được giữ bí mật: chỉ {handler} xem được, không có trong báo cáo nào."
)
SEALED_HANDLER_NAMES = {"principal": "hiệu trưởng", "authority": "cơ quan quản lý nhà trường"}
SEND_NAMED = "Gửi kèm tên"
SEND_ANONYMOUS = "Gửi ẩn danh"
FEEDBACK_ASK_NAME = "Anh/chị vui lòng gõ họ và tên."
FEEDBACK_ASK_CONTACT = "Anh/chị vui lòng gõ số điện thoại hoặc địa chỉ để nhà trường liên hệ."
FEEDBACK_ASK_TEXT = (
    "Anh/chị vui lòng viết nội dung: sự việc, thời gian, đề nghị của anh/chị. "
    "Có thể gửi kèm ảnh (tối đa {photos} ảnh)."
)
FEEDBACK_TOO_SHORT = "Nội dung ngắn quá, anh/chị viết rõ hơn giúp nhà trường nhé."
FEEDBACK_TOO_LONG = (
    "Nội dung dài quá, anh/chị viết ngắn lại giúp nhà trường nhé (tối đa {limit} ký tự)."
)
FEEDBACK_PHOTO_ADDED = "Đã nhận ảnh ({count}/{limit})."
FEEDBACK_TOO_MANY_PHOTOS = "Đã đủ {limit} ảnh, nhà trường không nhận thêm ảnh cho phiếu này."
FEEDBACK_REVIEW = (
    "Anh/chị xem lại trước khi gửi:\n"
    "• Loại: {kind}\n"
    "• Về: {topic}\n"
    "• Người gửi: {sender}\n"
    "• Nội dung: {text}\n"
    "• Ảnh: {photos}\n"
    "Anh/chị có thể viết thêm hoặc gửi thêm ảnh; xong thì chọn “Gửi”."
)
FEEDBACK_SEND = "Gửi"
FEEDBACK_DROP = "Thôi, không gửi"
FEEDBACK_CANCELLED = "Đã hủy, nội dung đang soạn không được gửi."
FEEDBACK_GONE = "Phiếu này đã gửi hoặc đã hủy. Gửi mới: /phananh; xem phiếu đã gửi: /theodoi."
FEEDBACK_RECEIPT = (
    "Nhà trường đã tiếp nhận {kind} của anh/chị.\n"
    "Số phiếu: {number}\n"
    "Hạn trả lời: {due}\n"
    "Nhà trường sẽ báo anh/chị mỗi khi có tiến triển; xem lại bằng /theodoi."
)
FEEDBACK_RECEIPT_ANONYMOUS = (
    "Nhà trường đã tiếp nhận nội dung anh/chị gửi ẩn danh.\n"
    "Số phiếu: {number}\n"
    "Hạn trả lời: {due}\n"
    "Vì ẩn danh, nhà trường không nhắn riêng được. Anh/chị lưu lại mã tra cứu dưới đây và gõ "
    "lệnh này để xem tình trạng, kết quả:\n/theodoi {code}"
)
SENDER_ANONYMOUS = "ẩn danh"
SENDER_NAMED = "{name}, {contact}"
SENDER_ACCOUNT = "kèm tên (tài khoản chat của anh/chị)"

FOLLOW_NONE = (
    "Anh/chị chưa gửi phiếu nào kèm tên. Gửi góp ý, phản ánh: /phananh. Phiếu gửi ẩn danh: "
    "xem bằng /theodoi kèm mã tra cứu."
)
FOLLOW_HEADER = "Phiếu anh/chị đã gửi (chọn để xem):"
FOLLOW_LINE = "• {number} · {kind} · {status} · hạn {due}"
FOLLOW_NOT_FOUND = "Không tìm thấy phiếu với mã này. Anh/chị vui lòng kiểm tra lại mã tra cứu."
TICKET_PARENT_VIEW = (
    "{number} – {kind}\n"
    "Về: {topic}\n"
    "Trạng thái: {status}\n"
    "Gửi ngày {received}; hạn {due}\n"
    "Nội dung: {text}"
)
TICKET_HISTORY = "Diễn biến:"
TICKET_HISTORY_LINE = "• {date} {action}{note}"
ADD_INFO = "Bổ sung thông tin"
RATE = "Đánh giá"
FEEDBACK_ASK_INFO = (
    "Anh/chị gõ thông tin bổ sung cho phiếu {number} (có thể gửi kèm ảnh). Để thôi: /huy."
)
INFO_PHOTO = "(ảnh)"
FEEDBACK_INFO_ADDED = "Đã gửi thông tin bổ sung cho phiếu {number}. Cảm ơn anh/chị."
FEEDBACK_TICKET_CLOSED = (
    "Phiếu {number} đã đóng. Nếu còn vướng mắc, anh/chị gửi phiếu mới bằng /phananh."
)
RATE_ASK = "Anh/chị đánh giá việc nhà trường xử lý phiếu {number}:"
RATING_LABELS = {
    1: "1 – Rất không hài lòng",
    2: "2 – Không hài lòng",
    3: "3 – Bình thường",
    4: "4 – Hài lòng",
    5: "5 – Rất hài lòng",
}
RATED = "Cảm ơn anh/chị đã đánh giá! Ý kiến này giúp nhà trường xử lý phản ánh tốt hơn."
ALREADY_RATED = "Anh/chị đã đánh giá phiếu này rồi. Cảm ơn anh/chị!"
TICKET_UPDATE = "Phiếu {number} ({kind}): {status}."
TICKET_UPDATE_NOTES = {
    "accepted": "\nHạn có kết quả: {due}.",
    "forwarded": "\nNơi nhận và lý do: {note}",
    "refused": "\nLý do: {note}",
    "resolved": "\nKết quả: {note}",
    "closed": "\nCảm ơn anh/chị! Anh/chị vui lòng chọn mức đánh giá việc xử lý phiếu này:",
    "extended": "\nVụ việc phức tạp, thời hạn giải quyết được gia hạn đến {due}.\nLý do: {note}",
    "extended_decide": (
        "\nNhà trường cần kiểm tra, xác minh thêm nên thời hạn xem xét thụ lý được kéo dài đến "
        "{due}.\nLý do: {note}"
    ),
}
TICKET_REPLY = "Nhà trường nhắn về phiếu {number}:\n{note}"

# Phản ánh – kiến nghị (tickets): staff
QUEUE_HEADER = "Phiếu phản ánh đang mở ({count}), việc gần hạn trước:"
QUEUE_LINE = "{mark}{number} · {kind} · {topic} · {status} · hạn {due}{assignee}"
QUEUE_MORE = "… và {count} phiếu khác."
QUEUE_EMPTY = "Hiện không có phiếu phản ánh nào đang mở."
QUEUE_OVERDUE = "⚠ "
QUEUE_MINE = " · tôi xử lý"
QUEUE_TAKEN = " · đã có người nhận"
QUEUE_WAITING_CLOSE = "chờ đóng"
# an officer's view of the schools beneath their authority: counts only (tickets/overview.py)
OVERVIEW_HEADER = (
    "Phản ánh – kiến nghị của {schools} trường thuộc cơ quan (chỉ số lượng; nội dung và người "
    "gửi do nhà trường quản lý):"
)
OVERVIEW_LINE = "• {name}: {open} phiếu đang xử lý{overdue}, {answered} phiếu đã trả lời"
OVERVIEW_OVERDUE = " ({count} quá hạn)"
OVERVIEW_MORE = "… và {count} trường khác (xem /baocao)."
OVERVIEW_NONE = "Chưa có phiếu nào."
TICKET_STAFF_VIEW = (
    "{number} – {kind}\n"
    "Về: {topic}\n"
    "Trạng thái: {status}\n"
    "Nhận ngày {received}; hạn {due} ({source})\n"
    "Người gửi: {sender}\n"
    "Người xử lý: {assignee}\n"
    "Nội dung: {text}"
)
SENDER_ERASED = "người gửi đã xóa dữ liệu cá nhân"
IDENTITY_ERASED = "(người tố cáo đã yêu cầu xóa dữ liệu)"
STAFF_VIEW_PROMPT = "Chọn việc cần làm:"
STAFF_SENDER_SEALED = "được giữ bí mật (Luật Tố cáo, Điều 56)"
STAFF_SENDER_PARENT = "phụ huynh {place}"
STAFF_SENDER_PARENT_NAMED = "{name} – phụ huynh {place}"
CLASS_LABEL = "lớp {name}"
STAFF_NO_NAME = "cán bộ số {id}"
NOBODY = "chưa có"
ASSIGNEE_ME = "thầy/cô"
TICKET_NOT_FOUND = "Không tìm thấy phiếu này, hoặc thầy/cô không có quyền xem."
TICKET_NOT_ALLOWED = (
    "Thầy/cô không làm được việc này với phiếu {number} (trạng thái hiện tại: {status})."
)
TAKE = "Tôi xử lý"
MESSAGE_SENDER = "Nhắn phụ huynh"
ACCEPT = "Thụ lý, giải quyết"
FORWARD = "Chuyển cơ quan khác"
REFUSE = "Không thụ lý"
RESOLVE = "Trả lời kết quả"
CLOSE = "Đóng phiếu"
EXTEND = "Gia hạn"
SHOW_IDENTITY = "Xem danh tính người tố cáo"
SHOW_PHOTOS = "Xem ảnh ({count})"
ASSIGN = "Giao cho…"
STAFF_ASK_NOTE = {
    "reply": (
        "Thầy/cô gõ nội dung nhắn phụ huynh về phiếu {number}. Trợ lý Hài Lòng gửi thay, phụ "
        "huynh không thấy tài khoản của thầy/cô. Gõ /huy để thôi."
    ),
    "forwarded": "Thầy/cô gõ tên cơ quan nhận và lý do chuyển phiếu {number}. Gõ /huy để thôi.",
    "refused": "Thầy/cô gõ lý do không thụ lý phiếu {number}. Gõ /huy để thôi.",
    "resolved": "Thầy/cô gõ kết quả giải quyết phiếu {number} để gửi phụ huynh. Gõ /huy để thôi.",
    "extended": (
        "Thầy/cô gõ lý do gia hạn giải quyết phiếu {number} (vụ việc phức tạp); lý do được ghi vào "
        "hồ sơ phiếu và báo cho người gửi. Gõ /huy để thôi."
    ),
    "extended_decide": (
        "Thầy/cô gõ lý do kéo dài thời hạn xem xét thụ lý phiếu {number} (phải kiểm tra, xác minh "
        "tại nhiều địa điểm hoặc ủy quyền xác minh: tối đa 10 ngày làm việc, Luật Tố cáo 2018, "
        "Điều 24 khoản 1); lý do được ghi vào hồ sơ phiếu và báo cho người gửi. Gõ /huy để thôi."
    ),
}
STAFF_NOTE_EMPTY = "Thầy/cô vui lòng gõ nội dung (không để trống, tối đa {limit} ký tự)."
STAFF_TOOK = "Thầy/cô đã nhận xử lý phiếu {number}."
STAFF_DONE = "Đã cập nhật phiếu {number}: {status}."
STAFF_REPLIED = "Đã gửi tin nhắn tới phụ huynh (phiếu {number})."
STAFF_REPLIED_ANONYMOUS = (
    "Phiếu {number} ẩn danh: tin nhắn được lưu, người gửi xem bằng mã tra cứu của họ."
)
STAFF_EXTENDED = "Đã gia hạn phiếu {number} đến {due}."
STAFF_PICK_ASSIGNEE = "Giao phiếu {number} cho ai?"
STAFF_ASSIGNED = "Đã giao phiếu {number} cho {name}."
STAFF_NO_ONE_TO_ASSIGN = "Trường chưa có cán bộ nào khác để giao."
STAFF_IDENTITY = (
    "Danh tính người tố cáo, phiếu {number} — MẬT, không chuyển cho ai, không ghi vào hồ sơ "
    "giao xác minh:\n{name}\n{contact}"
)
STAFF_PHOTO = "Ảnh {index}/{count} của phiếu {number}"
STAFF_NEW_TICKET = "Có phiếu mới {number}: {kind} · {topic}, hạn {due}. Gõ /phieu để xem."
STAFF_ASSIGNED_TO_YOU = (
    "Thầy/cô được giao xử lý phiếu {number} ({kind}), hạn {due}. Gõ /phieu để xem."
)
STAFF_INFO_ADDED = "Phụ huynh bổ sung thông tin cho phiếu {number}:\n{text}"
STAFF_RATED = "Phiếu {number} được phụ huynh đánh giá {rating}/5."
STAFF_WARN = "Nhắc hạn: phiếu {number} ({kind}) phải {stage} trước hết ngày {due}."
STAFF_OVERDUE = (
    "Quá hạn: phiếu {number} ({kind} · {topic}) chưa {stage}, hạn là {due}. "
    "Người xử lý: {assignee}. Gõ /phieu để xem."
)
STAGE_NAMES = {"decide": "trả lời tiếp nhận", "resolve": "có kết quả"}
EXPORT_SHEET = "Sổ theo dõi phản ánh"
EXPORT_COLUMNS = (
    "Số phiếu",
    "Ngày nhận",
    "Loại",
    "Về",
    "Trạng thái",
    "Hạn",
    "Ngày có kết quả",
    "Đúng hạn",
    "Nội dung",
    "Kết quả",
    "Đánh giá",
)
EXPORT_SEALED = "(nội dung tố cáo được bảo mật)"
KPI_HEADER = "Phản ánh, kiến nghị từ {start} đến {end}:"
# a period not over yet: counted up to today (a due date after today has not come)
KPI_UNTIL_TODAY = " — số liệu tính đến hôm nay, {today}:"
KPI_RECEIVED = "• Tiếp nhận: {received} phiếu; cấp số phiếu ngay: {acknowledged}"
KPI_ON_TIME = "• Giải quyết đúng hạn: {on_time}/{due} phiếu đến hạn ({rate})"
KPI_NOTIFIED = "• Có kết quả: {concluded} phiếu; đã báo kết quả cho người gửi: {share}"
KPI_OPEN = (
    "• Còn mở: {open} phiếu (≤ 7 ngày: {ages[0]}; 8–14: {ages[1]}; 15–30: {ages[2]}; "
    "trên 30: {ages[3]}), quá hạn: {overdue}"
)
KPI_RATING = "• Đánh giá của phụ huynh: {mean}/5 ({ratings} lượt)"
EXPORT_ON_TIME = "đúng hạn"
EXPORT_LATE = "quá hạn"


# Thông báo (announcements), tin CCHC (news), nhóm lớp (class groups): staff and parents
ANNOUNCE_LIMIT = 1500
ANNOUNCE_PHOTO_LIMIT = 900
ANNOUNCE_ASK_TEXT = (
    "Thầy/cô gõ nội dung thông báo gửi phụ huynh (tối đa {limit} ký tự), có thể gửi kèm một "
    "ảnh.\n/huy để thôi, /trogiup để xem hướng dẫn."
)
ANNOUNCE_SENT_LIST = "Thông báo, tin đã gửi"
GROUP_LINK = "Liên kết nhóm lớp"
ANNOUNCE_TOO_LONG = "Nội dung dài quá, thầy/cô viết ngắn lại giúp (tối đa {limit} ký tự)."
ANNOUNCE_EMPTY = "Thầy/cô vui lòng gõ nội dung thông báo (/huy để thôi)."
ANNOUNCE_PHOTO_ADDED = "Đã nhận ảnh. Thầy/cô gõ nội dung đi kèm ảnh."
ANNOUNCE_PICK_CLASSES = "Gửi tới lớp nào? Chọn một hoặc nhiều lớp, rồi chọn “Tiếp tục”."
WHOLE_SCHOOL = "Toàn trường"
PICKED = "✓ {label}"
CONTINUE = "Tiếp tục"
ANNOUNCE_PICK_ONE = "Thầy/cô chọn ít nhất một lớp."
ANNOUNCE_ASK_SEEN = (
    "Thêm nút “Đã xem” để biết bao nhiêu phụ huynh đã đọc? (Nên dùng cho thông báo quan trọng.)"
)
SEEN_YES = "Có nút “Đã xem”"
SEEN_NO = "Không cần"
SEEN = "Đã xem"
PREVIEW = "Xem trước:\n———\n{body}\n———\n{audience}"
AUDIENCE_LINE = (
    "Gửi tới: {scope} — {parents} phụ huynh nhắn riêng, {groups} nhóm lớp ({total} tin)."
)
AUDIENCE_NO_CONSENT = (
    "\n{count} phụ huynh chưa đồng ý nhận tin tức, thông báo nên không nhận tin nhắn riêng."
)
AUDIENCE_UNREACHABLE = "\n{count} tài khoản đã chặn Trợ lý Hài Lòng nên sẽ không nhận được."
AUDIENCE_WITH_SEEN = "\nCó nút “Đã xem”."
AUDIENCE_QUIET = "\nĐang trong giờ nghỉ ({quiet}): tin sẽ được gửi từ {until}."
AUDIENCE_NOBODY = (
    "Chưa gửi được cho ai: lớp chưa có phụ huynh đồng ý nhận thông báo và chưa liên kết nhóm lớp."
)
SEND = "Gửi"
EDIT_TEXT = "Sửa nội dung"
CANCEL = "Hủy"
ANNOUNCE_QUEUED = (
    "Đã xếp {total} tin để gửi. Trợ lý Hài Lòng sẽ báo kết quả khi gửi xong; xem lại bằng "
    "/thongbao."
)
ANNOUNCE_CANCELLED = "Đã hủy, thông báo không được gửi."
ANNOUNCE_NOT_YOURS = "Thầy/cô chỉ gửi được thông báo cho lớp mình phụ trách."
ANNOUNCE_USE_BUTTONS = "Thầy/cô chọn một mục bên dưới, hoặc gõ /huy để thôi."
ANNOUNCE_HEADER = "📢 Thông báo – {scope}\n\n{text}"
SCOPE_CLASSES = "lớp {names}"
SENT_NONE = "Chưa có thông báo, tin nào được gửi."
SENT_HEADER = "Thông báo, tin đã gửi gần đây (chọn để xem kết quả):"
SENT_LINE = "{date} · {title}"
BROADCAST_STATES = {
    "scheduled": "chờ đến giờ gửi",
    "sending": "đang gửi",
    "done": "đã gửi xong",
    "cancelled": "đã hủy",
}

REPORT = "Kết quả gửi “{title}”: đã gửi {delivered}/{total}"
REPORT_FAILED = "; {count} tin không gửi được: {names}"
REPORT_WAITING = "; còn {count} tin đang chờ gửi"
REPORT_UNCONFIRMED = "; {count} tin chưa xác nhận"
REPORT_UNCONFIRMED_NOTE = (
    "\n(Tin chưa xác nhận: nền tảng không trả lời kịp hoặc Trợ lý Hài Lòng khởi động lại "
    "giữa chừng, nên chưa rõ tin đã đến chưa; Trợ lý Hài Lòng không gửi lại để tránh trùng.)"
)
REPORT_SEEN = "\nĐã xem: {lines}."
REPORT_SEEN_LINE = "lớp {class_name} {seen}/{parents}"
REPORT_MORE = " và {count} người khác"
FAILURE_BLOCKED = "đã chặn Trợ lý Hài Lòng"
FAILURE_OTHER = "lỗi khi gửi"
FAILURE_GAVE_UP = "nền tảng lỗi đến hết hạn gửi"
FAILURE_GROUP = "nhóm “{title}”"
FAILURE_ERASED = "một phụ huynh đã xóa dữ liệu"
SEEN_THANKS = "Đã ghi nhận. Cảm ơn anh/chị!"

GROUP_HELLO = (
    "Xin chào! Đây là Trợ lý Hài Lòng của nhà trường. Để nhận thông báo của lớp tại nhóm này, "
    "giáo viên của lớp nhắn riêng cho Trợ lý Hài Lòng lệnh /thongbao, chọn “Liên kết nhóm lớp” "
    "để lấy mã, rồi gõ tại đây: /lienket <mã>."
)
GROUP_PICK_CLASS = "Liên kết nhóm Telegram của lớp nào?"
GROUP_CODE = (
    "Thầy/cô thêm Trợ lý Hài Lòng vào nhóm Telegram của lớp {class_name}, rồi gõ trong nhóm:\n"
    "/lienket {code}\n"
    "Mã dùng một lần, hết hạn sau {hours} giờ. Trên Zalo, thông báo được gửi riêng cho từng "
    "phụ huynh."
)
GROUP_LINKED = (
    "Đã liên kết nhóm này với lớp {class_name} – {school}. Thông báo của lớp sẽ được gửi vào đây."
)
GROUP_CODE_BAD = (
    "Mã liên kết không đúng hoặc đã hết hạn. Thầy/cô lấy mã mới bằng /thongbao khi nhắn riêng "
    "với Trợ lý Hài Lòng."
)
GROUP_CODE_NOT_YOURS = "Chỉ giáo viên của lớp hoặc ban giám hiệu liên kết được nhóm."
GROUP_LINK_HOW = "Gõ /lienket <mã>; mã lấy bằng /thongbao khi nhắn riêng với Trợ lý Hài Lòng."

NEWS_FOR_OFFICERS = (
    "Tin cải cách hành chính do ban giám hiệu từng trường gửi cho phụ huynh. Anh/chị so sánh "
    "các trường bằng /baocao."
)
NEWS_PRINCIPAL_ONLY = (
    "Chỉ ban giám hiệu đăng tin cải cách hành chính. Thầy/cô gửi thông báo cho lớp bằng /thongbao."
)
NEWS_MENU = (
    "Tin cải cách hành chính – {school}\n"
    "Tuần này đã gửi {week} tin (kế hoạch: ít nhất 1 tin mỗi tuần){mark}.{next}\n"
    "Chọn tin để xem và gửi:"
)
NEWS_WEEK_OK = " ✓"
NEWS_WEEK_MISSING = " – chưa đạt"
NEWS_NEXT = "\nLần gửi theo lịch tới: “{title}” lúc {at}."
NEWS_EMPTY_LIBRARY = "\nThư viện chưa có tin nào; chọn “Viết tin mới”."
NEWS_NEW = "Viết tin mới"
NEWS_SCHEDULE_LIST = "Lịch gửi"
NEWS_BODY = "📰 {title}\n\n{text}"
NEWS_LINK = "\n\n👉 Làm thủ tục trực tuyến: {link}"
NEWS_SEND_NOW = "Gửi ngay"
NEWS_TOMORROW = "Gửi 8:00 sáng mai"
NEWS_WEEKLY = "Gửi 8:00 thứ Hai hằng tuần"
BACK = "Quay lại"
NEWS_SCHEDULED = "Đã lên lịch gửi “{title}” lúc {at}{repeat}. Xem, hủy lịch bằng /tin → “Lịch gửi”."
NEWS_REPEAT = ", rồi cứ {days} ngày một lần"
NEWS_NO_SCHEDULE = "Chưa có tin nào được lên lịch."
NEWS_SCHEDULE_HEADER = "Tin đã lên lịch:"
NEWS_SCHEDULE_LINE = "• “{title}” lúc {at}{repeat}"
NEWS_UNSCHEDULE = "Hủy lịch {at}: {title}"  # the time tells two schedules of one post apart
NEWS_UNSCHEDULED = "Đã hủy lịch gửi “{title}”."
NEWS_TITLE_LIMIT = 120
NEWS_TEXT_LIMIT = 1200
NEWS_ASK_TITLE = (
    "Thầy/cô gõ tiêu đề tin (tối đa {limit} ký tự). /huy để thôi, /trogiup để xem hướng dẫn."
)
NEWS_ASK_TEXT = "Thầy/cô gõ nội dung tin (tối đa {limit} ký tự)."
NEWS_ASK_LINK = (
    "Nếu tin nói về một thủ tục làm trực tuyến, thầy/cô gõ đường dẫn (bắt đầu bằng https://); "
    "nếu không, chọn “Bỏ qua”."
)
NEWS_BAD_LINK = (
    "Đường dẫn phải bắt đầu bằng https:// hoặc http://. Thầy/cô gõ lại hoặc chọn “Bỏ qua”."
)
NEWS_TOO_LONG = "Dài quá, thầy/cô viết ngắn lại giúp (tối đa {limit} ký tự)."
NEWS_TITLE_TAKEN = "Thư viện đã có tin cùng tiêu đề. Thầy/cô đặt tiêu đề khác giúp."
NEWS_SAVED = "Đã lưu tin vào thư viện."

SURVEY_REMINDER = (
    "Kính gửi anh/chị,\nNhà trường xin nhắc anh/chị tham gia “{title}” (hạn {closes}). "
    "Phiếu ẩn danh; phần anh/chị đã trả lời được giữ nguyên."
)
SURVEY_ANSWER = "Trả lời khảo sát"

# --- reports: the weekly digest, /baocao, the quarterly draft (DOCX), the authority view --------
REPORT_WEEK = "tuần {start}–{end}"
REPORT_QUARTER = "quý {number} năm {year}"
REPORT_RANGE = "từ {start} đến {end}"
QUARTER_NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}
REPORT_PREVIOUS = {"week": "tuần trước", "quarter": "quý trước", "range": "kỳ trước"}
REPORT_HEADER = "📊 Báo cáo {period} – {school}"
REPORT_SURVEY = "Khảo sát “{title}”"
REPORT_TURNOUT = "• Tham gia: {answered}/{invited} phụ huynh được mời đã trả lời ({rate})."
REPORT_CLASSES = "• Theo lớp: {classes}."
REPORT_CLASS = "{name} {answered}/{invited}"
REPORT_CLASSES_HIDDEN = "{count} lớp dưới {min} phiếu không hiển thị riêng"
REPORT_RESPONSES = (
    "• {n} phiếu trong kỳ. Chỉ số hài lòng (mục tiêu {target} %; thay đổi so với {previous}):"
)
# the one mark of a figure counted from too few answers (handlers/reports/small_groups.py)
SUPPRESSED_MARK = "ẩn (dưới {min} câu trả lời)"
REPORT_SUPPRESSED = "• {n} phiếu trong kỳ: chỉ số {mark}, để giữ ẩn danh."
REPORT_OPEN_WAVES = "• Đợt khảo sát đang mở: chỉ số được tính khi đợt kết thúc, để giữ ẩn danh."
REPORT_ELEMENT = "  – {title}: {index}{change} {mark}"
REPORT_OVERALL = "  – Chỉ số chung (trung bình các nội dung): {index}{change} {mark}"
REPORT_OVERALL_QUESTION = "  – Hài lòng với nhà trường nói chung: {index} phụ huynh"
REPORT_NOT_COMPARED = (
    "  (Bộ câu hỏi kỳ này khác phiên bản với {previous}: chỉ so sánh các nội dung giữ nguyên "
    "câu hỏi.)"
)
REPORT_GRADES = "• Theo khối lớp:"
REPORT_GRADE = "  – {title}: {figures}"
REPORT_CHANGE = " ({change})"
REPORT_MET = "✓"
REPORT_NOT_MET = "✗ dưới mục tiêu"
REPORT_WISHES = "• Mong đợi nhiều nhất: {wishes}."
REPORT_WISH = "{label} ({count})"
REPORT_NO_SURVEY = "Khảo sát: không có đợt khảo sát nào trong kỳ."
REPORT_TICKETS = (
    "Phản ánh – kiến nghị: {received} phiếu mới; đến hạn {due}, đúng hạn {on_time} ({rate}); "
    "{overdue} phiếu quá hạn chưa xong{oldest}{until}."
)
REPORT_OLDEST = "; phiếu mở lâu nhất {days} ngày"
REPORT_TICKETS_UNTIL_TODAY = " (số liệu phản ánh tính đến hôm nay, {today})"
REPORT_NEWS = "Tin CCHC: {news} tin, {target}; thông báo: {announcements}{delivered}."
REPORT_NEWS_DELIVERED = "; đã tới {delivered}/{recipients} lượt nhận"
REPORT_NEWS_WEEK_MET = "đạt kế hoạch ít nhất 1 tin mỗi tuần ✓"
REPORT_NEWS_WEEK_MISSED = "chưa đạt kế hoạch ít nhất 1 tin mỗi tuần ✗"
REPORT_NEWS_WEEKS = "{met}/{weeks} tuần có ít nhất 1 tin"
REPORT_ATTACHED = "Biểu đồ và tệp số liệu (XLSX) ở các tin nhắn tiếp theo."
# {you}: how the reader is addressed, a principal "thầy/cô", an officer "anh/chị"
REPORT_STAFF_YOU = "thầy/cô"
REPORT_OFFICER_YOU = "anh/chị"
REPORT_FILES_COMING = "⏳ Đang chuẩn bị {files}; {you} sẽ nhận được ngay sau tin này."
REPORT_FILES_CHART = "biểu đồ và tệp số liệu (XLSX)"
REPORT_FILES_DOCX = "dự thảo báo cáo (DOCX) và tệp số liệu (XLSX)"
REPORT_FILES_FAILED = (
    "Xin lỗi {you}, hệ thống chưa tạo được {files} của báo cáo {period}. "
    "Mời {you} gõ /baocao để thử lại sau ít phút."
)
REPORT_CHART_CAPTION = "Biểu đồ chỉ số hài lòng – {period}"
REPORT_XLSX_CAPTION = "Số liệu {period} (XLSX)"
REPORT_DOCX_CAPTION = (
    "Dự thảo báo cáo {period} (DOCX): thầy/cô chỉnh sửa, ký rồi gửi cơ quan quản lý của trường."
)
REPORT_CHART_TITLE = "Chỉ số hài lòng theo nội dung – {school}, {period}"
REPORT_CHART_TARGET = "Mục tiêu {target} %"
REPORT_CHART_OVERALL = "Chỉ số chung"
REPORT_CHART_NOTE = "Ghi chú: {note}"
REPORT_CHART_NOT_COMPARED = "“–”: không so sánh với {previous} (bộ câu hỏi khác phiên bản)."
REPORT_CHART_SUPPRESSED = "Chỉ số hài lòng: {mark}, để giữ ẩn danh."
REPORT_NOTHING_YET = "Chưa có số liệu."

REPORT_MENU = "Báo cáo – {place}. Mời chọn kỳ báo cáo:"
REPORT_THIS_WEEK = "Tuần này"
REPORT_LAST_WEEK = "Tuần trước"
REPORT_PICK_RANGE = "Chọn khoảng ngày"
REPORT_THIS_QUARTER = "Báo cáo quý này (DOCX)"
REPORT_LAST_QUARTER = "Báo cáo quý trước (DOCX)"
REPORT_AUTHORITY_WEEK = "Các trường – tuần trước"
REPORT_AUTHORITY_QUARTER = "Các trường – quý này"
REPORT_AUTHORITY_RANGE = "Các trường – chọn khoảng ngày"
REPORT_AUTHORITY_OF = "{label} ({authority})"  # an officer of several authorities
REPORT_ASK_RANGE = (
    "Mời {you} gõ khoảng ngày theo mẫu 01/11/2026 - 30/11/2026 (tối đa {days} ngày). "
    "/huy để thôi, /trogiup để xem hướng dẫn."
)
REPORT_BAD_RANGE = (
    "Chưa đúng mẫu. Mời {you} gõ lại, ví dụ 01/11/2026 - 30/11/2026 (tối đa {days} ngày), "
    "hoặc /huy để thôi."
)
REPORT_CANCELLED = "Đã dừng. Gõ /baocao khi cần báo cáo."
REPORT_FOR_STAFF = (
    "Báo cáo dành cho ban giám hiệu và cán bộ cơ quan quản lý (UBND xã, phường, Sở GD&ĐT). "
    "Thầy/cô xem tiến độ khảo sát của lớp bằng /khaosat."
)
REPORT_QUARTER_TEXT = (
    "Dự thảo báo cáo {period} của {school}: tệp DOCX theo mẫu báo cáo gửi cơ quan quản lý, "
    "đã điền số liệu thật; kèm tệp số liệu XLSX."
)
REPORT_AUTHORITY_HEADER = "📊 {authority} – {period}: {count} trường"
REPORT_AUTHORITY_AVERAGE = (
    "Trung bình các trường: chỉ số chung {index}, tham gia {turnout}, "
    "giải quyết đúng hạn {on_time}."
)
REPORT_AUTHORITY_BANDS = "So với mục tiêu: {bands}."
REPORT_AUTHORITY_BAND = "{label}: {count} trường"
REPORT_AUTHORITY_UNITS = "Các đơn vị trực thuộc (trung bình các trường):"
REPORT_AUTHORITY_UNIT = "• {name}: {index}; {schools} trường, {met} trường đạt mục tiêu"
REPORT_AUTHORITY_RANKING = "Xếp hạng các trường theo chỉ số chung:"
REPORT_AUTHORITY_SCHOOL = "{rank}. {name}: {index}{mark}; tham gia {turnout}"
REPORT_AUTHORITY_UNRANKED = "–"
REPORT_AUTHORITY_NO_RESPONSES = "chưa có phiếu trong kỳ"
REPORT_AUTHORITY_MORE = "… và {count} trường khác (trong tệp XLSX)."
REPORT_AUTHORITY_CHART = "Các trường thuộc {authority} – {period}"
REPORT_AUTHORITY_UNITS_CHART = "Các đơn vị thuộc {authority} – {period}"
REPORT_AUTHORITY_UNITS_NOTE = "Mỗi đơn vị: trung bình các trường thuộc đơn vị."
REPORT_AUTHORITY_AVERAGE_LINE = "Chỉ số chung trung bình: {value} %"
REPORT_AUTHORITY_CHART_NOTE = (
    "Chỉ số của trường có dưới {min} phiếu trong kỳ: {mark}, để giữ ẩn danh."
)
REPORT_NO_SCHOOLS = "{authority} chưa có trường nào trên Hài Lòng."
# the distribution of schools against the target (handlers/reports/authority.py)
BAND_MET = "từ {target} % trở lên"
BAND_NEAR = "từ {low} % đến dưới {target} %"
BAND_BELOW = "dưới {low} %"
BAND_NONE = "chưa có chỉ số (ẩn hoặc chưa có phiếu)"

# XLSX / CSV: sheet titles, headers and labels
SHEET_SUMMARY = "Tổng hợp"
SHEET_INDICES = "Chỉ số hài lòng"
SHEET_ITEMS = "Từng câu hỏi"
SHEET_TURNOUT = "Tham gia theo lớp"
SHEET_WISHES = "Mong đợi"
SHEET_TICKETS = "Phản ánh – kiến nghị"
SHEET_NEWS = "Tin, thông báo"
SHEET_COMMENTS = "Ý kiến khác"
SHEET_SCHOOLS = "Các trường"
SHEET_UNITS = "Các đơn vị"
SHEET_BANDS = "Phân bố theo mục tiêu"
SHEET_GRADES = "Theo khối lớp"
SHEET_CHOICES = "Các câu hỏi khác"
SHEET_NOTES = "Ghi chú"
COL_ITEM = "Nội dung"
COL_VALUE = "Giá trị"
COL_SURVEY = "Khảo sát"
COL_ELEMENT = "Nội dung đánh giá"
COL_INDEX = "Chỉ số hài lòng (%)"
COL_PREVIOUS = "Kỳ trước (%)"
COL_CHANGE = "Thay đổi (điểm %)"
COL_TARGET_MET = "Đạt mục tiêu"
COL_QUESTION = "Câu hỏi"
COL_VALID = "Trả lời hợp lệ (1–5)"
COL_SATISFIED = "Hài lòng (mức 4–5)"
COL_MEAN = "Điểm trung bình (1–5)"
COL_CLASS = "Lớp"
COL_ANSWERED = "Đã trả lời"
COL_INVITED = "Được mời"
COL_RATE = "Tỷ lệ (%)"
COL_WISH = "Nội dung mong cải thiện"
COL_CHOSEN = "Số lượt chọn"
COL_COMMENT = "Ý kiến của phụ huynh (không kèm lớp, ngày; xếp theo thứ tự chữ cái)"
COL_GRADE = "Khối lớp"
COL_OPTION = "Lựa chọn"
COL_ANSWERED_QUESTION = "Số phiếu trả lời câu này"
COL_SCHOOL = "Trường"
COL_CODE = "Mã trường"
COL_RESPONSES = "Phiếu trong kỳ"
COL_TURNOUT = "Tỷ lệ tham gia (%)"
COL_OVERALL = "Chỉ số chung (%)"
COL_OVERALL_QUESTION = "Hài lòng nói chung (%)"
COL_DUE = "Phiếu đến hạn"
COL_ON_TIME = "Đúng hạn"
COL_ON_TIME_RATE = "Tỷ lệ đúng hạn (%)"
COL_NEWS = "Tin CCHC"
COL_RANK = "Hạng"
COL_UNIT = "Cơ quan quản lý trực tiếp"
COL_UNIT_NAME = "Đơn vị"
COL_UNIT_KIND = "Loại"
COL_SCHOOLS = "Số trường"
COL_COUNTED = "Trường có chỉ số"
COL_MET = "Trường đạt mục tiêu"
COL_BAND = "Chỉ số chung"
COL_SHARE = "Tỷ lệ (%)"
YES_WORD = "Có"
NO_WORD = "Chưa"
ROW_SCHOOL = "Trường"
ROW_PERIOD = "Kỳ báo cáo"
ROW_FROM = "Từ ngày"
ROW_TO = "Đến ngày"
ROW_TARGET = "Mục tiêu hài lòng (%)"
ROW_OVERALL = "Chỉ số chung (trung bình các nội dung)"
ROW_OVERALL_QUESTION = "Hài lòng với nhà trường nói chung (câu tổng quát)"
ROW_MEAN = "Điểm trung bình (1–5)"
ROW_RESPONSES = "Phiếu trong kỳ"
ROW_TOTAL = "Cả trường"
ROW_HIDDEN = "{count} lớp dưới {min} phiếu: không hiển thị riêng"
ROW_SUPPRESSED = "Chỉ số hài lòng: {mark}"
ROW_AVERAGE = "Trung bình các trường"
ROW_NOTE = "Ghi chú về bộ câu hỏi"
ROW_NO_GRADES = "Chưa có phiếu nào của lớp đã ghi khối lớp."
ROW_NOT_COMPARED = "không so sánh (bộ câu hỏi khác phiên bản)"
TICKET_ROWS = (
    ("received", "Phiếu mới nhận"),
    ("acknowledged_share", "Cấp số phiếu ngay trong ngày (%)"),
    ("due", "Phiếu đến hạn trong kỳ"),
    ("on_time", "Giải quyết đúng hạn"),
    ("on_time_rate", "Tỷ lệ đúng hạn (%)"),
    ("open", "Đang xử lý cuối kỳ"),
    ("overdue_open", "Quá hạn chưa xong"),
    ("oldest_open_days", "Phiếu mở lâu nhất (ngày)"),
    ("mean_rating", "Đánh giá trung bình của phụ huynh (1–5)"),
)
NEWS_ROWS = (
    ("news", "Tin cải cách hành chính đã gửi"),
    ("announcements", "Thông báo đã gửi"),
    ("delivered", "Lượt nhận đã gửi tới"),
    ("recipients", "Tổng lượt nhận"),
    ("weeks_met", "Số tuần có ít nhất 1 tin"),
    ("weeks", "Số tuần trong kỳ"),
)
ROW_NEWS_TARGET = "Đạt kế hoạch ít nhất 1 tin mỗi tuần"
AUTHORITY_NOTES = (
    "Chỉ số hài lòng: tỷ lệ câu trả lời mức 4–5 trên câu trả lời hợp lệ (1–5) của từng câu; "
    "chỉ số nội dung là trung bình các câu; chỉ số chung là trung bình các nội dung (SIPAS).",
    "Chỉ tính các đợt khảo sát kết thúc trong kỳ; số liệu tính từ dưới {min} câu trả lời được ghi "
    "“{mark}”, để giữ ẩn danh.",
    "Tỷ lệ tham gia: phụ huynh đã trả lời / phụ huynh được mời, các đợt khảo sát mở trong kỳ.",
    "Tỷ lệ đúng hạn: phiếu phản ánh giải quyết đúng hạn / phiếu đến hạn trong kỳ.",
    "Trung bình các trường: trung bình cộng số liệu của các trường có số liệu "
    "(mỗi trường tính như nhau); trung bình của một đơn vị tính trên các trường thuộc đơn vị.",
    "Hạng: theo chỉ số chung như hiển thị (1 chữ số thập phân); bằng nhau thì cùng hạng; "
    "trường chưa có chỉ số không xếp hạng.",
    "Mục tiêu: {target} %. Phân bố: từ {target} % trở lên, từ {low} % đến dưới {target} %, "
    "dưới {low} %, chưa có chỉ số.",
)

# DOCX: the quarterly report draft, in the style of the schools' own reports to their managing
# body; the heading as Nghị định 30/2020/NĐ-CP, Phụ lục I lays it out (tiêu ngữ: hyphens, spaced)
DOCX_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
DOCX_MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCX_NUMBER = "Số: …/BC-{abbreviation}"
DOCX_PLACE_DATE = "{place}, ngày … tháng … năm …"  # the day it is signed and numbered
DOCX_BLANK = "……"  # what the school fills in by hand
# abbreviations in a stored managing body's name, written in full on the letterhead
DOCX_FULL_NAMES = {
    "UBND": "Ủy ban nhân dân",
    "GD&ĐT": "Giáo dục và Đào tạo",
    "GDĐT": "Giáo dục và Đào tạo",
    "GD-ĐT": "Giáo dục và Đào tạo",
}
DOCX_TITLE = "BÁO CÁO"
DOCX_SUBJECT = (
    "Kết quả khảo sát sự hài lòng của cha mẹ học sinh, tiếp nhận và xử lý phản ánh – kiến nghị, "
    "tuyên truyền cải cách hành chính {period} tại {school}"
)
DOCX_TO = "Kính gửi: {recipient}."
DOCX_BASIS = (
    "Căn cứ Kế hoạch số …/KH-… ngày … tháng … năm {year} của … về thực hiện công tác cải cách "
    "hành chính năm {year};"
)
DOCX_INTRO = "{school} báo cáo kết quả thực hiện {period} (từ ngày {start} đến ngày {end}) như sau:"
DOCX_SURVEY_HEADING = "I. Khảo sát sự hài lòng của cha mẹ học sinh"
DOCX_SURVEY = (
    "- Nhà trường đã triển khai khảo sát lấy ý kiến mức độ hài lòng của CMHS về công tác chăm sóc, "
    "giáo dục trẻ qua trợ lý Hài Lòng (Zalo, Telegram, trang web của trường), phiếu không ghi tên. "
    "Số CMHS tham gia khảo sát {answered}/{invited} CMHS. Kết quả: {satisfied} CMHS được khảo sát "
    "hài lòng với nhà trường nói chung; chỉ số hài lòng chung theo các nội dung đạt {overall} "
    "(mục tiêu {target} %: {mark})."
)
DOCX_TARGET_MET = "đạt"
DOCX_TARGET_MISSED = "chưa đạt"
DOCX_SURVEY_SUPPRESSED = (
    "- Nhà trường đã triển khai khảo sát lấy ý kiến mức độ hài lòng của CMHS qua trợ lý Hài Lòng, "
    "phiếu không ghi tên. Số CMHS tham gia khảo sát {answered}/{invited} CMHS. Số phiếu trong kỳ: "
    "{n}; tỷ lệ hài lòng: {mark}, để giữ ẩn danh."
)
DOCX_SURVEY_NONE = "- Trong kỳ, nhà trường không tổ chức đợt khảo sát sự hài lòng."
DOCX_ELEMENTS = "- Tỷ lệ hài lòng theo từng nội dung:"
DOCX_ELEMENT_HEADER = ("Nội dung", "Tỷ lệ hài lòng", "So với {previous}")
DOCX_WISHES = "- Nội dung CMHS mong nhà trường ưu tiên cải thiện: {wishes}."
DOCX_NOT_COMPARED = (
    "- Bộ câu hỏi kỳ này khác phiên bản với {previous}; chỉ so sánh các nội dung giữ nguyên "
    "câu hỏi."
)
DOCX_NOTE = "Ghi chú: {note}"
DOCX_TICKETS_HEADING = "II. Tiếp nhận, xử lý phản ánh – kiến nghị của cha mẹ học sinh"
DOCX_TICKETS = (
    "- Trong kỳ, nhà trường tiếp nhận {received} ý kiến, phản ánh – kiến nghị của CMHS qua trợ lý "
    "Hài Lòng, {acknowledged} được cấp số phiếu ngay khi nhận. Số phiếu đến hạn giải quyết: {due}; "
    "giải quyết đúng hạn: {on_time} (tỷ lệ {rate}). {until} còn {open} phiếu đang xử lý, "
    "trong đó {overdue} phiếu quá hạn."
)
DOCX_TICKETS_UNTIL_END = "Đến cuối kỳ"
DOCX_TICKETS_UNTIL_DAY = "Đến ngày {day}"  # the quarter is not over: figures as of today
DOCX_NEWS_HEADING = "III. Thông tin, tuyên truyền về cải cách hành chính"
DOCX_NEWS = (
    "- Nhà trường đã gửi {news} tin cải cách hành chính và {announcements} thông báo tới CMHS qua "
    "trợ lý Hài Lòng (nhóm lớp và tin nhắn riêng), tới {delivered}/{recipients} lượt nhận; "
    "{met}/{weeks} tuần có ít nhất một tin (kế hoạch: ít nhất 1 tin mỗi tuần)."
)
DOCX_CLOSING = "Trên đây là báo cáo kết quả thực hiện {period} của {school}./."
DOCX_RECIPIENTS = ("Nơi nhận:", "- Như trên;", "- Lưu: VT.")
DOCX_SIGNER = "HIỆU TRƯỞNG"
DOCX_SIGN_NOTE = "(Ký, ghi rõ họ tên và đóng dấu)"
DOCX_SIGNER_NAME = "……………………………"

# the demo school's tickets (hailong demo), so /phieu and /baocao have something to show
DEMO_TICKETS = (
    "Đề nghị nhà trường cho biết thực đơn tuần tới của các cháu.",
    "Cầu trượt ở sân chơi bị long ốc, nhờ nhà trường kiểm tra giúp.",
    "Tôi chưa nhận được biên lai học phí tháng 10, nhờ nhà trường xem lại.",
    "Thủ tục xin miễn giảm học phí nộp ở đâu ạ?",
)


# --- issue 14: context stays readable, forgiving input ---
ANSWERED = "{asked}\n→ {answer}"  # a question (or the review) kept in the chat with its answer
CHANGE_PICKED = "Sửa câu {number}"
REVIEW_SENT = "Đã gửi phiếu"  # marked under the review once sent
CHOOSE_IN_RANGE = "Anh/chị vui lòng chọn từ 1 đến {max}."
CONSENT_MARK_YES = "Đồng ý"  # marked under a consent text once the parent has chosen
CONSENT_MARK_NO = "Không đồng ý"

# --- issue 14: voice ---
# the length under a questionnaire's intro, counted from its questions (handlers/surveys.py)
SURVEY_LENGTH = "Phiếu có {questions} câu, mất khoảng {minutes} phút."
SURVEY_LENGTH_SHORT = "Phiếu có {questions} câu, mất chưa tới 1 phút."

# --- issue 14: menus, free text, first contact ---
MENU = "Anh/chị chọn việc cần làm:"
NOT_UNDERSTOOD_MENU = "Trợ lý Hài Lòng chưa hiểu ý anh/chị. Anh/chị chọn việc cần làm:"
# a teacher's or a principal's menu: staff are "thầy/cô", as their welcome says
STAFF_MENU_INTRO = "Thầy/cô chọn việc cần làm:"
STAFF_NOT_UNDERSTOOD_MENU = "Trợ lý Hài Lòng chưa hiểu ý thầy/cô. Thầy/cô chọn việc cần làm:"
MENU_LABELS = {
    "khaosat": "Khảo sát",
    "phananh": "Góp ý – phản ánh",
    "theodoi": "Phiếu đã gửi",
    "dulieu": "Dữ liệu cá nhân",
    "phieu": "Phiếu cần xử lý",
    "thongbao": "Gửi thông báo",
    "tin": "Tin cải cách hành chính",
    "baocao": "Báo cáo",
    "trogiup": "Hướng dẫn",
}
# typed words that open the menu outside a flow (compared folded: no case, no diacritics)
MENU_WORDS = ("menu", "0", "tro giup", "help", "huong dan")
# typed greetings that are never a class code, even without diacritics ("Xin chao")
GREETINGS = ("xin chao", "chao", "hello", "hi", "alo", "chao ban", "chao co", "chao thay")
FIRST_CONTACT = (
    "Chào anh/chị! Đây là Trợ lý Hài Lòng của nhà trường.\n"
    "Để bắt đầu, anh/chị vui lòng nhắn mã lớp của con (ví dụ: K7Q2MXPA). Mã lớp do giáo viên "
    "gửi trong nhóm Zalo của lớp hoặc in trên giấy thông báo của nhà trường."
)
ASK_NOT_UNDERSTOOD = "Trợ lý Hài Lòng chưa hiểu đây là việc gì. "  # before the offer outside a flow
ASK_OFFER = (
    "Gửi câu hỏi này tới nhà trường?\n“{text}”\n"
    "Câu hỏi được gửi dưới dạng Góp ý – hỏi đáp, kèm tên anh/chị."
)
ASK_SEND = "Gửi"
ASK_KEEP = "Không"
ASK_DROPPED = "Đã bỏ qua, câu hỏi chưa được gửi."
ASK_GO_ON = "Anh/chị trả lời tiếp câu khảo sát đang hỏi ở trên nhé."
ASK_SHOWN_LIMIT = 200  # characters of the question quoted back in the offer
# the platform command menu (Telegram's "/" list): each command with a short description
COMMAND_DESCRIPTIONS = {
    "khaosat": "Khảo sát đang mở",
    "phananh": "Gửi góp ý, phản ánh, khiếu nại, tố cáo",
    "theodoi": "Xem phiếu đã gửi và kết quả",
    "dulieu": "Dữ liệu cá nhân, liên kết Zalo/Telegram",
    "phieu": "Phiếu đang chờ xử lý",
    "thongbao": "Gửi thông báo tới phụ huynh",
    "tin": "Tin cải cách hành chính",
    "baocao": "Báo cáo",
    "trogiup": "Hướng dẫn",
    "huy": "Dừng việc đang làm",
}

# --- issue 14: staff confirmations and "Đã xem" ---
SEEN_ALREADY = "Anh/chị đã bấm “Đã xem” thông báo này rồi. Cảm ơn anh/chị!"
STAFF_PICK_CLASSES = "Khảo sát những lớp nào? Chọn một hoặc nhiều lớp rồi bấm “Xong”."
STAFF_WAVE_PREVIEW = (
    "Xem trước đợt khảo sát:\n"
    "• Bộ câu hỏi: {title}\n"
    "• Gửi tới: {scope}\n"
    "• Mở: {opens}; đóng: {closes}\n"
    "• Mời {invited} phụ huynh đã đồng ý tham gia khảo sát.\n"
    "Chỉ khi bấm “Mở đợt” thì lời mời mới được gửi."
)
STAFF_OPEN_AND_INVITE = "Mở đợt và mời {invited} phụ huynh"
NEWS_NOT_SENT = "Đã hủy, bài chưa được gửi. Bài vẫn còn trong thư viện /tin."
WAVE_OVERLAPS = (
    "Lớp {classes} đang có đợt “{title}” đến {closes}, nên chưa mở thêm đợt này. "
    "Thầy/cô chọn lớp khác, hoặc mở lại sau ngày đó."
)
WAVE_NOT_YOURS = "Thầy/cô chỉ mở được đợt khảo sát cho lớp mình phụ trách."
STAFF_RESULT_PREVIEW = (
    "Xem trước kết quả gửi người gửi phiếu {number}:\n———\n{body}\n———\n"
    "Chỉ khi bấm “Gửi kết quả” thì phụ huynh mới nhận được."
)
STAFF_SEND_RESULT = "Gửi kết quả"
STAFF_EDIT_RESULT = "Sửa"
STAFF_RESULT_CANCELLED = "Đã hủy, kết quả chưa được gửi. Phiếu vẫn giữ nguyên trạng thái."
STAFF_CLOSE_WAITS = (
    "Phiếu {number} sẽ đóng khi phụ huynh đánh giá, hoặc sau {days} ngày ({until}) nếu phụ huynh "
    "không đánh giá."
)

# --- issue 14: Zalo as first class ---
# in place of a picture a platform cannot show (Zalo when the app has no public address)
CHART_ELSEWHERE = "📊 Biểu đồ: anh/chị xem trên Telegram hoặc trang web của trường."
PHOTO_ELSEWHERE = "🖼 Ảnh kèm theo: anh/chị xem trên Telegram hoặc trang web của trường."
# a photo that could not be downloaded and kept (expired link, too big, not a picture)
PHOTO_NOT_FETCHED = (
    "Trợ lý Hài Lòng chưa tải được ảnh này (ảnh JPEG, PNG hoặc WebP, tối đa 5 MB). "
    "Anh/chị gửi lại giúp ạ."
)

# --- i14-zalo ---
# in place of a ticket's photo whose copy could not be downloaded (an expired or refused link)
STAFF_PHOTO_MISSING = (
    "🖼 Trợ lý Hài Lòng chưa tải được ảnh này từ tin nhắn của phụ huynh (liên kết đã hết hạn "
    "hoặc không phải ảnh). Thầy/cô có thể nhắn phụ huynh gửi lại."
)
# a parent typed "Đã xem" (Zalo has no buttons): which announcement it was recorded for
SEEN_TYPED_THANKS = "✓ Đã xem “{title}”. Cảm ơn anh/chị!"
SEEN_TYPED_ALREADY = "Anh/chị đã báo “Đã xem” thông báo “{title}” rồi. Cảm ơn anh/chị!"
