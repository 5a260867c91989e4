"""Navigation: conditional questions, the next question, numbering, review and pruning."""

import pytest

from surveys.engine import (
    Accepted,
    SummaryLine,
    next_question,
    number_of,
    parse_answer,
    prune_hidden,
    summary,
    visible_questions,
)
from surveys.schema import Survey

PRESCHOOL_SCALE_ITEMS = [
    "tc_cong_khai",
    "tc_thu_tuc",
    "tc_lien_he",
    "csvc_phong_hoc",
    "csvc_bep_ve_sinh",
    "mt_an_toan",
    "mt_than_thien",
    "hd_cham_soc",
    "hd_hoc_choi",
    "kq_tien_bo",
]


def keys(survey: Survey, answers: dict[str, str]) -> list[str]:
    return [question.key for question in visible_questions(survey, answers)]


def answer_all(survey: Survey, typed: dict[str, str]) -> dict[str, str]:
    """Answer the survey as a parent would: next question, parse what they type, store."""
    answers: dict[str, str] = {}
    while (question := next_question(survey, answers)) is not None:
        result = parse_answer(question, typed.get(question.key, "4"))
        assert isinstance(result, Accepted), (question.key, result)
        answers[question.key] = result.value
    return answers


def test_conditional_questions_start_hidden(toy: Survey) -> None:
    assert keys(toy, {}) == ["food", "sleep", "has_sent", "topics", "overall", "comment"]


def test_show_if_equals(toy: Survey) -> None:
    assert "channel" in keys(toy, {"has_sent": "yes"})
    assert "channel" not in keys(toy, {"has_sent": "no"})


def test_show_if_any_of_and_chains(toy: Survey) -> None:
    assert "channel_why" in keys(toy, {"has_sent": "yes", "channel": "letter"})
    assert "channel_why" not in keys(toy, {"has_sent": "yes", "channel": "zalo"})
    # A stale answer to a hidden question does not reveal what depends on it.
    assert "channel_why" not in keys(toy, {"has_sent": "no", "channel": "letter"})


def test_show_if_on_a_multi_answer_looks_for_the_value(toy: Survey) -> None:
    assert "meals_detail" in keys(toy, {"topics": "meals,play"})
    assert "meals_detail" not in keys(toy, {"topics": "safety,play"})


def test_a_skipped_answer_meets_no_condition() -> None:
    survey = Survey.model_validate(
        {
            "key": "s",
            "version": 1,
            "title": "T",
            "intro": "I",
            "questions": [
                {"key": "a", "type": "yesno", "text": "A?", "optional": True},
                {
                    "key": "b",
                    "type": "text",
                    "text": "B?",
                    "show_if": {"question": "a", "any_of": ["yes", "no"]},
                },
            ],
        }
    )
    assert keys(survey, {"a": ""}) == ["a"]
    assert keys(survey, {"a": "no"}) == ["a", "b"]


def test_next_question_walks_in_order_and_skips_hidden(toy: Survey) -> None:
    answers = {"food": "4", "sleep": "5"}
    question = next_question(toy, answers)
    assert question is not None
    assert question.key == "has_sent"
    answers["has_sent"] = "no"
    question = next_question(toy, answers)
    assert question is not None
    assert question.key == "topics"


def test_next_question_is_none_when_complete(toy: Survey) -> None:
    answers = answer_all(toy, {"has_sent": "không", "topics": "2", "comment": "-"})
    assert next_question(toy, answers) is None
    assert answers == {
        "food": "4",
        "sleep": "4",
        "has_sent": "no",
        "topics": "safety",
        "overall": "4",
        "comment": "",
    }


def test_preschool_pakn_handling_items_only_after_yes(preschool: Survey) -> None:
    said_no = answer_all(preschool, {"pakn_da_gui": "k", "wishes": "1, 6", "comment": "bỏ qua"})
    assert "pakn_xu_ly" not in said_no
    assert list(said_no) == [
        *PRESCHOOL_SCALE_ITEMS,
        "pakn_da_gui",
        "pakn_kenh",
        "overall",
        "wishes",
        "comment",
    ]
    said_yes = answer_all(preschool, {"pakn_da_gui": "có", "comment": "Cảm ơn nhà trường"})
    assert list(said_yes)[10:14] == ["pakn_da_gui", "pakn_kenh", "pakn_xu_ly", "pakn_thong_bao"]
    assert said_yes["comment"] == "Cảm ơn nhà trường"


def test_number_of_counts_visible_questions(preschool: Survey) -> None:
    assert number_of(preschool, {}, "tc_cong_khai") == (1, 15)
    assert number_of(preschool, {}, "pakn_kenh") == (12, 15)
    assert number_of(preschool, {}, "comment") == (15, 15)
    assert number_of(preschool, {"pakn_da_gui": "yes"}, "pakn_thong_bao") == (14, 17)
    assert number_of(preschool, {"pakn_da_gui": "yes"}, "comment") == (17, 17)


def test_number_of_a_hidden_question_is_a_key_error(preschool: Survey) -> None:
    with pytest.raises(KeyError):
        number_of(preschool, {"pakn_da_gui": "no"}, "pakn_xu_ly")


def test_summary_lists_visible_questions_with_labels(toy: Survey) -> None:
    answers = {
        "food": "4",
        "sleep": "0",
        "has_sent": "yes",
        "channel": "meeting",
        "channel_why": "",
        "topics": "meals,safety",
    }
    assert summary(toy, answers) == [
        SummaryLine(1, "food", "Bữa ăn của trẻ", "Hài lòng"),
        SummaryLine(2, "sleep", "Giấc ngủ của trẻ", "Không rõ / không trả lời"),
        SummaryLine(3, "has_sent", "Anh/chị đã gửi ý kiến chưa?", "Có"),
        SummaryLine(4, "channel", "Anh/chị gửi qua kênh nào?", "Họp phụ huynh"),
        SummaryLine(5, "channel_why", "Vì sao anh/chị chọn cách gửi đó?", "(bỏ qua)"),
        SummaryLine(6, "topics", "Nội dung nào cần cải thiện?", "Bữa ăn; An toàn"),
        SummaryLine(7, "meals_detail", "Bữa ăn cần cải thiện điều gì?", "(chưa trả lời)"),
        SummaryLine(8, "overall", "Nhìn chung anh/chị hài lòng ở mức nào?", "(chưa trả lời)"),
        SummaryLine(9, "comment", "Ý kiến khác", "(chưa trả lời)"),
    ]


def test_prune_hidden_after_an_answer_changes(toy: Survey) -> None:
    answers = {
        "food": "4",
        "has_sent": "yes",
        "channel": "letter",
        "channel_why": "Tiện hơn",
        "topics": "meals",
        "meals_detail": "Thêm rau",
        "retired_question": "5",
    }
    changed = prune_hidden(toy, {**answers, "has_sent": "no"})
    assert changed == {"food": "4", "has_sent": "no", "topics": "meals", "meals_detail": "Thêm rau"}
    assert prune_hidden(toy, {**changed, "topics": "play"}) == {
        "food": "4",
        "has_sent": "no",
        "topics": "play",
    }


def test_prune_hidden_keeps_everything_visible(preschool: Survey) -> None:
    answers = answer_all(preschool, {"pakn_da_gui": "yes", "comment": "-"})
    assert prune_hidden(preschool, answers) == answers
