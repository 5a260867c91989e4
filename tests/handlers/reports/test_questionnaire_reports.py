"""What reports make of version 2: the split items in their elements, the questions not scored
counted, the figures by grade with no small group (not even by subtraction), and the survey's
note in every file — the XLSX and DOCX opened with openpyxl and python-docx, the CSV read back.

The school: Lá 1 and Lá 2 ("lá", 6 and 5 answers, every scale item 4), Mầm 1 ("mầm", 5
answers, every item 2), Nhà trẻ 1 (2 answers, every item 1; too small to keep its class or its
grade). So the whole is 18 answers, 11 satisfied on every item (61,11 %); "lá" shows 100 %;
the two without a grade show nothing, and neither does "mầm" (5 answers, 0 %), or the whole
minus "lá" and "mầm" would tell that both of those two parents are dissatisfied.
"""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
from openpyxl import load_workbook

from bot.app import App
from bot.clock import FixedClock
from bot.models.people import Person
from bot.models.schools import Authority, School
from bot.models.waves import CompletionReceipt, Wave, WaveInvite
from bot.reports import render
from handlers import texts
from handlers.authorities.tree import create_authority
from handlers.release import hold_answers, release_responses
from handlers.reports.addressee import addressee_of
from handlers.reports.authority import authority_figures
from handlers.reports.figures import SchoolFigures, school_figures
from handlers.reports.files import authority_forms, school_forms, write_forms
from handlers.reports.periods import week_of
from handlers.reports.summary import school_text
from handlers.results import wave_score_text
from handlers.setup import create_class, create_school
from handlers.waves import launch_wave
from surveys.catalog import Catalog, load_catalog
from surveys.scoring import score_wave, tally_options, value_counts

MARK = texts.SUPPRESSED_MARK.format(min=5)
NOTE = "Bộ câu hỏi tham khảo SIPAS, điều chỉnh cho giáo dục mầm non — không phải mẫu chính thức."
WARD = "Ủy ban nhân dân phường Khối"
CLASSES = {"Lá 1": "la", "Lá 2": "la", "Mầm 1": "mam", "Nhà trẻ 1": "nha_tre"}
# class → (answers, level of every scale item, who answers, whether the fees were as announced)
GIVEN = {
    "Lá 1": (6, "4", "me", "dung"),
    "Lá 2": (5, "4", "bo", "dung"),
    "Mầm 1": (5, "2", "me", "khong_dung"),
    "Nhà trẻ 1": (2, "1", "giam_ho", "khong_ro"),
}


def answers_of(catalog: Catalog, level: str, who: str, fees: str) -> dict[str, str]:
    survey = catalog.get("preschool_parents", 2)
    given = {q.key: level for q in survey.questions if q.type == "scale" and not q.show_if}
    return {
        **given, "nguoi_tra_loi": who, "lien_he_chu_yeu": "zalo", "khoan_thu": fees,
        "pakn_da_gui": "no", "wishes": "co_so_vat_chat",
    }  # fmt: skip


async def graded_school(app: App, clock: FixedClock) -> Wave:
    """The school above, its wave closed and released."""
    now = clock.now()
    async with app.db.transaction() as session:
        ward = await create_authority(session, name=WARD, kind="commune", now=now)
        school = await create_school(
            session, code="MN-KHOI", name="Trường Mầm non Khối", authority=ward, now=now
        )
        rooms = {
            name: await create_class(session, school=school, name=name, grade=grade)
            for name, grade in CLASSES.items()
        }
        wave, _ = await launch_wave(
            session, app.services.catalog, school_id=school.id, survey_key="preschool_parents",
            opens_at=now, closes_at=now + timedelta(days=4), now=now, settings=app.settings,
        )  # fmt: skip
    for name, (count, level, who, fees) in GIVEN.items():
        for _ in range(count):
            async with app.db.transaction() as session:
                person = Person(display_name="", created_at=now)
                session.add(person)
                await session.flush()
                room = rooms[name].id
                session.add_all(
                    [
                        WaveInvite(
                            wave_id=wave.id, person_id=person.id, class_id=room, invited_at=now
                        ),
                        CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=now),
                    ]
                )
                given = answers_of(app.services.catalog, level, who, fees)
                assert await hold_answers(session, wave.id, room, given)
    clock.advance(days=5)
    await release_responses(app.job_context)
    return wave


async def figures_of(app: App, wave: Wave) -> SchoolFigures:
    closed = wave.closes_at.astimezone(ZoneInfo(app.settings.timezone)).date()
    async with app.db.sessions() as session:
        school = await session.get(School, wave.school_id)
        assert school is not None
        (figures,) = await school_figures(
            session, app.services.catalog, app.settings, [school], week_of(closed), closed
        )
    return figures


