"""One forgiving matcher for typed choices (surveys/text.py), as the dispatcher and the survey
kinds use it: whatever a parent types never breaks it, a label typed any common way names its
choice, and text that names no choice matches nothing."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dispatch import match_typed_choice
from handlers import texts
from surveys.engine import parse_answer
from surveys.kinds.base import Accepted
from surveys.labels import SCALE_LABELS
from surveys.schema import Question
from surveys.text import fold, typed_keys

# label groups shown together somewhere in the product, with their typed keys on Zalo
GROUPS = [
    list(texts.KIND_NAMES.values()),
    list(texts.TOPIC_NAMES.values()),
    [texts.AGREE, texts.DISAGREE],
    [texts.YES_CLASS, texts.NO_CLASS],
    list(SCALE_LABELS.values()),
]
DASHES = ["-", "–", "—", " - ", " – ", "-"]
PARTICLES = ["", " ạ", " nhé", " a", " nhe", " nha", " ah", " nhé ạ", " ạ."]


def shown(labels: list[str]) -> list[dict[str, str]]:
    return [
        {"payload": f"p{n}", "label": label, "key": str(n)} for n, label in enumerate(labels, 1)
    ]


def strip_marks(text: str) -> str:
    """What a parent without a Vietnamese keyboard types: no diacritics, đ as d."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


@st.composite
def typed_label(draw: st.DrawFn) -> tuple[list[str], int, str]:
    """A shown group, the index of one label, and that label as a parent might type it."""
    labels = draw(st.sampled_from(GROUPS))
    index = draw(st.integers(0, len(labels) - 1))
    text = labels[index]
    if draw(st.booleans()):
        text = strip_marks(text)
    text = re.sub(r"\s*[–-]\s*", draw(st.sampled_from(DASHES)), text)
    text = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)
    quote = draw(st.sampled_from(["", '"', "“", "'"]))
    close = {"“": "”"}.get(quote, quote)
    text = f"{quote}{text}{close}{draw(st.sampled_from(PARTICLES))}"
    return labels, index, draw(st.sampled_from(["", " ", "  "])) + text


@settings(max_examples=300)
@given(st.text(), st.sampled_from(GROUPS))
def test_the_matcher_never_raises(text: str, labels: list[str]) -> None:
    typed_keys(text)
    match_typed_choice(text, shown(labels))


@settings(max_examples=300)
@given(typed_label())
def test_a_label_typed_any_common_way_names_its_choice(case: tuple[list[str], int, str]) -> None:
    labels, index, text = case
    assert match_typed_choice(text, shown(labels)) == f"p{index + 1}"


@settings(max_examples=300)
@given(
    st.sampled_from(GROUPS),
    st.integers(1, 9),
    st.sampled_from([".", ")", " ạ", "", " nhé", ". "]),
)
def test_a_number_with_a_dot_paren_or_particle_names_its_choice(
    labels: list[str], number: int, tail: str
) -> None:
    expected = f"p{number}" if number <= len(labels) else None
    assert match_typed_choice(f"{number}{tail}", shown(labels)) == expected


@settings(max_examples=300)
@given(st.text(alphabet="qwzjfx ", min_size=1, max_size=30), st.sampled_from(GROUPS))
def test_text_that_names_no_choice_matches_nothing(text: str, labels: list[str]) -> None:
    assert match_typed_choice(text, shown(labels)) is None


@settings(max_examples=200)
@given(st.sampled_from(list(SCALE_LABELS.items())), st.sampled_from(PARTICLES), st.booleans())
def test_a_survey_kind_reads_the_same_forgiving_matcher(
    level: tuple[int | str, str], particle: str, bare: bool
) -> None:
    value, label = level
    question = Question.model_validate({"key": "q", "type": "scale", "text": "Bữa ăn"})
    typed = (strip_marks(label) if bare else label.upper()) + particle
    assert parse_answer(question, typed) == Accepted(str(value))


def test_a_particle_is_dropped_only_when_the_rest_names_a_choice() -> None:
    """A label ending in a particle-like word still matches as typed."""
    assert match_typed_choice("ông bà", shown(["Ông bà", "Ông"])) == "p1"
    assert match_typed_choice("ong ba a", shown(["Ông bà", "Ông"])) == "p1"
    assert fold("Đ") == "d"
