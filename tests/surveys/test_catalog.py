"""Loading definition files: the catalogue, and faults reported as file:line: reason."""

from pathlib import Path

import pytest

from surveys.catalog import (
    DEFINITIONS,
    Catalog,
    SurveyFileError,
    load_catalog,
    load_survey,
    survey_files,
)

HEADER = """\
key: demo
version: 1
title: Khảo sát thử
intro: Xin chào quý phụ huynh
"""

VALID = (
    HEADER
    + """\
questions:
  - key: q1
    type: scale
    text: Bữa ăn của trẻ
"""
)


def write(directory: Path, text: str, name: str = "demo.v1.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> SurveyFileError:
    path = write(tmp_path, text)
    with pytest.raises(SurveyFileError) as caught:
        load_survey(path)
    assert caught.value.path == str(path)
    assert str(caught.value) == f"{path}:{caught.value.line}: {caught.value.reason}"
    return caught.value


@pytest.mark.parametrize("path", survey_files(), ids=lambda path: path.name)
def test_every_shipped_definition_loads(path: Path) -> None:
    survey = load_survey(path)
    assert path.name == f"{survey.key}.v{survey.version}.yaml"


def test_catalog_holds_the_built_in_surveys(catalog: Catalog) -> None:
    assert "preschool_parents" in catalog
    assert ("pulse", 1) in catalog
    assert ("pulse", 2) not in catalog
    assert "nope" not in catalog
    assert [survey.key for survey in catalog.all()] == ["preschool_parents", "pulse"]
    assert catalog.get("pulse", 1).version == 1


def test_extra_directories_add_versions(tmp_path: Path) -> None:
    pulse_v1 = (DEFINITIONS / "pulse.v1.yaml").read_text(encoding="utf-8")
    write(tmp_path, pulse_v1.replace("version: 1", "version: 2"), "pulse.v2.yaml")
    write(tmp_path, VALID, "demo.v1.yml")
    catalog = load_catalog([tmp_path])
    assert catalog.latest("pulse").version == 2
    assert catalog.get("pulse", 1).version == 1
    assert [(s.key, s.version) for s in catalog.all()] == [
        ("demo", 1),
        ("preschool_parents", 2),
        ("pulse", 2),
    ]
    assert len(catalog) == 5


def test_unknown_surveys_raise_key_error(catalog: Catalog) -> None:
    with pytest.raises(KeyError, match="no survey 'pulse' version 9"):
        catalog.get("pulse", 9)
    with pytest.raises(KeyError, match="no survey 'nope'"):
        catalog.latest("nope")


def test_a_duplicate_key_and_version_names_both_files(tmp_path: Path) -> None:
    first = write(tmp_path, VALID, "a.yaml")
    second = write(tmp_path, VALID, "b.yaml")
    with pytest.raises(SurveyFileError) as caught:
        load_catalog([tmp_path])
    assert caught.value.path == str(second)
    assert caught.value.line == 2
    assert str(first) in caught.value.reason
    assert "'demo' version 1" in caught.value.reason


def test_catalog_refuses_a_second_copy_in_memory(catalog: Catalog) -> None:
    with pytest.raises(ValueError, match="already loaded"):
        Catalog([catalog.latest("pulse"), catalog.latest("pulse")])


def test_a_missing_extra_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        load_catalog([tmp_path / "missing"])


def test_bad_question_type(tmp_path: Path) -> None:
    text = VALID + "  - key: q2\n    type: rating\n    text: Câu hai\n"
    error = load_error(tmp_path, text)
    assert error.line == 10
    assert error.reason.startswith(
        "questions[1].type: unknown question type 'rating' "
        "(known: scale, single, multi, yesno, text"
    )


def test_show_if_forward_reference(tmp_path: Path) -> None:
    text = (
        VALID
        + """\
  - key: q2
    type: scale
    text: Câu hai
    show_if:
      question: q3
      equals: "4"
  - key: q3
    type: yesno
    text: Câu ba
"""
    )
    error = load_error(tmp_path, text)
    assert error.line == 13
    assert error.reason == (
        "questions[1].show_if.question: show_if refers to 'q3', which is not an earlier question"
    )


def test_show_if_bad_value_points_at_the_value(tmp_path: Path) -> None:
    text = VALID + "  - key: q2\n    type: yesno\n    text: Câu hai\n"
    text += "    show_if:\n      question: q1\n      any_of: [4, 9]\n"
    error = load_error(tmp_path, text)
    assert error.line == 14
    assert "'9' is not an answer of 'q1'" in error.reason


def test_unquoted_yes_is_a_string_not_a_boolean(tmp_path: Path) -> None:
    text = VALID + "  - key: q2\n    type: yesno\n    text: Câu hai\n"
    text += "  - key: q3\n    type: scale\n    optional: yes\n    text: Câu ba\n"
    text += "    show_if:\n      question: q2\n      equals: yes\n"
    survey = load_survey(write(tmp_path, text))
    q3 = survey.question("q3")
    assert q3.optional is True
    assert q3.show_if is not None
    assert q3.show_if.equals == "yes"


def test_duplicate_mapping_key(tmp_path: Path) -> None:
    text = VALID + "    text: Lại bữa ăn\n"
    error = load_error(tmp_path, text)
    assert error.line == 9
    assert error.reason == "duplicate key 'text' (first on line 8)"


def test_yaml_syntax_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, "key: demo\nversion: 1\ntitle: Khảo sát: thử\n")
    assert error.line == 3
    # libyaml's words ("… in this context"); PyYAML's own parser says "… here"
    assert error.reason.startswith("YAML syntax error: mapping values are not allowed ")


