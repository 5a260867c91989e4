"""What a school report's chart shows: its indices by element (the authority view's chart is
handlers/reports/authority_view.py)."""

from __future__ import annotations

from bot.reports.model import BarChart, Line, Series
from handlers import texts
from handlers.reports.figures import SchoolFigures, SurveyFigures
from handlers.reports.small_groups import mark
from handlers.reports.wording import period_label


def school_chart(figures: SchoolFigures, survey: SurveyFigures | None, min_group: int) -> BarChart:
    """The survey's element indices and overall index, this period beside the previous one."""
    period = period_label(figures.period)
    title = texts.REPORT_CHART_TITLE.format(school=figures.name, period=period)
    target = Line(figures.target, texts.REPORT_CHART_TARGET.format(target=figures.target))
    hidden = mark(min_group)
    about = texts.REPORT_CHART_NOTE.format(note=survey.note) if survey and survey.note else ""
    if survey is None or survey.score.suppressed:
        note = texts.REPORT_CHART_SUPPRESSED.format(mark=hidden) if survey else ""
        note = " ".join(filter(None, [note or texts.REPORT_NOTHING_YET, about]))
        return BarChart(title, [], [], note=note)
    elements = survey.score.elements
    labels = [e.title for e in elements]
    now = [e.index for e in elements]
    before = [survey.previous_index(e.key) for e in elements]
    if elements:
        labels.append(texts.REPORT_CHART_OVERALL)
        now.append(survey.score.overall_index)
        before.append(survey.previous_overall)
    elif survey.has_overall:  # a survey without elements (pulse)
        labels = [texts.ROW_OVERALL_QUESTION]
        now = [survey.score.overall_question_index]
        before = [survey.previous.overall_question_index if survey.previous else None]
    # a bar that too few answers leave without a figure says so under its name
    labels = [
        f"{label} ({hidden})" if value is None else label
        for label, value in zip(labels, now, strict=True)
    ]
    series = [Series(_capitalised(period), now)]
    notes = [about]
    if any(value is not None for value in before):
        series.append(Series(_capitalised(period_label(figures.period.previous())), before))
        if survey.changed:
            previous = texts.REPORT_PREVIOUS[figures.period.kind]
            notes.insert(0, texts.REPORT_CHART_NOT_COMPARED.format(previous=previous))
    return BarChart(title, labels, series, [target], note=" ".join(filter(None, notes)))


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]
