"""The built-in question kinds: roles, hints, and buttons whose keys read back as themselves."""

import pytest

from surveys.answers import Accepted, parse_answer
from surveys.catalog import load_catalog
from surveys.kinds import BUILT_IN, kind_named, kind_of
from surveys.labels import SKIP_LABEL, SKIPPED
from surveys.schema import Survey


@pytest.mark.parametrize(
    ("name", "input_mode", "scored", "tallied", "conditional"),
    [
        ("scale", "tap", True, True, True),
        ("single", "tap", False, True, True),
        ("multi", "ticks", False, True, True),
        ("yesno", "tap", False, True, True),
        ("text", "text", False, False, False),
    ],
)
def test_roles_of_the_built_in_kinds(
    name: str, input_mode: str, scored: bool, tallied: bool, conditional: bool
) -> None:
    kind = kind_named(name)
    assert (kind.input, kind.scored, kind.tallied, kind.conditional) == (
        input_mode,
        scored,
        tallied,
        conditional,
    )


def test_built_in_kinds_come_first_in_order() -> None:
    assert [kind.name for kind in BUILT_IN] == ["scale", "single", "multi", "yesno", "text"]


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("food", ""),
        ("has_sent", ""),
        ("channel", ""),
        ("topics", "(Chọn tối đa 2, rồi chọn “Xong”.)"),
        ("meals_detail", "(Anh/chị gõ câu trả lời.)"),
        ("comment", "(Anh/chị gõ câu trả lời.) Nếu không có ý kiến, chọn “Bỏ qua”."),
    ],
)
def test_hints(toy: Survey, key: str, hint: str) -> None:
    question = toy.question(key)
    assert kind_of(question).hint(question) == hint


@pytest.mark.parametrize("version", [1, 2])
def test_a_limit_the_question_states_is_not_said_twice(version: int) -> None:
    survey = load_catalog().get("preschool_parents", version)
    [question] = [q for q in survey.questions if q.type == "multi"]
    shown = f"{question.text}\n{kind_of(question).hint(question)}".lower()
    assert shown.count("tối đa 3") == 1 and "“xong”" in shown, shown


@pytest.mark.parametrize(
    ("key", "keys"),
    [
        ("food", ["1", "2", "3", "4", "5", "0"]),
        ("has_sent", ["1", "2"]),
        ("channel", ["1", "2", "3"]),
        ("topics", ["1", "2", "3"]),
    ],
)
def test_button_keys(toy: Survey, key: str, keys: list[str]) -> None:
    question = toy.question(key)
    kind = kind_of(question)
    options = kind.options(question)
    assert [kind.button_key(question, n, o) for n, o in enumerate(options, start=1)] == keys


def test_a_typed_button_key_or_label_means_that_button(toy: Survey, preschool: Survey) -> None:
    for question in [*toy.questions, *preschool.questions]:
        kind = kind_of(question)
        for position, option in enumerate(kind.options(question), start=1):
            key = kind.button_key(question, position, option)
            assert parse_answer(question, key) == Accepted(option.value), (question.key, key)
            assert parse_answer(question, option.label) == Accepted(option.value)
        if question.optional:
            assert parse_answer(question, SKIP_LABEL) == Accepted(SKIPPED)