def sheet(path: Path, title: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    rows = [tuple(row) for row in book[title].iter_rows(values_only=True)]
    book.close()
    return rows


def test_v2_elements_score_the_split_items_and_the_rest_is_counted() -> None:
    """Facilities is the mean of its five items; fees, who answers and the channel are in no
    element and no index, only counted."""
    catalog = load_catalog()
    survey = catalog.get("preschool_parents", 2)
    top = answers_of(catalog, "5", "me", "dung")
    low = {**top, "csvc_phong_lop": "2", "csvc_san_choi": "3", "kq_tinh_cam": "0"}
    fees_wrong = {**top, "khoan_thu": "khong_dung", "nguoi_tra_loi": "bo"}
    responses = [top, top, low, fees_wrong]
    score = score_wave(survey, responses, 4, min_group=1)
    by_key = {e.key: e for e in score.elements}
    facilities = by_key["co_so_vat_chat"]
    assert [i.index for i in facilities.items] == [75.0, 75.0, 100.0, 100.0, 100.0]
    assert facilities.index == pytest.approx(90.0)
    assert facilities.pooled_index == pytest.approx(18 / 20 * 100)
    results = by_key["ket_qua"]
    assert [(i.key, i.n_valid) for i in results.items] == [("kq_tien_bo", 4), ("kq_tinh_cam", 3)]
    assert [e.index for e in score.elements] == [100.0, 90.0, 100.0, 100.0, 100.0, 100.0]
    assert score.overall_index == pytest.approx(590 / 6)
    assert {i.key for e in score.elements for i in e.items}.isdisjoint(
        {"khoan_thu", "nguoi_tra_loi", "lien_he_chu_yeu", "pakn_da_gui"}
    )
    counted = {t.key: dict(t.counts) for t in tally_options(survey, value_counts(responses))}
    assert counted["khoan_thu"] == {
        "Đúng như đã công khai": 3, "Không, có khoản khác hoặc ngoài quy định": 1, "Không rõ": 0,
    }  # fmt: skip
    assert counted["nguoi_tra_loi"]["Mẹ"] == 3 and counted["nguoi_tra_loi"]["Bố"] == 1


async def test_figures_by_grade_hide_small_groups_even_by_subtraction(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    wave = await graded_school(app, clock)
    figures = await figures_of(app, wave)
    (survey,) = figures.surveys
    assert survey.score.respondents == 18
    assert survey.score.overall_index == pytest.approx(11 / 18 * 100)
    grades = {g.grade: g for g in survey.grades}
    assert [g.title for g in survey.grades] == [
        "Mẫu giáo bé (lớp Mầm)", "Mẫu giáo lớn (lớp Lá)", "Chưa rõ khối lớp",
    ]  # fmt: skip
    assert grades["la"].respondents == 11 and grades["la"].score.overall_index == 100.0
    assert grades["la"].score.overall_question_index == 100.0
    assert grades["mam"].respondents == 5  # its count, but no figure: the complement
    assert grades["mam"].score.overall_index is None
    assert all(e.index is None for e in grades["mam"].score.elements)
    assert grades[""].respondents is None and grades[""].score.suppressed

    said = school_text(figures, 5)
    assert (
        "\n".join(
            [
                texts.REPORT_GRADES,
                f"  – Mẫu giáo bé (lớp Mầm): 5 phiếu; chỉ số chung {MARK}; "
                f"hài lòng nói chung {MARK}",
                "  – Mẫu giáo lớn (lớp Lá): 11 phiếu; chỉ số chung 100 %; hài lòng nói chung 100 %",
                f"  – Chưa rõ khối lớp: {MARK}",
            ]
        )
        in said
    )
    assert not re.search(r"(?<![0-9,])0 %", said)  # neither "mầm"'s figure nor the two's

    forms = school_forms(figures, app.settings, figures.period.end)
    (xlsx,) = await write_forms(forms, tmp_path, [".xlsx"])
    header, *rows = sheet(xlsx.path, texts.SHEET_GRADES)
    assert header[:4] == (
        texts.COL_SURVEY,
        texts.COL_GRADE,
        texts.COL_RESPONSES,
        "Tiếp cận dịch vụ giáo dục (%)",
    )
    assert header[-2:] == (texts.COL_OVERALL, texts.COL_OVERALL_QUESTION)
    by_grade = {row[1]: row[2:] for row in rows}
    assert by_grade["Mẫu giáo lớn (lớp Lá)"] == (11, *[1.0] * 8)  # 100,00 % (format 0.00%)
    assert by_grade["Mẫu giáo bé (lớp Mầm)"] == (5, *[MARK] * 8)
    assert by_grade["Chưa rõ khối lớp"] == (MARK,) * 9
    assert not [v for row in rows for v in row if v == 0.0]

    async with app.db.sessions() as session:
        released = await session.get(Wave, wave.id)
        assert released is not None
        results = await wave_score_text(session, app.services.catalog, released, "mean", 5)
    assert results.endswith(
        "\n".join(
            [
                texts.RESULTS_GRADES,
                f"• Mẫu giáo bé (lớp Mầm): 5 phiếu; chỉ số chung {MARK}; hài lòng nói chung {MARK}",
                "• Mẫu giáo lớn (lớp Lá): 11 phiếu; chỉ số chung 100 %; hài lòng nói chung 100 %",
                f"• Chưa rõ khối lớp: {MARK}",
            ]
        )
    )


async def test_the_questions_not_scored_are_counted_in_the_xlsx(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    wave = await graded_school(app, clock)
    figures = await figures_of(app, wave)
    forms = school_forms(figures, app.settings, figures.period.end)
    (xlsx,) = await write_forms(forms, tmp_path, [".xlsx"])
    header, *rows = sheet(xlsx.path, texts.SHEET_CHOICES)
    assert header == (
        texts.COL_SURVEY, texts.COL_QUESTION, texts.COL_OPTION, texts.COL_CHOSEN, texts.COL_RATE,
    )  # fmt: skip
    question = app.services.catalog.get("preschool_parents", 2).question
    counted = {(row[1], row[2]): row[3:5] for row in rows}
    fees = question("khoan_thu").text
    assert counted[(fees, "Đúng như đã công khai")] == (11, 0.6111)  # 61,11 %
    assert counted[(fees, "Không, có khoản khác hoặc ngoài quy định")] == (5, 0.2778)
    assert counted[(fees, "Không rõ")] == (2, 0.1111)
    assert counted[(fees, texts.COL_ANSWERED_QUESTION)][0] == 18
    who = question("nguoi_tra_loi").text
    assert [counted[(who, label)][0] for label in ("Bố", "Mẹ", "Người giám hộ")] == [5, 11, 2]
    assert counted[(question("lien_he_chu_yeu").text, "Zalo, nhóm lớp")] == (18, 1.0)
    assert counted[(question("pakn_da_gui").text, "Không")] == (18, 1.0)
    asked = {row[1] for row in rows}
    assert asked == {fees, who, question("lien_he_chu_yeu").text, question("pakn_da_gui").text}


async def test_the_note_is_in_every_file(app: App, clock: FixedClock, tmp_path: Path) -> None:
    wave = await graded_school(app, clock)
    figures = await figures_of(app, wave)
    async with app.db.sessions() as session:
        school = await session.get(School, figures.school_id)
        assert school is not None
    forms = school_forms(
        figures, app.settings, figures.period.end, addressee_of(school, figures.authority_name)
    )
    xlsx, csv_file, document, chart = await write_forms(
        forms, tmp_path, [".xlsx", ".csv", ".docx", ".png"]
    )
    summary = sheet(xlsx.path, texts.SHEET_SUMMARY)
    assert summary[1] == (texts.ROW_NOTE, NOTE)  # the first line under the header
    with csv_file.path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=_delimiter(csv_file.path)))
    assert [texts.ROW_NOTE, NOTE] in lines[:4]
    paragraphs = [p.text for p in docx.Document(str(document.path)).paragraphs]
    assert f"Ghi chú: {NOTE}" in paragraphs
    assert forms.chart is not None and forms.chart.note == f"Ghi chú: {NOTE}"
    assert chart.path.stat().st_size > 0

    async with app.db.sessions() as session:
        ward = await session.get(Authority, school.authority_id)
        assert ward is not None
        view = await authority_figures(
            session, app.services.catalog, app.settings, ward, figures.period, figures.period.end
        )
    authority_files = authority_forms(view, app.settings)
    assert authority_files.chart is not None and NOTE in authority_files.chart.note
    notes = render(tmp_path / "phuong.xlsx", sheets=authority_files.sheets)
    assert (f"{texts.ROW_NOTE}: {NOTE}",) in sheet(notes, texts.SHEET_NOTES)


def _delimiter(path: Path) -> str:
    """The CSV's separator, as Excel would guess it (another part may switch to ";")."""
    first = path.read_text(encoding="utf-8-sig").splitlines()[1]
    return ";" if first.count(";") > first.count(",") else ","
