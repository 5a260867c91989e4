"""The renderers' own rules: measured lines of Times New Roman, charts whose every text is inside
the picture, CSV fields in each dialect."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from bot.numbers import vi_number
from bot.reports.charts import draw_chart, render_chart
from bot.reports.metrics import NO_BREAK, break_lines, text_width
from bot.reports.model import BarChart, Line, Percent, Series
from bot.reports.tables import EXCEL_VN, RFC4180, csv_text

LONG = "Trường Mầm non Tư thục Song ngữ Quốc tế Hoa Hướng Dương Thành phố Hồ Chí Minh"
TITLE = (
    "Chỉ số hài lòng theo nội dung – Trường Mầm non Tư thục Song ngữ Quốc tế Hoa Hướng Dương "
    "thuộc Ủy ban nhân dân phường Sài Gòn, Thành phố Hồ Chí Minh, quý IV năm 2026"
)


@pytest.mark.parametrize(
    ("text", "size", "bold", "italic", "points"),
    [
        # Liberation Serif, whose widths are Times New Roman's, measures the same lines as:
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, True, False, 250.34),
        ("Độc lập - Tự do - Hạnh phúc", 13, True, False, 159.14),
        ("TRƯỜNG MẦM NON TƯ THỤC SONG NGỮ HOA HƯỚNG DƯƠNG", 12, True, False, 371.43),
        ("Sài Gòn, ngày 05 tháng 12 năm 2026", 13, False, True, 194.27),
    ],
)
def test_a_line_is_as_wide_as_times_new_roman_sets_it(
    text: str, size: float, bold: bool, italic: bool, points: float
) -> None:
    assert text_width(text, size, bold=bold, italic=italic) == pytest.approx(points, abs=0.2)


def test_lines_are_few_even_and_broken_only_between_the_given_parts() -> None:
    name = f"ỦY{NO_BREAK}BAN{NO_BREAK}NHÂN{NO_BREAK}DÂN PHƯỜNG{NO_BREAK}SÀI{NO_BREAK}GÒN"
    assert break_lines(name, 400, 12) == [name]  # fits: one line
    assert break_lines(name, 180, 12) == name.split(" ")
    words = "một hai ba bốn năm sáu bảy tám"
    even = break_lines(words, text_width(words, 12) * 0.6, 12)
    assert len(even) == 2 and " ".join(even) == words
    widths = [text_width(line, 12) for line in even]
    assert max(widths) - min(widths) < text_width("bốn", 12)
    # a long paragraph is filled line by line, as a word processor does
    long = " ".join(["phản ánh"] * 150)
    filled = break_lines(long, 300, 13)
    assert " ".join(filled) == long and all(text_width(line, 13) <= 300 for line in filled)
    # a part wider than any line is opened at its no-break spaces, still between words
    glued = NO_BREAK.join(["HOA", "HƯỚNG", "DƯƠNG", "SONG", "NGỮ"])
    assert [line.replace(NO_BREAK, " ") for line in break_lines(glued, 80, 12)] == [
        "HOA HƯỚNG",
        "DƯƠNG",
        "SONG NGỮ",
    ]


def drawn_texts(figure: Figure) -> list[Text]:
    """Every text the picture shows: titles, note, legend, axis labels, the ticks in view, the
    values on the bars."""
    found: list[Text] = [*figure.texts]
    for axes in figure.axes:
        found += axes.texts
        legend = axes.get_legend()
        if legend is not None:
            found += legend.get_texts()
        if not axes.axison:
            continue
        found += [axes.xaxis.label, axes.yaxis.label]
        for axis, (low, high) in ((axes.xaxis, axes.get_xlim()), (axes.yaxis, axes.get_ylim())):
            low, high = min(low, high), max(low, high)
            found += [t.label1 for t in axis.get_major_ticks() if low <= t.get_loc() <= high]
    return [text for text in found if text.get_text() and text.get_visible()]


def outside(figure: Figure) -> list[str]:
    """The drawn texts any part of which falls outside the picture."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    box = figure.bbox
    found = []
    for text in drawn_texts(figure):
        extent = text.get_window_extent(renderer)
        if extent.x0 < box.x0 or extent.x1 > box.x1 or extent.y0 < box.y0 or extent.y1 > box.y1:
            found.append(text.get_text())
    return found


@pytest.mark.parametrize("labels", [[LONG, "Trường Mầm non An Bình", "Trường Mầm non Bình An"], []])
def test_a_long_title_is_wrapped_and_nothing_is_cut_off(labels: list[str]) -> None:
    chart = BarChart(
        TITLE,
        labels,
        [Series("Quý IV năm 2026", [81.82, 90.0, None][: len(labels)])] if labels else [],
        [Line(90, "Mục tiêu 90 %"), Line(85.91, "Trung bình các trường: 85,91 %", "dotted")],
        note="Chỉ số của trường có dưới 5 câu trả lời không hiển thị (ẩn (dưới 5 câu trả lời)), "
        "để giữ ẩn danh; trung bình tính trên các trường có số liệu, mỗi trường tính như nhau.",
    )
    figure = draw_chart(chart)
    title = figure.get_suptitle()
    assert title.replace("\n", " ") == TITLE and title.count("\n") >= 1
    shown = [text.get_text().replace("\n", " ") for text in drawn_texts(figure)]
    assert TITLE in shown and chart.note in shown and (not labels or "81,8" in shown)
    assert outside(figure) == []


