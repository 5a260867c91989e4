"""The authority view's files open (openpyxl, Pillow) and carry the hand-computed figures: a ward
sees its two schools side by side, the province every school ranked, its wards and the
distribution against the target; a school of too few answers is the mark everywhere."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from bot.app import App
from handlers.reports.authority_view import authority_chart, authority_text
from handlers.reports.files import authority_forms, write_forms
from tests.handlers.reports.dataset import OTHER_WARD, PROVINCE, WARD, Seeded
from tests.handlers.reports.test_figures import A_NOW, authority_of
from tests.handlers.reports.test_files import HIDDEN, pc, rows_of


async def test_a_wards_sheet_chart_and_text(app: App, seeded: Seeded, tmp_path: Path) -> None:
    ward = await authority_of(app, seeded.authorities["ward"])
    forms = authority_forms(ward, app.services.settings)
    xlsx, png = await write_forms(forms, tmp_path, [".xlsx", ".png"])
    rows = rows_of(xlsx.path, "Các trường")
    assert rows[0][:8] == (
        "Hạng", "Trường", "Mã trường", "Cơ quan quản lý trực tiếp", "Phiếu trong kỳ",
        "Đã trả lời", "Được mời", "Tỷ lệ tham gia (%)",
    )  # fmt: skip
    assert rows[1] == (
        1, "Trường Mầm non An Bình", "MN-ANBINH", WARD, 6, 6, 16, 0.375,
        *[pc(v) for v in A_NOW], 0.8, pc(5 / 6), "Chưa", 2, 1, 0.5, 1,
    )  # fmt: skip
    assert rows[2] == (
        None, "Trường Mầm non Bình An", "MN-BINHAN", WARD, 3, 3, 10, 0.3, *[HIDDEN] * 6,
        HIDDEN, HIDDEN, None, 1, 1, 1.0, 0,
    )  # fmt: skip
    assert rows[3] == (
        None, "Trung bình các trường", None, None, None, None, None, 0.3375,
        *[pc(v) for v in A_NOW], 0.8, pc(5 / 6), None, None, None, 0.75, None,
    )  # fmt: skip
    assert len(rows) == 4  # the school of the other commune is not there
    with_sheets = load_sheetnames(xlsx.path)
    assert with_sheets == ["Các trường", "Phân bố theo mục tiêu", "Ghi chú"]  # no units
    assert rows_of(xlsx.path, "Phân bố theo mục tiêu") == [
        ("Chỉ số chung", "Số trường", "Tỷ lệ (%)"),
        ("từ 90 % trở lên", 0, 0.0),
        ("từ 80 % đến dưới 90 %", 1, 0.5),
        ("dưới 80 %", 0, 0.0),
        ("chưa có chỉ số (ẩn hoặc chưa có phiếu)", 1, 0.5),
    ]
    with Image.open(png.path) as image:
        assert image.format == "PNG" and image.width == 720 and image.height >= 300  # for a phone
        image.verify()
    chart = authority_chart(ward, 5)
    assert chart.labels == ["Trường Mầm non An Bình", f"Trường Mầm non Bình An ({HIDDEN})"]
    assert [s.values for s in chart.series] == [[80.0, None], [37.5, 30.0]]
    assert authority_text(ward, 5).splitlines() == [
        f"📊 {WARD} – tuần 16/11–22/11/2026: 2 trường",
        "Trung bình các trường: chỉ số chung 80 %, tham gia 33,8 %, giải quyết đúng hạn 75 %.",
        "So với mục tiêu: từ 90 % trở lên: 0 trường; từ 80 % đến dưới 90 %: 1 trường; "
        "dưới 80 %: 0 trường; chưa có chỉ số (ẩn hoặc chưa có phiếu): 1 trường.",
        "",
        "Xếp hạng các trường theo chỉ số chung:",
        "1. Trường Mầm non An Bình: 80 % ✗ dưới mục tiêu; tham gia 6/16 (37,5 %)",
        f"–. Trường Mầm non Bình An: {HIDDEN}; tham gia 3/10 (30 %)",
    ]


async def test_a_provinces_files_rank_every_school_and_average_its_wards(
    app: App, seeded: Seeded, tmp_path: Path
) -> None:
    province = await authority_of(app, seeded.authorities["province"])
    forms = authority_forms(province, app.services.settings)
    xlsx, png = await write_forms(forms, tmp_path, [".xlsx", ".png"])
    assert load_sheetnames(xlsx.path) == [
        "Các trường", "Các đơn vị", "Phân bố theo mục tiêu", "Ghi chú",
    ]  # fmt: skip
    schools = rows_of(xlsx.path, "Các trường")
    assert [row[:4] for row in schools[1:4]] == [
        (1, "Trường Mầm non Xã Khác", "MN-KHAC", OTHER_WARD),
        (2, "Trường Mầm non An Bình", "MN-ANBINH", WARD),
        (None, "Trường Mầm non Bình An", "MN-BINHAN", WARD),
    ]
    assert schools[1][-7] == 1.0 and schools[1][-5] == "Có"  # overall index; target met
    units = rows_of(xlsx.path, "Các đơn vị")
    assert units[0][:6] == (
        "Đơn vị", "Loại", "Số trường", "Trường có chỉ số", "Trường đạt mục tiêu",
        "Tỷ lệ tham gia (%)",
    )  # fmt: skip
    assert units[1][:6] == (OTHER_WARD, "UBND cấp xã (xã, phường, đặc khu)", 1, 1, 1, 1.0)
    assert units[2][:6] == (WARD, "UBND cấp xã (xã, phường, đặc khu)", 2, 1, 0, 0.3375)
    assert units[2][6:12] == tuple(pc(v) for v in A_NOW)  # only An Bình has figures
    assert units[2][12] == 0.8
    assert [row[1] for row in rows_of(xlsx.path, "Phân bố theo mục tiêu")[1:]] == [1, 1, 0, 1]
    with Image.open(png.path) as image:
        assert image.format == "PNG" and image.width == 720 and image.height >= 300  # for a phone
        image.verify()
    chart = authority_chart(province, 5)  # its wards, not every school
    assert chart.title.startswith(f"Các đơn vị thuộc {PROVINCE}")
    assert chart.labels == [OTHER_WARD, WARD]
    text = authority_text(province, 5)
    assert "Các đơn vị trực thuộc (trung bình các trường):" in text
    assert f"• {WARD}: 80 %; 2 trường, 0 trường đạt mục tiêu" in text
    assert "1. Trường Mầm non Xã Khác: 100 % ✓; tham gia 5/5 (100 %)" in text


def load_sheetnames(path: Path) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    names = list(book.sheetnames)
    book.close()
    return names
