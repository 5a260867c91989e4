"""What a typed text outside a flow is taken for: a menu word, a class code or a sentence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handlers.asking import looks_like_sentence
from handlers.codes import ALPHABET, looks_like_code
from handlers.help import is_menu_word

codes = st.text(alphabet=ALPHABET, min_size=6, max_size=12)


@given(codes, st.sampled_from(["", " ", "-"]))
def test_a_class_code_is_never_a_sentence(code: str, joint: str) -> None:
    typed = code[:4] + joint + code[4:]
    assert looks_like_code(typed) and not looks_like_sentence(typed)


@given(st.sampled_from(["menu", "MENU", "0", "Trợ giúp", "tro giup", "Help!", " hướng dẫn. "]))
def test_menu_words_are_read_whatever_their_case_and_marks(word: str) -> None:
    assert is_menu_word(word)


@given(st.text(max_size=30))
def test_no_text_breaks_the_readers(typed: str) -> None:
    looks_like_sentence(typed)
    is_menu_word(typed)


def test_sentences_and_not() -> None:
    assert looks_like_sentence("Cô ơi cho em hỏi lịch nghỉ Tết ạ")
    assert looks_like_sentence("cho em hoi lich nghi tet")
    assert not looks_like_sentence("ok ạ")
    assert not looks_like_sentence("4")
    assert not looks_like_sentence("1 2 3 4 5 6 7")
    # under a question, a short near-answer is not offered; a question or a longer text is
    assert looks_like_sentence("hài lòng lắm") and not looks_like_sentence(
        "hài lòng lắm", answering=True
    )
    assert looks_like_sentence("Cô ơi cho em hỏi lịch nghỉ Tết", answering=True)
    assert looks_like_sentence("lịch nghỉ Tết ạ?", answering=True)
    assert not is_menu_word("menu ăn tuần này")