def test_yaml_syntax_error_names_where_it_started(tmp_path: Path) -> None:
    error = load_error(tmp_path, 'key: demo\ntitle: "Khảo sát\nversion: 1\n')
    assert error.line == 4
    assert error.reason == (
        "YAML syntax error: found unexpected end of stream "
        "(while scanning a quoted scalar on line 2)"
    )


def test_missing_question_field_points_at_the_question(tmp_path: Path) -> None:
    text = VALID + "  - key: q2\n    type: scale\n"
    error = load_error(tmp_path, text)
    assert error.line == 9
    assert error.reason == "questions[1].text: Field required"


def test_missing_top_level_field(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("intro: Xin chào quý phụ huynh\n", ""))
    assert error.line == 1
    assert error.reason == "intro: Field required"


def test_several_errors_are_counted(tmp_path: Path) -> None:
    error = load_error(tmp_path, "key: demo\nversion: 1\n")
    assert error.line == 1
    assert error.reason == "title: Field required (and 2 more)"


def test_misspelt_field(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID + "    showif: {question: q1, equals: '4'}\n")
    assert error.line == 9
    assert error.reason == "questions[0].showif: Extra inputs are not permitted"


def test_wrong_role_points_at_the_field(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID + "wishes: q1\n")
    assert error.line == 9
    assert error.reason == "wishes: wishes must be a multi question, 'q1' is scale"


def test_empty_file(tmp_path: Path) -> None:
    error = load_error(tmp_path, "# nothing here\n")
    assert (error.line, error.reason) == (1, "the file is empty")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    error = load_error(tmp_path, "- key: demo\n")
    assert error.line == 1
    assert "valid dictionary" in error.reason


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEADER.encode("utf-8") + b"note: caf\xe9\n")
    with pytest.raises(SurveyFileError) as caught:
        load_survey(path)
    assert (caught.value.line, caught.value.reason) == (5, "the file is not UTF-8 text")


def test_unsafe_tags_are_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID + "note: !!python/object:os.system {}\n")
    assert error.line == 9
    assert error.reason.startswith("YAML syntax error: could not determine a constructor")


def test_a_key_names_one_question_in_every_version(tmp_path: Path) -> None:
    """Answers are matched by key across versions, so a changed question needs a new key."""
    write(tmp_path, VALID)
    changed = VALID.replace("version: 1", "version: 2").replace("Bữa ăn", "Giấc ngủ")
    second = write(tmp_path, changed, "demo.v2.yaml")
    with pytest.raises(SurveyFileError) as caught:
        load_catalog([tmp_path])
    assert caught.value.path == str(second)
    assert caught.value.line == 6
    assert caught.value.reason == (
        "question 'q1' differs from version 1 (text); a changed question needs a new key"
    )
    renamed = changed.replace("key: q1", "key: q1_ngu")
    write(tmp_path, renamed + "    optional: true\n", "demo.v2.yaml")
    assert load_catalog([tmp_path]).latest("demo").version == 2


def test_catalog_in_memory_refuses_a_key_meaning_another_question(catalog: Catalog) -> None:
    v1 = catalog.get("preschool_parents", 1)
    question = v1.questions[0].model_copy(update={"text": "Câu khác"})
    bent = v1.model_copy(update={"version": 3, "questions": [question, *v1.questions[1:]]})
    with pytest.raises(ValueError, match="'tc_cong_khai' differs from version 1 \\(text\\)"):
        Catalog([v1, bent])
    assert [s.version for s in catalog.versions("preschool_parents")] == [1, 2]
