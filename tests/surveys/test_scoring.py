"""SIPAS scoring, including the worked example of sipas-and-rules.md §1.4 to two decimals."""

from collections.abc import Mapping, Sequence

import pytest

from surveys.schema import Survey
from surveys.scoring import (
    ItemScore,
    element_index,
    item_index,
    item_mean,
    participation_rate,
    round2,
    score_wave,
    service_index,
    sipas_index,
)

# Element A of the worked example: counts of levels 1..5 per item, 20 parents.
WORKED_A = {
    "tc_cong_khai": (0, 1, 2, 9, 8),  # A1: 20 valid, 17 satisfied
    "tc_thu_tuc": (0, 0, 3, 10, 6),  # A2: 19 valid (1 blank), 16 satisfied
    "tc_lien_he": (1, 1, 2, 8, 8),  # A3: 20 valid, 16 satisfied
}
PARENTS = 20


def responses_from_counts(
    counts: Mapping[str, Sequence[int]], parents: int
) -> list[dict[str, str]]:
    """Build one answer dict per parent; a parent past an item's count left it blank."""
    columns = {
        key: [str(level) for level, n in enumerate(levels, start=1) for _ in range(n)]
        for key, levels in counts.items()
    }
    return [
        {key: column[parent] for key, column in columns.items() if parent < len(column)}
        for parent in range(parents)
    ]


@pytest.fixture
def worked_responses() -> list[dict[str, str]]:
    responses = responses_from_counts(WORKED_A, PARENTS)
    assert len(responses) == PARENTS
    assert sum("tc_thu_tuc" not in response for response in responses) == 1
    return responses


def test_worked_example_items(preschool: Survey, worked_responses: list[dict[str, str]]) -> None:
    wave = score_wave(preschool, worked_responses, invited=25)
    access = wave.elements[0]
    assert access.key == "tiep_can"
    assert [(i.key, i.n_valid, i.n_satisfied) for i in access.items] == [
        ("tc_cong_khai", 20, 17),
        ("tc_thu_tuc", 19, 16),
        ("tc_lien_he", 20, 16),
    ]
    assert [round2(i.index) for i in access.items if i.index is not None] == [85.00, 84.21, 80.00]


def test_worked_example_element(preschool: Survey, worked_responses: list[dict[str, str]]) -> None:
    access = score_wave(preschool, worked_responses, invited=25).elements[0]
    assert access.index is not None
    assert access.pooled_index is not None
    assert round2(access.index) == 83.07
    assert round2(access.pooled_index) == 83.05
    pooled = score_wave(preschool, worked_responses, invited=25, method="pooled").elements[0]
    assert pooled.index is not None
    assert round2(pooled.index) == 83.05


def test_worked_example_service_and_overall(
    preschool: Survey, worked_responses: list[dict[str, str]]
) -> None:
    wave = score_wave(preschool, worked_responses, invited=25)
    s_a = wave.elements[0].index
    assert s_a is not None
    # Elements nobody answered have no index and do not count in the overall index.
    assert [element.index for element in wave.elements[1:]] == [None] * 5
    assert wave.overall_index == s_a
    service = service_index([s_a, 88.00, 91.50, 86.00, 78.30])
    assert service is not None
    assert round2(service) == 85.37
    assert round2(sipas_index(84.00, service)) == 84.69
    # The document rounds S_A first; the figures agree.
    from_rounded = service_index([83.07, 88.00, 91.50, 86.00, 78.30])
    assert from_rounded is not None
    assert round2(from_rounded) == 85.37


def test_item_index_excludes_unknown() -> None:
    assert item_index({4: 1, 5: 1, 3: 2}) == 50.0
    assert item_index({4: 1, 5: 1, 3: 2, 0: 10}) == 50.0
    assert item_index({0: 3}) is None
    assert item_index({}) is None
    assert item_mean({1: 1, 5: 3, 0: 4}) == 4.0


