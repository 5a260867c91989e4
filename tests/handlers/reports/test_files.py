"""The report files open (openpyxl, python-docx, Pillow) and carry the hand-computed figures."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from statistics import fmean
from typing import Any

import docx
import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.app import App
from bot.reports import render
from bot.reports.metrics import NO_BREAK
from handlers.reports.addressee import addressee_of
from handlers.reports.figures import SchoolFigures
from handlers.reports.files import Forms, school_forms, write_forms
from handlers.reports.periods import Period, quarter_of
from handlers.reports.summary import school_text
from tests.handlers.reports.dataset import (
    COMMENTS,
    DENOUNCER,
    HIDDEN_COMMENT,
    THIS_WEEK,
    WARD,
    Seeded,
)
from tests.handlers.reports.test_figures import (
    A_BEFORE,
    A_NOW,
    A_QUARTER,
    TODAY,
    figures_of,
)

ELEMENTS = [
    "Tiếp cận dịch vụ giáo dục",
    "Cơ sở vật chất",
    "Môi trường chăm sóc và giáo dục trẻ",
    "Hoạt động chăm sóc và giáo dục trẻ",
    "Kết quả chăm sóc và giáo dục trẻ",
    "Tiếp nhận, xử lý phản ánh – kiến nghị",
]
SURVEY = "Khảo sát sự hài lòng của cha mẹ trẻ"
HIDDEN = "ẩn (dưới 5 câu trả lời)"  # the mark of a figure from too few answers


def two(share: float) -> float:
    """A share as a percentage with two decimals (and a change in points)."""
    return round(100 * share, 2)


def pc(share: float) -> float:
    """A share as an XLSX cell holds it: the fraction of the percentage shown, format 0.00%."""
    return round(two(share) / 100, 6)


def shown(share: float) -> str:
    """A share as the DOCX text writes it: one decimal at most, "75,3 %", "100 %"."""
    tenths = Decimal(repr(100 * share)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{tenths:f}".removesuffix(".0").replace(".", ",") + " %"


async def forms_of(
    app: App, seeded: Seeded, code: str, period: Period
) -> tuple[SchoolFigures, Forms]:
    (figures,) = await figures_of(app, seeded, period, code)
    addressee = addressee_of(seeded.schools[code], figures.authority_name)
    return figures, school_forms(figures, app.services.settings, TODAY, addressee)


def rows_of(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    rows = [tuple(row) for row in book[sheet].iter_rows(values_only=True)]
    book.close()
    return rows


async def test_the_weekly_xlsx_reads_back_with_every_figure(
    app: App, seeded: Seeded, tmp_path: Path
) -> None:
    _, forms = await forms_of(app, seeded, "A", THIS_WEEK)
    (xlsx,) = await write_forms(forms, tmp_path, [".xlsx"])
    assert xlsx.name == "bao-cao-mn-anbinh-2026-11-16-2026-11-22.xlsx"
    indices = rows_of(xlsx.path, "Chỉ số hài lòng")
    assert indices[0][:4] == (
        "Khảo sát",
        "Nội dung đánh giá",
        "Chỉ số hài lòng (%)",
        "Kỳ trước (%)",
    )
    expected = [
        (SURVEY, title, pc(now), pc(before), two(now - before), "Có" if now >= 0.9 else "Chưa")
        for title, now, before in zip(ELEMENTS, A_NOW, A_BEFORE, strict=True)
    ]
    expected.append((SURVEY, "Chỉ số chung (trung bình các nội dung)", 0.8, 0.7, 10.0, "Chưa"))
    assert indices[1:] == expected
    assert rows_of(xlsx.path, "Tham gia theo lớp")[1:] == [
        (SURVEY, "Lá 1", 5, 8, 0.625),
        (SURVEY, "2 lớp dưới 5 phiếu: không hiển thị riêng", None, None, None),
        (SURVEY, "Cả trường", 6, 16, 0.375),
    ]
    summary = dict(row[:2] for row in rows_of(xlsx.path, "Tổng hợp"))
    assert summary["Phiếu trong kỳ"] == 6
    assert summary["Hài lòng với nhà trường nói chung (câu tổng quát)"] == pc(5 / 6)
    assert summary["Điểm trung bình (1–5)"] == round(284 / 69, 2)
    assert rows_of(xlsx.path, "Mong đợi")[1:4] == [
        (SURVEY, "Cơ sở vật chất", 4),
        (SURVEY, "Ăn, ngủ, học, chơi", 2),
        (SURVEY, "Thông tin, liên lạc", 2),
    ]
    tickets = dict(rows_of(xlsx.path, "Phản ánh – kiến nghị")[1:])
    assert tickets == {
        "Phiếu mới nhận": 3,
        "Cấp số phiếu ngay trong ngày (%)": 1.0,
        "Phiếu đến hạn trong kỳ": 2,
        "Giải quyết đúng hạn": 1,
        "Tỷ lệ đúng hạn (%)": 0.5,
        "Đang xử lý cuối kỳ": 3,
        "Quá hạn chưa xong": 1,
        "Phiếu mở lâu nhất (ngày)": 12,
        "Đánh giá trung bình của phụ huynh (1–5)": None,
    }
    news = dict(rows_of(xlsx.path, "Tin, thông báo")[1:])
    assert news == {
        "Tin cải cách hành chính đã gửi": 1,
        "Thông báo đã gửi": 1,
        "Lượt nhận đã gửi tới": 4,
        "Tổng lượt nhận": 6,
        "Số tuần có ít nhất 1 tin": 1,
        "Số tuần trong kỳ": 1,
        "Đạt kế hoạch ít nhất 1 tin mỗi tuần": "Có",
    }
    assert [row[0] for row in rows_of(xlsx.path, "Ý kiến khác")[1:]] == sorted(COMMENTS)


async def test_the_quarterly_docx_has_the_seed_reports_sentence_with_the_real_figures(
    app: App, seeded: Seeded, tmp_path: Path
) -> None:
    _, forms = await forms_of(app, seeded, "A", quarter_of(TODAY))
    (written,) = await write_forms(forms, tmp_path, [".docx"])
    document = docx.Document(str(written.path))
    text = "\n".join(p.text for p in document.paragraphs).replace(NO_BREAK, " ")
    overall = shown(fmean(A_QUARTER))
    assert "BÁO CÁO" in text and f"Kính gửi: {WARD}." in text
    assert (
        "Số CMHS tham gia khảo sát 12/32 CMHS. Kết quả: 81,8 % CMHS được khảo sát hài lòng với "
        f"nhà trường nói chung; chỉ số hài lòng chung theo các nội dung đạt {overall} "
        "(mục tiêu 90 %: chưa đạt)."
    ) in text
    assert overall == "75,3 %"
    # the quarter is not over on 23/11: the report runs to that day, its last day with figures
    assert "quý IV năm 2026 (từ ngày 01/10/2026 đến ngày 23/11/2026) như sau:" in text
    assert (
        "tiếp nhận 5 ý kiến, phản ánh – kiến nghị của CMHS qua trợ lý Hài Lòng, 100 % được cấp "
        "số phiếu ngay khi nhận. Số phiếu đến hạn giải quyết: 3; giải quyết đúng hạn: 2 (tỷ lệ "
        "66,7 %). Đến ngày 23/11/2026 còn 3 phiếu đang xử lý, trong đó 1 phiếu quá hạn."
    ) in text
    assert "đã gửi 2 tin cải cách hành chính và 1 thông báo" in text
    assert "tới 6/8 lượt nhận; 2/9 tuần có ít nhất một tin" in text
    assert text.rstrip().endswith("của Trường Mầm non An Bình./.")
    letterhead, elements, signature = document.tables
    assert signature.cell(0, 0).text.startswith("Nơi nhận:\n- Như trên;")
    assert signature.cell(0, 1).text.startswith("HIỆU TRƯỞNG\n(Ký, ghi rõ họ tên và đóng dấu)")
    assert "TRƯỜNG MẦM NON AN BÌNH" in letterhead.cell(0, 0).text.replace(NO_BREAK, " ")
    assert letterhead.cell(1, 1).text == "Hoa, ngày … tháng … năm …"
    assert [[c.text for c in row.cells] for row in elements.rows] == [
        ["Nội dung", "Tỷ lệ hài lòng", "So với quý trước"],
        *[[t, shown(v), "–"] for t, v in zip(ELEMENTS, A_QUARTER, strict=True)],
        ["Chỉ số chung (trung bình các nội dung)", overall, "–"],
    ]


async def test_a_quarter_that_is_over_is_reported_to_its_last_day(
    app: App, seeded: Seeded, tmp_path: Path
) -> None:
    _, forms = await forms_of(app, seeded, "A", quarter_of(TODAY).previous())
    (written,) = await write_forms(forms, tmp_path, [".docx"])
    text = "\n".join(p.text for p in docx.Document(str(written.path)).paragraphs)
    assert "quý III năm 2026 (từ ngày 01/07/2026 đến ngày 30/09/2026) như sau:" in text


async def test_every_form_opens(app: App, seeded: Seeded, tmp_path: Path) -> None:
    _, forms = await forms_of(app, seeded, "A", THIS_WEEK)
    files = await write_forms(forms, tmp_path, [".png", ".xlsx", ".docx", ".csv"])
    png, xlsx, document, table = (file.path for file in files)
    with Image.open(png) as image:
        image.verify()
    assert load_workbook(xlsx).sheetnames[:2] == ["Tổng hợp", "Chỉ số hài lòng"]
    assert docx.Document(str(document)).paragraphs
    assert table.read_text(encoding="utf-8-sig").startswith("Tổng hợp\n")
    with pytest.raises(ValueError, match=r"unknown format \.pdf"):
        render(tmp_path / "x.pdf", sheets=forms.sheets)


async def test_small_groups_comments_and_sealed_senders_appear_nowhere(
    app: App, seeded: Seeded, tmp_path: Path
) -> None:
    """B has 3 responses (one with a comment naming a class); A's Chồi 1 and Mầm 1 fewer than
    5 answers; A's denunciation has a sealed sender."""
    texts_seen: list[str] = []
    for code in ("A", "B"):
        figures, forms = await forms_of(app, seeded, code, THIS_WEEK)
        texts_seen.append(school_text(figures, 5))
        for file in await write_forms(forms, tmp_path, [".csv", ".docx"]):
            if file.path.suffix == ".csv":
                texts_seen.append(file.path.read_text(encoding="utf-8-sig"))
            else:
                texts_seen.append(
                    "\n".join(p.text for p in docx.Document(str(file.path)).paragraphs)
                )
    everything = "\n".join(texts_seen)
    assert DENOUNCER not in everything and "0901234567" not in everything
    assert HIDDEN_COMMENT not in everything
    assert "Chồi 1" not in everything and "Mầm 1" not in everything
    assert "3 phiếu trong kỳ: chỉ số ẩn (dưới 5 câu trả lời)" in everything
    assert "Số phiếu trong kỳ: 3; tỷ lệ hài lòng: ẩn (dưới 5 câu trả lời)" in everything
