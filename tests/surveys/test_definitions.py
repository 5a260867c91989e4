"""The shipped questionnaires: structure, wording rules and the SIPAS mapping."""

import unicodedata
from pathlib import Path

import pytest

from surveys.catalog import Catalog, survey_files
from surveys.options import options_for
from surveys.schema import Survey

PRESCHOOL_ELEMENTS = {
    "tiep_can": ("Tiếp cận dịch vụ giáo dục", 3),
    "co_so_vat_chat": ("Cơ sở vật chất", 2),
    "moi_truong": ("Môi trường chăm sóc và giáo dục trẻ", 2),
    "hoat_dong": ("Hoạt động chăm sóc và giáo dục trẻ", 2),
    "ket_qua": ("Kết quả chăm sóc và giáo dục trẻ", 1),
    "pakn": ("Tiếp nhận, xử lý phản ánh – kiến nghị", 3),
}


def copy_of(survey: Survey) -> list[str]:
    """Return every user-facing string of a survey."""
    texts = [survey.title, survey.intro, *([survey.note] if survey.note else [])]
    texts += [element.title for element in survey.elements]
    for question in survey.questions:
        texts += [question.text, *(option.label for option in options_for(question))]
    return texts


@pytest.mark.parametrize("path", survey_files(), ids=lambda path: path.name)
def test_files_are_nfc(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)


def test_copy_is_nfc_and_short(catalog: Catalog) -> None:
    for survey in catalog.all():
        for text in copy_of(survey):
            assert unicodedata.is_normalized("NFC", text), text
        for question in survey.questions:
            assert len(question.text) < 200, question.key


def test_preschool_elements_and_items(preschool: Survey) -> None:
    found = {
        element.key: (element.title, len(preschool.items(element.key)))
        for element in preschool.elements
    }
    assert found == PRESCHOOL_ELEMENTS
    scale_items = [q for q in preschool.questions if q.type == "scale" and q.element]
    assert len(scale_items) == 13
    assert all(q.allow_unknown for q in scale_items)


def test_preschool_overall_wishes_and_comment(preschool: Survey) -> None:
    assert preschool.title == "Khảo sát sự hài lòng của cha mẹ trẻ"
    assert preschool.note is not None
    assert "không phải mẫu phiếu chính thức" in preschool.note
    overall = preschool.question("overall")
    assert (preschool.overall, overall.type, overall.element) == ("overall", "scale", None)
    wishes = preschool.question("wishes")
    assert (preschool.wishes, wishes.type, wishes.max_choices) == ("wishes", "multi", 3)
    assert {o.value for o in wishes.options} >= {e.key for e in preschool.elements} | {"thong_tin"}
    assert all(len(o.label) <= 30 for o in wishes.options)
    comment = preschool.question("comment")
    assert (comment.type, comment.optional) == ("text", True)


def test_preschool_feedback_filter(preschool: Survey) -> None:
    asked = preschool.question("pakn_da_gui")
    assert asked.type == "yesno"
    assert asked.text == "Anh/chị đã từng gửi ý kiến, phản ánh cho nhà trường chưa?"
    assert preschool.question("pakn_kenh").show_if is None
    for key in ("pakn_xu_ly", "pakn_thong_bao"):
        show_if = preschool.question(key).show_if
        assert show_if is not None
        assert (show_if.question, show_if.expected()) == ("pakn_da_gui", ["yes"])


def test_pulse(pulse: Survey) -> None:
    assert [q.key for q in pulse.questions] == ["overall"]
    question = pulse.questions[0]
    assert question.type == "scale"
    assert question.text == (
        "Nhìn chung, tuần này anh/chị hài lòng với việc chăm sóc, giáo dục trẻ ở mức nào?"
    )
    assert pulse.overall == "overall"


V2_ELEMENTS = {
    "tiep_can": ("tc_cong_khai", "tc_thu_tuc", "tc_lien_he"),
    "co_so_vat_chat": (
        "csvc_phong_lop", "csvc_san_choi", "csvc_do_choi", "csvc_bep_an", "csvc_khu_ve_sinh",
    ),
    "moi_truong": ("mt_an_toan", "mt_than_thien"),
    "hoat_dong": ("hd_cham_soc", "hd_giao_duc", "hd_thong_tin"),
    "ket_qua": ("kq_tien_bo", "kq_tinh_cam"),
    "pakn": ("pakn_kenh", "pakn_xu_ly", "pakn_thong_bao"),
}  # fmt: skip
ADAPTATION = (
    "Bộ câu hỏi tham khảo SIPAS, điều chỉnh cho giáo dục mầm non — không phải mẫu chính thức."
)


def test_v2_keeps_the_six_elements_and_splits_the_double_barrelled_items(
    preschool: Survey, preschool_v2: Survey
) -> None:
    v2 = preschool_v2
    assert [e.key for e in v2.elements] == [e.key for e in preschool.elements]
    assert [e.title for e in v2.elements] == [e.title for e in preschool.elements]
    assert {e.key: tuple(q.key for q in v2.items(e.key)) for e in v2.elements} == V2_ELEMENTS
    keys = {q.key for q in v2.questions}
    assert not keys & {"csvc_phong_hoc", "csvc_bep_ve_sinh", "hd_hoc_choi"}
    for kept in ("overall", "wishes", "comment", "pakn_da_gui", "kq_tien_bo"):
        assert v2.question(kept) == preschool.question(kept)
    assert (v2.overall, v2.wishes) == ("overall", "wishes")
    assert "tình cảm, kỹ năng xã hội và thẩm mỹ" in v2.question("kq_tinh_cam").text


def test_v2_asks_who_answers_how_they_reach_the_school_and_about_fees(
    preschool_v2: Survey,
) -> None:
    who = preschool_v2.question("nguoi_tra_loi")
    assert (who.type, who.profile, who.element) == ("single", True, None)
    assert [o.label for o in who.options][:3] == ["Bố", "Mẹ", "Người giám hộ"]
    channel = preschool_v2.question("lien_he_chu_yeu")
    assert channel.profile and "Zalo, nhóm lớp" in [o.label for o in channel.options]
    assert "Sổ liên lạc (giấy hoặc điện tử)" in [o.label for o in channel.options]
    fees = preschool_v2.question("khoan_thu")
    assert (fees.type, fees.element, fees.profile) == ("single", None, False)
    assert [o.value for o in fees.options] == ["dung", "khong_dung", "khong_ro"]
    assert preschool_v2.profile_keys() == {"nguoi_tra_loi", "lien_he_chu_yeu"}


def test_v2_intro_explains_unknown_and_the_note_says_it_is_no_official_form(
    preschool_v2: Survey,
) -> None:
    assert "0 – Không rõ" in preschool_v2.intro
    assert preschool_v2.note == ADAPTATION
    assert len(preschool_v2.questions) == 25
