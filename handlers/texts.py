"""Every word a parent or a teacher reads, in one place to review (Vietnamese, NFC)."""

from __future__ import annotations

CONSENT_NOTICE_VERSION = "2026-11-v1"

HELP = (
    "Hài Lòng là trợ lý của nhà trường dành cho cha mẹ trẻ.\n"
    "/khaosat – các khảo sát đang mở cho anh/chị\n"
    "/dulieu – xem, rút đồng ý hoặc xóa dữ liệu của anh/chị\n"
    "/huy – dừng việc đang làm\n"
    "/trogiup – xem hướng dẫn này\n"
    "Để tham gia lớp của con, anh/chị nhập mã lớp do giáo viên gửi."
)
HELP_STAFF = "\n\nDành cho cán bộ, giáo viên:\n/khaosat – mở đợt khảo sát, xem tiến độ và kết quả"
WELCOME_NO_CODE = (
    "Kính chào quý phụ huynh! Đây là trợ lý Hài Lòng của nhà trường.\n"
    "Anh/chị vui lòng nhập mã lớp (ví dụ: K7Q2MXPA) do giáo viên gửi để bắt đầu."
)
UNKNOWN_TEXT = "Xin lỗi, tôi chưa hiểu ý anh/chị. Gõ /trogiup để xem hướng dẫn."
UNKNOWN_COMMAND = "Lệnh này không có. Gõ /trogiup để xem các lệnh."
NOT_TEXT = "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Anh/chị vui lòng trả lời bằng chữ hoặc bấm nút."
IN_GROUP = "Vui lòng nhắn riêng cho tôi để dùng các chức năng, cảm ơn anh/chị."
CANCELLED = "Đã dừng. Câu trả lời đã lưu vẫn còn; anh/chị có thể tiếp tục bằng /khaosat."
NOTHING_TO_CANCEL = "Hiện không có việc gì đang làm dở. Gõ /trogiup để xem hướng dẫn."
FAILURE = "Xin lỗi, hệ thống đang gặp sự cố. Anh/chị vui lòng thử lại sau ít phút."
STALE_BUTTON = "Nút này đã cũ. Anh/chị vui lòng dùng tin nhắn mới nhất."

CODE_UNKNOWN = "Mã “{code}” không đúng. Anh/chị kiểm tra lại mã giáo viên gửi giúp tôi nhé."
CODE_EXPIRED = "Mã này đã hết hạn hoặc đã được dùng. Vui lòng xin nhà trường mã mới."
CONFIRM_CLASS = "Anh/chị xác nhận con học lớp {class_name} – {school_name}?"
YES_CLASS = "Đúng lớp"
NO_CLASS = "Không phải"
NOT_MY_CLASS = "Đã hủy. Anh/chị vui lòng nhập lại đúng mã lớp của con."
ALREADY_IN_CLASS = "Anh/chị đã tham gia lớp {class_name} rồi."
JOINED_CLASS = "Cảm ơn anh/chị! Đã ghi nhận anh/chị là phụ huynh lớp {class_name}."
STAFF_WELCOME = "Chào thầy/cô! Đã ghi nhận vai trò {role} – {place}. Gõ /trogiup để xem các lệnh."
ROLE_NAMES = {"teacher": "giáo viên", "principal": "hiệu trưởng", "district": "cán bộ Phòng GD&ĐT"}

CONSENT_INTRO = (
    "Trước khi bắt đầu, nhà trường xin phép anh/chị cho từng mục đích dưới đây "
    "(theo Luật Bảo vệ dữ liệu cá nhân). Anh/chị có thể rút lại bất cứ lúc nào bằng /dulieu."
)
CONSENT_QUESTIONS = {
    "surveys": (
        "1/3. Khảo sát ý kiến: nhà trường gửi phiếu khảo sát sự hài lòng. "
        "Câu trả lời được lưu ẩn danh, không gắn với tên anh/chị."
    ),
    "news": (
        "2/3. Tin tức, thông báo: nhà trường và giáo viên gửi thông báo, tin cải cách hành chính."
    ),
    "feedback": (
        "3/3. Phản ánh, kiến nghị: nhà trường lưu thông tin liên lạc để trả lời "
        "phản ánh, kiến nghị anh/chị gửi."
    ),
}
PURPOSE_NAMES = {
    "surveys": "khảo sát",
    "news": "tin tức, thông báo",
    "feedback": "phản ánh, kiến nghị",
}
AGREE = "Tôi đồng ý"
DISAGREE = "Không đồng ý"
CONSENT_DONE = "Cảm ơn anh/chị! Lựa chọn đã được lưu (phiên bản thông báo {version})."
CONSENT_DONE_SURVEY = " Đang có khảo sát mở cho lớp của con, anh/chị bấm để bắt đầu:"
CONSENT_DONE_HINT = " Gõ /khaosat để xem khảo sát, /trogiup để xem hướng dẫn."

