"""fold(): the key that lets "rat hai long" match "Rất hài lòng"."""

import unicodedata

import pytest

from surveys.text import fold, nfc


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Rất hài lòng", "rat hai long"),
        ("RẤT HÀI LÒNG", "rat hai long"),
        ("Đường đi", "duong di"),
        ("Không rõ / không trả lời", "khong ro / khong tra loi"),
        ("  bỏ\tqua \n", "bo qua"),
        ("Bình   thường", "binh thuong"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_treats_decomposed_input_like_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Hài lòng")
    assert decomposed != "Hài lòng"
    assert fold(decomposed) == fold("Hài lòng") == "hai long"


def test_nfc_composes() -> None:
    assert nfc(unicodedata.normalize("NFD", "Cơ sở vật chất")) == "Cơ sở vật chất"
