"""A report's files: what each form shows (tables, chart, document), written off the event loop."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.channels.base import Outbound
from bot.reports import render
from bot.reports.model import BarChart, Document, Sheet
from bot.settings import Settings
from handlers import texts
from handlers.reports.addressee import Addressee
from handlers.reports.authority import AuthorityFigures
from handlers.reports.authority_view import authority_chart, authority_sheets
from handlers.reports.charts import school_chart
from handlers.reports.figures import SchoolFigures
from handlers.reports.quarterly import report_document
from handlers.reports.sheets import school_sheets
from handlers.reports.wording import period_label
from surveys.text import fold


@dataclass(frozen=True)
class Forms:
    """Everything a report can be rendered as; which one is written depends on the file asked."""

    stem: str  # the name the reader sees, without extension
    label: str  # the period, in words, for captions
    sheets: Sequence[Sheet]
    chart: BarChart | None
    document: Document | None = None


@dataclass(frozen=True)
class Written:
    path: Path  # where it is (a unique name)
    name: str  # what the reader sees


def school_forms(
    figures: SchoolFigures, settings: Settings, today: date, addressee: Addressee | None = None
) -> Forms:
    """The school report's tables and chart, and its DOCX draft to `addressee` if given."""
    survey = figures.survey(settings.report_survey) or next(iter(figures.surveys), None)
    period = figures.period
    document = None
    if addressee is not None:
        document = report_document(
            figures, settings.report_survey, today, settings.min_group_size, addressee
        )
    return Forms(
        stem=f"bao-cao-{_slug(figures.code)}-{period.start}-{period.end}",
        label=period_label(period),
        sheets=school_sheets(figures, settings.min_group_size),
        chart=school_chart(figures, survey, settings.min_group_size),
        document=document,
    )


def authority_forms(view: AuthorityFigures, settings: Settings) -> Forms:
    """The authority view's sheets and chart (it has no document)."""
    period = view.period
    return Forms(
        stem=f"cac-truong-{_slug(view.name)}-{period.start}-{period.end}",
        label=period_label(period),
        sheets=authority_sheets(view, settings.min_group_size),
        chart=authority_chart(view, settings.min_group_size),
    )


async def write_forms(forms: Forms, folder: Path, suffixes: Sequence[str]) -> list[Written]:
    """Writes one file per suffix into `folder`, each under a name never used before."""
    token = secrets.token_hex(4)  # two reports of one school and period never collide
    written = [
        Written(folder / f"{forms.stem}-{token}{suffix}", forms.stem + suffix)
        for suffix in suffixes
    ]
    await asyncio.to_thread(_render_all, forms, [w.path for w in written])
    return written


def attachments(forms: Forms, written: Sequence[Written], chat_id: str = "") -> list[Outbound]:
    """The files as messages: the chart as a photo, the others as documents, each captioned."""
    captions = {
        ".png": texts.REPORT_CHART_CAPTION,
        ".xlsx": texts.REPORT_XLSX_CAPTION,
        ".docx": texts.REPORT_DOCX_CAPTION,
    }
    messages = []
    for file in written:
        caption = captions.get(file.path.suffix, "{period}").format(period=forms.label)
        if file.path.suffix == ".png":
            chart = str(file.path)
            messages.append(
                Outbound(chat_id, caption, image=chart, image_text=texts.CHART_ELSEWHERE)
            )
        else:
            messages.append(
                Outbound(chat_id, caption, document=str(file.path), document_name=file.name)
            )
    return messages


def discard(written: Sequence[Written]) -> None:
    """Removes files that will not be sent (another process sent the report first)."""
    for file in written:
        file.path.unlink(missing_ok=True)


def _render_all(forms: Forms, paths: Sequence[Path]) -> None:
    for path in paths:
        render(path, sheets=forms.sheets, chart=forms.chart, document=forms.document)


def _slug(text: str) -> str:
    """A file name part in plain ASCII: "UBND phường Sài Gòn" → "ubnd-phuong-sai-gon"."""
    return re.sub(r"[^a-z0-9_.-]+", "-", fold(text)).strip("-") or "bao-cao"