MY_DATA = "Dữ liệu nhà trường đang lưu về anh/chị:"
MY_DATA_ACCOUNTS = "• Tài khoản chat: {accounts}"
MY_DATA_CLASSES = "• Lớp: {classes}"
MY_DATA_CONSENT = "• Đồng ý {purpose}: {state}"
MY_DATA_SURVEYS = "• Đã gửi {count} phiếu khảo sát (câu trả lời ẩn danh, không gắn với anh/chị)"
MY_DATA_NONE = "Nhà trường chưa lưu dữ liệu nào về anh/chị."
CONSENT_YES = "có (từ {date})"
CONSENT_NO = "không"
WITHDRAW = "Rút đồng ý {purpose}"
GRANT = "Đồng ý {purpose}"
DELETE_ME = "Xóa dữ liệu của tôi"
DELETE_CONFIRM = (
    "Anh/chị chắc chắn muốn xóa? Tài khoản, lớp, lựa chọn đồng ý và phiếu đang làm dở sẽ bị xóa; "
    "các câu trả lời đã gửi vẫn giữ ẩn danh trong số liệu chung."
)
DELETE_YES = "Xóa"
DELETE_NO = "Giữ lại"
DELETED = "Đã xóa dữ liệu của anh/chị. Cảm ơn anh/chị đã đồng hành cùng nhà trường."
KEPT = "Đã giữ nguyên dữ liệu."
CONSENT_CHANGED = "Đã cập nhật: {state} {purpose}."
CONSENT_WITHDRAWN_WORD = "rút đồng ý"
CONSENT_GRANTED_WORD = "đồng ý"

SURVEYS_NONE = "Hiện chưa có khảo sát nào đang mở cho anh/chị. Cảm ơn anh/chị!"
SURVEYS_NEED_CLASS = "Anh/chị chưa tham gia lớp nào. Vui lòng nhập mã lớp do giáo viên gửi."
SURVEYS_NEED_CONSENT = (
    "Anh/chị chưa đồng ý nhận khảo sát. Gõ /dulieu để bật mục “khảo sát” nếu anh/chị muốn tham gia."
)
SURVEYS_OPEN = "Khảo sát đang mở cho anh/chị:"
SURVEY_START = "Bắt đầu"
SURVEY_RESUME = "Làm tiếp"
SURVEY_INVITE = (
    "Kính gửi quý phụ huynh,\nNhà trường mời anh/chị tham gia “{title}” (hạn {closes}). "
    "Phiếu ẩn danh, mất khoảng {minutes} phút."
)
SURVEY_INTRO = "{title}\n{intro}\nAnh/chị có thể dừng bất cứ lúc nào và quay lại sau bằng /khaosat."
QUESTION = "Câu {number}/{total}. {text}"
QUESTION_MULTI_HINT = "\n(Chọn tối đa {max}, rồi bấm “Xong”.)"
QUESTION_TEXT_HINT = "\n(Anh/chị gõ câu trả lời.)"
QUESTION_OPTIONAL_HINT = " Nếu không có ý kiến, bấm “Bỏ qua”."
SKIP = "Bỏ qua"
DONE = "Xong"
ANSWER_SAVED = "Đã lưu"
INVALID_CHOICE = (
    "Xin lỗi, tôi chưa nhận ra câu trả lời. Anh/chị vui lòng chọn một trong các ô dưới đây."
)
INVALID_TOO_MANY = "Anh/chị chỉ chọn tối đa {max} mục thôi ạ."
INVALID_EMPTY = "Anh/chị vui lòng gõ câu trả lời, hoặc bấm “Bỏ qua”."
INVALID_TOO_LONG = "Câu trả lời dài quá, anh/chị vui lòng viết ngắn hơn (tối đa 2000 ký tự)."
REVIEW = "Anh/chị xem lại câu trả lời trước khi gửi:"
REVIEW_LINE = "{number}. {text}\n   → {answer}"
SUBMIT = "Gửi phiếu"
CHANGE = "Sửa câu trả lời"
WHICH_TO_CHANGE = "Anh/chị muốn sửa câu số mấy?"
SUBMITTED = "Cảm ơn anh/chị đã gửi phiếu! Ý kiến của anh/chị giúp nhà trường phục vụ tốt hơn."
ALREADY_SUBMITTED = "Anh/chị đã gửi phiếu của đợt khảo sát này rồi. Cảm ơn anh/chị!"
WAVE_CLOSED = "Đợt khảo sát này đã đóng. Cảm ơn anh/chị!"
QUESTION_HIDDEN = "Câu hỏi này không còn áp dụng theo câu trả lời của anh/chị."

STAFF_MENU = "Khảo sát của {school}:"
STAFF_NEW_WAVE = "Mở đợt khảo sát mới"
STAFF_WAVE_LINE = "• {title}: {answered}/{invited} phụ huynh đã trả lời (đến {closes})"
STAFF_RESULTS = "Kết quả: {title}"
STAFF_PICK_SURVEY = "Chọn bộ câu hỏi:"
STAFF_PICK_DAYS = "Khảo sát mở trong bao lâu?"
STAFF_DAYS = "{days} ngày"
STAFF_LAUNCHED = "Đã mở “{title}” đến {closes}; đã mời {invited} phụ huynh."
STAFF_ONLY = "Chức năng này dành cho cán bộ nhà trường."
TEACHER_PROGRESS = "Lớp {class_name}: {answered}/{invited} phụ huynh đã trả lời “{title}”."
RESULTS_SUPPRESSED = (
    "Mới có {n} phiếu; cần ít nhất {min} phiếu mới hiển thị kết quả (bảo vệ ẩn danh)."
)
RESULTS_HEADER = "{title}: {answered}/{invited} phụ huynh trả lời ({rate})."
RESULTS_ELEMENT = "• {title}: {index}"
RESULTS_OVERALL = "Chỉ số hài lòng chung: {index}; điểm trung bình {mean}/5."
RUN_GONE = "Phiếu khảo sát này đã được gửi hoặc không còn. Gõ /khaosat để xem khảo sát đang mở."
