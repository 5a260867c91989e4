"""Survey definitions as plain data, for tests to vary."""

from typing import Any


def toy_definition() -> dict[str, Any]:
    """Return a small valid definition as plain data, for tests to vary."""
    return {
        "key": "toy",
        "version": 1,
        "title": "Khảo sát thử",
        "intro": "Xin chào",
        "elements": [{"key": "care", "title": "Chăm sóc"}],
        "questions": [
            {"key": "food", "type": "scale", "element": "care", "text": "Bữa ăn của trẻ"},
            {"key": "sleep", "type": "scale", "element": "care", "text": "Giấc ngủ của trẻ"},
            {"key": "has_sent", "type": "yesno", "text": "Anh/chị đã gửi ý kiến chưa?"},
            {
                "key": "channel",
                "type": "single",
                "text": "Anh/chị gửi qua kênh nào?",
                "options": [
                    {"value": "zalo", "label": "Zalo"},
                    {"value": "meeting", "label": "Họp phụ huynh"},
                    {"value": "letter", "label": "Thư góp ý"},
                ],
                "show_if": {"question": "has_sent", "equals": "yes"},
            },
            {
                "key": "channel_why",
                "type": "text",
                "text": "Vì sao anh/chị chọn cách gửi đó?",
                "optional": True,
                "show_if": {"question": "channel", "any_of": ["meeting", "letter"]},
            },
            {
                "key": "topics",
                "type": "multi",
                "text": "Nội dung nào cần cải thiện?",
                "max_choices": 2,
                "options": [
                    {"value": "meals", "label": "Bữa ăn"},
                    {"value": "safety", "label": "An toàn"},
                    {"value": "play", "label": "Vui chơi, học tập"},
                ],
            },
            {
                "key": "meals_detail",
                "type": "text",
                "text": "Bữa ăn cần cải thiện điều gì?",
                "show_if": {"question": "topics", "equals": "meals"},
            },
            {"key": "overall", "type": "scale", "text": "Nhìn chung anh/chị hài lòng ở mức nào?"},
            {"key": "comment", "type": "text", "text": "Ý kiến khác", "optional": True},
        ],
        "overall": "overall",
        "wishes": "topics",
    }
