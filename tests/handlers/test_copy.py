"""One voice: every catalogued text addresses the parent as anh/chị, names the bot Trợ lý Hài
Lòng, is NFC, writes numbers the vi-VN way and never asks a parent to type a slash command."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from handlers import notice, texts
from handlers.surveys import intro_text
from surveys import labels
from surveys.catalog import load_catalog

DEFINITIONS = Path(labels.__file__).parent / "definitions"

# forms of address a parent must never read (staff text may say "phụ huynh" of third persons)
_FORBIDDEN = re.compile(r"quý phụ huynh|cha mẹ trẻ|\bCMHS\b|kính gửi phụ huynh", re.IGNORECASE)
# the bot speaking of itself as "tôi"; a parent's own words on a button ("Tôi đồng ý", "Sửa tên
# của tôi", "Tôi xử lý" for staff) are the reader speaking, so they are allowed by name
_BOT_I = re.compile(r"\btôi\b", re.IGNORECASE)
_READERS_WORDS = {
    "AGREE", "FIX_NAME", "DELETE_ME", "TAKE", "QUEUE_MINE", "DEMO_TICKETS",
}  # fmt: skip
# "trợ lý" naming the bot without its name
_BARE_ASSISTANT = re.compile(r"trợ lý(?! Hài Lòng)", re.IGNORECASE)
_DIGIT_PERCENT = re.compile(r"[\d}]%")
_TRAILING_ZEROS = re.compile(r"\d,\d*0\b|:\.2f")
_TYPE_SLASH = re.compile(r"(gõ|nhập)\s+/\w", re.IGNORECASE)
# the reports to a managing body and staff-only words may speak of parents in the third person
_STAFF_ONLY = re.compile(r"thầy/cô|^(REPORT|DOCX|COL|ROW|SHEET|AUTHORITY|BAND|KPI|QUEUE)_")
# texts with no address form that still go to parents
_PARENT_NAMES = {"UNKNOWN_COMMAND", "FAILURE", "STALE_BUTTON", "CODE_EXPIRED", "RUN_GONE"}


def strings(value: object) -> Iterator[str]:
    """Every string inside a constant: itself, or the items of a dict, tuple or list."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from strings(item)


def constants(module: ModuleType) -> Iterator[tuple[str, str]]:
    """(NAME, text) for every upper-case string constant of a module."""
    for name, value in vars(module).items():
        if name.isupper():
            for text in strings(value):
                yield f"{module.__name__}.{name}", text


def survey_texts() -> Iterator[tuple[str, str]]:
    """(file: field, text) for every title, intro, note and question text of the definitions."""
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for field in ("title", "intro", "note"):
            if field in data and field != "title":  # a title names the survey, it addresses no one
                yield f"{path.name}: {field}", data[field]
        for question in data.get("questions", []):
            for text in strings({k: v for k, v in question.items() if k != "key"}):
                yield f"{path.name}: {question['key']}", text


def is_parent_facing(name: str, text: str) -> bool:
    """A text a parent reads: it speaks to anh/chị, or is one of the few that do not."""
    short = name.rsplit(".", 1)[-1]
    if _STAFF_ONLY.search(short) or _STAFF_ONLY.search(text):
        return False
    return "anh/chị" in text.lower() or short in _PARENT_NAMES or ".yaml" in name


def problems(name: str, text: str) -> list[str]:
    """What is wrong with one text in the catalogue's voice ([] when nothing)."""
    short = name.rsplit(".", 1)[-1].split(":")[0]
    found = []
    if unicodedata.normalize("NFC", text) != text:
        found.append("not NFC")
    if _DIGIT_PERCENT.search(text):
        found.append("a number glued to % (write “64,5 %”)")
    if _TRAILING_ZEROS.search(text):
        found.append("a decimal with trailing zeros")
    if short not in _READERS_WORDS and _BOT_I.search(text):
        found.append("the bot says “tôi”")
    if _BARE_ASSISTANT.search(text):
        found.append("“trợ lý” without “Hài Lòng”")
    if is_parent_facing(name, text):
        if _FORBIDDEN.search(text):
            found.append("a parent addressed other than anh/chị")
        if _TYPE_SLASH.search(text):
            found.append("a parent told to type a slash command")
    return found


ALL = [*constants(texts), *constants(labels), *survey_texts()]


def test_the_catalogue_has_texts() -> None:
    assert len(ALL) > 400
    assert any(name.endswith("pulse.v1.yaml: intro") for name, _ in ALL)


@pytest.mark.parametrize(("name", "text"), ALL, ids=[name for name, _ in ALL])
def test_one_voice(name: str, text: str) -> None:
    assert problems(name, text) == [], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kính gửi quý phụ huynh, mời anh/chị trả lời.", "a parent addressed other than anh/chị"),
        ("Xin lỗi, tôi chưa hiểu ý anh/chị.", "the bot says “tôi”"),
        ("Anh/chị nhắn riêng cho trợ lý nhé.", "“trợ lý” without “Hài Lòng”"),
        ("Tỷ lệ 100% anh/chị.", "a number glued to % (write “64,5 %”)"),
        ("Chỉ số 64,00 %.", "a decimal with trailing zeros"),
        ("Anh/chị gõ /khaosat để bắt đầu.", "a parent told to type a slash command"),
        (unicodedata.normalize("NFD", "Hài lòng"), "not NFC"),
    ],
)
def test_the_check_catches(text: str, expected: str) -> None:
    assert expected in problems("handlers.texts.SAMPLE", text)


def test_staff_may_speak_of_parents() -> None:
    assert problems("handlers.texts.SAMPLE", "Thầy/cô mời 120 phụ huynh, gõ /huy để thôi.") == []
    assert problems("handlers.texts.AGREE", "Tôi đồng ý") == []


@pytest.mark.parametrize(
    ("key", "version", "length"),
    [
        ("pulse", 1, "Phiếu có 1 câu, mất chưa tới 1 phút."),
        ("preschool_parents", 1, "Phiếu có 15 câu, mất khoảng 3 phút."),
        ("preschool_parents", 2, "Phiếu có 23 câu, mất khoảng 5 phút."),
    ],
)
def test_the_intro_says_the_length_of_its_own_survey(key: str, version: int, length: str) -> None:
    survey = load_catalog().get(key, version)
    intro = intro_text(survey.title, survey)
    assert length in intro
    assert intro.count(" phút") == 1  # no other length left in the intro


def test_no_internal_version_or_code_is_shown() -> None:
    """A notice is named by its date: its id ("2026-11-v1") is a database value only."""
    ids = [version.id for version in notice.NOTICES]
    assert [name for name, text in ALL if any(i in text for i in ids)] == []
    assert all("{date}" in text for text in (texts.NOTICE_TITLE, texts.CONSENT_INTRO))