def test_unknown_answers_are_not_counted_in_n(
    preschool: Survey, worked_responses: list[dict[str, str]]
) -> None:
    unsure = [{"tc_cong_khai": "0", "tc_thu_tuc": "0"} for _ in range(5)]
    wave = score_wave(preschool, [*worked_responses, *unsure], invited=30)
    assert wave.respondents == 25
    items = wave.elements[0].items
    assert [(i.n_valid, i.n_satisfied) for i in items] == [(20, 17), (19, 16), (20, 16)]


def test_junk_values_are_ignored(preschool: Survey) -> None:
    responses = [{"overall": value} for value in ("5", "4", "3", "6", "abc", "", "²")]
    wave = score_wave(preschool, responses, invited=7)
    assert wave.overall_question_index == pytest.approx(100 * 2 / 3)


def test_element_index_methods() -> None:
    items = [
        ItemScore("a", n_valid=10, n_satisfied=9, index=90.0, mean=4.5),
        ItemScore("b", n_valid=30, n_satisfied=15, index=50.0, mean=3.5),
        ItemScore("c", n_valid=0, n_satisfied=0, index=None, mean=None),
    ]
    assert element_index(items, "mean") == 70.0
    assert element_index(items, "pooled") == 60.0
    assert element_index(items[2:], "mean") is None
    assert element_index(items[2:], "pooled") is None


def test_service_index_skips_missing_elements() -> None:
    assert service_index([80.0, None, 90.0]) == 85.0
    assert service_index([None]) is None


def test_suppressed_below_min_group(preschool: Survey) -> None:
    responses = [{"overall": "5", "tc_cong_khai": "5", "wishes": "pakn"}] * 4
    wave = score_wave(preschool, responses, invited=10)
    assert wave.suppressed
    assert (wave.respondents, wave.invited, wave.participation_rate) == (4, 10, 40.0)
    assert wave.elements == ()
    assert wave.wishes == ()
    assert wave.overall_index is None
    assert wave.overall_question_index is None
    assert wave.mean_score is None


def test_not_suppressed_from_min_group(preschool: Survey) -> None:
    responses = [{"overall": "5", "tc_cong_khai": "4", "wishes": "pakn"}] * 5
    wave = score_wave(preschool, responses, invited=10)
    assert not wave.suppressed
    assert wave.overall_question_index == 100.0
    assert wave.elements[0].index == 100.0
    assert wave.mean_score == 4.5
    assert score_wave(preschool, responses[:2], invited=2, min_group=2).suppressed is False


def test_participation_rate() -> None:
    assert participation_rate(182, 201) == pytest.approx(90.5472636)
    assert round2(100 * 182 / 201) == 90.55
    assert participation_rate(0, 0) is None


def test_wishes_distribution(preschool: Survey) -> None:
    responses = [
        {"wishes": "co_so_vat_chat,pakn"},
        {"wishes": "pakn"},
        {"wishes": "tiep_can,co_so_vat_chat,pakn"},
        {"wishes": ""},
        {"overall": "4"},
    ]
    wave = score_wave(preschool, responses, invited=5)
    assert wave.wishes == (
        ("Xử lý ý kiến, phản ánh", 3),
        ("Cơ sở vật chất", 2),
        ("Tuyển sinh, thủ tục, khoản thu", 1),
        ("An toàn, thân thiện", 0),
        ("Ăn, ngủ, học, chơi", 0),
        ("Sự tiến bộ của trẻ", 0),
        ("Thông tin, liên lạc", 0),
    )


def test_pulse_has_no_elements_but_an_overall_index(pulse: Survey) -> None:
    responses = [{"overall": level} for level in ("5", "4", "4", "3", "2", "0")]
    wave = score_wave(pulse, responses, invited=12)
    assert wave.elements == ()
    assert wave.overall_index is None
    assert wave.overall_question_index == 60.0
    assert wave.mean_score == pytest.approx(3.6)
    assert wave.participation_rate == 50.0
    assert wave.wishes == ()


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(0.125, 0.13), (84.685, 84.69), (84.21052631578948, 84.21), (85.0, 85.0), (-1.005, -1.01)],
)
def test_round2_rounds_half_up(value: float, rounded: float) -> None:
    assert round2(value) == rounded
