"""No output shows a figure counted from 1–4 answers: chat, XLSX, CSV, DOCX, the chart's data,
the authority view and a wave's results; each such figure is the same mark, and the answers behind
it count in no other figure either.

Every answer here is the top level, so any figure that leaked from them would read 100 (or a mean
of 5); the parents invited are ten, so participation never does.
"""

from __future__ import annotations

from datetime import date, timedelta
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
from handlers import texts
from handlers.authorities.tree import create_authority
from handlers.release import hold_answers, release_responses
from handlers.reports.addressee import Addressee
from handlers.reports.authority import authority_figures
from handlers.reports.authority_view import authority_sheets, authority_text
from handlers.reports.figures import SchoolFigures, school_figures
from handlers.reports.files import authority_forms, school_forms, write_forms
from handlers.reports.periods import Period, week_of
from handlers.reports.summary import school_text
from handlers.results import wave_score_text
from handlers.setup import create_class, create_school
from handlers.waves import launch_wave

MARK = texts.SUPPRESSED_MARK.format(min=5)
WARD = "Ủy ban nhân dân phường Nhỏ"
SCALE = (
    "tc_cong_khai", "tc_thu_tuc", "tc_lien_he", "csvc_phong_lop", "csvc_san_choi",
    "csvc_do_choi", "csvc_bep_an", "csvc_khu_ve_sinh", "mt_an_toan", "mt_than_thien",
    "hd_cham_soc", "hd_giao_duc", "hd_thong_tin", "kq_tien_bo", "kq_tinh_cam", "pakn_kenh",
)  # fmt: skip
ALL_TOP = {**dict.fromkeys(SCALE, "5"), "overall": "5", "pakn_da_gui": "no"}


ADDRESSEE = Addressee(WARD, WARD, "MNN", "")


async def seeded(app: App, clock: FixedClock, responses: list[dict[str, str]]) -> Wave:
    """A school of the ward whose wave (ten invited) got these answers, closed, released."""
    now = clock.now()
    async with app.db.transaction() as session:
        ward = await create_authority(session, name=WARD, kind="commune", now=now)
        school = await create_school(
            session, code="MN-NHO", name="Trường Mầm non Nhỏ", authority=ward, now=now
        )
        room = await create_class(session, school=school, name="Lá 1")
        wave, _ = await launch_wave(
            session, app.services.catalog, school_id=school.id, survey_key="preschool_parents",
            opens_at=now, closes_at=now + timedelta(days=4), now=now, settings=app.settings,
        )  # fmt: skip
        people = [Person(display_name="", created_at=now) for _ in range(10)]
        session.add_all(people)
        await session.flush()
        session.add_all(
            WaveInvite(wave_id=wave.id, person_id=p.id, class_id=room.id, invited_at=now)
            for p in people
        )
    for person, answers in zip(people, responses, strict=False):
        async with app.db.transaction() as session:
            receipt = CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=now)
            session.add(receipt)
            assert await hold_answers(session, wave.id, room.id, answers)
    clock.advance(days=5)
    await release_responses(app.job_context)
    return wave


async def figures_of(app: App, wave: Wave) -> tuple[SchoolFigures, Period, date]:
    zone = ZoneInfo(app.settings.timezone)
    closed = wave.closes_at.astimezone(zone).date()
    async with app.db.sessions() as session:
        found = await session.get(School, wave.school_id)
        assert found is not None
        (figures,) = await school_figures(
            session, app.services.catalog, app.settings, [found], week_of(closed), closed,
            comments=True,
        )  # fmt: skip
    return figures, week_of(closed), closed


