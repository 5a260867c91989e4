"""Who a school's report is from and to, as plain data: the DOCX heading and "Kính gửi".

Nghị định 30/2020/NĐ-CP, Phụ lục I, Phần I, mục II: the issuing body's name (the school) under
its direct managing body's (cơ quan, tổ chức chủ quản trực tiếp), both official and in full
(khoản 2); the number "Số: …/BC-<the school's abbreviation>" (khoản 3; "BC" is a báo cáo in
Phụ lục III); the place, the proper name of the administrative unit the school sits in, written
in full when it is a number ("Phường 5") (khoản 4).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.models.schools import School
from bot.reports.metrics import NO_BREAK
from handlers import texts

# the words before a name: glued as phrases, never split across lines; after the last of them
# comes the proper name, glued whole: "Trường | Mầm non | An Bình", "Ủy ban nhân dân | phường
# Sài Gòn"
# only first: "Trường Mầm non Sở Dầu" is a name
_HEADS = (
    "Trường", "Nhà trẻ", "Nhóm trẻ", "Lớp mẫu giáo", "Ủy ban nhân dân", "Phòng", "Sở",
    "Phòng Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo", "Công ty", "Hệ thống",
)  # fmt: skip
_KINDS = (
    "Mầm non", "Mẫu giáo", "Tư thục", "Dân lập", "Công lập", "Song ngữ", "Quốc tế",
    "Giáo dục và Đào tạo",
)  # fmt: skip
# administrative units: the unit word starts the proper name ("phường Sài Gòn")
_UNITS = (
    "phường", "xã", "đặc khu", "thị trấn", "thị xã", "thành phố", "tỉnh", "quận", "huyện",
)  # fmt: skip
_ABBREVIATION = re.compile(r"[A-ZĐ0-9]{1,20}")


@dataclass(frozen=True)
class Addressee:
    """Whom a school's report is from and to; the quarterly DOCX is built from this."""

    managing_body: str  # the school's direct managing body, full name ("" unknown)
    recipient: str  # "Kính gửi": the managing authority's full name ("" unknown)
    abbreviation: str  # the school's, in its document numbers: "MNAB" → "Số: …/BC-MNAB"
    place: str  # địa danh: where its documents are dated ("" unknown)


def addressee_of(school: School, authority: str) -> Addressee:
    """The school's managing body (`authority`: its managing authority's name), its abbreviation
    and place, as set or as derived."""
    managing = managing_body_of(authority)
    return Addressee(
        managing_body=managing,
        recipient=managing,
        abbreviation=school.doc_abbreviation or abbreviation_of(school.name),
        place=school.doc_place or place_of(managing),
    )


def managing_body_of(authority: str) -> str:
    """The full name of a managing authority as a letterhead writes it: abbreviations written
    out ("UBND phường Bến Thành" → "Ủy ban nhân dân phường Bến Thành")."""
    name = authority.strip()
    for short, full in texts.DOCX_FULL_NAMES.items():
        name = re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", full, name)
    return name


def abbreviation_of(name: str) -> str:
    """The initials of the school's name after "Trường", as schools number their documents:
    "Trường Mầm non Tuổi Thơ" → "MNTT"; a number or an abbreviation is kept whole ("Trường MN
    19-5" → "MN195")."""
    words = name.split()
    if words and words[0].casefold() == "trường":
        words = words[1:]
    initials = []
    for word in words:
        letters = "".join(char for char in word if char.isalnum())
        if letters:
            whole = letters.isdigit() or (len(letters) > 1 and letters.isupper())
            initials.append(letters if whole else _base(letters[0]))
    return "".join(initials).upper()


def checked_abbreviation(text: str) -> str:
    """An abbreviation as a school sets it: upper-case letters and digits; ValueError if not."""
    found = text.strip().upper()
    if found and not _ABBREVIATION.fullmatch(found):
        raise ValueError(
            f"--doc-abbreviation: {text!r} is not an abbreviation (letters and digits, "
            "at most 20, e.g. MNHS)"
        )
    return found


def place_of(managing_body: str) -> str:
    """The proper name of the unit in the managing body's name: "Ủy ban nhân dân phường Sài
    Gòn" → "Sài Gòn"; a unit named by a number in full: "… Quận 1" → "Quận 1"; "" if none."""
    words = managing_body.split()
    for index in range(len(words)):
        unit = _unit_at(words, index)
        if unit:
            rest = " ".join(words[index + unit :])
            if not rest:
                return ""
            whole = " ".join(words[index:])
            return whole[0].upper() + whole[1:] if rest[0].isdigit() else rest
    return ""


def held_together(name: str) -> str:
    """The name with no-break spaces inside each phrase and inside its proper name, so a line
    breaks only between them ("Trường | Mầm non | An Bình")."""
    words = name.split()
    groups: list[str] = []
    index = 0
    while index < len(words):
        if _unit_at(words, index):
            break
        length = _kind_at(words, index)
        if not length:
            break
        groups.append(NO_BREAK.join(words[index : index + length]))
        index += length
    if index < len(words):
        groups.append(NO_BREAK.join(words[index:]))
    return " ".join(groups)


def _kind_at(words: list[str], index: int) -> int:
    """How many words a known phrase takes at `index` (the longest), 0 if none starts there."""
    return _phrase_at(words, index, _HEADS if index == 0 else _KINDS)


def _unit_at(words: list[str], index: int) -> int:
    return _phrase_at(words, index, _UNITS)


def _phrase_at(words: list[str], index: int, phrases: tuple[str, ...]) -> int:
    found = 0
    for phrase in phrases:
        parts = phrase.casefold().split()
        if [w.casefold() for w in words[index : index + len(parts)]] == parts:
            found = max(found, len(parts))
    return found


def _base(letter: str) -> str:
    """A letter without its marks; "Đ" stays, as in Vietnamese abbreviations (GDĐT)."""
    if letter in "Đđ":
        return letter
    return unicodedata.normalize("NFD", letter)[0]
