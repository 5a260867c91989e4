"""The schema refuses definitions the engine could not run, with a reason that says why."""

import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from surveys.schema import QUESTION_TEXT_MAX, Survey
from tests.surveys.factories import toy_definition

Edit = Callable[[dict[str, Any]], None]


def question(data: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(q for q in data["questions"] if q["key"] == key)
    return found


def edited(edit: Edit) -> dict[str, Any]:
    data = toy_definition()
    edit(data)
    return data


def test_toy_definition_is_valid() -> None:
    survey = Survey.model_validate(toy_definition())
    assert [q.key for q in survey.items("care")] == ["food", "sleep"]
    assert survey.question("topics").max_choices == 2


def test_models_are_frozen() -> None:
    survey = Survey.model_validate(toy_definition())
    with pytest.raises(ValidationError, match="frozen"):
        survey.title = "Khác"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(key="Toy-1"), "is not a slug"),
        (lambda d: d.update(key="k" * 33), "longer than 32 characters"),  # it travels in buttons
        (lambda d: d.update(version=0), "greater than or equal to 1"),
        (lambda d: d.update(questions=[]), "at least 1 item"),
        (lambda d: d.update(extra_field=1), "Extra inputs are not permitted"),
        (
            lambda d: question(d, "food").update(type="rating"),
            r"unknown question type 'rating' \(known: scale, single, multi, yesno, text",
        ),
        (lambda d: question(d, "food").update(text="  "), "must not be empty"),
        (
            lambda d: question(d, "food").update(text="x" * (QUESTION_TEXT_MAX + 1)),
            f"longer than {QUESTION_TEXT_MAX}",
        ),
        (
            lambda d: question(d, "food").update(options=[{"value": "a", "label": "A"}]),
            "a scale question takes no options",
        ),
        (lambda d: question(d, "has_sent").update(element="care"), "only scale questions"),
        (lambda d: question(d, "topics").update(max_choices=None), "needs 1 <= max_choices"),
        (lambda d: question(d, "topics").update(max_choices=4), "needs 1 <= max_choices"),
        (
            lambda d: question(d, "channel").update(max_choices=1),
            "a single question takes no max_choices",
        ),
        (
            lambda d: question(d, "channel").update(options=[{"value": "a", "label": "A"}]),
            "at least 2 options",
        ),
        (
            lambda d: question(d, "channel")["options"].append({"value": "zalo", "label": "Z"}),
            "duplicate option value 'zalo'",
        ),
        (
            lambda d: question(d, "channel")["options"].append({"value": "z2", "label": "ZALO"}),
            "duplicate option label 'ZALO'",
        ),
        (
            lambda d: question(d, "channel")["options"].append({"value": "4", "label": "Khác"}),
            "must not be a number",
        ),
        (lambda d: question(d, "sleep").update(key="food"), "duplicate question key 'food'"),
        (lambda d: question(d, "food").update(element="nope"), "unknown element 'nope'"),
        (lambda d: d["elements"].append({"key": "x", "title": "X"}), "'x' has no questions"),
        (
            lambda d: d["elements"].append({"key": "care", "title": "Y"}),
            "duplicate element key 'care'",
        ),
        (lambda d: d.update(overall="topics"), "overall must be a scale question"),
        (lambda d: d.update(overall="missing"), "unknown question 'missing'"),
        (lambda d: d.update(wishes="overall"), "wishes must be a multi question"),
    ],
)
def test_invalid_definitions_are_refused(edit: Edit, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Survey.model_validate(edited(edit))


@pytest.mark.parametrize(
    ("show_if", "message"),
    [
        ({"question": "topics", "equals": "meals", "any_of": ["meals"]}, "exactly one of"),
        ({"question": "topics"}, "exactly one of"),
        ({"question": "topics", "any_of": []}, "'any_of' must not be empty"),
        ({"question": "overall", "equals": "4"}, "'overall', which is not an earlier question"),
        ({"question": "food", "equals": "6"}, "'6' is not an answer of 'food'"),
        ({"question": "has_sent", "equals": "maybe"}, "'maybe' is not an answer"),
        ({"question": "channel", "any_of": ["zalo", "fax"]}, "'fax' is not an answer"),
    ],
)
def test_show_if_must_name_an_earlier_answer(show_if: dict[str, Any], message: str) -> None:
    data = toy_definition()
    question(data, "meals_detail")["show_if"] = show_if
    with pytest.raises(ValidationError, match=message):
        Survey.model_validate(data)


def test_show_if_cannot_depend_on_text() -> None:
    data = toy_definition()
    question(data, "overall")["show_if"] = {"question": "meals_detail", "equals": "x"}
    with pytest.raises(ValidationError, match="cannot depend on a text question"):
        Survey.model_validate(data)


def test_show_if_on_scale_accepts_numbers_and_unknown() -> None:
    data = toy_definition()
    question(data, "has_sent")["show_if"] = {"question": "food", "any_of": [1, 2, "0"]}
    survey = Survey.model_validate(data)
    show_if = survey.question("has_sent").show_if
    assert show_if is not None
    assert show_if.expected() == ["1", "2", "0"]


def test_show_if_unknown_is_refused_when_scale_has_no_unknown() -> None:
    data = toy_definition()
    question(data, "food")["allow_unknown"] = False
    question(data, "has_sent")["show_if"] = {"question": "food", "equals": "0"}
    with pytest.raises(ValidationError, match="'0' is not an answer of 'food'"):
        Survey.model_validate(data)


def test_copy_is_stored_in_nfc() -> None:
    data = toy_definition()
    question(data, "food")["text"] = unicodedata.normalize("NFD", "  Bữa ăn của trẻ ")
    survey = Survey.model_validate(data)
    assert survey.question("food").text == "Bữa ăn của trẻ"


def test_question_lookup_raises_key_error() -> None:
    survey = Survey.model_validate(toy_definition())
    with pytest.raises(KeyError):
        survey.question("missing")


def test_a_profile_question_is_a_choice_nothing_depends_on() -> None:
    data = toy_definition()
    question(data, "has_sent")["profile"] = True
    with pytest.raises(ValidationError, match="cannot depend on 'has_sent', a profile question"):
        Survey.model_validate(data)
    question(data, "channel").pop("show_if")
    question(data, "channel_why").pop("show_if")
    question(data, "has_sent")["profile"] = False
    question(data, "channel")["profile"] = True
    survey = Survey.model_validate(data)
    assert survey.profile_keys() == {"channel"}


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("food", "only single or multi or yesno.* questions can be profile questions"),
        ("overall", "only single or multi or yesno.* questions can be profile questions"),
        ("comment", "only single or multi or yesno.* questions can be profile questions"),
        ("channel", "a profile question cannot have show_if"),
        ("topics", "wishes cannot be 'topics', a profile question"),
    ],
)
def test_what_cannot_be_a_profile_question(key: str, message: str) -> None:
    """Profile answers are shuffled among a group's responses when released: no scored item,
    typed text, condition or role can be one."""
    data = toy_definition()
    question(data, "meals_detail").pop("show_if")
    question(data, key)["profile"] = True
    with pytest.raises(ValidationError, match=message):
        Survey.model_validate(data)