def test_csv_fields_in_each_dialect() -> None:
    assert [csv_text(v) for v in (Percent(64.0), 4.125, 12, date(2026, 2, 5), None)] == [
        "64,00", "4,12", "12", "05/02/2026", "",
    ]  # fmt: skip
    assert csv_text(Percent(64), RFC4180) == "64.00" and csv_text(-2.1, EXCEL_VN) == "-2,10"


def test_a_chart_without_bars_is_readable_on_a_phone() -> None:
    """A phone shows a chat picture about 290 px wide: the words of a chart that is only words
    (nothing to show yet, or too few answers) stay at least 9 px high there."""
    note = "Chỉ số hài lòng: ẩn (dưới 5 câu trả lời), để giữ ẩn danh."
    figure = draw_chart(BarChart(TITLE, [], [], note=note))
    scale = 290 / figure.bbox.width
    drawn = drawn_texts(figure)
    assert {t.get_text().replace("\n", " ") for t in drawn} == {TITLE, note}
    sizes = [float(t.get_fontsize()) * figure.dpi / 72 * scale for t in drawn]
    assert min(sizes) >= 9, sizes
    assert outside(figure) == []


ELEMENTS = [
    "Tiếp cận dịch vụ giáo dục", "Cơ sở vật chất", "Môi trường chăm sóc và giáo dục trẻ",
    "Hoạt động chăm sóc và giáo dục trẻ", "Kết quả chăm sóc và giáo dục trẻ",
    "Tiếp nhận, xử lý phản ánh – kiến nghị (ẩn (dưới 5 câu trả lời))", "Chỉ số chung",
]  # fmt: skip
SCHOOLS = [LONG, *(f"Trường Mầm non {name}" for name in (
    "Hướng Dương", "Bông Hồng", "Hoa Sen", "19/5", "Sơn Ca 7", "Họa Mi", "Tuổi Thơ", "Bình An",
    "An Bình", "Vành Khuyên", "Măng Non",
))]  # fmt: skip
NOTE = "“–”: không so sánh với tuần trước (bộ câu hỏi khác phiên bản)."
PHONE_CHARTS = {
    "a school's week": BarChart(
        TITLE, ELEMENTS,
        [Series("Tuần 16/11 – 22/11/2026", [91.3, 84.62, 100.0, 78.95, 88.0, None, 88.57]),
         Series("Tuần 09/11 – 15/11/2026", [85.0, 80.0, 95.45, None, 86.36, 70.0, 83.36])],
        [Line(90, "Mục tiêu 90 %")], note=NOTE,
    ),
    "twelve schools of a ward": BarChart(
        "Các trường thuộc Ủy ban nhân dân phường Sài Gòn – tuần 16/11 – 22/11/2026", SCHOOLS,
        [Series("Chỉ số chung (%)", [97.5, 91.67, 88.4, 85.71, 84.2, 81, 79.35, 76.9, 72, 68.25,
                                     None, 100]),
         Series("Tỷ lệ tham gia (%)", [80, 46.67, 62.5, 35, 100, 55, 41.18, 73, 20, 66.67, 12.5,
                                       90])],
        [Line(90, "Mục tiêu 90 %"), Line(83.18, "Chỉ số chung trung bình: 83,18 %", "dotted")],
        note="Chỉ số của trường có dưới 5 phiếu trong kỳ: ẩn (dưới 5 phiếu), để giữ ẩn danh.",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(PHONE_CHARTS))
def test_a_chart_with_bars_is_readable_on_a_phone(name: str, tmp_path: Path) -> None:
    """A phone shows a chat picture about 360 px wide: every word and figure of the saved PNG,
    scaled so, is at least 10 px high; each group's name is whole, above its own bars; the file
    stays small."""
    chart = PHONE_CHARTS[name]
    path = render_chart(chart, tmp_path / "chart.png")
    with Image.open(path) as image:
        width, height = image.size
    figure = draw_chart(chart)
    assert figure.canvas.get_width_height(physical=True) == (width, height)  # what is measured
    scale = 360 / width
    drawn = drawn_texts(figure)
    sizes = {t.get_text(): float(t.get_fontsize()) * figure.dpi / 72 * scale for t in drawn}
    assert min(sizes.values()) >= 10, sizes
    shown = {text.replace("\n", " ") for text in sizes}
    assert set(chart.labels) <= shown and outside(figure) == []
    figures = {vi_number(v) for series in chart.series for v in series.values if v is not None}
    assert figures <= shown and "–" in shown and not any("." in text for text in figures)
    [axes] = figure.axes
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    names = [t for t in axes.texts if t.get_text().replace("\n", " ") in chart.labels]
    bars = len(chart.series)
    for number, label in enumerate(names):
        first = axes.patches[number]  # the first series' bar of this group
        last = axes.patches[(bars - 1) * len(names) + number]
        box = label.get_window_extent(renderer)
        assert box.y0 >= first.get_window_extent(renderer).y1 - 0.5, label.get_text()
        if number + 1 < len(names):  # the next name begins below this group's last bar
            below = names[number + 1].get_window_extent(renderer)
            assert below.y1 <= last.get_window_extent(renderer).y0, label.get_text()
    assert path.stat().st_size < 60_000