def cells(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    rows = [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    book.close()
    return rows[1:]


@pytest.mark.parametrize("n", [1, 2, 3, 4])
async def test_a_survey_of_one_to_four_responses_shows_no_figure_anywhere(
    app: App, clock: FixedClock, tmp_path: Path, n: int
) -> None:
    answers = {**ALL_TOP, "wishes": "co_so_vat_chat", "comment": "Cô giáo rất tận tâm."}
    wave = await seeded(app, clock, [answers] * n)
    figures, period, today = await figures_of(app, wave)
    (survey,) = figures.surveys
    assert survey.score.suppressed and survey.comments == ()

    said = school_text(figures, 5)
    assert texts.REPORT_SUPPRESSED.format(n=n, mark=MARK) in said

    forms = school_forms(figures, app.settings, today, ADDRESSEE)
    xlsx, csv, document = await write_forms(forms, tmp_path, [".xlsx", ".csv", ".docx"])
    for sheet in ("Chỉ số hài lòng", "Từng câu hỏi", "Mong đợi"):
        rows = cells(xlsx.path, sheet)
        assert rows and all(MARK in str(row) for row in rows), sheet
        assert not [v for row in rows for v in row if isinstance(v, int | float)], sheet
    summary = dict(row[:2] for row in cells(xlsx.path, "Tổng hợp"))
    assert summary[texts.ROW_SUPPRESSED.format(mark=MARK)] is None
    assert texts.ROW_MEAN not in summary and texts.ROW_OVERALL not in summary
    written = csv.path.read_text(encoding="utf-8-sig")
    paragraphs = "\n".join(p.text for p in docx.Document(str(document.path)).paragraphs)
    assert f"tỷ lệ hài lòng: {MARK}" in paragraphs
    assert len(docx.Document(str(document.path)).tables) == 2  # letterhead and signature only
    for shown in (said, written, paragraphs):
        assert "100" not in shown and "5,00" not in shown and "5.00" not in shown
        assert "Cô giáo rất tận tâm" not in shown
    assert forms.chart is not None and not forms.chart.series and MARK in forms.chart.note

    async with app.db.sessions() as session:
        released = await session.get(Wave, wave.id)
        assert released is not None and released.released_at is not None
        results = await wave_score_text(session, app.services.catalog, released, "mean", 5)
        school = await session.get(School, released.school_id)
        assert school is not None and school.authority_id is not None
        ward = await session.get(Authority, school.authority_id)
        assert ward is not None
        view = await authority_figures(
            session, app.services.catalog, app.settings, ward, period, today
        )
    assert results.endswith(texts.RESULTS_SUPPRESSED.format(n=n, mark=MARK))
    (row,) = authority_sheets(view, 5)[0].rows[1:2]
    assert row[0] is None and row[8:16] == [MARK] * 8  # no rank; six elements, overall, satisfied
    chart = authority_forms(view, app.settings).chart
    assert chart is not None and chart.labels == [f"Trường Mầm non Nhỏ ({MARK})"]
    assert [band.count for band in view.bands] == [0, 0, 0, 1]
    said_by_ward = authority_text(view, 5)
    assert f"–. Trường Mầm non Nhỏ: {MARK}; tham gia {n}/10" in said_by_ward
    assert "100,00" not in said_by_ward.replace(f"{n}/10 ({n * 10},00 %)", "")


@pytest.mark.parametrize("n", [1, 2, 3, 4])
async def test_a_question_one_to_four_answered_is_the_mark_and_counts_in_no_other_figure(
    app: App, clock: FixedClock, tmp_path: Path, n: int
) -> None:
    """Six responses; `n` of them give tc_cong_khai a 1, kq_tien_bo and kq_tinh_cam (their
    element's items) and the overall question a 5, and choose wishes; the others say "không
    rõ" or skip."""
    answered = {**ALL_TOP, "tc_cong_khai": "1", "wishes": "co_so_vat_chat"}
    unknown = {
        **ALL_TOP, "tc_cong_khai": "0", "kq_tien_bo": "0", "kq_tinh_cam": "0", "overall": "0",
    }  # fmt: skip
    wave = await seeded(app, clock, [answered] * n + [unknown] * (6 - n))
    figures, _, today = await figures_of(app, wave)
    (survey,) = figures.surveys
    score = survey.score
    assert not score.suppressed and score.respondents == 6
    # tc_cong_khai's 1s count nowhere: its element is its other items' 100, the mean all 5s
    by_key = {e.key: e for e in score.elements}
    assert by_key["tiep_can"].index == 100.0 and by_key["ket_qua"].index is None
    assert score.mean_score == 5.0 and score.overall_question_index is None
    assert survey.wishes_withheld

    said = school_text(figures, 5)
    assert f"  – Kết quả chăm sóc và giáo dục trẻ: {MARK}" in said
    assert f"  – Hài lòng với nhà trường nói chung: {MARK} phụ huynh" in said
    assert texts.REPORT_WISHES.format(wishes=MARK) in said

    forms = school_forms(figures, app.settings, today, ADDRESSEE)
    xlsx, document = await write_forms(forms, tmp_path, [".xlsx", ".docx"])
    items = {row[2]: row[3:] for row in cells(xlsx.path, "Từng câu hỏi")}
    questions = {q.key: q.text for q in app.services.catalog.latest("preschool_parents").questions}
    assert items[questions["tc_cong_khai"]] == (MARK,) * 4
    assert items[questions["kq_tien_bo"]] == (MARK,) * 4
    assert items[questions["tc_thu_tuc"]] == (6, 6, 1.0, 5.0)  # 100,00 % and the mean
    indices = {row[1]: row[2] for row in cells(xlsx.path, "Chỉ số hài lòng")}
    assert indices["Kết quả chăm sóc và giáo dục trẻ"] == MARK
    assert indices["Tiếp cận dịch vụ giáo dục"] == 1.0  # 100,00 %
    assert cells(xlsx.path, "Mong đợi") == [(survey.title, MARK, MARK)]
    summary = dict(row[:2] for row in cells(xlsx.path, "Tổng hợp"))
    assert summary[texts.ROW_OVERALL_QUESTION] == MARK
    elements = docx.Document(str(document.path)).tables[1]
    docx_rows = {row.cells[0].text: row.cells[1].text for row in elements.rows}
    assert docx_rows["Kết quả chăm sóc và giáo dục trẻ"] == MARK
    assert forms.chart is not None
    (series,) = forms.chart.series
    shown = dict(zip(forms.chart.labels, series.values, strict=True))
    assert shown[f"Kết quả chăm sóc và giáo dục trẻ ({MARK})"] is None
    assert shown["Tiếp cận dịch vụ giáo dục"] == 100.0
