"""Typed answers and button payloads become stored values, or a reason to ask again."""

import unicodedata

import pytest

from surveys.engine import (
    MAX_TEXT_LENGTH,
    SCALE_LABELS,
    UNKNOWN,
    UNKNOWN_LABEL,
    Accepted,
    Rejected,
    label_of,
    options_for,
    parse_answer,
    toggle_choice,
)
from surveys.schema import Question, Survey


def scale(allow_unknown: bool = True, optional: bool = False) -> Question:
    return Question.model_validate(
        {
            "key": "q",
            "type": "scale",
            "text": "Bữa ăn",
            "allow_unknown": allow_unknown,
            "optional": optional,
        }
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", "1"),
        ("5", "5"),
        (" 4 ", "4"),
        ("4.", "4"),
        ("04", "4"),
        ("4\ufe0f\u20e3", "4"),
        ("0", UNKNOWN),
        ("Hài lòng", "4"),
        ("hài lòng", "4"),
        ("HAI LONG", "4"),
        ("hai  long!", "4"),
        (unicodedata.normalize("NFD", "Rất hài lòng"), "5"),
        ("rat khong hai long", "1"),
        ("Không hài lòng", "2"),
        ("binh thuong", "3"),
        ("Không rõ / không trả lời", UNKNOWN),
        ("khong ro", UNKNOWN),
        ("không biết", UNKNOWN),
    ],
)
def test_scale_accepts_levels_labels_and_unknown(typed: str, value: str) -> None:
    assert parse_answer(scale(), typed) == Accepted(value)


@pytest.mark.parametrize("typed", ["-1", "hài lòng lắm", "4 5", "x" * 50_000])
def test_scale_refuses_what_is_not_a_level(typed: str) -> None:
    assert parse_answer(scale(), typed) == Rejected("not_a_choice")


@pytest.mark.parametrize("typed", ["6", "7", "7.", "9 ạ"])
def test_scale_gives_the_range_for_a_number_out_of_it(typed: str) -> None:
    assert parse_answer(scale(), typed) == Rejected("out_of_range", 5)


@pytest.mark.parametrize("typed", ["", "   ", "\n"])
def test_blank_is_empty(typed: str) -> None:
    assert parse_answer(scale(), typed) == Rejected("empty")


@pytest.mark.parametrize("typed", ["khong ro", UNKNOWN_LABEL])
def test_scale_without_unknown_refuses_it(typed: str) -> None:
    assert parse_answer(scale(allow_unknown=False), typed) == Rejected("not_a_choice")


def test_scale_without_unknown_gives_the_range_for_0() -> None:
    assert parse_answer(scale(allow_unknown=False), "0") == Rejected("out_of_range", 5)


@pytest.mark.parametrize("typed", ["bỏ qua", "Bỏ Qua", "bo qua", "-", " - "])
def test_optional_questions_can_be_skipped(typed: str) -> None:
    assert parse_answer(scale(optional=True), typed) == Accepted("")


def test_required_questions_cannot_be_skipped() -> None:
    assert parse_answer(scale(), "bỏ qua") == Rejected("not_a_choice")


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("có", "yes"),
        ("Có", "yes"),
        ("co", "yes"),
        ("C", "yes"),
        ("yes", "yes"),
        ("1", "yes"),
        ("không", "no"),
        ("Khong", "no"),
        ("k", "no"),
        ("ko", "no"),
        ("no", "no"),
        ("2", "no"),
        ("Rồi", "yes"),
        ("chưa", "no"),
    ],
)
def test_yes_no_variants(toy: Survey, typed: str, value: str) -> None:
    assert parse_answer(toy.question("has_sent"), typed) == Accepted(value)


@pytest.mark.parametrize("typed", ["có lẽ", "chưa biết"])
def test_yes_no_refuses_others(toy: Survey, typed: str) -> None:
    assert parse_answer(toy.question("has_sent"), typed) == Rejected("not_a_choice")


@pytest.mark.parametrize("typed", ["0", "3", "3."])
def test_yes_no_gives_the_range_for_another_number(toy: Survey, typed: str) -> None:
    assert parse_answer(toy.question("has_sent"), typed) == Rejected("out_of_range", 2)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", "zalo"),
        ("2", "meeting"),
        ("3", "letter"),
        ("meeting", "meeting"),
        ("Họp phụ huynh", "meeting"),
        ("hop phu huynh", "meeting"),
        ("ZALO", "zalo"),
    ],
)
def test_single_choice_by_number_value_or_label(toy: Survey, typed: str, value: str) -> None:
    assert parse_answer(toy.question("channel"), typed) == Accepted(value)


@pytest.mark.parametrize("typed", ["hop", "zalo, letter"])
def test_single_choice_refuses_others(toy: Survey, typed: str) -> None:
    assert parse_answer(toy.question("channel"), typed) == Rejected("not_a_choice")


