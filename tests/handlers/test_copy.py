"""One voice: every catalogued text addresses the parent as anh/chị, names the bot Trợ lý Hài
Lòng, is NFC, writes numbers the vi-VN way and never asks a parent to type a slash command."""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from bot.numbers import vi_number
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


# --- i14-polish: head counts grouped the vi-VN way ("1.234"), wherever a text is filled ---

HANDLERS = Path(texts.__file__).parent
# the fields of the catalogue that carry a count (people, messages, cases, schools) or a limit a
# person reads ("tối đa 2.000 ký tự"): a count of 1234 must read "1.234", never "1234"
COUNT_FIELDS = frozenset(
    {
        "acknowledged", "ages", "announcements", "answered", "concluded", "count", "delivered",
        "groups", "invited", "limit", "met", "n", "news", "on_time", "open", "overdue",
        "parents", "photos", "ratings", "received", "recipients", "schools", "seen", "total",
    }
)  # fmt: skip
# "due" is a day in a ticket's own texts, and a count of tickets in these figures
DUE_COUNTED = frozenset({"KPI_ON_TIME", "REPORT_TICKETS", "DOCX_TICKETS"})
# a question's place in its survey ("Câu 3/15"): a survey has a few dozen questions at most
POSITIONS = frozenset({"QUESTION"})
# what turns a figure (or a day) into vi-VN text: bot/numbers.py and the helpers built on it
FORMATTERS = frozenset(
    {
        "vi_number", "vi_percent", "percent", "percent_or", "signed", "decimal", "controllers",
        "day", "day_text", "strftime",
    }
)  # fmt: skip


def _receiver(call: ast.Call) -> str:
    """The name a `.format` is called on: "QUESTION" for `texts.QUESTION.format(...)`."""
    target = call.func.value if isinstance(call.func, ast.Attribute) else call.func
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def is_vi_text(value: ast.expr, texted: frozenset[str] = frozenset()) -> bool:
    """Whether an argument is already text: a formatter's result, a literal, a catalogue text
    (filled in its turn), a name only ever given such text, or a choice between such."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if isinstance(value, ast.JoinedStr):
        return True  # its own figures are checked where it is written
    if isinstance(value, ast.Name):
        return value.id in texted
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        return value.value.id == "texts"
    if isinstance(value, ast.IfExp):
        return is_vi_text(value.body, texted) and is_vi_text(value.orelse, texted)
    if isinstance(value, ast.BoolOp):
        return all(is_vi_text(v, texted) for v in value.values)
    if isinstance(value, ast.List | ast.Tuple):
        return all(is_vi_text(v, texted) for v in value.elts)
    if isinstance(value, ast.ListComp):
        return is_vi_text(value.elt, texted)
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in FORMATTERS or name == "format"
    return False


def _texted_names(tree: ast.AST) -> frozenset[str]:
    """The local names every assignment of which in the module is vi-VN text."""
    given: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                given.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.For | ast.NamedExpr):
            target = node.target
            if isinstance(target, ast.Name):
                given.setdefault(target.id, []).append(ast.Name("?"))  # anything: not sure
        elif isinstance(node, ast.arg):
            given.setdefault(node.arg, []).append(ast.Name("?"))
    return frozenset(name for name, values in given.items() if all(map(is_vi_text, values)))


def _last_name(value: ast.expr) -> str:
    """ "invited" for `row.invited` or `invited`."""
    if isinstance(value, ast.Attribute):
        return value.attr
    return value.id if isinstance(value, ast.Name) else ""


def raw_counts(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, field, argument) for every count filled into a text without vi-VN grouping:
    a count field of a catalogue text's `.format`, or a count put into an f-string as it is."""
    tree = ast.parse(source)
    texted = _texted_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue):
            name = _last_name(node.value)
            if name in COUNT_FIELDS - {"n"} and not node.format_spec:  # "n": a counter too
                yield node.lineno, name, ast.unparse(node.value)
            continue
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and _receiver(node) not in POSITIONS
        ):
            continue
        counted = COUNT_FIELDS | ({"due"} if _receiver(node) in DUE_COUNTED else set())
        for keyword in node.keywords:
            if keyword.arg in counted and not is_vi_text(keyword.value, texted):
                yield node.lineno, keyword.arg, ast.unparse(keyword.value)


def test_every_count_in_a_text_is_grouped_the_vi_way() -> None:
    """A count filled raw would read "mời 1234 phụ huynh"; through bot/numbers.py, "1.234"."""
    found = [
        f"{path.relative_to(HANDLERS.parent)}:{line}: {{{field}}} = {value}"
        for path in sorted(HANDLERS.rglob("*.py"))
        for line, field, value in raw_counts(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_count_fields_are_the_catalogues() -> None:
    """Every field named above is filled somewhere in the catalogue (no stale name)."""
    used = {field for _, text in ALL for field in fields_of(text)}
    assert used >= COUNT_FIELDS, COUNT_FIELDS - used
    assert all(name in vars(texts) for name in DUE_COUNTED)


@pytest.mark.parametrize(
    "source",
    [
        "texts.STAFF_OPEN_AND_INVITE.format(invited=count)",
        "texts.REPORT.format(title=t, delivered=counts.delivered, total=counts.total)",
        "note.format(limit=TEXT_LIMIT)",
        "texts.X.format(count=len(tickets) - 5)",
        'turnout = f"{row.answered}/{row.invited}"',
        "invited = 5\ntexts.STAFF_LAUNCHED.format(invited=invited)",
    ],
)
def test_the_count_check_catches(source: str) -> None:
    assert list(raw_counts(source))


def fields_of(text: str) -> set[str]:
    """The names a template fills: "ages" for "{ages[0]}"."""
    return {re.split(r"[.\[]", f)[0] for _, f, _, _ in string.Formatter().parse(text) if f}


def test_a_grouped_count_renders_with_a_dot() -> None:
    """Every catalogue text with a count, filled as the handlers fill it, shows 1234 as 1.234."""
    counted = [(name, text) for name, text in ALL if fields_of(text) & COUNT_FIELDS]
    assert len(counted) > 40
    grouped = vi_number(1234)
    for name, text in counted:
        values: dict[str, object] = {
            f: grouped if f in COUNT_FIELDS else "x" for f in fields_of(text)
        }
        if "ages" in values:
            values["ages"] = [grouped] * 4
        shown = text.format(**values)
        assert "1234" not in shown and "1.234" in shown, name
