"""A new question kind is one module (tests/surveys/kinds_nps.py) and a `register` call."""

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from handlers.reports.survey_counts import counted_keys
from surveys.catalog import Catalog, load_survey
from surveys.kinds import kind_named, kind_of, known_kinds, register
from surveys.options import label_of, options_for
from surveys.schema import Survey
from surveys.scoring import OptionTally, score_wave, tally_options, value_counts
from surveys.step import Ask, Pick, Review, Typed, step
from tests.surveys.kinds_nps import NPS, NPS_HINT, NpsKind
from tests.surveys.steps import at, run

YAML = """\
key: recommend
version: 1
title: Giới thiệu trường
intro: Xin chào
questions:
  - key: overall
    type: scale
    text: Nhìn chung anh/chị hài lòng ở mức nào?
  - key: recommend
    type: nps
    text: Anh/chị có giới thiệu trường cho người quen không?
  - key: why_not
    type: text
    text: Vì sao anh/chị chưa muốn giới thiệu?
    show_if:
      question: recommend
      any_of: [0, 1, 2, 3, 4, 5, 6]
overall: overall
"""


def definition() -> dict[str, Any]:
    return {
        "key": "recommend",
        "version": 1,
        "title": "Giới thiệu trường",
        "intro": "Xin chào",
        "questions": [
            {"key": "overall", "type": "scale", "text": "Hài lòng?"},
            {"key": "recommend", "type": "nps", "text": "Giới thiệu?"},
        ],
        "overall": "overall",
    }


@pytest.fixture
def survey(tmp_path: Path) -> Survey:
    path = tmp_path / "recommend.v1.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_survey(path)


def test_the_kind_is_registered_by_name() -> None:
    assert kind_named("nps") is NPS
    assert NPS in known_kinds()
    assert register(NPS) is NPS
    with pytest.raises(ValueError, match="already named 'nps'"):
        register(NpsKind())


def test_a_definition_using_it_validates(survey: Survey) -> None:
    recommend = survey.question("recommend")
    assert kind_of(recommend) is NPS
    assert [o.label for o in options_for(recommend)] == [str(level) for level in range(11)]
    assert recommend.choice_values()[-1] == "10"
    assert NPS.hint(recommend) == NPS_HINT


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"options": [{"value": "a", "label": "A"}]}, "a nps question takes no options"),
        ({"max_choices": 2}, "a nps question takes no max_choices"),
        ({"element": "x"}, "only scale questions can belong to an element"),
    ],
)
def test_its_own_checks_apply(change: dict[str, Any], message: str) -> None:
    data = definition()
    data["questions"][1].update(change)
    with pytest.raises(ValidationError, match=message):
        Survey.model_validate(data)


def test_its_scoring_role_is_checked() -> None:
    data = {**definition(), "overall": "recommend"}
    with pytest.raises(
        ValidationError, match="overall must be a scale question, 'recommend' is nps"
    ):
        Survey.model_validate(data)


def test_the_step_engine_asks_it_and_reads_typed_digits(survey: Survey) -> None:
    asked = run(survey, Typed("5"))
    assert isinstance(asked.screen, Ask)
    assert asked.screen.question.type == "nps"
    assert (asked.screen.number, asked.screen.total) == (2, 2)
    answered = step(survey, asked.state, Typed("7"))
    assert answered.changed == {"recommend": "7"}
    assert isinstance(answered.screen, Review)
    assert answered.screen.lines[1].answer == "7"
    assert step(survey, asked.state, Typed("11")).rejection is not None
    assert step(survey, asked.state, Typed("0")).changed == {"recommend": "0"}


def test_a_tap_answers_it_and_its_answer_can_reveal_a_question(survey: Survey) -> None:
    asked = run(survey, Typed("5"))
    low = step(survey, asked.state, Pick(at(survey, "recommend"), 3))
    assert low.changed == {"recommend": "3"}
    assert isinstance(low.screen, Ask)
    assert low.screen.question.key == "why_not"
    assert label_of(survey.question("recommend"), "3") == "3"
    assert step(survey, low.state, Pick(at(survey, "recommend"), 3)).screen is None


def test_reports_tally_it_and_scoring_leaves_it_out(survey: Survey) -> None:
    responses = [{"overall": "5", "recommend": level} for level in ("10", "7", "7", "3", "10")]
    tallies = {tally.key: tally for tally in tally_options(survey, value_counts(responses))}
    assert tallies["recommend"] == OptionTally(
        "recommend",
        "Anh/chị có giới thiệu trường cho người quen không?",
        tuple((str(level), {3: 1, 7: 2, 10: 2}.get(level, 0)) for level in range(11)),
    )
    assert "why_not" not in tallies
    wave = score_wave(survey, responses, invited=5)
    assert wave.mean_score == 5.0
    assert "recommend" in counted_keys(Catalog([survey]))