@pytest.mark.parametrize("typed", ["0", "4", "4)", "4 nhé"])
def test_single_choice_gives_the_range_for_another_number(toy: Survey, typed: str) -> None:
    assert parse_answer(toy.question("channel"), typed) == Rejected("out_of_range", 3)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", "meals"),
        ("1, 3", "meals,play"),
        ("1 3", "meals,play"),
        ("1,3", "meals,play"),
        ("3;1", "meals,play"),
        ("13", "meals,play"),
        ("2, 2, 2", "safety"),
        ("safety,meals", "meals,safety"),
        ("An toàn, bữa ăn", "meals,safety"),
        ("an toan, vui choi, hoc tap", "safety,play"),
        ("Vui chơi, học tập", "play"),
        ("vui choi,hoc tap\nbua an", "meals,play"),
    ],
)
def test_multi_accepts_numbers_values_and_labels(toy: Survey, typed: str, value: str) -> None:
    assert parse_answer(toy.question("topics"), typed) == Accepted(value)


@pytest.mark.parametrize(
    ("typed", "rejected"),
    [
        ("1, 2, 3", Rejected("too_many", 2)),
        ("123", Rejected("too_many", 2)),
        ("1, 4", Rejected("out_of_range", 3)),
        ("bữa ăn, cá", Rejected("not_a_choice")),
        ("10", Rejected("out_of_range", 3)),
        (", ;", Rejected("empty")),
        ("1," * 10_000, Rejected("not_a_choice")),
    ],
)
def test_multi_refuses(toy: Survey, typed: str, rejected: Rejected) -> None:
    assert parse_answer(toy.question("topics"), typed) == rejected


def test_text_is_stripped_and_composed(toy: Survey) -> None:
    typed = unicodedata.normalize("NFD", "  Cần thêm rau xanh.\nCảm ơn!  ")
    assert parse_answer(toy.question("meals_detail"), typed) == Accepted(
        "Cần thêm rau xanh.\nCảm ơn!"
    )


def test_text_length_is_capped(toy: Survey) -> None:
    question = toy.question("meals_detail")
    assert parse_answer(question, "a" * MAX_TEXT_LENGTH) == Accepted("a" * MAX_TEXT_LENGTH)
    assert parse_answer(question, "a" * (MAX_TEXT_LENGTH + 1)) == Rejected(
        "too_long", MAX_TEXT_LENGTH
    )


def test_text_skip_words_are_text_when_required(toy: Survey) -> None:
    assert parse_answer(toy.question("meals_detail"), "bỏ qua") == Accepted("bỏ qua")
    assert parse_answer(toy.question("comment"), "bỏ qua") == Accepted("")
    assert parse_answer(toy.question("meals_detail"), "") == Rejected("empty")


def test_toggle_adds_and_removes_in_option_order(toy: Survey) -> None:
    topics = toy.question("topics")
    assert toggle_choice(topics, "", "play") == Accepted("play")
    assert toggle_choice(topics, "play", "meals") == Accepted("meals,play")
    assert toggle_choice(topics, "meals,play", "play") == Accepted("meals")
    assert toggle_choice(topics, "meals", "meals") == Accepted("")


def test_toggle_respects_max_choices(toy: Survey) -> None:
    topics = toy.question("topics")
    assert toggle_choice(topics, "meals,play", "safety") == Rejected("too_many", 2)
    assert toggle_choice(topics, "meals,play", "meals") == Accepted("play")


def test_toggle_refuses_unknown_values_and_drops_stale_ones(toy: Survey) -> None:
    topics = toy.question("topics")
    assert toggle_choice(topics, "meals", "fees") == Rejected("not_a_choice")
    assert toggle_choice(topics, "fees,meals", "safety") == Accepted("meals,safety")


def test_toggle_is_only_for_multi(toy: Survey) -> None:
    with pytest.raises(ValueError, match="not a multi question"):
        toggle_choice(toy.question("channel"), "", "zalo")


def test_options_for_each_type(toy: Survey) -> None:
    levels = [(o.value, o.label) for o in options_for(scale())]
    assert levels == [*((str(k), v) for k, v in SCALE_LABELS.items()), ("0", UNKNOWN_LABEL)]
    assert [o.value for o in options_for(scale(allow_unknown=False))] == ["1", "2", "3", "4", "5"]
    yes_no = [(o.value, o.label) for o in options_for(toy.question("has_sent"))]
    assert yes_no == [("yes", "Có"), ("no", "Không")]
    assert [o.value for o in options_for(toy.question("channel"))] == ["zalo", "meeting", "letter"]
    assert options_for(toy.question("comment")) == []


def test_scale_labels_are_the_sipas_wording() -> None:
    assert SCALE_LABELS == {
        1: "Rất không hài lòng",
        2: "Không hài lòng",
        3: "Bình thường",
        4: "Hài lòng",
        5: "Rất hài lòng",
    }


@pytest.mark.parametrize(
    ("key", "value", "label"),
    [
        ("food", "4", "Hài lòng"),
        ("food", "0", "Không rõ / không trả lời"),
        ("has_sent", "no", "Không"),
        ("channel", "meeting", "Họp phụ huynh"),
        ("topics", "meals,safety", "Bữa ăn; An toàn"),
        ("comment", "Cảm ơn cô", "Cảm ơn cô"),
        ("comment", "", "(bỏ qua)"),
    ],
)
def test_label_of(toy: Survey, key: str, value: str, label: str) -> None:
    assert label_of(toy.question(key), value) == label
